/**
 * What both engines measure: timeline rows at a fixed interval, per-second user availability
 * (for downtime and recovery), and the run's summary figures. Fixed memory whatever the duration.
 */
import type { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { RunFigures } from '../metrics/run-figures.js';
import { keyed, type TimelineRow, URI_BUCKETS, uriBucketColumns } from '../metrics/timeline.js';
import type { HostCpu } from '../model/cpu.js';
import { DIAL_ERRORS } from '../model/errors.js';
import type { GcState } from '../model/gc.js';
import type { GoRuntime } from '../model/go-runtime.js';
import type { ErrorLog } from '../model/logging.js';
import type { Params } from '../model/params.js';
import type { PortTable } from '../model/port-table.js';
import type { Lifecycle } from '../model/process-lifecycle.js';
import { CACHE_TYPES, CLIENT_IDS } from '../model/workload.js';
import { utcAt } from '../scenario/calendar.js';

/** What the timeline reads of a connection pool. */
export interface PoolGauges {
  readonly openCount: number;
  readonly idleConns: number;
}

export class HostMetrics {
  // Counters of the current timeline interval.
  readonly ops = new Float64Array(CACHE_TYPES.length);
  readonly opErrors = new Float64Array(CACHE_TYPES.length);
  readonly dialErrors = new Float64Array(DIAL_ERRORS.length);
  private readonly reqOk = new Float64Array(CLIENT_IDS.length);
  private readonly reqErr = new Float64Array(CLIENT_IDS.length);
  /** URIs requested per client in the interval, and the largest single request (per-client metrics). */
  private readonly uris = new Float64Array(CLIENT_IDS.length);
  private readonly urisMax = new Float64Array(CLIENT_IDS.length);
  /** Requests per client and URI bucket (URI_BUCKETS), flattened [client * buckets + bucket]. */
  private readonly uriBuckets = new Float64Array(CLIENT_IDS.length * URI_BUCKETS.length);
  /** Latency of finished requests per client: sum (seconds) and count, for the interval's mean. */
  private readonly latencySum = new Float64Array(CLIENT_IDS.length);
  private readonly latencyCount = new Float64Array(CLIENT_IDS.length);
  dials = 0;
  opTimeouts = 0;
  logWritten = 0;
  private binEvents: string[] = [];
  private binTimeWaitMax = 0;
  private binLogQueueMax = 0;
  private binBlockedMax = 0;
  private binGoroutinesMax = 0;
  private binHeapMax = 0;
  private binRssMax = 0;
  private binPauseMaxSec = 0;
  private gcCpuShare = 0;
  private binRunnableMax = 0;
  /** CPU used over the closed intervals, by kind (core-seconds): the run summary's totals. */
  private readonly cpuUsed = { mutatorSec: 0, gcSec: 0, kernelSec: 0 };
  private lastLogAttempted = 0;
  private lastLogAccepted = 0;
  private lastLogWritten = 0;
  private lastOom = 0;
  private lastRestarts = 0;
  private lastHeap = 0;
  private lastRss = 0;
  private lastGoroutines = 0;
  private binUserOk = 0;
  private binUserTotal = 0;
  // Run totals.
  private userOk = 0;
  private userTotal = 0;
  private totalDialErrors = 0;
  private peakTimeWait = 0;
  private firstPortExhaustionSec: number | null = null;
  private peakThreads = 0;
  private peakRss = 0;
  private maxPauseSec = 0;
  // Per-second accounting.
  private secondOk = 0;
  private secondTotal = 0;
  private secondDialErrors = 0;
  private downtimeSec = 0;
  private goodStreak = 0;
  private recoverySec: number | null = null;
  private readonly triggerStopSec: number | null;

  constructor(
    private readonly p: Params,
    readonly resolutionSec: number,
    private readonly onRow: ((row: TimelineRow) => void) | undefined,
  ) {
    if (!(resolutionSec > 0)) throw new RangeError(`timeline resolution must be > 0 s, got ${resolutionSec}`);
    const stop = p.workload.triggerStopSec;
    this.triggerStopSec = stop === 'never' || p.workload.newClientRatePerSec <= 0 ? null : stop;
    this.peakThreads = p.runtime.baseThreads;
  }

  requestDone(
    client: number,
    ok: boolean,
    userFacing: boolean,
    latencySec: number | null,
    latencies: LatencyHistogram,
  ): void {
    if (ok) this.reqOk[client]!++;
    else this.reqErr[client]!++;
    if (latencySec !== null) this.requestLatency(client, latencySec);
    if (!userFacing) return;
    this.userTotal++;
    this.secondTotal++;
    this.binUserTotal++;
    if (ok) {
      this.userOk++;
      this.secondOk++;
      this.binUserOk++;
    }
    // The AppView abandons a call at its deadline: that is the latency its user sees (p99), however long
    // the data plane goes on with a stalled request.
    if (latencySec !== null) latencies.record(Math.min(latencySec, this.p.workload.upstreamDeadlineSec));
  }

  notePorts(ports: PortTable): void {
    const tw = ports.timeWaitCount;
    if (tw > this.peakTimeWait) this.peakTimeWait = tw;
    if (tw > this.binTimeWaitMax) this.binTimeWaitMax = tw;
  }

  noteDialError(kind: number, count = 1): void {
    this.dialErrors[kind]! += count;
    this.secondDialErrors += count;
  }

  /** Requests arriving: `uris` URIs in all, the largest of them `largest` URIs. */
  requestUris(client: number, uris: number, largest: number, requests = 1): void {
    this.uris[client]! += uris;
    if (largest > this.urisMax[client]!) this.urisMax[client] = largest;
    this.uriBuckets[client * URI_BUCKETS.length + uriBucket(largest)]! += requests;
  }

  /**
   * Bulk form for the aggregate engine: `requests` normal requests of `uris` URIs in all, spread over the
   * size buckets by `bucketShares` (fractions summing to 1); the interval's largest is noted separately.
   */
  normalRequestUris(client: number, uris: number, requests: number, bucketShares: Float64Array): void {
    this.uris[client]! += uris;
    const base = client * URI_BUCKETS.length;
    for (let k = 0; k < bucketShares.length; k++) this.uriBuckets[base + k]! += requests * bucketShares[k]!;
  }

  /** The largest request of a client so far in the interval is at least `uris`. */
  largestRequest(client: number, uris: number): void {
    if (uris > this.urisMax[client]!) this.urisMax[client] = uris;
  }

  /** Latency of `count` finished requests of a client, `sumSec` in all (per-client metric). */
  requestLatency(client: number, sumSec: number, count = 1): void {
    this.latencySum[client]! += sumSec;
    this.latencyCount[client]! += count;
  }

  /** Bulk form of requestDone for the aggregate engine (latencies are recorded by the caller). */
  requestsDone(client: number, ok: number, failed: number, userFacing: boolean): void {
    this.reqOk[client]! += ok;
    this.reqErr[client]! += failed;
    if (!userFacing) return;
    const total = ok + failed;
    this.userTotal += total;
    this.secondTotal += total;
    this.binUserTotal += total;
    this.userOk += ok;
    this.secondOk += ok;
    this.binUserOk += ok;
  }

  /**
   * Whether `requestsDone(c, 0, n, ...)` calls with whole numbers n, `added` more failed requests in
   * all, give the same counters, bit for bit, when made in any grouping: every counter they add to is a
   * whole number and stays at most 2^53, so that every partial sum is exact.
   */
  failuresAddExactly(added: number): boolean {
    const fits = (x: number) => Number.isInteger(x) && x + added <= 2 ** 53;
    for (let c = 0; c < this.reqErr.length; c++) if (!fits(this.reqErr[c]!)) return false;
    return fits(this.userTotal) && fits(this.secondTotal) && fits(this.binUserTotal);
  }

  /** User-facing requests finished so far (ok and all), for a coupled fleet's balancer. */
  userTotals(): { ok: number; total: number } {
    return { ok: this.userOk, total: this.userTotal };
  }

  notePortExhaustion(nowSec: number): void {
    if (this.firstPortExhaustionSec === null) {
      this.firstPortExhaustionSec = nowSec;
      this.binEvents.push('first-dial-error');
    }
  }

  noteThreads(runtime: GoRuntime): void {
    if (runtime.threads > this.peakThreads) this.peakThreads = runtime.threads;
    if (runtime.blockedInSyscall > this.binBlockedMax) this.binBlockedMax = runtime.blockedInSyscall;
  }

  /** Goroutines runnable and waiting for a P at a runtime tick (the interval keeps the most). */
  noteRunnable(goroutines: number): void {
    if (goroutines > this.binRunnableMax) this.binRunnableMax = goroutines;
  }

  event(name: string): void {
    this.binEvents.push(name);
  }

  /** Gauges at a runtime tick. */
  sample(
    ports: PortTable,
    pool: PoolGauges,
    runtime: GoRuntime,
    log: ErrorLog,
    gc: GcState,
    heapBytes: number,
    rssBytes: number,
    pauseSec: number,
  ): void {
    void pool;
    this.notePorts(ports);
    this.noteThreads(runtime);
    this.binLogQueueMax = Math.max(this.binLogQueueMax, log.queued);
    this.binGoroutinesMax = Math.max(this.binGoroutinesMax, runtime.goroutines);
    this.binHeapMax = Math.max(this.binHeapMax, heapBytes);
    this.binRssMax = Math.max(this.binRssMax, rssBytes);
    this.binPauseMaxSec = Math.max(this.binPauseMaxSec, pauseSec);
    this.peakRss = Math.max(this.peakRss, rssBytes);
    this.maxPauseSec = Math.max(this.maxPauseSec, pauseSec);
    this.gcCpuShare = gc.cpuShare;
    this.lastHeap = heapBytes;
    this.lastRss = rssBytes;
    this.lastGoroutines = runtime.goroutines;
    this.gcCyclesNow = gc.cycles;
    this.logNow = log;
  }

  /** While the process is down only the kernel's state moves. */
  sampleDown(ports: PortTable): void {
    this.notePorts(ports);
    this.lastHeap = 0;
    this.lastRss = 0;
    this.lastGoroutines = 0;
    this.gcCpuShare = 0;
  }

  /** Share of user-facing calls failing, averaged over `upstream.failureAverageSec` (drives retries). */
  failedShareAverage = 0;
  /** Multiplier of user traffic in force (reported in the timeline). */
  loadFactor = 1;
  private gcCyclesNow = 0;
  private gcCyclesBase = 0;
  private logNow: ErrorLog | null = null;

  /**
   * Close one second. The share of user calls that failed in it feeds the failure share that drives the
   * upstream's retries: an exponential average over `upstream.failureAverageSec`, the data center's share
   * as seen from one representative host (a pod that is down fails its calls, which count).
   */
  closeSecond(nowSec: number, lifecycle: Lifecycle): void {
    const share = this.secondTotal > 0 ? 1 - this.secondOk / this.secondTotal : lifecycle.serving ? 0 : 1;
    this.failedShareAverage += (share - this.failedShareAverage) / this.p.upstream.failureAverageSec;
    const down =
      !lifecycle.serving ||
      (this.secondTotal > 0 && this.secondOk / this.secondTotal < this.p.metrics.downtimeAvailability);
    if (down) this.downtimeSec++;
    const stop = this.triggerStopSec;
    if (stop !== null && nowSec - 1 >= stop - 1e-9 && this.recoverySec === null) {
      const good = !down && this.secondDialErrors === 0;
      this.goodStreak = good ? this.goodStreak + 1 : 0;
      if (this.goodStreak >= this.p.metrics.recoveryWindowSec) {
        this.recoverySec = Math.max(0, nowSec - this.goodStreak - stop);
      }
    }
    this.secondOk = 0;
    this.secondTotal = 0;
    this.secondDialErrors = 0;
  }

  closeBin(
    nowSec: number,
    lifecycle: Lifecycle,
    pool: PoolGauges,
    ports: PortTable,
    runtime: GoRuntime,
    cpu: HostCpu,
  ): void {
    const used = cpu.takeUsed();
    this.cpuUsed.mutatorSec += used.mutatorSec;
    this.cpuUsed.gcSec += used.gcSec;
    this.cpuUsed.kernelSec += used.kernelSec;
    let dialErrorsInBin = 0;
    for (const v of this.dialErrors) dialErrorsInBin += v;
    this.totalDialErrors += dialErrorsInBin;
    const log = this.logNow;
    const attempted = log ? log.attempted : this.lastLogAttempted;
    const accepted = log ? log.accepted : this.lastLogAccepted;
    const written = log ? log.written : this.lastLogWritten;
    if (this.onRow) {
      const calendar = this.p.load.calendarStartUtcSec;
      const row: TimelineRow = {
        tSec: round(nowSec, 6),
        utc: calendar === 'none' ? null : utcAt(calendar, nowSec),
        processState: lifecycle.state,
        ...keyed(CLIENT_IDS, (_, i) => ({
          reqOk: this.reqOk[i]!,
          reqErr: this.reqErr[i]!,
          latencyMs:
            this.latencyCount[i]! > 0 ? round((1000 * this.latencySum[i]!) / this.latencyCount[i]!, 4) : null,
          uris: round(this.uris[i]!, 3),
          urisMax: this.urisMax[i]!,
          ...uriBucketColumns((k) => round(this.uriBuckets[i * URI_BUCKETS.length + k]!, 3)),
        })),
        userAvailability: this.binUserTotal > 0 ? round(this.binUserOk / this.binUserTotal, 6) : null,
        loadFactor: round(this.loadFactor, 4),
        ...keyed(CACHE_TYPES, (_, i) => ({ ops: this.ops[i]!, opErrors: this.opErrors[i]! })),
        dials: this.dials,
        ...keyed(DIAL_ERRORS, (_, i) => ({ dialErr: this.dialErrors[i]! })),
        opTimeouts: this.opTimeouts,
        openConns: lifecycle.serving || lifecycle.state === 'starting' ? pool.openCount : 0,
        idleConns: pool.idleConns,
        portsInUse: ports.establishedCount + ports.timeWaitCount,
        timeWait: ports.timeWaitCount,
        timeWaitMax: Math.max(this.binTimeWaitMax, ports.timeWaitCount),
        logAttempted: attempted - this.lastLogAttempted,
        logWritten: written - this.lastLogWritten,
        logDropped: attempted - this.lastLogAttempted - (accepted - this.lastLogAccepted),
        logQueueMax: this.binLogQueueMax,
        threads: lifecycle.state === 'down' ? 0 : runtime.threads,
        blockedSyscallsMax: this.binBlockedMax,
        goroutinesMax: this.binGoroutinesMax || this.lastGoroutines,
        heapBytesMax: Math.round(this.binHeapMax || this.lastHeap),
        rssBytesMax: Math.round(this.binRssMax || this.lastRss),
        gcCycles: this.gcCyclesNow - this.gcCyclesBase,
        gcPauseMaxMs: round(this.binPauseMaxSec * 1000, 4),
        gcCpuShare: this.gcCpuShare,
        cpuMutatorSec: round(used.mutatorSec, 6),
        cpuGcSec: round(used.gcSec, 6),
        cpuKernelSec: round(used.kernelSec, 6),
        runnableMax: Math.round(this.binRunnableMax),
        oomKills: lifecycle.oomKills - this.lastOom,
        restarts: lifecycle.restarts - this.lastRestarts,
        events: this.binEvents.join(';'),
      };
      this.onRow(row);
    }
    this.lastLogAttempted = attempted;
    this.lastLogAccepted = accepted;
    this.lastLogWritten = written;
    this.gcCyclesBase = this.gcCyclesNow;
    this.lastOom = lifecycle.oomKills;
    this.lastRestarts = lifecycle.restarts;
    this.ops.fill(0);
    this.opErrors.fill(0);
    this.dialErrors.fill(0);
    this.reqOk.fill(0);
    this.reqErr.fill(0);
    this.uris.fill(0);
    this.urisMax.fill(0);
    this.uriBuckets.fill(0);
    this.latencySum.fill(0);
    this.latencyCount.fill(0);
    this.dials = 0;
    this.opTimeouts = 0;
    this.logWritten = 0;
    this.binEvents = [];
    this.binTimeWaitMax = 0;
    this.binLogQueueMax = 0;
    this.binBlockedMax = 0;
    this.binGoroutinesMax = 0;
    this.binHeapMax = 0;
    this.binRssMax = 0;
    this.binPauseMaxSec = 0;
    this.binRunnableMax = 0;
    this.binUserOk = 0;
    this.binUserTotal = 0;
  }

  finish(lifecycle: Lifecycle, log: ErrorLog, latencies: LatencyHistogram): RunFigures {
    let pendingDialErrors = 0;
    for (const v of this.dialErrors) pendingDialErrors += v;
    const p99 = latencies.quantileSec(0.99);
    return {
      availability: this.userTotal > 0 ? this.userOk / this.userTotal : 1,
      downtimeSec: this.downtimeSec,
      dialErrors: this.totalDialErrors + pendingDialErrors,
      peakTimeWait: this.peakTimeWait,
      firstPortExhaustionSec: this.firstPortExhaustionSec,
      peakThreads: this.peakThreads,
      oomKills: lifecycle.oomKills,
      restarts: lifecycle.restarts,
      peakRssBytes: Math.round(this.peakRss),
      maxGcPauseMs: round(this.maxPauseSec * 1000, 4),
      logLinesAttempted: log.attempted,
      logLinesWritten: log.written,
      p99LatencyMs: p99 === null ? null : round(p99 * 1000, 4),
      recoverySec: this.recoverySec,
      cpuMutatorSec: round(this.cpuUsed.mutatorSec, 6),
      cpuGcSec: round(this.cpuUsed.gcSec, 6),
      cpuKernelSec: round(this.cpuUsed.kernelSec, 6),
    };
  }
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The URI_BUCKETS index of a request of `uris` URIs. */
export function uriBucket(uris: number): number {
  for (let k = 0; k < URI_BUCKETS.length - 1; k++) if (uris <= URI_BUCKETS[k]!) return k;
  return URI_BUCKETS.length - 1;
}
