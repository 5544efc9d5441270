/** The fast engine's host state and the bookkeeping its concerns share (see host-fast.ts). */
import { LatencyHistogram } from '../../metrics/latency-histogram.js';
import { URI_BUCKETS } from '../../metrics/timeline.js';
import { emptyDemand, type HostCpu } from '../../model/cpu.js';
import { DIAL_ERROR, DIAL_ERRORS } from '../../model/errors.js';
import type { GcState } from '../../model/gc.js';
import { dedicatedMarkWorkers, type GoRuntime, goroutinePs } from '../../model/go-runtime.js';
import { portTableConfig } from '../../model/host-config.js';
import { newHostMechanisms } from '../../model/host-mechanisms.js';
import { routedTrafficFactor, trafficFactor } from '../../model/load.js';
import type { ErrorLog } from '../../model/logging.js';
import type { Params } from '../../model/params.js';
import { type DialMode, PortTable } from '../../model/port-table.js';
import { Lifecycle } from '../../model/process-lifecycle.js';
import {
  CACHE_TYPES,
  CLIENT,
  type ClientSpec,
  clientRatePerSec,
  clientsFrom,
  ENDPOINT,
} from '../../model/workload.js';
import { exponential, PoissonTable } from '../../random/distributions.js';
import { createRng, hashSeed, type Rng } from '../../random/rng.js';
import { HostMetrics, type PoolGauges, uriBucket } from '../host-metrics.js';
import type { HostRunOptions } from '../host-run.js';
import type { ActiveBurst } from './bursts.js';
import { normalTrafficProfile } from './normal-traffic.js';

/** The shared contract (scripted injections are resolved as bursts at their instant), and its own options. */
export interface FastRunOptions extends HostRunOptions {
  /**
   * Take quiet seconds in one go (default true; see `quietSecond`). False steps every tick: slower, the
   * same model, for checking that the shortcut changes nothing but the random stream.
   */
  readonly quietSeconds?: boolean;
  /**
   * Take seconds where the process is down and stays down in one pass (default true; see `downSecond`).
   * The same draws in the same order as stepping them: false gives the same bytes, more slowly (a switch
   * for the test that checks it).
   */
  readonly downSeconds?: boolean;
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

/** The local IP of the fixed-IP table (one address: the range is its ports). */
export const FIXED_IP = 0;

/**
 * The fast engine's host state: what the loop (`FastHost`, host-fast.ts) owns and the concerns' functions
 * read and change (bursts.ts, normal-flow.ts, p-gate.ts, quiet-second.ts, down-second.ts), with the
 * bookkeeping they all share (arrival rates, booking requests, error lines, closes, gauges).
 */
export class FastHostState {
  p: Params;
  readonly dt: number;
  readonly clients: readonly ClientSpec[];
  readonly rng: Rng;
  readonly rngLog: Rng;
  readonly ports: PortTable;
  /** Random-local-IP sockets: 16.5 M addresses x the port range, collisions negligible. */
  readonly randomPorts: PortTable;
  runtime: GoRuntime;
  gc: GcState;
  /** The host's CPU, stepped at each tick with the work of the step (model/cpu.ts). */
  cpu: HostCpu;
  readonly demand = emptyDemand();

  /** Dedicated mark workers running now: `dedicatedMarkWorkers` while a cycle marks, else 0. */
  markWorkers(): number {
    return this.gc.marking ? dedicatedMarkWorkers(this.p.runtime.gomaxprocs) : 0;
  }

  /** Ps goroutines, and the syscalls they enter, have now: GOMAXPROCS less the mark workers' (`goroutinePs`). */
  goroutinePs(): number {
    return goroutinePs(this.p.runtime.gomaxprocs, this.gc.marking);
  }

  /** Stop-the-world pause begun in the last step (it takes Go's CPU in the next one). */
  lastPauseSec = 0;
  log: ErrorLog;
  readonly lifecycle: Lifecycle;
  readonly metrics: HostMetrics;
  readonly failLatencies = new LatencyHistogram();
  /** Healthy requests slowed by a burst's ops ahead of them at memcached. */
  readonly delayedLatencies = new LatencyHistogram();
  readonly templates: readonly LatencyHistogram[];
  readonly templateMeanSec: Float64Array;
  /** Median of each template (read at every burst's end: computed once). */
  readonly templateMedianSec: Float64Array;
  /** Normal requests' URIs per request (uniform in [lo, hi]), mean, and shares of the size buckets. */
  readonly urisLo: Int32Array;
  readonly urisHi: Int32Array;
  readonly meanUris: Float64Array;
  /** Mean URIs per request of the clients whose requests are batches (GetPostRecord), null for the rest. */
  readonly batchUris: readonly (number | null)[];
  readonly bucketShares: Float64Array[];
  /** Normal requests per client since the last timeline interval closed. */
  readonly requestsInBin: Float64Array;
  readonly okByClient: Float64Array;
  /**
   * Requests counted ok in the current second, per client: the most that a later finding of the same
   * second (pool churn, an empty pool during a burst) can move to failed. Keeps requests conserved.
   */
  readonly okThisSecond: Float64Array;
  /**
   * Requests served without a dial in this second, per client, not yet booked: the quiet path of `normal`
   * adds here and `bookQuiet` moves them to the counters above and the metrics before anything reads them.
   */
  readonly quietOk: Float64Array;
  /** The table dials use: one fixed local IP's range, or the random-local-IP space. */
  table: PortTable;
  quietPending = false;
  /** Idle connections in the pool (normal traffic's concurrency is small and transient). */
  idle = 0;
  /**
   * Connections held by normal ops waiting for CPU, to send and again to read the reply: each step's ops
   * hold theirs for twice the wait they met at issue (`waitCohorts`). They leave the pool while they wait,
   * so a CPU wait makes the pool dial, as in the reference engine, where each op keeps its connection
   * until it runs.
   */
  waitHeld = 0;
  /**
   * Normal ops holding a connection while they wait for CPU (`holdForCpuWait`), and by how much that count
   * falls at each later step boundary (by step index) as their cohorts' holds end.
   */
  waitOps = 0;
  readonly waitDrops = new Map<number, number>();
  /** The CPU wait the current step's ops meet at issue (the last step's `goWaitSec`). */
  issueWaitSec = 0;
  /** Connections being dialed for the pool (their syscalls still scanning), and when each lands. */
  dialingConns = 0;
  readonly dialQueue: { readySec: number; conns: number }[] = [];
  /** Normal ops issued in the current step, and in the last one (for `waitCohorts`). */
  opsThisStep = 0;
  opsLastStep = 0;
  /** Connections a warm pool settles at for normal traffic. */
  workingSet: number;
  /** Dials per step that concurrency peaks above poolSize cost a warm pool (closed again on release). */
  churn: PoissonTable;
  /** Mean concurrent memcached ops of normal traffic. */
  meanInFlight: number;
  dialMode: DialMode;
  readonly triggerClient: number;
  readonly rngTrigger: Rng;
  readonly rngTriggerBatch: Rng;
  /** For the per-client metric of the largest normal request per step only. */
  readonly rngUris: Rng;
  nextTriggerSec: number;
  allocatedBytes = 0;
  /** Reused every tick (no allocation per step). */
  readonly gauges = { openCount: 0, idleConns: 0 };
  /** Cache index of each client, and the fractional sets carried per cache. */
  readonly cacheOf: Int32Array;
  readonly setCarry = new Float64Array(CACHE_TYPES.length);
  uriCarry = 0;
  /** Waits of the lines of the last `logErrors` call: from the first to the last. */
  waitFrom = 0;
  waitTo = 0;
  /** User traffic multiplier in force this second (calendar x retry amplification, model/load.ts). */
  rateFactor = 1;
  /** Per-step arrival tables per multiplier in use (a few dozen at most: multipliers are rounded). */
  readonly tablesByFactor = new Map<number, PoissonTable[]>();
  readonly quietN: Float64Array;
  readonly quietOps = new Float64Array(CACHE_TYPES.length);
  readonly quietSetCarry = new Float64Array(CACHE_TYPES.length);
  /** Per client, 1 when it is active over the whole down second being taken (`downSecond`). */
  readonly downFull: Uint8Array;
  /** The down second's draws in order, and each client's sum (`downSecond`). */
  downCounts = new Float64Array(0);
  readonly downSums: Float64Array;
  /** Requests per full step of each client. */
  arrivalTables: PoissonTable[] = [];
  readonly mem = { liveHeapBytes: 0, stackBytes: 0, otherBytes: 0 };
  lastCloseSec = 0;
  /** Goroutines of bursts that are still running ops (not those blocked on logging), and when they end. */
  /** Bursts whose successful URIs are still running memcached ops (each holds a goroutine and a conn). */
  bursts: ActiveBurst[] = [];
  /** Peaks of blocked syscalls of recent bursts, applied to the M count at the tick they are reached. */
  pendingThreads: Array<{ atSec: number; blocked: number }> = [];
  /** Handler goroutines of normal requests in flight (Little's law on the latency templates). */
  readonly requestsInFlight: number;
  restartAtSec = Number.POSITIVE_INFINITY;
  nextDeploy = 0;
  nextDeploySec = Number.POSITIVE_INFINITY;
  readyAtSec = Number.POSITIVE_INFINITY;

  constructor(readonly options: FastRunOptions) {
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
    const mechanisms = newHostMechanisms(p);
    this.runtime = mechanisms.runtime;
    this.gc = mechanisms.gc;
    this.cpu = mechanisms.cpu;
    this.log = mechanisms.log;
    this.lifecycle = new Lifecycle(p.process);
    this.metrics = new HostMetrics(p, options.resolutionSec ?? 1, options.onRow);
    const profile = normalTrafficProfile(p, this.clients);
    this.templates = profile.templates;
    this.templateMeanSec = Float64Array.from(this.templates, (t) => t.meanSec());
    this.templateMedianSec = Float64Array.from(this.templates, (t) => t.quantileSec(0.5) ?? 0);
    const { normalBatchMin: lo, normalBatchMax: hi } = p.workload;
    const sizes = (c: ClientSpec): [number, number] =>
      c.endpoint === ENDPOINT.getPostRecord ? [lo, hi] : [1, 1];
    this.urisLo = Int32Array.from(this.clients, (c) => sizes(c)[0]);
    this.urisHi = Int32Array.from(this.clients, (c) => sizes(c)[1]);
    this.meanUris = Float64Array.from(this.clients, (c) => (sizes(c)[0] + sizes(c)[1]) / 2);
    this.batchUris = this.clients.map((c, i) =>
      c.endpoint === ENDPOINT.getPostRecord ? this.meanUris[i]! : null,
    );
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
    this.downFull = new Uint8Array(this.clients.length);
    this.downSums = new Float64Array(this.clients.length);
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

  /** Share of user traffic routed here relative to an even split (1 = 1/hostsPerDc of the DC's calls). */
  routedShare = 1;
  /** New-client requests routed here and not yet arrived, in time order, and the next one's index. */
  submitted: Array<{ atSec: number; uris: number; tag: number }> = [];
  submittedNext = 0;
  /** New-client requests finished since the last `takeTriggerOutcomes`, by tag. */
  triggerOutcomes: TriggerOutcome[] = [];

  triggerDone(client: number, tag: number, ok: boolean): void {
    if (this.options.coupled && client === this.triggerClient) this.triggerOutcomes.push({ tag, ok });
  }

  /** A client's arrival rate now: user-facing clients under the traffic multiplier. */
  rateOf(client: number): number {
    return clientRatePerSec(this.clients[client]!, this.rateFactor);
  }

  /** Goroutines of normal requests and their memcached ops in flight (Little's law at the current rate). */
  normalGoroutines(): number {
    return (
      Math.ceil(this.meanInFlight * this.rateFactor) + Math.ceil(this.requestsInFlight * this.rateFactor)
    );
  }

  /** The multiplier for the second starting at `tSec`, from the calendar and the averaged failure share. */
  setRateFactor(tSec: number): void {
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

  meanNormalBatch(): number {
    return (this.p.workload.normalBatchMin + this.p.workload.normalBatchMax) / 2;
  }

  /** Book the requests `normal` served on its quiet path (see `quietOk`). */
  bookQuiet(): void {
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
  failOkRequests(client: number, requests: number): void {
    this.bookQuiet();
    const moved = Math.min(requests, this.okThisSecond[client]!);
    if (moved <= 0) return;
    this.okThisSecond[client]! -= moved;
    // (Requests answered late by a CPU wait are in the delayed histogram, not among the template's.)
    this.okByClient[client] = Math.max(0, this.okByClient[client]! - moved);
    this.metrics.requestsDone(client, -moved, moved, true);
    this.recordFailures(moved);
  }

  /** Normal ops' dials that may still enter the kernel in this step, and the step they are counted for. */
  gateLeft = 0;
  gateStepSec = -1;
  /** The P hold of a dial at the step's start (`gateRoom`), and the P-seconds the gate's last step ran over. */
  gateHoldSec = 0;
  gateOverSec = 0;
  /** Normal ops' goroutines queued for a P to dial (they dial in later steps, as the gate allows). */
  queuedDials = 0;
  /** The queue's cohorts in FIFO order from `queueHead`: when each joined (`queueAtSec`) and how many. */
  private queueAtSec: number[] = [];
  private queueCount: number[] = [];
  private queueHead = 0;

  /** `count` normal ops' goroutines join the P queue at `atSec` (behind those already in it). */
  queueDials(count: number, atSec: number): void {
    if (count <= 0) return;
    this.queuedDials += count;
    const last = this.queueAtSec.length - 1;
    if (last >= this.queueHead && this.queueAtSec[last] === atSec) this.queueCount[last]! += count;
    else {
      this.queueAtSec.push(atSec);
      this.queueCount.push(count);
    }
  }

  /**
   * The first `n` goroutines of the P queue leave it; the first `skip` of them took an idle connection and
   * the rest dial. Returns how many of those that dial joined the queue before `cutoffSec` (FIFO: they are
   * the first ones).
   */
  dequeueDials(n: number, skip: number, cutoffSec: number): number {
    let left = Math.min(n, this.queuedDials);
    this.queuedDials -= left;
    let before = 0;
    while (left > 0 && this.queueHead < this.queueAtSec.length) {
      const h = this.queueHead;
      const take = Math.min(left, this.queueCount[h]!);
      if (this.queueAtSec[h]! < cutoffSec) before += take;
      left -= take;
      this.queueCount[h]! -= take;
      if (this.queueCount[h] === 0) this.queueHead++;
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queueAtSec.length) {
      this.queueAtSec = this.queueAtSec.slice(this.queueHead);
      this.queueCount = this.queueCount.slice(this.queueHead);
      this.queueHead = 0;
    }
    return Math.max(0, before - skip);
  }

  /** The P queue is emptied (the process died). */
  clearQueuedDials(): void {
    this.queuedDials = 0;
    this.queueAtSec = [];
    this.queueCount = [];
    this.queueHead = 0;
  }
  /**
   * The heap and mutator CPU the queued ops that wait for a P to look for a connection will take if they
   * are issued (an op whose dial fails never is): charged, in proportion, as the queue drains.
   */
  queuedAllocBytes = 0;
  queuedMutatorSec = 0;
  /** Handler goroutines of the requests those ops belong to (alive until their ops have dialed). */
  queuedRequests = 0;

  /**
   * Log `count` error lines at `nowSec`. Returns how long their goroutines wait for the writer: the lines
   * queue behind the backlog in the order they are offered, so the waits spread evenly from the backlog
   * before them to the backlog after them (`waitFrom` to `waitTo`, set here; the return is their mean).
   */
  logErrors(count: number, nowSec: number): number {
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
  recordFailures(count: number): void {
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

  /** Close `count` used connections of `table` at `atSec` (our side's active close: TIME_WAIT). */
  closeSockets(table: PortTable, count: number, atSec: number): void {
    this.close(table, count, atSec, true);
  }

  /**
   * `count` dials that got a port after the client's timeout: each connection is closed unused, and counted
   * as a dial-timeout (the caller fails and logs their ops).
   */
  closeLateDials(count: number, atSec: number): void {
    this.close(this.table, count, atSec, false);
    this.metrics.noteDialError(DIAL_ERRORS.indexOf(DIAL_ERROR.timeout), count);
  }

  /** `count` connections dialed now that join the pool at `readySec` (in order: later dials land later). */
  dialsLand(count: number, readySec: number): void {
    if (count <= 0) return;
    const q = this.dialQueue;
    const last = q[q.length - 1];
    const at = last ? Math.max(readySec, last.readySec) : readySec;
    if (last && last.readySec === at) last.conns += count;
    else q.push({ readySec: at, conns: count });
    this.dialingConns += count;
  }

  /** `count` connections come back to the pool, which keeps at most poolSize idle and closes the rest. */
  returnToPool(count: number, atSec: number): void {
    const keep = Math.min(count, Math.max(0, this.p.poolSize - this.idle));
    this.idle += keep;
    if (count > keep) this.closeSockets(this.table, count - keep, atSec);
  }

  /** Closes in time order (a cohort never closes before an earlier one), each at the kernel's CPU price. */
  private close(table: PortTable, count: number, atSec: number, dataExchanged: boolean): void {
    const t = Math.max(atSec, this.lastCloseSec);
    this.lastCloseSec = t;
    this.demand.kernelSec += count * this.p.host.kernelPerCloseSec;
    table.closeMany(
      t,
      FIXED_IP,
      { activeClose: true, lingerZero: this.p.kernel.soLingerZero, dataExchanged },
      count,
    );
    this.notePorts();
  }

  /** When a burst's chunk of gate passes frees its connections (`advanceBurst`), by dial and by reuse. */
  chunkDialFrees = new Float64Array(1024);
  chunkReuseFrees = new Float64Array(1024);
  /** Buffers of `noteBlockedSyscalls`, kept across calls. */
  blockedStarts = new Float64Array(0);
  blockedDurs = new Float64Array(0);

  notePorts(): void {
    this.metrics.notePorts(this.allPorts());
  }

  /** Both tables seen as one (for gauges): the fixed-IP range and the random-IP sockets. */
  allPorts(): PortTable {
    return this.table;
  }

  poolView(): PoolGauges {
    this.gauges.openCount = this.idle;
    this.gauges.idleConns = this.idle;
    return this.gauges;
  }
}
