/**
 * The aggregate engine: the same host, the same parameters and the same mechanism modules as the
 * reference engine, advanced in fixed steps of `runtime.tickSec` (10 ms, the step at which the reference
 * engine already does GC, memory and OOM accounting) with counts instead of individual requests.
 *
 * Per step: Poisson numbers of requests per client; normal traffic either finds idle connections or
 * dials in bulk (`PortTable.allocateMany`); each big batch is resolved as a burst in closed form: idle
 * connections first, then dials through the P gate in FIFO order (successes while ports last, then
 * failures that each scan the whole range), Ms from the overlap of the slow syscalls (the same rule as
 * `GoRuntime`: GOMAXPROCS + blocked), failures' log lines into the writer (`ErrorLog.offerMany`), the
 * closes into TIME_WAIT cohorts (`PortTable.closeMany`). GC (`GcState`), OOM and restarts (`Lifecycle`)
 * are stepped exactly as in the reference engine.
 */
import { LatencyHistogram } from '../../metrics/latency-histogram.js';
import { URI_BUCKETS } from '../../metrics/timeline.js';
import { clearDemand, emptyDemand, gcDemandSec, HostCpu } from '../../model/cpu.js';
import { DIAL_ERROR, DIAL_ERRORS } from '../../model/errors.js';
import { GcState } from '../../model/gc.js';
import { GoRuntime, lockstepBlockedPeak, steadyBlockedSyscalls } from '../../model/go-runtime.js';
import {
  cpuConfig,
  errorLogConfig,
  gcConfig,
  goRuntimeConfig,
  portTableConfig,
} from '../../model/host-config.js';
import { routedTrafficFactor, trafficFactor } from '../../model/load.js';
import { ErrorLog } from '../../model/logging.js';
import {
  getMultiWorkSec,
  memcachedBusySec,
  memcachedCapacityOpsPerSec,
  unloadedGetSec,
} from '../../model/memcached.js';
import { memoryView, rssBytes } from '../../model/memory.js';
import type { Params } from '../../model/params.js';
import { type BulkAllocation, type DialMode, dialFailure, PortTable } from '../../model/port-table.js';
import { KILL_REASON, type KillReason, Lifecycle, PROCESS_STATE } from '../../model/process-lifecycle.js';
import { killEvent, restartedRuntime } from '../../model/process-reset.js';
import {
  CACHE_TYPES,
  CLIENT,
  CLIENT_IDS,
  type ClientSpec,
  clientRatePerSec,
  clientsFrom,
  drawBatchSize,
  ENDPOINT,
  rejectedByCap,
} from '../../model/workload.js';
import { binomial, exponential, PoissonTable, poisson } from '../../random/distributions.js';
import { createRng, hashSeed, type Rng } from '../../random/rng.js';
import { HostMetrics, type PoolGauges, uriBucket } from '../host-metrics.js';
import type { HostRunOptions, HostRunStats, Injection } from '../host-run.js';
import { normalTrafficProfile } from './normal-traffic.js';

/** The shared contract (scripted injections are resolved as bursts at their instant), and its own options. */
export interface FastRunOptions extends HostRunOptions {
  /**
   * Take quiet seconds in one go (default true; see `quietSecond`). False steps every tick: slower, the
   * same model, for checking that the shortcut changes nothing but the random stream.
   */
  readonly quietSeconds?: boolean;
  /**
   * A host of a coupled fleet (lib/fleet): the fleet sets the share of user traffic routed here
   * (`route`) in place of the representative host's own retry estimate, and routes the new client's
   * requests here one by one (`submit`) instead of the host drawing them.
   */
  readonly coupled?: boolean;
}

/** A routed new-client request finished: its tag and whether it was served. */
export interface TriggerOutcome {
  readonly tag: number;
  readonly ok: boolean;
}

/** What a coupled host reports to the fleet between steps (counts since the run's start). */
export interface HostTotals {
  /** User-facing requests finished (ok or failed). */
  readonly userRequests: number;
  readonly userOk: number;
  readonly serving: boolean;
  /** Seconds a failing request now waits for the error-log writer (the backlog ahead of it). */
  readonly logWaitSec: number;
  /** New-client requests in progress here. */
  readonly activeBursts: number;
}

/** The shared figures; `events` counts steps taken. */
export type FastRunStats = HostRunStats;

export function runHostFast(options: FastRunOptions): FastRunStats {
  return new FastHost(options).run();
}

/** One host advanced step by step by a coupled fleet (`coupled: true`); see `FastHost`. */
export function createCoupledHost(options: Omit<FastRunOptions, 'coupled'>): FastHost {
  return new FastHost({ ...options, coupled: true });
}

const FIXED_IP = 0;

interface ActiveBurst {
  readonly client: number;
  /** The fleet's tag of a routed new-client request (-1 otherwise). */
  readonly tag: number;
  /** When the request arrived (its goroutines started). */
  readonly tb: number;
  readonly n: number;
  readonly limit: number;
  /** Connections are reused across URIs (under SetLimit, or one multi-get). */
  readonly reuse: boolean;
  /** URIs served per second once connected. */
  readonly opRate: number;
  readonly fromPool: number;
  /** Dials not yet through the gate. */
  pending: number;
  /** The gate has processed this burst's dials up to this time. */
  gateSec: number;
  /** Goroutines that got a connection (from the pool, a dial, or one of the burst's own freed). */
  connected: number;
  /** Distinct connections the burst holds (its goroutines reuse those their ops have freed). */
  conns: number;
  failed: number;
  /** Failed dials in a row (for the blocked-syscall count). */
  failStreak: number;
  opsDone: number;
  released: number;
  sawExhaustion: boolean;
  done?: boolean;
}

/** Goroutines still alive in a burst (failed ones wait on the log and are counted there), and conns held. */
function burstLoad(b: ActiveBurst): { goroutines: number; conns: number } {
  const alive = b.n - b.opsDone - b.failed;
  return { goroutines: Math.min(b.reuse ? b.limit : b.n, alive), conns: b.conns - b.released };
}

export class FastHost {
  private p: Params;
  private readonly dt: number;
  private readonly clients: readonly ClientSpec[];
  private readonly rng: Rng;
  private readonly rngLog: Rng;
  private readonly ports: PortTable;
  /** Random-local-IP sockets: 16.5 M addresses x the port range, collisions negligible. */
  private readonly randomPorts: PortTable;
  private runtime: GoRuntime;
  private gc: GcState;
  /** The host's CPU, stepped at each tick with the work of the step (model/cpu.ts). */
  private cpu: HostCpu;
  private readonly demand = emptyDemand();
  /** Stop-the-world pause begun in the last step (it takes Go's CPU in the next one). */
  private lastPauseSec = 0;
  private log: ErrorLog;
  private readonly lifecycle: Lifecycle;
  private readonly metrics: HostMetrics;
  private readonly failLatencies = new LatencyHistogram();
  /** Healthy requests slowed by a burst's ops ahead of them at memcached. */
  private readonly delayedLatencies = new LatencyHistogram();
  private readonly templates: readonly LatencyHistogram[];
  private readonly templateMeanSec: Float64Array;
  /** Normal requests' URIs per request (uniform in [lo, hi]), mean, and shares of the size buckets. */
  private readonly urisLo: Int32Array;
  private readonly urisHi: Int32Array;
  private readonly meanUris: Float64Array;
  private readonly bucketShares: Float64Array[];
  /** Normal requests per client since the last timeline interval closed. */
  private readonly requestsInBin: Float64Array;
  private readonly okByClient: Float64Array;
  /**
   * Requests counted ok in the current second, per client: the most that a later finding of the same
   * second (pool churn, an empty pool during a burst) can move to failed. Keeps requests conserved.
   */
  private readonly okThisSecond: Float64Array;
  /**
   * Requests served without a dial in this second, per client, not yet booked: the quiet path of `normal`
   * adds here and `bookQuiet` moves them to the counters above and the metrics before anything reads them.
   */
  private readonly quietOk: Float64Array;
  /** The table dials use: one fixed local IP's range, or the random-local-IP space. */
  private table: PortTable;
  private quietPending = false;
  /** Idle connections in the pool (normal traffic's concurrency is small and transient). */
  private idle = 0;
  /**
   * Connections held by normal ops whose reply has come and whose goroutine waits for CPU to read it
   * (Little's law: op rate x `HostCpu.goWaitSec`); they leave the pool while the wait lasts, so a CPU wait
   * makes the pool dial, as in the reference engine, where each op keeps its connection until it runs.
   */
  private waitHeld = 0;
  /** Normal ops issued in the current step, and in the last one (for `waitHeld`). */
  private opsThisStep = 0;
  private opsLastStep = 0;
  /** Connections a warm pool settles at for normal traffic. */
  private workingSet: number;
  /** Dials per step that concurrency peaks above poolSize cost a warm pool (closed again on release). */
  private churn: PoissonTable;
  /** Mean concurrent memcached ops of normal traffic. */
  private meanInFlight: number;
  private dialMode: DialMode;
  private readonly triggerClient: number;
  private readonly rngTrigger: Rng;
  private readonly rngTriggerBatch: Rng;
  /** For the per-client metric of the largest normal request per step only. */
  private readonly rngUris: Rng;
  private nextTriggerSec: number;
  private allocatedBytes = 0;
  /** Reused every tick (no allocation per step). */
  private readonly gauges = { openCount: 0, idleConns: 0 };
  /** Cache index of each client, and the fractional sets carried per cache. */
  private readonly cacheOf: Int32Array;
  private readonly setCarry = new Float64Array(CACHE_TYPES.length);
  private uriCarry = 0;
  /** Waits of the lines of the last `logErrors` call: from the first to the last. */
  private waitFrom = 0;
  private waitTo = 0;
  /** User traffic multiplier in force this second (calendar x retry amplification, model/load.ts). */
  private rateFactor = 1;
  /** Per-step arrival tables per multiplier in use (a few dozen at most: multipliers are rounded). */
  private readonly tablesByFactor = new Map<number, PoissonTable[]>();
  private readonly quietN: Float64Array;
  private readonly quietOps = new Float64Array(CACHE_TYPES.length);
  private readonly quietSetCarry = new Float64Array(CACHE_TYPES.length);
  /** Requests per full step of each client. */
  private arrivalTables: PoissonTable[] = [];
  private readonly mem = { liveHeapBytes: 0, stackBytes: 0, otherBytes: 0 };
  private lastCloseSec = 0;
  /** Goroutines of bursts that are still running ops (not those blocked on logging), and when they end. */
  /** Bursts whose successful URIs are still running memcached ops (each holds a goroutine and a conn). */
  private bursts: ActiveBurst[] = [];
  /** Peaks of blocked syscalls of recent bursts, applied to the M count at the tick they are reached. */
  private pendingThreads: Array<{ atSec: number; blocked: number }> = [];
  /** Handler goroutines of normal requests in flight (Little's law on the latency templates). */
  private readonly requestsInFlight: number;
  private restartAtSec = Number.POSITIVE_INFINITY;
  private nextDeploy = 0;
  private nextDeploySec = Number.POSITIVE_INFINITY;
  private readyAtSec = Number.POSITIVE_INFINITY;

  constructor(private readonly options: FastRunOptions) {
    const p = options.params;
    this.p = p;
    this.dt = p.runtime.tickSec;
    this.clients = clientsFrom(p);
    this.rng = createRng(hashSeed(options.seed, 'fast'));
    this.rngLog = createRng(hashSeed(options.seed, 'log'));
    this.triggerClient = this.clients.findIndex((c) => c.id === CLIENT.newClient);
    const trigger = this.clients[this.triggerClient]!;
    this.rngTrigger = createRng(hashSeed(options.seed, 'arrivals', trigger.id));
    this.rngTriggerBatch = createRng(hashSeed(options.seed, 'batch', trigger.id));
    this.rngUris = createRng(hashSeed(options.seed, 'uris-max'));
    this.nextTriggerSec =
      trigger.ratePerSec > 0
        ? trigger.activeFromSec + exponential(this.rngTrigger, trigger.ratePerSec)
        : Number.POSITIVE_INFINITY;
    if (
      options.coupled ||
      this.nextTriggerSec >= trigger.activeUntilSec ||
      this.nextTriggerSec > options.durationSec
    ) {
      this.nextTriggerSec = Number.POSITIVE_INFINITY;
    }
    const k = p.kernel;
    const tableConfig = portTableConfig(p);
    this.ports = new PortTable(tableConfig);
    this.randomPorts = new PortTable({
      ...tableConfig,
      portCount: tableConfig.portCount * k.randomLocalIpCount,
    });
    this.table = k.localIpMode === 'random' ? this.randomPorts : this.ports;
    this.dialMode = k.dialMode;
    this.runtime = this.newRuntime();
    this.gc = new GcState(gcConfig(p));
    this.cpu = new HostCpu(cpuConfig(p));
    this.log = new ErrorLog(errorLogConfig(p));
    this.lifecycle = new Lifecycle(p.process);
    this.metrics = new HostMetrics(p, options.resolutionSec ?? 1, options.onRow);
    const profile = normalTrafficProfile(p, this.clients);
    this.templates = profile.templates;
    this.templateMeanSec = Float64Array.from(this.templates, (t) => t.meanSec());
    const { normalBatchMin: lo, normalBatchMax: hi } = p.workload;
    const sizes = (c: ClientSpec): [number, number] =>
      c.endpoint === ENDPOINT.getPostRecord ? [lo, hi] : [1, 1];
    this.urisLo = Int32Array.from(this.clients, (c) => sizes(c)[0]);
    this.urisHi = Int32Array.from(this.clients, (c) => sizes(c)[1]);
    this.meanUris = Float64Array.from(this.clients, (c) => (sizes(c)[0] + sizes(c)[1]) / 2);
    this.bucketShares = this.clients.map((c) => {
      const [a, b] = sizes(c);
      const shares = new Float64Array(URI_BUCKETS.length);
      for (let u = a; u <= b; u++) shares[uriBucket(u)]! += 1 / (b - a + 1);
      return shares;
    });
    this.requestsInBin = new Float64Array(this.clients.length);
    this.okByClient = new Float64Array(this.clients.length);
    this.okThisSecond = new Float64Array(this.clients.length);
    this.quietOk = new Float64Array(this.clients.length);
    this.quietN = new Float64Array(this.clients.length);
    this.cacheOf = Int32Array.from(this.clients, (c) => CACHE_TYPES.indexOf(c.cache));
    const pool = profile.pool;
    this.workingSet = Math.min(p.poolSize, pool.peakConns);
    this.meanInFlight = pool.meanInFlight;
    this.churn = new PoissonTable(pool.churnDialsPerSec * this.dt);
    this.setRateFactor(0);
    this.nextDeploySec = options.deploys?.[0]?.atSec ?? Number.POSITIVE_INFINITY;
    this.requestsInFlight = Math.ceil(
      this.clients.reduce(
        (a, c, i) => a + (c.userFacing ? c.ratePerSec * this.templates[i]!.meanSec() : 0),
        0,
      ),
    );
  }

  // ---- coupling (a host of lib/fleet) -----------------------------------------------------------------

  /** Share of user traffic routed here relative to an even split (1 = 1/hostsPerDc of the DC's calls). */
  private routedShare = 1;
  /** New-client requests routed here and not yet arrived, in time order, and the next one's index. */
  private submitted: Array<{ atSec: number; uris: number; tag: number }> = [];
  private submittedNext = 0;
  /** New-client requests finished since the last `takeTriggerOutcomes`, by tag. */
  private triggerOutcomes: TriggerOutcome[] = [];

  /**
   * The fleet routes `share` x an even split of the DC's user calls here from `nowSec` on (0 while the
   * host is out of rotation). Takes effect at once (at a whole second, between `advanceTo` calls).
   */
  route(share: number, nowSec: number): void {
    if (share === this.routedShare) return;
    this.routedShare = share;
    this.setRateFactor(nowSec);
  }

  /** A new-client request of `uris` URIs arrives here at `atSec` (not before the host's current time). */
  submit(atSec: number, uris: number, tag: number): void {
    const last = this.submitted[this.submitted.length - 1];
    if (last && atSec < last.atSec) throw new RangeError('submit: requests must come in time order');
    this.submitted.push({ atSec, uris, tag });
    if (atSec < this.nextTriggerSec) this.nextTriggerSec = atSec;
  }

  /** The new-client requests finished since the last call, in the order they finished. */
  takeTriggerOutcomes(): TriggerOutcome[] {
    const out = this.triggerOutcomes;
    this.triggerOutcomes = [];
    return out;
  }

  /** Counts since the start and the host's state, for the fleet's balancer. */
  totals(): HostTotals {
    this.bookQuiet();
    const u = this.metrics.userTotals();
    return {
      userRequests: u.total,
      userOk: u.ok,
      serving: this.lifecycle.serving,
      logWaitSec: this.log.queued > 0 ? this.log.backlogAt(this.stepsDone * this.dt) * this.log.writeSec : 0,
      activeBursts: this.bursts.length + (this.submitted.length - this.submittedNext),
    };
  }

  private triggerDone(client: number, tag: number, ok: boolean): void {
    if (this.options.coupled && client === this.triggerClient) this.triggerOutcomes.push({ tag, ok });
  }

  run(): FastRunStats {
    this.advanceTo(this.options.durationSec);
    return this.finish();
  }

  /** Steps taken so far, and the timeline's next second and interval (in steps). */
  private stepsDone = 0;
  private nextSecondStep = 0;
  private nextBinStep = 0;

  /**
   * Advance to `toSec` (at most the run's duration): the steps of `run`, in the same order, so that a run
   * advanced in pieces of whole seconds is the run advanced in one go.
   */
  advanceTo(toSec: number): void {
    const total = Math.round(this.options.durationSec / this.dt);
    const steps = Math.min(total, Math.round(toSec / this.dt));
    const binEvery = Math.max(1, Math.round(this.metrics.resolutionSec / this.dt));
    const secondEvery = Math.max(1, Math.round(1 / this.dt));
    if (this.stepsDone === 0) {
      this.nextSecondStep = secondEvery;
      this.nextBinStep = binEvery;
    }
    // A quiet second is taken in one go only when no timeline interval closes inside it.
    const wholeSeconds = binEvery % secondEvery === 0 && this.options.quietSeconds !== false;
    // Steps are counted, not accumulated, so that times stay exact multiples of the step.
    for (let i = this.stepsDone + 1; i <= steps; i++) {
      const first = i;
      if (wholeSeconds && (i - 1) % secondEvery === 0 && i - 1 + secondEvery <= steps) {
        if (this.quietSecond(i - 1, secondEvery)) i += secondEvery - 1;
      }
      if (i === first) this.step((i - 1) * this.dt, i * this.dt);
      const t1 = i * this.dt;
      if (i === this.nextSecondStep) {
        this.nextSecondStep += secondEvery;
        this.bookQuiet();
        this.metrics.closeSecond(t1, this.lifecycle);
        this.setRateFactor(t1);
        this.okThisSecond.fill(0);
        this.options.onProgress?.(t1);
      }
      if (i === this.nextBinStep) {
        this.nextBinStep += binEvery;
        this.noteNormalSizes();
        this.bookQuiet();
        this.metrics.closeBin(t1, this.lifecycle, this.poolView(), this.allPorts(), this.runtime, this.cpu);
      }
      this.stepsDone = i;
    }
  }

  /** The run's figures once it has been advanced to its end. */
  finish(): FastRunStats {
    this.bookQuiet();
    const figures = this.metrics.finish(this.lifecycle, this.log, this.latencies());
    return { durationSec: this.options.durationSec, ...figures, events: this.stepsDone };
  }

  /**
   * A quiet second in one go: the process serving, no burst, no blocked syscall pending, no log line
   * queued, the pool at its working set (no dial, no churn), no new-client request, restart or injection
   * due. Then nothing but normal requests served from idle connections and the GC happens, and a second's
   * requests per client are one Poisson draw (a sum of Poisson counts is Poisson). Their allocation is
   * spread evenly over the second's GC steps (the steps' Poisson noise of about 1/sqrt(100 x rate) in
   * allocation is the only thing given up). The GC runs on a copy first: if RSS would cross the
   * memory limit inside the second, the copy is dropped and the second is stepped as usual. Returns false
   * (and changes nothing but the random stream) when the second is not quiet.
   */
  private quietSecond(step0: number, span: number): boolean {
    const t0 = step0 * this.dt;
    const t1 = (step0 + span) * this.dt;
    if (
      !this.lifecycle.serving ||
      this.restartAtSec <= t1 ||
      this.readyAtSec <= t1 ||
      this.bursts.length > 0 ||
      this.pendingThreads.length > 0 ||
      this.log.queued > 0 ||
      !this.cpu.idle ||
      this.queuedDials > 0 ||
      this.waitHeld > 0 ||
      this.cpu.goWaitSec > 0 ||
      this.idle < this.workingSet ||
      this.churn.mean > 0 ||
      this.nextTriggerSec <= t1 ||
      this.nextDeploySec <= t1 ||
      this.options.injections?.some((inj) => inj.atSec > t0 && inj.atSec <= t1)
    ) {
      return false;
    }
    for (let c = 0; c < this.clients.length; c++) {
      const client = this.clients[c]!;
      if (c !== this.triggerClient && (client.activeFromSec > t0 || client.activeUntilSec < t1)) return false;
    }
    this.ports.expire(t0 + this.dt);
    if (this.table !== this.ports) this.table.expire(t0 + this.dt);
    if (this.runtime.setLogWriterBlocked(false)) return false;
    // The second's requests and their memcached ops, on copies of the carries until the GC agrees.
    const p = this.p;
    const n = this.quietN;
    let uriCarry = this.uriCarry;
    const setCarry = this.quietSetCarry;
    setCarry.set(this.setCarry);
    const ops = this.quietOps;
    ops.fill(0);
    let allocated = this.allocatedBytes;
    let mutatorSec = this.demand.mutatorSec;
    for (let c = 0; c < this.clients.length; c++) {
      n[c] = c === this.triggerClient ? 0 : poisson(this.rng, this.rateOf(c) * span * this.dt);
      if (n[c] === 0) continue;
      mutatorSec += n[c]! * p.host.cpuPerRequestSec;
      let o = n[c]!;
      if (this.clients[c]!.endpoint === ENDPOINT.getPostRecord) {
        uriCarry += n[c]! * this.meanUris[c]!;
        o = Math.floor(uriCarry);
        uriCarry -= o;
      }
      const cache = this.cacheOf[c]!;
      setCarry[cache]! += o * (1 - p.memcached.hitRatio);
      const sets = Math.floor(setCarry[cache]!);
      setCarry[cache]! -= sets;
      ops[cache]! += o + sets;
      mutatorSec += (o + sets) * p.host.cpuPerOpSec;
      allocated += (o + 2 * sets) * p.runtime.allocBytesPerOp;
    }
    // The GC over the second's steps, on a copy.
    const goroutines = this.normalGoroutines();
    const live = {
      goroutines,
      openConns: this.idle,
      queuedLogLines: this.log.queued,
      threads: this.runtime.threads,
    };
    const mem = memoryView(p, live, this.mem);
    const gc = this.gc.clone();
    const perStep = allocated / span;
    let heapMax = 0;
    let rssMax = 0;
    let pauseMax = 0;
    let heap = 0;
    let rss = 0;
    // The CPU: the second's Go work spread evenly over its steps, with the GC's share while it marks;
    // a step that would not fit makes the second a busy one.
    const mutatorPerStep = mutatorSec / span;
    let gcUsed = 0;
    let lastPause = this.lastPauseSec;
    for (let k = 0; k < span; k++) {
      const gcSec = gc.marking ? gcDemandSec(this.cpu.config, gc.cpuShare, this.dt) : 0;
      if (!this.cpu.fits(this.dt, mutatorPerStep, gcSec, lastPause)) return false;
      gcUsed += gcSec;
      const pause = gc.step(this.dt, perStep, mem, this.runtime.threads).pauseSec;
      lastPause = pause;
      heap = gc.heapBytes(mem);
      rss = rssBytes(heap, mem);
      if (rss > p.process.memoryLimitBytes) return false;
      if (heap > heapMax) heapMax = heap;
      if (rss > rssMax) rssMax = rss;
      if (pause > pauseMax) pauseMax = pause;
    }
    // Commit.
    this.gc = gc;
    this.cpu.serveFitting(mutatorSec, gcUsed);
    clearDemand(this.demand);
    this.lastPauseSec = lastPause;
    this.runtime.goroutines = goroutines;
    this.allocatedBytes = 0;
    this.uriCarry = uriCarry;
    this.setCarry.set(setCarry);
    for (let k = 0; k < ops.length; k++) this.metrics.ops[k]! += ops[k]!;
    for (let c = 0; c < this.clients.length; c++) {
      if (n[c] === 0) continue;
      this.requestsInBin[c]! += n[c]!;
      this.quietOk[c]! += n[c]!;
      this.quietPending = true;
    }
    // The gauges: the second's maxima, then its closing values.
    const sample = (h: number, r: number, pause: number) =>
      this.metrics.sample(this.table, this.poolView(), this.runtime, this.log, gc, h, r, pause);
    sample(heapMax, rssMax, pauseMax);
    this.ports.expire(t1);
    if (this.table !== this.ports) this.table.expire(t1);
    sample(heap, rss, 0);
    return true;
  }

  /** A client's arrival rate now: user-facing clients under the traffic multiplier. */
  private rateOf(client: number): number {
    return clientRatePerSec(this.clients[client]!, this.rateFactor);
  }

  /** Goroutines of normal requests and their memcached ops in flight (Little's law at the current rate). */
  private normalGoroutines(): number {
    return (
      Math.ceil(this.meanInFlight * this.rateFactor) + Math.ceil(this.requestsInFlight * this.rateFactor)
    );
  }

  /** The multiplier for the second starting at `tSec`, from the calendar and the averaged failure share. */
  private setRateFactor(tSec: number): void {
    const failed = this.metrics.failedShareAverage;
    const factor = this.options.coupled
      ? routedTrafficFactor(this.p, tSec, this.routedShare)
      : trafficFactor(this.p, tSec, failed);
    this.metrics.loadFactor = factor;
    if (factor === this.rateFactor && this.arrivalTables.length > 0) return;
    this.rateFactor = factor;
    let tables = this.tablesByFactor.get(factor);
    if (!tables) {
      tables = this.clients.map((_, c) => new PoissonTable(this.rateOf(c) * this.dt));
      if (this.tablesByFactor.size >= 256)
        this.tablesByFactor.delete(this.tablesByFactor.keys().next().value!);
      this.tablesByFactor.set(factor, tables);
    }
    this.arrivalTables = tables;
  }

  /**
   * Size metrics of each client's normal requests in the closing interval: URIs at their mean, requests
   * split over the size buckets by their shares, and the largest request, the maximum of n uniform batch
   * sizes drawn by inversion from its own stream (the run's other draws are unchanged).
   */
  private noteNormalSizes(): void {
    for (let c = 0; c < this.clients.length; c++) {
      const n = this.requestsInBin[c]!;
      if (n <= 0) continue;
      this.requestsInBin[c] = 0;
      this.metrics.normalRequestUris(c, n * this.meanUris[c]!, n, this.bucketShares[c]!);
      const lo = this.urisLo[c]!;
      const hi = this.urisHi[c]!;
      const largest = lo - 1 + Math.ceil((hi - lo + 1) * this.rngUris.next() ** (1 / n));
      this.metrics.largestRequest(c, Math.max(lo, largest));
    }
  }

  // ---- one step ---------------------------------------------------------------------------------------

  private step(t0: number, t1: number): void {
    this.ports.expire(t1);
    if (this.table !== this.ports) this.table.expire(t1);
    this.lifecycleEvents(t1);
    if (this.nextDeploySec <= t1) this.deployDue(t1);
    this.log.settle(t1);
    if (this.lifecycle.serving) {
      this.drainQueuedDials(t1);
      this.holdForCpuWait(t1);
    }
    for (let c = 0; c < this.clients.length; c++) if (c !== this.triggerClient) this.arrivals(c, t0, t1);
    this.triggerArrivals(t1);
    if (this.lifecycle.serving && this.churn.mean > 0 && this.idle >= this.workingSet) this.poolChurn(t1);
    if (this.options.injections) {
      for (const inj of this.options.injections) if (inj.atSec > t0 && inj.atSec <= t1) this.injected(inj);
    }
    this.tick(t1);
  }

  private lifecycleEvents(t1: number): void {
    if (t1 >= this.restartAtSec) {
      this.restartAtSec = Number.POSITIVE_INFINITY;
      this.readyAtSec = this.lifecycle.start(t1);
      this.metrics.event('restart');
    }
    if (t1 >= this.readyAtSec) {
      this.readyAtSec = Number.POSITIVE_INFINITY;
      this.lifecycle.ready(t1);
      this.metrics.event('ready');
    }
  }

  private arrivals(client: number, t0: number, t1: number): void {
    const c = this.clients[client]!;
    const from = Math.max(t0, c.activeFromSec);
    const to = Math.min(t1, c.activeUntilSec);
    if (to <= from || c.ratePerSec <= 0) return;
    const table = this.arrivalTables[client]!;
    const full = Math.abs(to - from - this.dt) < 1e-9;
    const n = full ? table.sample(this.rng) : poisson(this.rng, this.rateOf(client) * (to - from));
    if (n === 0) return;
    // Per-client size metrics are noted once per timeline interval (`noteNormalSizes`).
    this.requestsInBin[client]! += n;
    if (!this.lifecycle.serving) {
      this.metrics.requestsDone(client, 0, n, c.userFacing);
      return;
    }
    this.normal(client, n, t1);
  }

  /**
   * The new client, request by request: few requests, each possibly a burst. Its arrival times and batch
   * sizes come from the same streams, drawn the same way, as in the reference engine, so that both engines
   * see the same bursts for a seed (common random numbers for the validation).
   */
  private triggerArrivals(t1: number): void {
    const client = this.triggerClient;
    const c = this.clients[client]!;
    while (this.nextTriggerSec <= t1) {
      const at = this.nextTriggerSec;
      let uris: number;
      let tag = -1;
      if (this.options.coupled) {
        const next = this.submitted[this.submittedNext++]!;
        uris = next.uris;
        tag = next.tag;
        this.nextTriggerSec = this.submitted[this.submittedNext]?.atSec ?? Number.POSITIVE_INFINITY;
        if (this.submittedNext === this.submitted.length) {
          this.submitted = [];
          this.submittedNext = 0;
        }
      } else {
        const next = at + exponential(this.rngTrigger, c.ratePerSec);
        this.nextTriggerSec = next < c.activeUntilSec ? next : Number.POSITIVE_INFINITY;
        uris = drawBatchSize(this.rngTriggerBatch, this.p, c);
      }
      this.metrics.requestUris(client, uris, uris);
      if (!this.lifecycle.serving || rejectedByCap(this.p, uris)) {
        this.metrics.requestsDone(client, 0, 1, c.userFacing);
        this.triggerDone(client, tag, false);
      } else this.burst(client, at, uris, tag);
    }
  }

  /** `n` ordinary requests of one client in this step. */
  private normal(client: number, n: number, t1: number): void {
    const c = this.clients[client]!;
    const p = this.p;
    // URIs: the batch sizes' expected total, carried between steps (their spread matters only through
    // failures, which are counted per request).
    let ops = n;
    if (c.endpoint === ENDPOINT.getPostRecord) {
      this.uriCarry += (n * (p.workload.normalBatchMin + p.workload.normalBatchMax)) / 2;
      ops = Math.floor(this.uriCarry);
      this.uriCarry -= ops;
    }
    // Misses (each followed by a Scylla read and a set) at their expected rate, carried between steps.
    const cache = this.cacheOf[client]!;
    this.setCarry[cache]! += ops * (1 - p.memcached.hitRatio);
    const sets = Math.floor(this.setCarry[cache]!);
    this.setCarry[cache]! -= sets;
    this.metrics.ops[cache]! += ops + sets;
    this.allocatedBytes += (ops + 2 * sets) * p.runtime.allocBytesPerOp;
    const cpu = this.demand;
    cpu.mutatorSec += n * p.host.cpuPerRequestSec + (ops + sets) * p.host.cpuPerOpSec;
    cpu.goJobs += n + ops + sets;
    // Connections: a pool below its working set dials for the shortfall (at most one dial per op). When
    // the range runs out, ops that find no idle connection each try a dial of their own, and fail.
    const demand = ops + sets;
    this.opsThisStep += demand;
    let failedOps = 0;
    /** Failed ops whose goroutines wait for a P to dial: they log when they dial (`drainQueuedDials`). */
    let queued = 0;
    const queueWait = this.pQueueWaitSec();
    /** Ops whose goroutines wait for a P behind the queue before they look for a connection. */
    let waiting = 0;
    if (this.idle < this.workingSet && (queueWait > p.memcached.timeoutSec || this.burstDialing())) {
      // Goroutines queued for a P ahead of these (a burst's dials, or earlier ones): the ops that find no
      // idle connection now wait their turn (the P queue is FIFO: behind a burst still dialing), then take a connection returned meanwhile or dial, late
      // (dial-timeout, as the reference engine's `dialDone` rules), at the gate's pace (`drainQueuedDials`).
      const busyShare = 1 - this.idle / (this.meanInFlight + ops / n);
      waiting = this.idle === 0 ? demand : Math.round(demand * Math.min(1, Math.max(0, busyShare)));
      this.queuedDials += waiting;
    } else if (this.idle < this.workingSet) {
      // The refill's dials go through the P gate too (it binds only when dials are slow: a full range).
      const wanted = Math.min(this.workingSet - this.idle, demand);
      const attempts = Math.min(wanted, this.gateRoom(t1));
      this.gateLeft -= attempts;
      const got = this.dial(attempts, t1);
      this.idle += got;
      const full =
        got < attempts || (attempts < wanted && this.table.usableOn(FIXED_IP, this.dialMode) === 0);
      if (full) {
        const busyShare = 1 - this.idle / (this.meanInFlight + ops / n);
        failedOps = this.idle === 0 ? demand : Math.round(demand * Math.min(1, Math.max(0, busyShare)));
        queued = this.gatedFailingDials(Math.max(0, failedOps - (attempts - got)), t1);
      }
    }
    const cpuWait = this.cpu.goWaitSec;
    if (failedOps === 0 && cpuWait === 0 && waiting === 0) {
      this.quietOk[client]! += n;
      this.quietPending = true;
      return;
    }
    let waitSec = 0;
    if (failedOps > 0) {
      this.metrics.opErrors[cache]! += failedOps;
      waitSec = this.logErrors(failedOps - queued, t1);
      if (queued > 0) {
        // Their requests wait at least for the P queue ahead of their dials (and then for CPU).
        waitSec = Math.max(waitSec, queueWait + 3 * cpuWait);
        this.waitFrom = this.waitTo = waitSec;
      }
    }
    const failedRequests =
      failedOps === 0
        ? 0
        : c.endpoint === ENDPOINT.getPostRecord
          ? Math.min(n, Math.ceil((failedOps * n) / Math.max(1, ops)))
          : Math.min(n, failedOps);
    if (queued > 0) this.queuedRequests += (failedRequests * queued) / failedOps;
    // Requests with an op waiting for a P answer after the queue ahead of it.
    const slow =
      waiting === 0
        ? 0
        : Math.min(
            n - failedRequests,
            c.endpoint === ENDPOINT.getPostRecord ? Math.ceil((waiting * n) / Math.max(1, ops)) : waiting,
          );
    this.queuedRequests += slow;
    // The rest answer after their CPU waits: two per op and one for the handler to respond; past the
    // AppView's deadline they have failed.
    const deadline = p.workload.upstreamDeadlineSec;
    const okLatency = this.templateMeanSec[client]! + 3 * cpuWait;
    const slowLatency = okLatency + queueWait;
    const fast = n - failedRequests - slow;
    const lateFast = cpuWait > 0 && c.userFacing && okLatency > deadline ? fast : 0;
    const lateSlow = c.userFacing && slowLatency > deadline ? slow : 0;
    const okFast = fast - lateFast;
    const okSlow = slow - lateSlow;
    const ok = okFast + okSlow;
    const late = lateFast + lateSlow;
    if (cpuWait === 0) this.okByClient[client]! += okFast;
    if (c.userFacing) {
      const median = this.templates[client]!.quantileSec(0.5) ?? 0;
      if (cpuWait > 0 && okFast > 0) this.delayedLatencies.record(median + 3 * cpuWait, okFast);
      if (okSlow > 0) this.delayedLatencies.record(median + 3 * cpuWait + queueWait, okSlow);
    }
    this.okThisSecond[client]! += ok;
    this.metrics.requestLatency(
      client,
      (okFast + lateFast) * okLatency + (okSlow + lateSlow) * slowLatency + failedRequests * waitSec,
      n,
    );
    this.metrics.requestsDone(client, ok, failedRequests + late, c.userFacing);
    if (c.userFacing) {
      this.recordFailures(failedRequests);
      if (lateFast > 0) this.failLatencies.record(Math.min(okLatency, deadline), lateFast);
      if (lateSlow > 0) this.failLatencies.record(Math.min(slowLatency, deadline), lateSlow);
    }
  }

  /**
   * Peaks of normal concurrency above a pool smaller than the working set: each extra connection is
   * dialed, used once and closed into TIME_WAIT (the pool is full); when the range has no port, the op
   * fails, logs, and fails its request (a post batch: the peaks come from batches).
   */
  private poolChurn(t1: number): void {
    const k = this.churn.sample(this.rng);
    if (k === 0) return;
    const table = this.table;
    this.metrics.dials += k;
    const r = table.allocateMany(Math.max(t1, this.lastCloseSec), FIXED_IP, this.dialMode, k);
    this.chargeDials(table, r);
    if (r.ok > 0) this.closeSockets(table, r.ok, t1);
    if (r.failed === 0) return;
    this.metrics.noteDialError(DIAL_ERRORS.indexOf(r.error), r.failed);
    this.metrics.notePortExhaustion(t1);
    const posts = this.clients.findIndex((c) => c.id === CLIENT.posts);
    this.metrics.opErrors[this.cacheOf[posts]!]! += r.failed;
    this.logErrors(r.failed, t1);
    // Each failed op fails its request (a batch of normal size), among the requests already counted ok.
    this.failOkRequests(posts, Math.ceil(r.failed / this.meanNormalBatch()));
  }

  private meanNormalBatch(): number {
    return (this.p.workload.normalBatchMin + this.p.workload.normalBatchMax) / 2;
  }

  /** Book the requests `normal` served on its quiet path (see `quietOk`). */
  private bookQuiet(): void {
    if (!this.quietPending) return;
    this.quietPending = false;
    for (let c = 0; c < this.clients.length; c++) {
      const n = this.quietOk[c]!;
      if (n === 0) continue;
      this.quietOk[c] = 0;
      this.okByClient[c]! += n;
      this.okThisSecond[c]! += n;
      this.metrics.requestLatency(c, n * this.templateMeanSec[c]!, n);
      this.metrics.requestsDone(c, n, 0, this.clients[c]!.userFacing);
    }
  }

  /**
   * Move up to `requests` of this second's ok requests of a client to failed; they waited for the log
   * writer as the lines of the last `logErrors` call did.
   */
  private failOkRequests(client: number, requests: number): void {
    this.bookQuiet();
    const moved = Math.min(requests, this.okThisSecond[client]!);
    if (moved <= 0) return;
    this.okThisSecond[client]! -= moved;
    // (Requests answered late by a CPU wait are in the delayed histogram, not among the template's.)
    this.okByClient[client] = Math.max(0, this.okByClient[client]! - moved);
    this.metrics.requestsDone(client, -moved, moved, true);
    this.recordFailures(moved);
  }

  /**
   * A burst's ops held memcached's threads for `busySec`: normal requests arriving meanwhile queued behind
   * them (FIFO), waiting on average half the remaining busy time. Their latencies move from the healthy
   * templates to the delayed histogram, in eight slices of the busy window.
   */
  private queuedBehindBurst(busySec: number): void {
    if (busySec <= 0) return;
    this.bookQuiet();
    for (let c = 0; c < this.clients.length; c++) {
      const client = this.clients[c]!;
      if (!client.userFacing || client.ratePerSec <= 0) continue;
      const delayed = Math.min(this.okByClient[c]!, this.rateOf(c) * busySec);
      if (delayed <= 0) continue;
      this.okByClient[c]! -= delayed;
      const base = this.templates[c]!.quantileSec(0.5) ?? 0;
      for (let j = 0; j < 8; j++) this.delayedLatencies.record(base + (busySec * (j + 0.5)) / 8, delayed / 8);
    }
  }

  /** Try `count` dials at `nowSec`; returns how many got a port (the rest are counted as failures). */
  private dial(count: number, nowSec: number): number {
    if (count <= 0) return 0;
    this.metrics.dials += count;
    const table = this.table;
    const ip = FIXED_IP;
    const r = table.allocateMany(nowSec, ip, this.dialMode, count);
    this.chargeDials(table, r);
    if (r.failed > 0) {
      this.metrics.noteDialError(DIAL_ERRORS.indexOf(r.error), r.failed);
      this.metrics.notePortExhaustion(nowSec);
    }
    this.notePorts();
    return r.ok;
  }

  /** The CPU of the dials of one `allocateMany`: kernel time, and the P time held before hand-off. */
  private chargeDials(table: PortTable, r: BulkAllocation): void {
    this.demand.kernelSec += table.sysCpuSecOf(r);
    const rt = this.runtime;
    const handoff = this.handoffNowSec();
    this.demand.pHeldSec += r.failed * rt.pHoldSec(r.failSyscallSec, handoff);
    if (r.ok > 0) this.demand.pHeldSec += r.ok * rt.pHoldSec(table.dialSecAt(r.usableBefore), handoff);
  }

  /** The P hand-off period now, with the cores' queue of kernel work (`GoRuntime.handoffUnderLoadSec`). */
  private handoffNowSec(): number {
    return this.runtime.handoffUnderLoadSec(this.cpu.kernelQueueSec);
  }

  /** Normal ops' dials that may still enter the kernel in this step, and the step they are counted for. */
  private gateLeft = 0;
  private gateStepSec = -1;
  /** Normal ops' goroutines queued for a P to dial (they dial in later steps, as the gate allows). */
  private queuedDials = 0;
  /** Handler goroutines of the requests those ops belong to (alive until their ops have dialed). */
  private queuedRequests = 0;

  /**
   * Room at the P gate for normal ops' dials in the step ending at `t1`: each dial holds its P for up to the
   * hand-off period, so GOMAXPROCS Ps let GOMAXPROCS x tick / hold dials into the kernel per step.
   */
  private gateRoom(t1: number): number {
    if (this.gateStepSec !== t1) {
      this.gateStepSec = t1;
      const table = this.table;
      const hold = this.runtime.pHoldSec(
        table.dialSecAt(table.usableOn(FIXED_IP, this.dialMode)),
        this.handoffNowSec(),
      );
      this.gateLeft = hold > 0 ? (this.p.runtime.gomaxprocs * this.dt) / hold : Number.POSITIVE_INFINITY;
    }
    return Math.floor(this.gateLeft);
  }

  /**
   * `count` normal ops found no idle connection on a full range: as many dial now as the P gate lets
   * through (and fail), the rest wait for a P as goroutines and dial in later steps (`drainQueuedDials`).
   * Their ops fail either way; only when their dials happen, and so their CPU, waits for the gate.
   */
  private gatedFailingDials(count: number, t1: number): number {
    if (count <= 0) return 0;
    const now = Math.min(count, this.gateRoom(t1));
    this.gateLeft -= now;
    this.failedDials(now, t1);
    this.queuedDials += count - now;
    return count - now;
  }

  /** Queued normal dials that get a P in this step: they fail on a full range, or connect and are kept. */
  private drainQueuedDials(t1: number): void {
    // FIFO: the goroutines of a burst still dialing are ahead of these.
    if (this.queuedDials <= 0 || this.burstDialing()) return;
    const n = Math.min(this.queuedDials, this.gateRoom(t1));
    if (n <= 0) return;
    // Waited past the client's timeout behind the queue: a dial that gets a port is closed unused
    // (TIME_WAIT) with dial-timeout; otherwise the connection joins the pool.
    const late = this.pQueueWaitSec() > this.p.memcached.timeoutSec;
    this.queuedRequests -= (this.queuedRequests * n) / this.queuedDials;
    this.queuedDials -= n;
    // A goroutine looks for an idle connection only once it runs (gomemcache's getConn): those returned
    // meanwhile are taken without a dial (their ops were already counted as failed: they came too late).
    const pooled = Math.min(this.idle, n);
    this.idle -= pooled;
    this.waitHeld += pooled;
    const dialing = n - pooled;
    this.gateLeft -= dialing;
    const got = this.dial(dialing, t1);
    // Each dial that fails, or ends late, is an error the goroutine logs now.
    this.logErrors(late ? dialing : dialing - got, t1);
    if (late && got > 0) {
      const t = Math.max(t1, this.lastCloseSec);
      this.lastCloseSec = t;
      const options = { activeClose: true, lingerZero: this.p.kernel.soLingerZero, dataExchanged: false };
      this.table.closeMany(t, FIXED_IP, options, got);
      this.demand.kernelSec += got * this.p.host.kernelPerCloseSec;
      this.metrics.noteDialError(DIAL_ERRORS.indexOf(DIAL_ERROR.timeout), got);
      this.notePorts();
      return;
    }
    const keep = Math.min(got, Math.max(0, this.p.poolSize - this.idle));
    this.idle += keep;
    if (got > keep) this.closeSockets(this.table, got - keep, t1);
  }

  /** Whether a burst has goroutines still queued for a P to dial. */
  private burstDialing(): boolean {
    for (const b of this.bursts) if (b.pending > 0) return true;
    return false;
  }

  /** Move connections between the pool and the ops waiting for CPU with their reply (`waitHeld`). */
  private holdForCpuWait(t1: number): void {
    this.opsLastStep = this.opsThisStep;
    this.opsThisStep = 0;
    const target = Math.round((this.opsLastStep / this.dt) * this.cpu.goWaitSec);
    if (target > this.waitHeld) {
      const take = Math.min(this.idle, target - this.waitHeld);
      this.idle -= take;
      this.waitHeld += take;
    } else if (target < this.waitHeld) {
      const back = this.waitHeld - target;
      this.waitHeld = target;
      const keep = Math.min(back, Math.max(0, this.p.poolSize - this.idle));
      this.idle += keep;
      if (back > keep) this.closeSockets(this.table, back - keep, t1);
    }
  }

  /**
   * How long a goroutine that wants a P now waits behind those queued to enter a dial (bursts' pending
   * dials and queued normal dials), each holding its P for up to the hand-off period.
   */
  private pQueueWaitSec(): number {
    let queued = this.queuedDials;
    for (const b of this.bursts) queued += b.pending;
    if (queued <= 0) return 0;
    const table = this.table;
    const hold = this.runtime.pHoldSec(
      table.dialSecAt(table.usableOn(FIXED_IP, this.dialMode)),
      this.handoffNowSec(),
    );
    return (queued * hold) / this.p.runtime.gomaxprocs;
  }

  /** Dials that failed because the range was already full (no allocation to make). */
  private failedDials(count: number, nowSec: number): void {
    if (count <= 0) return;
    this.metrics.dials += count;
    const failSec = this.table.dialSecAt(0);
    this.demand.kernelSec += count * this.table.sysCpuFraction * failSec;
    this.demand.pHeldSec += count * this.runtime.pHoldSec(failSec, this.handoffNowSec());
    this.metrics.noteDialError(DIAL_ERRORS.indexOf(dialFailure(this.dialMode)), count);
    this.metrics.notePortExhaustion(nowSec);
  }

  /** Log `count` error lines; returns how long the last accepted line waits (its writer's backlog). */
  /**
   * Log `count` error lines at `nowSec`. Returns how long their goroutines wait for the writer: the lines
   * queue behind the backlog in the order they are offered, so the waits spread evenly from the backlog
   * before them to the backlog after them (`waitFrom` to `waitTo`, set here; the return is their mean).
   */
  private logErrors(count: number, nowSec: number): number {
    this.allocatedBytes += count * this.p.logging.allocBytesPerLine;
    const before = this.log.queued > 0 ? this.log.backlogAt(nowSec) * this.log.writeSec : 0;
    const accepted = this.log.offerMany(nowSec, count, this.rngLog);
    // Each accepted line is JSON-encoded (Go code) and written with write(2) (kernel).
    const host = this.p.host;
    this.demand.mutatorSec += accepted * host.cpuPerLogLineSec;
    this.demand.kernelSec += accepted * host.kernelPerLogWriteSec;
    this.demand.goJobs += accepted;
    const after = accepted > 0 ? this.log.backlogAt(nowSec) * this.log.writeSec : before;
    this.waitFrom = before;
    this.waitTo = after;
    return (before + after) / 2;
  }

  /** `count` failed requests whose waits spread evenly over the last `logErrors` call's window. */
  private recordFailures(count: number): void {
    const slices = 4;
    for (let j = 0; j < slices; j++) {
      // Capped at the AppView's deadline, as the reference engine's histogram is (HostMetrics.requestDone).
      this.failLatencies.record(
        Math.min(
          this.waitFrom + ((this.waitTo - this.waitFrom) * (j + 0.5)) / slices,
          this.p.workload.upstreamDeadlineSec,
        ),
        count / slices,
      );
    }
  }

  private injected(inj: Injection): void {
    const client = CLIENT_IDS.indexOf(inj.client);
    const c = this.clients[client]!;
    this.metrics.requestUris(client, inj.uris, inj.uris);
    if (!this.lifecycle.serving || rejectedByCap(this.p, inj.uris)) {
      return this.metrics.requestsDone(client, 0, 1, c.userFacing);
    }
    this.burst(client, inj.atSec, inj.uris);
  }

  /**
   * A request of `n` URIs at `tb`: its goroutines start at once and take idle connections; the rest of
   * the connections it needs are dialed through the P gate tick by tick (`advanceBurst`), so that a kill
   * in the middle of a burst stops its remaining dials, as in the reference engine.
   */
  private burst(client: number, tb: number, n: number, tag = -1): void {
    const p = this.p;
    const m = p.memcached;
    const limit = p.concurrencyLimit === 'unbounded' ? n : Math.min(n, p.concurrencyLimit);
    const needed = m.getMulti ? 1 : limit;
    const fromPool = Math.min(this.idle, needed);
    this.idle -= fromPool;
    this.demand.mutatorSec += p.host.cpuPerRequestSec;
    this.demand.goJobs++;
    const opSec = unloadedGetSec(m);
    const serverRate = memcachedCapacityOpsPerSec(m);
    const opRate = m.getMulti ? n / (opSec + getMultiWorkSec(m, n)) : Math.min(serverRate, limit / opSec);
    this.bursts.push({
      client,
      tag,
      tb,
      n,
      limit,
      reuse: m.getMulti || limit < n,
      opRate,
      fromPool,
      pending: needed - fromPool,
      gateSec: tb,
      connected: fromPool,
      conns: fromPool,
      failed: 0,
      failStreak: 0,
      opsDone: 0,
      released: 0,
      sawExhaustion: false,
    });
  }

  /** Move a burst forward to `t1`: dials through the gate, ops through memcached, connections back. */
  private advanceBurst(b: ActiveBurst, t1: number): void {
    const p = this.p;
    const handoff = this.handoffNowSec();
    const procs = p.runtime.gomaxprocs;
    const table = this.table;
    const cache = CACHE_TYPES.indexOf(this.clients[b.client]!.cache);
    // 1. Dials, in gate order: successes while the range has ports, then failures that scan all of it.
    for (let guard = 0; b.pending > 0 && b.gateSec < t1 && guard < 1000; guard++) {
      const usable = table.usableOn(FIXED_IP, this.dialMode);
      const at = Math.max(b.gateSec, this.lastCloseSec);
      if (usable > 0) {
        // Successes dial by dial: each holds its P for min(dial, hand-off), and dials get slower along the
        // burst (past half the range each scans a whole parity), so the step's P time is spent at each
        // dial's own price, not the first one's. A dial that ends more than the client's timeout after
        // its goroutine began fails with dial-timeout (`late`), as in the reference engine's `dialDone`.
        const budgetSec = (t1 - b.gateSec) * procs;
        const deadlineSec = b.tb + p.memcached.timeoutSec;
        // Without a limit, a goroutine looks for an idle connection when it passes the gate (gomemcache's
        // getConn runs when it does): one freed by then is taken without a dial. The burst's ops finish at
        // its rate from `startSec`, and a finished op's goroutine frees its connection once it runs again,
        // after the CPU's wait as of the last tick (the wait the reference engine gives each op it issues).
        const startSec = b.tb + p.memcached.rttMedianSec / 2;
        let count = 0;
        let heldSec = 0;
        let late = 0;
        let kernelSec = 0;
        let reused = 0;
        while (
          b.pending - reused - count > 0 &&
          count < usable &&
          (count + reused === 0 || heldSec < budgetSec)
        ) {
          if (!b.reuse) {
            const g = b.gateSec + heldSec / procs;
            const connected = b.connected + reused + count - late;
            const waitSec = this.cpu.goWaitSec;
            const done = Math.min(connected, Math.floor(b.opRate * Math.max(0, g - startSec - waitSec)));
            // Freed connections wait in the pool, which keeps at most poolSize of them (it closes the rest).
            if (Math.min(b.conns + count - late - connected + done, p.poolSize) > 0) {
              reused++;
              continue;
            }
          }
          const dialSec = table.dialSecAt(usable - count);
          if (b.gateSec + heldSec / procs + dialSec > deadlineSec) late++;
          heldSec += this.runtime.pHoldSec(dialSec, handoff);
          kernelSec += dialSec;
          count++;
        }
        this.demand.kernelSec += table.sysCpuFraction * kernelSec;
        this.demand.pHeldSec += heldSec;
        const r = table.allocateMany(at, FIXED_IP, this.dialMode, count);
        this.metrics.dials += count;
        b.connected += r.ok - late + reused;
        b.conns += r.ok - late;
        b.pending -= count + reused;
        b.gateSec += heldSec / procs;
        b.failStreak = 0;
        this.notePorts();
        this.noteBlockedSyscalls(b.gateSec, table, r.ok, r.usableBefore);
        if (late > 0) this.dialTimeouts(b, cache, late, t1);
      } else {
        if (!b.sawExhaustion && b.fromPool > 0)
          this.normalDuringBurst(memcachedBusySec(p.memcached, b.fromPool), at);
        b.sawExhaustion = true;
        const failSec = table.dialSecAt(0);
        const holdSec = this.runtime.pHoldSec(failSec, handoff);
        const count = Math.min(b.pending, Math.max(1, Math.ceil(((t1 - b.gateSec) * procs) / holdSec)));
        this.metrics.dials += count;
        this.demand.kernelSec += count * table.dialSysCpuSecAt(0);
        this.demand.pHeldSec += count * holdSec;
        this.metrics.noteDialError(DIAL_ERRORS.indexOf(dialFailure(this.dialMode)), count);
        this.metrics.notePortExhaustion(at);
        this.metrics.opErrors[cache]! += count;
        this.logErrors(count, t1);
        b.failed += count;
        b.failStreak += count;
        b.pending -= count;
        b.gateSec += (count * holdSec) / procs;
        // Failures in a row keep GOMAXPROCS x ceil((d - h) / h) goroutines blocked, h the P hand-off period.
        if (this.runtime.isSlow(failSec, handoff)) {
          const steady = steadyBlockedSyscalls(this.runtime.config, failSec, handoff);
          this.pendingThreads.push({ atSec: at, blocked: Math.min(b.failStreak, steady) });
        }
      }
    }
    // 2. Ops: served at the burst's rate, on the connections it holds (reused under a limit).
    const m = p.memcached;
    const startSec = b.tb + m.rttMedianSec / 2;
    const capacity = b.connected === 0 ? 0 : b.reuse ? b.n - b.failed - Math.max(b.pending, 0) : b.connected;
    const target = Math.min(capacity, Math.floor(b.opRate * Math.max(0, t1 - startSec)));
    const served = Math.max(0, target - b.opsDone);
    if (served > 0) {
      b.opsDone += served;
      const sets = binomial(this.rng, served, 1 - m.hitRatio);
      this.demand.mutatorSec += (served + sets) * p.host.cpuPerOpSec;
      this.demand.goJobs += served + sets;
      this.metrics.ops[cache]! += served + sets;
      this.allocatedBytes += (served + 2 * sets) * p.runtime.allocBytesPerOp;
    }
    // 3. Connections come back: one per op without a limit, all at the end with one.
    const resolved = b.opsDone + b.failed >= b.n && b.pending === 0;
    // Without a limit a freed connection goes to the burst's next goroutine while it still dials, and back
    // to the pool once every goroutine has one.
    const releasable = b.reuse
      ? resolved
        ? b.connected
        : 0
      : b.pending > 0
        ? 0
        : b.conns - Math.min(b.conns, b.connected - b.opsDone);
    const back = releasable - b.released;
    if (back > 0) {
      b.released += back;
      const keep = Math.min(back, Math.max(0, p.poolSize - this.idle));
      this.idle += keep;
      if (back > keep) this.closeSockets(table, back - keep, t1);
    }
    if (resolved && b.released === (b.reuse ? b.connected : b.conns)) {
      b.done = true;
      if (!b.reuse) this.queuedBehindBurst(memcachedBusySec(m, b.opsDone));
      this.metrics.requestLatency(b.client, t1 - b.tb);
      this.metrics.requestsDone(
        b.client,
        b.failed > 0 ? 0 : 1,
        b.failed > 0 ? 1 : 0,
        this.clients[b.client]!.userFacing,
      );
      this.triggerDone(b.client, b.tag, b.failed === 0);
    }
  }

  /**
   * `count` dials of burst `b` that got a port after the client's timeout: the connection is closed unused
   * (TIME_WAIT on our side), the op fails with dial-timeout and logs a line, and so does its request.
   */
  private dialTimeouts(b: ActiveBurst, cache: number, count: number, atSec: number): void {
    const t = Math.max(atSec, this.lastCloseSec);
    this.lastCloseSec = t;
    const options = { activeClose: true, lingerZero: this.p.kernel.soLingerZero, dataExchanged: false };
    this.table.closeMany(t, FIXED_IP, options, count);
    this.demand.kernelSec += count * this.p.host.kernelPerCloseSec;
    this.notePorts();
    this.metrics.noteDialError(DIAL_ERRORS.indexOf(DIAL_ERROR.timeout), count);
    this.metrics.opErrors[cache]! += count;
    this.logErrors(count, atSec);
    b.failed += count;
  }

  /** Normal ops hitting an empty pool during a burst's hold time: each dials and fails. */
  private normalDuringBurst(holdSec: number, tb: number): void {
    for (let c = 0; c < this.clients.length; c++) {
      const client = this.clients[c]!;
      if (!client.userFacing || client.ratePerSec <= 0) continue;
      const perRequest = client.endpoint === ENDPOINT.getPostRecord ? this.meanNormalBatch() : 1;
      const requests = poisson(this.rng, this.rateOf(c) * holdSec);
      if (requests === 0) continue;
      const ops = Math.round(requests * perRequest);
      this.gatedFailingDials(ops, tb);
      this.metrics.opErrors[CACHE_TYPES.indexOf(client.cache)]! += ops;
      this.logErrors(ops, tb);
      // These requests were counted as ok by `normal`; move them to failed.
      this.failOkRequests(c, requests);
    }
  }

  private closeSockets(table: PortTable, count: number, atSec: number): void {
    const t = Math.max(atSec, this.lastCloseSec);
    this.lastCloseSec = t;
    this.demand.kernelSec += count * this.p.host.kernelPerCloseSec;
    table.closeMany(
      t,
      FIXED_IP,
      { activeClose: true, lingerZero: this.p.kernel.soLingerZero, dataExchanged: true },
      count,
    );
    this.notePorts();
  }

  /** Buffers of `noteBlockedSyscalls`, kept across calls. */
  private blockedStarts = new Float64Array(0);
  private blockedDurs = new Float64Array(0);

  /**
   * Ms for a burst of dials through the P gate, by the runtime's lockstep rule (`lockstepBlockedPeak`) on
   * the dials' own times. The new Ms count from the tick at which the peak is reached (they come after the
   * burst's goroutines, not with them).
   */
  private noteBlockedSyscalls(tb: number, table: PortTable, ok: number, usableBefore: number): void {
    const handoff = this.handoffNowSec();
    // Dial times only grow along the chunk; if even the last is shorter than a tick, no P is handed off.
    if (ok === 0 || !this.runtime.isSlow(table.dialSecAt(usableBefore - ok + 1), handoff)) return;
    // Dial times and start offsets in buffers kept across calls (a chunk has up to the range's ports).
    if (this.blockedStarts.length < ok) {
      this.blockedStarts = new Float64Array(Math.max(ok, 2 * this.blockedStarts.length));
      this.blockedDurs = new Float64Array(this.blockedStarts.length);
    }
    const starts = this.blockedStarts;
    const durs = this.blockedDurs;
    for (let i = 0; i < ok; i++) durs[i] = table.dialSecAt(usableBefore - i);
    const peak = lockstepBlockedPeak(this.runtime.config, durs, starts, ok, handoff);
    if (peak.blocked > 0) this.pendingThreads.push({ atSec: tb + peak.atSec, blocked: peak.blocked });
  }

  // ---- runtime, memory, process -----------------------------------------------------------------------

  private tick(t1: number): void {
    if (this.lifecycle.state === PROCESS_STATE.down) {
      this.metrics.sampleDown(this.allPorts());
      return;
    }
    let burstOps = 0;
    let burstConns = 0;
    if (this.bursts.length > 0) {
      let done = false;
      for (const b of this.bursts) {
        this.advanceBurst(b, t1);
        const load = burstLoad(b);
        burstOps += load.goroutines;
        burstConns += load.conns;
        if (b.done) done = true;
      }
      if (done) this.bursts = this.bursts.filter((b) => !b.done);
    }
    if (this.pendingThreads.length > 0) {
      let fatal = false;
      this.pendingThreads = this.pendingThreads.filter((x) => {
        if (x.atSec > t1) return true;
        fatal = this.runtime.noteBlockedPeak(x.blocked) || fatal;
        return false;
      });
      this.metrics.noteThreads(this.runtime);
      if (fatal) return this.kill(KILL_REASON.threadExhaustion, t1);
    }
    if (
      this.runtime.setLogWriterBlocked(this.log.queued > 0 && this.runtime.writeBlocks(this.log.writeSec))
    ) {
      return this.kill(KILL_REASON.threadExhaustion, t1);
    }
    const goroutines =
      burstOps +
      this.log.queued +
      this.queuedDials +
      Math.round(this.queuedRequests) +
      this.normalGoroutines();
    this.runtime.goroutines = goroutines;
    const live = {
      goroutines,
      openConns: this.idle + this.waitHeld + burstConns,
      queuedLogLines: this.log.queued,
      threads: this.runtime.threads,
    };
    const mem = memoryView(this.p, live, this.mem);
    this.stepCpu();
    const step = this.gc.step(this.dt, this.allocatedBytes, mem, this.runtime.threads, this.cpu.gcProgress);
    this.lastPauseSec = step.pauseSec;
    this.allocatedBytes = 0;
    const heap = this.gc.heapBytes(mem);
    const rss = rssBytes(heap, mem);
    this.metrics.sample(
      this.allPorts(),
      this.poolView(),
      this.runtime,
      this.log,
      this.gc,
      heap,
      rss,
      step.pauseSec,
    );
    if (rss > this.p.process.memoryLimitBytes) this.kill(KILL_REASON.oom, t1);
  }

  /**
   * The CPU over the step: its work, the GC's share while marking, the last pause, and the goroutines
   * queued for a P to enter a dial, of bursts and of normal ops (each will hold its P for up to the
   * hand-off period).
   */
  private stepCpu(): void {
    const gcSec = this.gc.marking ? gcDemandSec(this.cpu.config, this.gc.cpuShare, this.dt) : 0;
    let queued = this.queuedDials;
    for (const b of this.bursts) queued += b.pending;
    const waitSec = this.pQueueWaitSec();
    this.cpu.step(this.dt, this.demand, gcSec, Math.min(this.lastPauseSec, this.dt), waitSec);
    clearDemand(this.demand);
    // Little's law on the Go work, plus the P queue; never more goroutines than are alive.
    this.metrics.noteRunnable(Math.min(this.cpu.runnable + queued, this.runtime.goroutines));
  }

  /**
   * Deploys due by `nowSec` (model/deploys.ts): the old process stops gracefully (its sockets close with
   * its own settings), the new one starts at once with the new parameters; the kernel's tables stay.
   */
  private deployDue(nowSec: number): void {
    const deploys = this.options.deploys ?? [];
    while (this.nextDeploy < deploys.length && deploys[this.nextDeploy]!.atSec <= nowSec) {
      const d = deploys[this.nextDeploy++]!;
      this.metrics.event(`deploy:${d.label}`);
      // A new pod replaces the old one whatever its state: a crash-looping process (down in its back-off)
      // is replaced too, and the new one starts at once, with no back-off.
      this.kill(KILL_REASON.deploy, nowSec);
      this.p = d.params;
      const k = d.params.kernel;
      this.table = k.localIpMode === 'random' ? this.randomPorts : this.ports;
      this.dialMode = k.dialMode;
      this.ports.dialMode = this.randomPorts.dialMode = k.dialMode;
      const pool = normalTrafficProfile(d.params, this.clients).pool;
      this.workingSet = Math.min(d.params.poolSize, pool.peakConns);
      this.meanInFlight = pool.meanInFlight;
      this.churn = new PoissonTable(pool.churnDialsPerSec * this.dt);
      this.runtime = this.newRuntime();
      this.gc = new GcState(gcConfig(d.params));
      this.cpu = new HostCpu(cpuConfig(d.params));
      const log = new ErrorLog(errorLogConfig(d.params));
      log.carryCountsFrom(this.log);
      this.log = log;
    }
    this.nextDeploySec = deploys[this.nextDeploy]?.atSec ?? Number.POSITIVE_INFINITY;
  }

  private kill(reason: KillReason, nowSec: number): void {
    this.restartAtSec = this.lifecycle.kill(nowSec, reason);
    this.readyAtSec = Number.POSITIVE_INFINITY;
    const event = killEvent(reason);
    if (event) this.metrics.event(event);
    // Every socket of the dead process is closed by the kernel: the pool's idle connections and those of
    // a burst still running enter TIME_WAIT.
    const table = this.table;
    const open = table.establishedCount;
    if (open > 0) this.closeSockets(table, open, nowSec);
    this.idle = 0;
    this.waitHeld = 0;
    this.opsThisStep = 0;
    // Requests of bursts still running fail with the process; their remaining dials never happen.
    for (const b of this.bursts) {
      this.metrics.requestLatency(b.client, nowSec - b.tb);
      this.metrics.requestsDone(b.client, 0, 1, this.clients[b.client]!.userFacing);
      this.triggerDone(b.client, b.tag, false);
    }
    this.bursts = [];
    this.pendingThreads = [];
    this.runtime = restartedRuntime(this.p, this.gc, this.log, nowSec);
    this.cpu.reset();
    clearDemand(this.demand);
    this.lastPauseSec = 0;
    this.queuedDials = 0;
    this.queuedRequests = 0;
    this.allocatedBytes = 0;
    if (this.restartAtSec <= nowSec) this.lifecycleEvents(nowSec);
  }

  private newRuntime(): GoRuntime {
    return new GoRuntime(goRuntimeConfig(this.p));
  }

  private notePorts(): void {
    this.metrics.notePorts(this.allPorts());
  }

  /** Both tables seen as one (for gauges): the fixed-IP range and the random-IP sockets. */
  private allPorts(): PortTable {
    return this.table;
  }

  private poolView(): PoolGauges {
    this.gauges.openCount = this.idle;
    this.gauges.idleConns = this.idle;
    return this.gauges;
  }

  private latencies(): LatencyHistogram {
    const h = new LatencyHistogram();
    this.clients.forEach((c, i) => {
      if (c.userFacing) h.addScaled(this.templates[i]!, this.okByClient[i]!);
    });
    h.addScaled(this.failLatencies, this.failLatencies.total);
    h.addScaled(this.delayedLatencies, this.delayedLatencies.total);
    return h;
  }
}
