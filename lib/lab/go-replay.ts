/**
 * The Go lab's experiments replayed on the model's mechanisms, fed with what the lab measured (the kernel
 * time of one failing dial with nothing else running, the pipe's drain rate, the thread count before),
 * so that a disagreement points at the mechanism, not at its inputs:
 * - dial bursts: go-runtime.ts (the P gate, the hand-off under the cores' kernel queue, Ms never freed) and
 *   cpu.ts (the dials' kernel work on the lab's cores);
 * - logging: logging.ts (one writer per fd) with go-runtime.ts's blocked writer;
 * - GC: gc.ts (the pause per phase, the pacer's CPU share).
 */
import { Scheduler } from '../engine/scheduler.js';
import { addPHold, emptyDemand, gcDemandSec, HostCpu, nextStepDemand } from '../model/cpu.js';
import { DEDICATED_MARK_SHARE, type GcConfig, GcState, stwPauseSec } from '../model/gc.js';
import { dedicatedMarkWorkers, GoRuntime } from '../model/go-runtime.js';
import { ErrorLog } from '../model/logging.js';

/**
 * OS threads of a Go process that hold no P and sit in no syscall: sysmon ("sysmon runs without a P",
 * runtime/proc.go). The model's Ms are these plus one per P plus one per goroutine blocked in the kernel.
 */
export const RUNTIME_OWN_THREADS = 1;

export interface DialBurstInput {
  readonly gomaxprocs: number;
  readonly goroutines: number;
  /** Kernel time of one failing dial (system CPU, which for a port scan is also its length alone). */
  readonly dialSec: number;
  readonly sysmonTickSec: number;
  /** The hand-off period with idle cores (`runtime.saturatedHandoffSec`, at least the tick). */
  readonly handoffSec: number;
  /** Threads of the process before the burst (Ms are never freed, so it starts there). */
  readonly threadsBefore: number;
  /** Cores of the host (the lab machine's): the kernel work of the dials shares them. */
  readonly cores: number;
  /** The step at which both engines advance the host's CPU (`runtime.tickSec`). */
  readonly tickSec: number;
  /**
   * A GC mark that starts `atSec` into the burst and needs `coreSec` of CPU: the GC wants its background
   * share of the Ps (`DEDICATED_MARK_SHARE`) each step until it is done, as in both engines.
   */
  readonly mark?: { readonly atSec: number; readonly coreSec: number };
}

export interface DialBurstReplay {
  readonly peakThreads: number;
  readonly peakBlocked: number;
  /** When the last dial returns: a syscall lasts its own kernel time (the engines' rule). */
  readonly lastReturnSec: number;
  /** When the cores have served the burst's kernel work (the CPU model's figure for the burst's wall time). */
  readonly cpuWallSec: number;
  /** With `mark`: from its start to the step that served its last CPU; null without one. */
  readonly markWallSec: number | null;
  /**
   * With `mark`: the GC's CPU served in steps while the burst ran, that is while dials were pending or
   * their kernel work was still queued on the cores (a dial here ends after its own kernel time, so the
   * queue stands for the lab's dials stretched by the cores' queue, which end when it drains).
   */
  readonly markCoreSecInBurst: number;
}

const EV_DONE = 0;
const EV_HANDOFF = 1;
const EV_TICK = 2;

/**
 * `goroutines` goroutines start a dial at once, by the rule the engines use (des/host-sim.ts `startDial`,
 * fast/p-gate.ts): each waits for a P (FIFO) and holds it for min(d, hand-off), where the hand-off period is
 * `GoRuntime.handoffUnderLoadSec` of the kernel work queued on the cores (`HostCpu.kernelQueueSec`); a dial
 * longer than that keeps an M of its own until it returns. The dials' kernel time goes to the host's CPU
 * (cpu.ts), stepped every `tickSec` as in both engines.
 */
export function replayDialBurst(input: DialBurstInput): DialBurstReplay {
  const runtime = new GoRuntime({
    gomaxprocs: input.gomaxprocs,
    baseThreads: Math.max(0, input.threadsBefore - RUNTIME_OWN_THREADS),
    maxThreads: Number.MAX_SAFE_INTEGER,
    sysmonTickSec: input.sysmonTickSec,
    handoffSec: Math.max(input.sysmonTickSec, input.handoffSec),
  });
  const cpu = new HostCpu({ cores: input.cores, gomaxprocs: input.gomaxprocs });
  const demand = emptyDemand();
  const sim = new Scheduler();
  const d = input.dialSec;
  let peakBlocked = 0;
  let lastReturnSec = 0;
  let cpuWallSec = 0;
  let burstServed = false;
  let running = input.goroutines;
  const mark = input.mark;
  if (mark && !(mark.atSec >= 0 && mark.coreSec > 0 && Number.isFinite(mark.atSec + mark.coreSec)))
    throw new RangeError(
      `replayDialBurst: mark.atSec must be >= 0 and mark.coreSec > 0, both finite; got ${mark.atSec} and ${mark.coreSec}`,
    );
  const cpuConfig = { cores: input.cores, gomaxprocs: input.gomaxprocs };
  let markLeftSec = mark ? mark.coreSec : 0;
  const workers = dedicatedMarkWorkers(input.gomaxprocs);
  let markWallSec: number | null = null;
  let markCoreSecInBurst = 0;
  /** When the tick that ends the current CPU step fires (holds are charged to the steps they span). */
  let nextTickSec = input.tickSec;
  const start = (): void => {
    const handoff = runtime.handoffUnderLoadSec(cpu.kernelQueueSec);
    const slow = runtime.isSlow(d, handoff);
    demand.kernelSec += d;
    addPHold(demand, sim.now, nextTickSec, runtime.pHoldSec(d, handoff));
    if (slow) sim.after(handoff, EV_HANDOFF);
    sim.after(d, EV_DONE, slow ? 1 : 0);
  };
  const handler = {
    handle(kind: number, slow: number): void {
      if (kind === EV_TICK) {
        const dt = input.tickSec;
        const marking = mark !== undefined && markLeftSec > 0 && sim.now > mark.atSec;
        // The step that holds the mark's start asks for the part of it after the start.
        const markDt = marking ? sim.now - Math.max(mark.atSec, sim.now - dt) : 0;
        const gcSec = marking
          ? Math.min(markLeftSec, gcDemandSec(cpuConfig, DEDICATED_MARK_SHARE, markDt))
          : 0;
        const inBurst = running > 0 || cpu.kernelBacklogSec > 0 || demand.kernelSec > 0;
        const s = cpu.step(dt, demand, gcSec, 0, 0, marking ? workers : 0, runtime.threads);
        if (inBurst) markCoreSecInBurst += s.gcSec;
        nextStepDemand(demand);
        nextTickSec = sim.now + dt;
        if (marking) {
          markLeftSec -= s.gcSec;
          if (markLeftSec <= 1e-12) {
            markLeftSec = 0;
            markWallSec = sim.now - mark.atSec;
          }
        }
        // The dedicated workers hold their Ps over the steps that mark (those held in syscalls as they
        // come back); when the mark is done the Ps go to the goroutines queued for one.
        const markingNext = mark !== undefined && markLeftSec > 0 && sim.now + dt > mark.atSec;
        for (let back = runtime.setMarkWorkers(markingNext ? workers : 0); back > 0; back--)
          if (runtime.releaseP() >= 0) start();
        if (running > 0 || cpu.kernelBacklogSec > 0) sim.after(dt, EV_TICK);
        else {
          if (!burstServed) cpuWallSec = sim.now - dt + s.kernelSec / input.cores;
          burstServed = true;
          if (mark !== undefined && markLeftSec > 0) sim.after(dt, EV_TICK);
        }
        return;
      }
      if (kind === EV_HANDOFF) {
        runtime.syscallBlocked();
        peakBlocked = Math.max(peakBlocked, runtime.blockedInSyscall);
        if (runtime.releaseP() >= 0) start();
        return;
      }
      running--;
      lastReturnSec = sim.now;
      if (slow === 1) runtime.syscallReturned();
      else if (runtime.releaseP() >= 0) start();
    },
  };
  sim.after(input.tickSec, EV_TICK);
  // A mark from the start (the lab's cycle is called before the dialers take the Ps) has its Ps first.
  if (mark !== undefined && mark.atSec < input.tickSec) runtime.setMarkWorkers(workers);
  for (let i = 0; i < input.goroutines; i++) if (runtime.requestP(i)) start();
  sim.run(Number.POSITIVE_INFINITY, handler);
  return {
    peakThreads: runtime.threads + RUNTIME_OWN_THREADS,
    peakBlocked,
    lastReturnSec,
    cpuWallSec,
    markWallSec,
    markCoreSecInBurst,
  };
}

export interface LoggingInput {
  readonly gomaxprocs: number;
  readonly lines: number;
  readonly lineBytes: number;
  readonly pipeBytesPerSec: number;
  readonly sysmonTickSec: number;
  readonly threadsBefore: number;
}

export interface LoggingReplay {
  readonly peakThreads: number;
  readonly wallSec: number;
  readonly linesWritten: number;
}

/** `lines` goroutines log one line each at once to one fd drained at `pipeBytesPerSec`. */
export function replayLogging(input: LoggingInput): LoggingReplay {
  const runtime = new GoRuntime({
    gomaxprocs: input.gomaxprocs,
    baseThreads: Math.max(0, input.threadsBefore - RUNTIME_OWN_THREADS),
    maxThreads: Number.MAX_SAFE_INTEGER,
    sysmonTickSec: input.sysmonTickSec,
    handoffSec: input.sysmonTickSec,
  });
  const log = new ErrorLog({
    logRate: 'unlimited',
    sampleFraction: 1,
    lineBytes: input.lineBytes,
    pipeBytesPerSec: input.pipeBytesPerSec,
  });
  const noRandom = { next: () => 0 } as unknown as Parameters<ErrorLog['offer']>[1];
  let lastSec = 0;
  for (let i = 0; i < input.lines; i++) lastSec = Math.max(lastSec, log.offer(0, noRandom));
  // Every line waits on the fd; one writer at a time is in write(2), blocked while the pipe is full.
  runtime.setLogWriterBlocked(runtime.writeBlocks(log.writeSec));
  return { peakThreads: runtime.threads + RUNTIME_OWN_THREADS, wallSec: lastSec, linesWritten: log.accepted };
}

/** The model's stop-the-world pause (either phase) with `threads` Ms, in ms. */
export function replayGcPauseMs(config: Pick<GcConfig, 'stwBaseSec' | 'stwPerThreadSec'>, threads: number) {
  return stwPauseSec(config as GcConfig, threads) * 1000;
}

export interface GcCpuInput {
  readonly config: GcConfig;
  readonly liveHeapBytes: number;
  readonly stackBytes: number;
  readonly allocBytesPerSec: number;
  readonly durationSec: number;
  readonly stepSec: number;
}

/** The pacer over a window of steady allocation: its CPU share (of GOMAXPROCS) and cycles. */
export function replayGcCpu(input: GcCpuInput): { cpuFraction: number; cycles: number } {
  const gc = new GcState(input.config);
  const mem = { liveHeapBytes: input.liveHeapBytes, stackBytes: input.stackBytes, otherBytes: 0 };
  const steps = Math.max(1, Math.round(input.durationSec / input.stepSec));
  let busy = 0;
  for (let i = 0; i < steps; i++) {
    gc.step(input.stepSec, input.allocBytesPerSec * input.stepSec, mem, 0);
    busy += gc.marking ? gc.cpuShare : 0;
  }
  return { cpuFraction: busy / steps, cycles: gc.cycles };
}
