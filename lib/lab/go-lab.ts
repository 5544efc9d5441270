/**
 * The Go lab: every setting of go-experiments.ts run for real (go-runner.ts), read into the issue's
 * figures, replayed on the model with the lab's measured inputs (go-replay.ts, go-outage-replay.ts), and
 * compared (go-figures.ts). Linux and root only; everything it starts is stopped on exit, error, Ctrl-C.
 */
import { cpus } from 'node:os';
import { gcConfig, portTableConfig } from '../model/host-config.js';
import { defaultParams, type Params } from '../model/params.js';
import { PortTable } from '../model/port-table.js';
import {
  DEFAULT_GO_LAB,
  GO_EXPERIMENT,
  type GoFigures,
  type GoLabOptions,
  type GoSetting,
  goSettings,
} from './go-experiments.js';
import {
  compareGo,
  displacedShare,
  GO_TOLERANCE,
  type GoLabObject,
  withinGoTolerance,
} from './go-figures.js';
import { replayScaledOutage } from './go-outage-replay.js';
import {
  type DialBurstInput,
  replayDialBurst,
  replayGcCpu,
  replayGcPauseMs,
  replayLogging,
} from './go-replay.js';
import { checkGoLabPrerequisites, GoLabSession, type GoRunOutput } from './go-runner.js';

export interface GoLabReport {
  readonly goVersion: string;
  readonly cores: number;
  readonly tolerance: typeof GO_TOLERANCE;
  readonly objects: readonly GoLabObject[];
  readonly allAgree: boolean;
  readonly wallSec: number;
}

type Json = Record<string, unknown>;
type FinishedRun = GoRunOutput & { readonly result: Json };
const num = (x: unknown): number => (typeof x === 'number' ? x : Number.NaN);
const obj = (x: unknown): Json => (typeof x === 'object' && x !== null ? (x as Json) : {});
const round = (x: number, digits = 4): number => Number(x.toPrecision(digits));

/** The model's kernel time of a failing dial at a full range (the port table's own figure). */
export function modelFailingDialSec(p: Params): number {
  return new PortTable(portTableConfig(p)).dialSecAt(0);
}

/** The replay of a setting's burst: its Ps and goroutines, the lab's threads before and cores, the model's runtime. */
function burstInput(s: GoSetting, w: Json, p: Params, cores: number, dialSec: number): DialBurstInput {
  return {
    gomaxprocs: s.gomaxprocs,
    goroutines: s.goroutines,
    dialSec,
    sysmonTickSec: p.runtime.sysmonTickSec,
    handoffSec: p.runtime.saturatedHandoffSec,
    threadsBefore: num(w['threadsBefore']),
    cores,
    tickSec: p.runtime.tickSec,
  };
}

function dialObject(s: GoSetting, run: FinishedRun, p: Params, cores: number): GoLabObject {
  const f = obj(run.result['figures']);
  const w = obj(f['window']);
  const failed = num(f['requestsFailed']);
  const serialDials = num(f['serialDials']);
  const serialDialSec = num(f['serialSysCpuSec']) / serialDials;
  // The replay's input: the kernel time per failing dial the burst itself cost (its system CPU over its
  // dials). Dials made one at a time cost more here (see `serialSysCpuMsPerDial`), which the model has no
  // mechanism for; the burst's own figure is what its threads and wall time follow from.
  const burstDialSec = num(w['sysCpuSec']) / num(f['dials']);
  const lab: GoFigures = {
    threadsBefore: num(w['threadsBefore']),
    peakThreads: num(w['peakThreads']),
    sysCpuSec: round(num(w['sysCpuSec'])),
    wallSec: round(num(w['wallSec'])),
    sysCpuMsPerFailedDial: round(burstDialSec * 1000),
    requestsOk: num(f['requestsOk']),
    requestsFailed: failed,
  };
  const replay = replayDialBurst(burstInput(s, w, p, cores, burstDialSec));
  const modelDialSec = modelFailingDialSec(p);
  const cpuExperiment = s.experiment === GO_EXPERIMENT.failingDialCpu;
  const before = num(f['servedPerSecBefore']);
  const during = num(f['servedPerSecDuring']);
  const model: GoFigures = {
    threadsBefore: num(w['threadsBefore']),
    peakThreads: replay.peakThreads,
    sysCpuSec: round(s.goroutines * modelDialSec),
    wallSec: round(replay.cpuWallSec),
    sysCpuMsPerFailedDial: round(modelDialSec * 1000),
    requestsOk: cpuExperiment ? null : 0,
    requestsFailed: s.goroutines,
  };
  const notes = [
    `replay input: ${round(burstDialSec * 1000)} ms of kernel time per failing dial, the burst's system CPU over its dials, on ${cores} cores (dials made one at a time: ${round(serialDialSec * 1000)} ms each)`,
    "model wallSec: when the host's cores have served the burst's kernel work (cpu.ts); the engines end each dial after its own kernel time, so the last dial returns earlier (details.modelLastReturnSec, lab: details.burstDialSec.max)",
    "model sysCpuSec and sysCpuMsPerFailedDial: the model's own kernel cost of a failing bind at a full range (the port table's constants, from the kernel cost lab)",
  ];
  if (cpuExperiment)
    notes.push(
      "model requestsOk: null, not replayed: the lab's request workers are a closed loop of gets on warm connections, a load the model's workload has no form for (lab: requests served by the same process during the burst)",
    );
  const { checks, agrees } = compareGo(lab, model);
  return {
    experiment: s.experiment,
    setting: s.label,
    gomaxprocs: s.gomaxprocs,
    goroutines: s.goroutines,
    lab: cpuExperiment ? { ...lab, requestsOk: round(during * num(w['wallSec']), 6) } : lab,
    model,
    agrees,
    checks,
    notes,
    details: {
      fill: run.fill,
      errors: f['errors'],
      burstDialSec: f['dialSec'],
      serialDialSec: f['serialDialSec'],
      serialSysCpuMsPerDial: round(serialDialSec * 1000),
      modelPeakBlocked: replay.peakBlocked,
      modelLastReturnSec: round(replay.lastReturnSec),
      modelHandoffSec: Math.max(p.runtime.sysmonTickSec, p.runtime.saturatedHandoffSec),
      ...(cpuExperiment && {
        servedPerSecBefore: round(before),
        servedPerSecDuring: round(during),
        servedPerSecAfter: round(num(f['servedPerSecAfter'])),
        displacedShare: round(displacedShare(before, during)),
      }),
    },
  };
}

/** One `--json` object: the setting, both sides' figures, and their comparison (`compareGo`). */
function goObject(
  s: GoSetting,
  lab: GoFigures,
  model: GoFigures,
  extra: Readonly<Record<string, boolean>>,
  notes: readonly string[],
  details: Readonly<Record<string, unknown>>,
): GoLabObject {
  const { checks, agrees } = compareGo(lab, model, extra);
  return {
    experiment: s.experiment,
    setting: s.label,
    gomaxprocs: s.gomaxprocs,
    goroutines: s.goroutines,
    lab,
    model,
    agrees,
    checks,
    notes,
    details,
  };
}

function loggingObject(s: GoSetting, run: FinishedRun, p: Params): GoLabObject {
  const f = obj(run.result['figures']);
  const w = obj(f['window']);
  const lineBytes = run.stderrLines > 0 ? run.stderrBytes / run.stderrLines : num(f['lineBytes']);
  const lab: GoFigures = {
    threadsBefore: num(w['threadsBefore']),
    peakThreads: num(w['peakThreads']),
    sysCpuSec: round(num(w['sysCpuSec'])),
    wallSec: round(num(w['wallSec'])),
    requestsFailed: num(f['linesWritten']),
  };
  const replay = replayLogging({
    gomaxprocs: s.gomaxprocs,
    lines: s.goroutines,
    lineBytes,
    pipeBytesPerSec: run.drainedBytesPerSec,
    sysmonTickSec: p.runtime.sysmonTickSec,
    threadsBefore: num(w['threadsBefore']),
  });
  const model: GoFigures = {
    threadsBefore: num(w['threadsBefore']),
    peakThreads: replay.peakThreads,
    sysCpuSec: round(replay.linesWritten * p.host.kernelPerLogWriteSec),
    wallSec: round(replay.wallSec),
    requestsFailed: replay.linesWritten,
  };
  return goObject(
    s,
    lab,
    model,
    {},
    [
      'requestsFailed: error lines logged (one per goroutine), all written through the slow pipe',
      'model sysCpuSec: the lines written x host.kernelPerLogWriteSec, the kernel CPU both engines charge per line; the 64 KiB pipe buffer is not modelled (<2% of the wall time)',
      `stderr of the Go program is a blocking pipe (O_NONBLOCK: ${String(run.result['stderrNonblocking'])}), drained by the lab at ${s.drainBytesPerSec} bytes/s; the model is given the rate the drain achieved`,
    ],
    {
      lineBytes: round(lineBytes),
      stderrBytes: run.stderrBytes,
      stderrLines: run.stderrLines,
      drainBytesPerSec: { set: s.drainBytesPerSec, achieved: round(run.drainedBytesPerSec) },
    },
  );
}

function gcObject(s: GoSetting, run: FinishedRun, p: Params): GoLabObject {
  const f = obj(run.result['figures']);
  const w = obj(f['window']);
  const threads = num(w['peakThreads']);
  const lab: GoFigures = {
    threadsBefore: num(w['threadsBefore']),
    peakThreads: threads,
    sysCpuSec: round(num(w['sysCpuSec'])),
    wallSec: round(num(w['wallSec'])),
    gcPauseP99Ms: round(num(w['gcPauseP99Ms'])),
  };
  const config = {
    ...gcConfig(p),
    gomaxprocs: s.gomaxprocs,
    gogcPercent: 100,
    memLimitBytes: num(flagValue(s, '-gomemlimit') ?? 0),
  };
  const pauseMs = replayGcPauseMs(config, threads);
  const cpu = replayGcCpu({
    config,
    liveHeapBytes: num(f['liveBytes']),
    stackBytes: s.goroutines * p.runtime.goroutineStackBytes,
    allocBytesPerSec: num(f['allocatedBytes']) / num(w['wallSec']),
    durationSec: num(w['wallSec']),
    stepSec: p.runtime.tickSec,
  });
  const model: GoFigures = {
    threadsBefore: null,
    peakThreads: null,
    sysCpuSec: null,
    wallSec: null,
    gcPauseP99Ms: round(pauseMs),
  };
  const labCpu = num(w['gcCpuFraction']);
  const cpuOk = withinGoTolerance('sysCpuSec', labCpu, cpu.cpuFraction);
  const p50Ok = withinGoTolerance('gcPauseP99Ms', num(w['gcPauseP50Ms']), pauseMs);
  // The lab's mark throughput: the live heap (all pointers) marked once a cycle, over the GC's CPU time
  // (dedicated and idle workers and assists). With parked goroutines their stacks are marked too, so the
  // figure is compared only where there are none.
  const gcCoreSec = labCpu * s.gomaxprocs * num(w['wallSec']);
  const markLab = gcCoreSec > 0 ? (num(f['liveBytes']) * num(w['gcCycles'])) / gcCoreSec : 0;
  const markModel = config.markBytesPerSecPerCore;
  const extra: Record<string, boolean> = { gcCpuFraction: cpuOk, gcPauseP50Ms: p50Ok };
  if (s.goroutines === 0)
    extra['markBytesPerSecPerCore'] = withinGoTolerance('sysCpuSec', markLab, markModel);
  return goObject(
    s,
    lab,
    model,
    extra,
    [
      'model: one stop-the-world pause per phase = runtime.stwBaseSec + runtime.stwPerThreadSec x threads (gc.ts), with the lab threads; compared with the p99 and the median of the pauses',
      'model gcCpuFraction: the pacer (gc.ts) over the window with the lab live heap, allocation rate, GOGC 100 and GOMEMLIMIT',
      'markBytesPerSecPerCore: lab = live heap x GC cycles / GC CPU seconds (GCCPUFraction x GOMAXPROCS x window), against gc.markBytesPerSecPerCore; compared without parked goroutines',
      'model threads, CPU and wall: null (the window is set by the lab)',
    ],
    {
      gcCycles: w['gcCycles'],
      gcPauseP50Ms: w['gcPauseP50Ms'],
      gcPauseMaxMs: w['gcPauseMaxMs'],
      gcCpuFraction: { lab: round(labCpu), model: round(cpu.cpuFraction) },
      markBytesPerSecPerCore: { lab: Math.round(markLab), model: markModel },
      modelGcCycles: cpu.cycles,
      allocatedBytes: f['allocatedBytes'],
      liveBytes: f['liveBytes'],
      heapBytesAfter: w['heapBytesAfter'],
    },
  );
}

/**
 * gc-dials: a forced GC cycle inside a burst of failing dials. The burst is replayed as in dialObject; the
 * replay's mark needs the CPU the lab's mark took alone and wants the GC's background share of the Ps
 * (both engines' rule, cpu.ts), from the instant the lab's cycle started.
 */
export function gcDialsObject(
  s: GoSetting,
  result: Json,
  p: Params,
  cores: number,
  fill: Readonly<Record<string, unknown>> | null = null,
): GoLabObject {
  const f = obj(result['figures']);
  const w = obj(f['window']);
  const during = obj(f['during']);
  const alone = Array.isArray(f['alone']) ? (f['alone'] as unknown[]).map(obj) : [];
  const markCoreSec = num(f['aloneUserCpuSec']) / alone.length;
  const burstDialSec = num(w['sysCpuSec']) / num(f['dials']);
  const replay = replayDialBurst({
    ...burstInput(s, w, p, cores, burstDialSec),
    mark: { atSec: num(during['startSec']), coreSec: markCoreSec },
  });
  const markWall = num(during['markWallSec']);
  const modelMarkWall = replay.markWallSec ?? Number.NaN;
  const lab: GoFigures = {
    threadsBefore: num(w['threadsBefore']),
    peakThreads: num(w['peakThreads']),
    wallSec: round(num(w['wallSec'])),
  };
  const model: GoFigures = {
    threadsBefore: num(w['threadsBefore']),
    peakThreads: replay.peakThreads,
    wallSec: round(replay.cpuWallSec),
  };
  const gcPShare = num(during['gcPSec']) / (markWall * s.gomaxprocs);
  const markStart = num(during['startSec']);
  const runnable = runnableInMark(
    f['runnable'],
    markStart,
    markStart + markWall,
    cores,
    markCoreSec / markWall,
  );
  // The lab's mark CPU while the dials ran: all of it when the mark ended first, unknown otherwise.
  const burstAfterMark = num(f['burstAfterMarkSec']);
  const labInBurst = burstAfterMark >= 0 ? markCoreSec : null;
  const inBurstChecks: Record<string, boolean> =
    labInBurst === null
      ? {}
      : { markCoreSecInBurst: withinGoTolerance('sysCpuSec', labInBurst, replay.markCoreSecInBurst) };
  return goObject(
    s,
    lab,
    model,
    { markWallSec: withinGoTolerance('wallSec', markWall, modelMarkWall), ...inBurstChecks },
    [
      `the GC is off but for forced cycles (GOGC -1) over ${num(f['liveBytes']) / 2 ** 20} MiB of pointers; three cycles alone, then one in the burst, asked for ${flagValue(s, '-window-sec')} s into it and started at ${round(num(during['startSec']))} s (the main goroutine waits for its P and a core behind the dialers' threads)`,
      `replay input: ${round(burstDialSec * 1000)} ms of kernel time per failing dial (the burst's system CPU over its dials) on ${cores} cores, and a mark of ${round(markCoreSec)} core-seconds (the user CPU of one cycle alone)`,
      'markWallSec: from the forced cycle to the end of its mark termination (MemStats.LastGC); model: the mark wants DEDICATED_MARK_SHARE of the Ps each step and is served by the sharing rule of cpu.ts, which leaves it the Ps the dials do not hold',
      'gcPShare: the P time the runtime charged to the GC during the mark (work.totaltime) over GOMAXPROCS x the mark: a dedicated mark worker that keeps its P all through is 1 / GOMAXPROCS',
      "markCores: the mark's CPU over its wall time, what the GC got of the cores; lab: the CPU of a mark alone (the burst's goroutine stacks aside) over the mark's wall time in the burst; model: averaged over its mark, most of it served after the dials",
      "markCoreSecInBurst: the mark's CPU served while the dials ran; lab: the whole mark when it ended before the burst's last return (burstAfterMarkSec >= 0), else not compared; model: what the sharing rule of cpu.ts left it, which is step-to-step noise in the P time the dials hold; compared with the CPU tolerance",
      'the replay admits dials on all the Ps while marking; in Go the dedicated worker keeps one of them',
      "runnableInMark: the process's threads in state R (/proc/self/task/*/stat) every 20 ms inside the mark, the sampler's own left out (the sampling goroutine waits for a P like the dialers, so it samples far less often than samplesDue, and only when it gets one); evenShareCores = min(1, cores / mean), a thread's fair share of the cores among them; markCoresOverEvenShare = markCores.lab over it, 1 when the dedicated worker's thread gets exactly its share",
    ],
    {
      markWallSec: { lab: round(markWall), model: round(modelMarkWall) },
      markCores: { lab: round(markCoreSec / markWall), model: round(markCoreSec / modelMarkWall) },
      markCoreSecInBurst: {
        lab: labInBurst === null ? null : round(labInBurst),
        model: round(replay.markCoreSecInBurst),
      },
      gcPShare: round(gcPShare),
      aloneMarkWallSec: alone.map((c) => round(num(c['markWallSec']))),
      markCoreSecAlone: round(markCoreSec),
      markStartSec: round(num(during['startSec'])),
      burstAfterMarkSec: round(num(f['burstAfterMarkSec'])),
      modelLastReturnSec: round(replay.lastReturnSec),
      dials: f['dials'],
      errors: f['errors'],
      runnableInMark: runnable,
      fill,
    },
  );
}

/** The runnable threads the lab counted while the burst's mark ran, and the share of the cores that gives a thread. */
export interface RunnableInMark {
  /** Samples inside the mark. */
  readonly samples: number;
  /**
   * Samples a sampler that ran every 20 ms would have taken: the sampling goroutine needs a P like any
   * other, so in a burst it runs far less often, and only when it gets one.
   */
  readonly samplesDue: number;
  /** Mean threads in state R, the sampler's own thread left out; null without a sample. */
  readonly mean: number | null;
  /** A thread's even share of the cores among them: min(1, cores / mean) cores; null without a sample. */
  readonly evenShareCores: number | null;
  /** The lab's mark CPU over its wall time (`markCores.lab`) against that share; null without a sample. */
  readonly markCoresOverEvenShare: number | null;
}

/**
 * gc-dials' runnable-thread samples (`{tSec, runnable}` from the burst's start, each counting the sampler
 * itself) inside [startSec, endSec], the mark, with the cores and the mark's CPU rate they are set against.
 */
export function runnableInMark(
  samples: unknown,
  startSec: number,
  endSec: number,
  cores: number,
  markCores: number,
): RunnableInMark {
  const inMark = (Array.isArray(samples) ? samples : [])
    .map(obj)
    .filter((x) => Number(x['tSec']) >= startSec && Number(x['tSec']) <= endSec)
    .map((x) => Math.max(0, Number(x['runnable']) - 1))
    .filter((x) => Number.isFinite(x));
  const samplesDue = Math.floor((endSec - startSec) / 0.02 + 1e-9);
  if (inMark.length === 0)
    return { samples: 0, samplesDue, mean: null, evenShareCores: null, markCoresOverEvenShare: null };
  const mean = inMark.reduce((a, x) => a + x, 0) / inMark.length;
  const share = mean > 0 ? Math.min(1, cores / mean) : 1;
  return {
    samples: inMark.length,
    samplesDue,
    mean: round(mean),
    evenShareCores: round(share),
    markCoresOverEvenShare: round(markCores / share),
  };
}

/** One unit cost: what the Go program measured, what the model charges, and whether they agree. */
interface UnitCost {
  readonly lab: number;
  readonly model: number;
  readonly unit: string;
  readonly param: string;
}

/**
 * unit-costs: the CPU of one dial, get and close, and the memory of one parked goroutine and one OS
 * thread, measured one at a time (GOMAXPROCS 1, an empty port range), beside the model's constants.
 */
export function unitCostsObject(s: GoSetting, result: Json, p: Params): GoLabObject {
  const f = obj(result['figures']);
  const perOp = (phase: string, key: 'sysCpuSec' | 'cpuSec') => {
    const x = obj(f[phase]);
    const cpu = key === 'cpuSec' ? num(x['userCpuSec']) + num(x['sysCpuSec']) : num(x['sysCpuSec']);
    return cpu / num(x['ops']);
  };
  const table = new PortTable(portTableConfig(p));
  const parked = num(f['parkedGoroutines']);
  const threads = num(f['threadsAdded']);
  const units: Record<string, UnitCost> = {
    dialSysUs: {
      lab: round(perOp('dials', 'sysCpuSec') * 1e6),
      model: round(table.dialSysCpuSecAt(table.portCount) * 1e6),
      unit: 'us',
      param: 'kernel.dialSyscallSec (the port table at an empty range)',
    },
    getCpuUs: {
      lab: round(perOp('gets', 'cpuSec') * 1e6),
      model: round(p.host.cpuPerOpSec * 1e6),
      unit: 'us',
      param: 'host.cpuPerOpSec',
    },
    closeSysUs: {
      lab: round(perOp('closes', 'sysCpuSec') * 1e6),
      model: round(p.host.kernelPerCloseSec * 1e6),
      unit: 'us',
      param: 'host.kernelPerCloseSec',
    },
    goroutineStackBytes: {
      lab: Math.round(num(f['stackBytesDelta']) / parked),
      model: p.runtime.goroutineStackBytes,
      unit: 'bytes',
      param: 'runtime.goroutineStackBytes',
    },
    threadBytes: {
      lab: Math.round((num(f['threadStackBytesDelta']) + num(f['kernelStackBytesDelta'])) / threads),
      model: p.runtime.threadBytes,
      unit: 'bytes',
      param: 'runtime.threadBytes',
    },
  };
  const extra: Record<string, boolean> = {};
  for (const [key, u] of Object.entries(units)) extra[key] = withinGoTolerance('sysCpuSec', u.lab, u.model);
  const n = num(obj(f['dials'])['ops']);
  const lab: GoFigures = {
    sysCpuSec: round(num(obj(f['dials'])['sysCpuSec']) + num(obj(f['closes'])['sysCpuSec'])),
  };
  const model: GoFigures = {
    sysCpuSec: round(n * (table.dialSysCpuSecAt(table.portCount) + p.host.kernelPerCloseSec)),
  };
  return goObject(
    s,
    lab,
    model,
    extra,
    [
      `each phase: ${n} operations made one at a time by one goroutine (GOMAXPROCS 1) at an empty range, CPU from getrusage over the phase`,
      'sysCpuSec: the dials and closes phases (model: the port table at an empty range plus host.kernelPerCloseSec, per connection)',
      'dialSysUs: bind-before-connect from 127.32.0.1 through net.Dialer (the Go dial makes socket, setsockopt, bind, connect, epoll_ctl, getsockname and getpeername calls); the kernel cost lab times socket, bind and connect alone',
      'getCpuUs: user + system CPU of one get through the lab client on one idle connection (the write, the netpoller wait and wake, the read); memcached runs in its own process',
      `goroutineStackBytes: growth of goroutine stack memory (runtime/metrics /memory/classes/heap/stacks:bytes) per goroutine parked in a get, each on its own connection to a listener that never answers, the GC off`,
      `threadBytes: per extra OS thread blocked in nanosleep(2): the Go stacks the runtime gave it (g0 and the signal stack, runtime/metrics) plus its kernel stack (/proc/meminfo KernelStack, machine-wide)`,
      'compared with the CPU tolerance (15%)',
    ],
    {
      units,
      phases: { dials: f['dials'], gets: f['gets'], closes: f['closes'] },
      parkedGoroutines: parked,
      rssBytesPerParkedGoroutine: Math.round(num(f['rssBytesDelta']) / parked),
      threadsAdded: threads,
      threadGoStackBytes: Math.round(num(f['threadStackBytesDelta']) / threads),
      threadKernelStackBytes: Math.round(num(f['kernelStackBytesDelta']) / threads),
    },
  );
}

function flagValue(s: GoSetting, flag: string): string | undefined {
  const i = s.flags.indexOf(flag);
  return i >= 0 ? s.flags[i + 1] : undefined;
}

function outageObject(s: GoSetting, run: FinishedRun, p: Params, outageSec: number): GoLabObject {
  const f = obj(run.result['figures']);
  const w = obj(f['window']);
  const samples = run.samples;
  const peak = (key: string) => samples.reduce((a, x) => Math.max(a, num(x[key])), 0);
  const lab: GoFigures = {
    threadsBefore: num(w['threadsBefore']),
    peakThreads: Math.max(num(w['peakThreads']), peak('threads')),
    sysCpuSec: round(num(w['sysCpuSec'])),
    wallSec: round(num(w['wallSec'])),
    requestsOk: num(f['requestsOk']),
    requestsFailed: num(f['requestsFailed']),
  };
  const replay = replayScaledOutage(s, outageSec, num(w['threadsBefore']), p, cpus().length);
  const model: GoFigures = {
    threadsBefore: num(w['threadsBefore']),
    peakThreads: replay.peakThreads,
    sysCpuSec: replay.sysCpuSec,
    wallSec: outageSec,
    requestsOk: replay.requestsOk,
    requestsFailed: replay.requestsFailed,
  };
  const labTw = peak('timeWait');
  return goObject(
    s,
    lab,
    model,
    {
      peakTimeWait: withinGoTolerance('requestsFailed', labTw, replay.peakTimeWait),
    },
    [
      'requests: normal GetPostRecords requests (1-50 URIs), failed when a get failed or the answer came after 1 s',
      "model: the des engine on one host with the same load, GOMAXPROCS, the lab's cores, memcached threads, pool, timeout, range and fix, mean of 8 seeds (Poisson batches); sysCpuSec the kernel work its CPU model served",
      'requests still in flight at the end of the window count as neither ok nor failed, in the lab and in the model',
      'peakTimeWait compared with the count tolerance',
    ],
    {
      peakTimeWait: { lab: labTw, model: replay.peakTimeWait },
      bigBatchesFinished: { lab: num(f['bigOk']) + num(f['bigFailed']), model: replay.bigBatches },
      peakRssBytes: peak('rssBytes'),
      peakGoroutines: peak('goroutines'),
      latencySec: f['latencySec'],
      bigBatches: { ok: f['bigOk'], failed: f['bigFailed'] },
      errors: f['errors'],
      dials: { lab: f['dials'], model: replay.dials },
      dialErrors: { lab: f['dialErrors'], model: replay.dialErrors },
      linesLogged: f['linesLogged'],
      perSecond: perSecond(samples),
      userCpuSec: round(num(w['userCpuSec'])),
    },
  );
}

/** A run killed at its time bound: what its samples showed, and no agreement. */
function unfinishedObject(s: GoSetting, run: GoRunOutput): GoLabObject {
  const last = run.samples[run.samples.length - 1] ?? {};
  const first = run.samples[0] ?? {};
  const peak = (key: string) => run.samples.reduce((a, x) => Math.max(a, num(x[key])), 0);
  return {
    experiment: s.experiment,
    setting: s.label,
    gomaxprocs: s.gomaxprocs,
    goroutines: s.goroutines,
    lab: {
      threadsBefore: num(first['threads']),
      peakThreads: peak('threads'),
      sysCpuSec: round(num(last['sysCpuSec'])),
      wallSec: round(num(last['tSec'])),
      requestsOk: num(last['requestsOk']),
      requestsFailed: num(last['requestsFailed']),
    },
    model: {},
    agrees: false,
    checks: { finished: false },
    notes: [
      `the program did not finish within its ${s.timeoutSec} s bound and was killed; figures are its last sample (stalled by its own kernel work)`,
    ],
    details: { perSecond: perSecond(run.samples), peakTimeWait: { lab: peak('timeWait'), model: null } },
  };
}

/** Requests ok and failed, TIME_WAIT and threads, once per second (from the 100 ms samples). */
function perSecond(samples: readonly Json[]): Json[] {
  const out: Json[] = [];
  let last = { ok: 0, failed: 0 };
  let next = 1;
  for (const x of samples) {
    if (num(x['tSec']) + 1e-9 < next) continue;
    const ok = num(x['requestsOk']);
    const failed = num(x['requestsFailed']);
    out.push({
      tSec: next,
      ok: ok - last.ok,
      failed: failed - last.failed,
      timeWait: x['timeWait'],
      threads: x['threads'],
      rssBytes: x['rssBytes'],
    });
    last = { ok, failed };
    next++;
  }
  return out;
}

/** The `--json` object of a finished run, by its experiment. */
function goLabObject(s: GoSetting, run: FinishedRun, params: Params, options: GoLabOptions): GoLabObject {
  const cores = cpus().length;
  switch (s.experiment) {
    case GO_EXPERIMENT.loggingThreads:
      return loggingObject(s, run, params);
    case GO_EXPERIMENT.gc:
      return gcObject(s, run, params);
    case GO_EXPERIMENT.gcDials:
      return gcDialsObject(s, run.result, params, cores, run.fill);
    case GO_EXPERIMENT.unitCosts:
      return unitCostsObject(s, run.result, params);
    case GO_EXPERIMENT.scaledOutage:
      return outageObject(s, run, params, options.outageSec);
    case GO_EXPERIMENT.failingDialThreads:
    case GO_EXPERIMENT.failingDialCpu:
      return dialObject(s, run, params, cores);
  }
}

export async function runGoLab(
  options: GoLabOptions = DEFAULT_GO_LAB,
  log: (line: string) => void = () => {},
  params: Params = defaultParams(),
): Promise<GoLabReport> {
  checkGoLabPrerequisites();
  const started = performance.now();
  const session = new GoLabSession();
  const onSignal = (signal: NodeJS.Signals) => {
    session.cleanup();
    process.stderr.write(`lab: interrupted (${signal}); namespaces, memcached and Go processes removed\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    session.build();
    log(`lab go: built with ${session.goVersion}`);
    const objects: GoLabObject[] = [];
    for (const s of goSettings(options)) {
      const t0 = performance.now();
      const run = await session.run(s);
      const o = run.result ? goLabObject(s, run as FinishedRun, params, options) : unfinishedObject(s, run);
      objects.push(o);
      log(
        `lab go: ${s.experiment} ${s.label}: ${o.agrees ? 'agrees' : 'DISAGREES'} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
    }
    return {
      goVersion: session.goVersion,
      cores: cpus().length,
      tolerance: GO_TOLERANCE,
      objects,
      allAgree: objects.every((o) => o.agrees),
      wallSec: round((performance.now() - started) / 1000),
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    session.cleanup();
  }
}
