/**
 * Bursts: big batches of the new client (or injected ones) resolved in closed form, step by step. Idle
 * connections first, then dials through the P gate in FIFO order (successes while ports last, then failures
 * that each scan the whole range), Ms from the overlap of the slow syscalls (the same rule as `GoRuntime`:
 * GOMAXPROCS + blocked), failures' log lines into the writer, the closes into TIME_WAIT cohorts, and the
 * normal requests the burst slows or fails meanwhile.
 */

import { carryPHold } from '../../model/cpu.js';
import { lockstepBlockedPeak, steadyBlockedSyscalls } from '../../model/go-runtime.js';
import {
  getMultiWorkSec,
  memcachedBusySec,
  memcachedCapacityOpsPerSec,
  unloadedGetSec,
} from '../../model/memcached.js';
import { opsAllocBytes, opsMutatorSec } from '../../model/op-costs.js';
import type { PortTable } from '../../model/port-table.js';
import { CACHE_TYPES, ENDPOINT } from '../../model/workload.js';
import { binomial, poisson } from '../../random/distributions.js';
import { type FastHostState, FIXED_IP } from './host-state.js';
import { failedDials, failingDialHoldSec, gatedFailingDials, handoffNowSec } from './p-gate.js';

export interface ActiveBurst {
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
  /**
   * P-seconds each goroutine that passed the gate in the burst's last step held (a dial's, up to the
   * hand-off; none for one that took a freed connection), or NaN before any passed: what those still
   * pending are expected to hold (`pQueuePassSec`).
   */
  passHoldSec: number;
  /** Goroutines that got a connection (from the pool, a dial, or one of the burst's own freed). */
  connected: number;
  /** Distinct connections the burst holds (its goroutines reuse those their ops have freed). */
  conns: number;
  failed: number;
  /** Failed dials in a row (for the blocked-syscall count). */
  failStreak: number;
  opsDone: number;
  /**
   * When the burst's ops free their connections (without a limit): segments of frees spread evenly, flat
   * as [fromSec, toSec, count] triples, and the frees of segments folded away (`freedBy`).
   */
  frees: number[];
  freedBase: number;
  /** The CPU's wait when the burst started (its ops' rate cap counts from then). */
  readonly startWaitSec: number;
  released: number;
  sawExhaustion: boolean;
  done?: boolean;
}

/** Goroutines still alive in a burst (failed ones wait on the log and are counted there), and conns held. */
export function burstLoad(b: ActiveBurst): { goroutines: number; conns: number } {
  const alive = b.n - b.opsDone - b.failed;
  return { goroutines: Math.min(b.reuse ? b.limit : b.n, alive), conns: b.conns - b.released };
}

/**
 * A burst's ops held memcached's threads for `busySec`: normal requests arriving meanwhile queued behind
 * them (FIFO), waiting on average half the remaining busy time. Their latencies move from the healthy
 * templates to the delayed histogram, in eight slices of the busy window.
 */
export function queuedBehindBurst(host: FastHostState, busySec: number): void {
  if (busySec <= 0) return;
  host.bookQuiet();
  for (let c = 0; c < host.clients.length; c++) {
    const client = host.clients[c]!;
    if (!client.userFacing || client.ratePerSec <= 0) continue;
    const delayed = Math.min(host.okByClient[c]!, host.rateOf(c) * busySec);
    if (delayed <= 0) continue;
    host.okByClient[c]! -= delayed;
    const base = host.templateMedianSec[c]!;
    for (let j = 0; j < 8; j++) host.delayedLatencies.record(base + (busySec * (j + 0.5)) / 8, delayed / 8);
  }
}

/**
 * A request of `n` URIs at `tb`: its goroutines start at once and take idle connections; the rest of
 * the connections it needs are dialed through the P gate tick by tick (`advanceBurst`), so that a kill
 * in the middle of a burst stops its remaining dials, as in the reference engine.
 */
export function startBurst(host: FastHostState, client: number, tb: number, n: number, tag = -1): void {
  const p = host.p;
  const m = p.memcached;
  const limit = p.concurrencyLimit === 'unbounded' ? n : Math.min(n, p.concurrencyLimit);
  const needed = m.getMulti ? 1 : limit;
  const fromPool = Math.min(host.idle, needed);
  host.idle -= fromPool;
  host.demand.mutatorSec += p.host.cpuPerRequestSec;
  host.demand.goJobs++;
  const opSec = unloadedGetSec(m);
  const serverRate = memcachedCapacityOpsPerSec(m);
  const opRate = m.getMulti ? n / (opSec + getMultiWorkSec(m, n)) : Math.min(serverRate, limit / opSec);
  host.bursts.push({
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
    passHoldSec: Number.NaN,
    connected: fromPool,
    conns: fromPool,
    failed: 0,
    failStreak: 0,
    opsDone: 0,
    frees: [],
    freedBase: 0,
    startWaitSec: host.cpu.goWaitSec,
    released: 0,
    sawExhaustion: false,
  });
  const freeSec = tb + opFreeSec(host);
  noteFrees(host.bursts.at(-1)!, freeSec, freeSec, fromPool);
}

/**
 * How long after a goroutine gets its connection the op frees it, as in the reference engine: it waits for
 * the CPU to send (the wait as of now), the reply comes an unloaded get later, and it waits for the CPU
 * again (the same wait) to read it and give the connection back.
 */
export function opFreeSec(host: FastHostState): number {
  return opCpuWaitSec(host.cpu.goWaitSec) + unloadedGetSec(host.p.memcached);
}

/** The CPU waits an op holds its connection through, at a wait of `goWaitSec`: to send it, and to read the reply. */
export function opCpuWaitSec(goWaitSec: number): number {
  return 2 * goWaitSec;
}

/** How long a segment of frees stays unfolded after its end. */
const FREES_FOLD_LAG_SEC = 1;

/** `count` ops of burst `b` free their connections evenly from `fromSec` to `toSec`. */
export function noteFrees(b: ActiveBurst, fromSec: number, toSec: number, count: number): void {
  if (count <= 0) return;
  const s = b.frees;
  // Fold the segments that ended well before the gate's time into the base: queries look back at most a
  // step from it.
  const before = b.gateSec - FREES_FOLD_LAG_SEC;
  if (s.length >= 3 && s[1]! < before) {
    let keep = 0;
    for (let i = 0; i < s.length; i += 3) {
      if (s[i + 1]! < before) b.freedBase += s[i + 2]!;
      else {
        s[keep] = s[i]!;
        s[keep + 1] = s[i + 1]!;
        s[keep + 2] = s[i + 2]!;
        keep += 3;
      }
    }
    s.length = keep;
  }
  s.push(fromSec, toSec, count);
}

/** Ops of burst `b` that have freed their connections by `tSec` (fractional within a segment). */
export function freedBy(b: ActiveBurst, tSec: number): number {
  const s = b.frees;
  let sent = b.freedBase;
  for (let i = 0; i < s.length; i += 3) {
    const from = s[i]!;
    const to = s[i + 1]!;
    if (tSec >= to) sent += s[i + 2]!;
    else if (tSec > from) sent += (s[i + 2]! * (tSec - from)) / (to - from);
  }
  return sent;
}

/**
 * Ops of a burst without a limit whose goroutines have freed their connections by `tSec`, of `connected`
 * that got one: each frees it `opFreeSec` after it got it (`freedBy`), and no faster than memcached
 * serves the burst from its start. Never fewer than already done.
 */
export function burstOpsDoneBy(
  host: FastHostState,
  b: ActiveBurst,
  tSec: number,
  connected: number,
  /** Frees not yet noted on `b` (the current chunk's) that happen by `tSec`. */
  chunkFreed = 0,
): number {
  const m = host.p.memcached;
  const byRate = Math.floor(b.opRate * Math.max(0, tSec - b.tb - m.rttMedianSec / 2 - 2 * b.startWaitSec));
  const byFree = Math.floor(freedBy(b, tSec) + 1e-9) + chunkFreed;
  return Math.max(b.opsDone, Math.min(connected, byRate, byFree));
}

/**
 * The first time in (`fromSec`, `toSec`] at which `heldBy` (free connections held, non-decreasing in time
 * between two takes) is positive, to within 1/1024 of the interval; `heldBy(toSec)` must be positive.
 */
export function nextFreeSec(heldBy: (tSec: number) => number, fromSec: number, toSec: number): number {
  let lo = fromSec;
  let hi = toSec;
  for (let i = 0; i < 10; i++) {
    const mid = (lo + hi) / 2;
    if (heldBy(mid) > 0) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Up to `want` connections that the ops of bursts whose goroutines all have one (no limit) free by `t1`,
 * handed to goroutines queued for a P behind them (they would find them in the pool): counted as released.
 */
export function takeFreedConns(host: FastHostState, t1: number, want: number): number {
  let taken = 0;
  for (const b of host.bursts) {
    if (taken >= want) break;
    if (b.reuse || b.pending > 0 || b.done) continue;
    const free = b.conns - b.released - (b.connected - burstOpsDoneBy(host, b, t1, b.connected));
    const k = Math.min(Math.max(0, free), want - taken);
    b.released += k;
    taken += k;
  }
  return taken;
}

/** Move a burst forward to `t1`: dials through the gate, ops through memcached, connections back. */
export function advanceBurst(host: FastHostState, b: ActiveBurst, t1: number): void {
  const p = host.p;
  const handoff = handoffNowSec(host);
  const procs = host.goroutinePs();
  const table = host.table;
  const cache = CACHE_TYPES.indexOf(host.clients[b.client]!.cache);
  const pendingBefore = b.pending;
  const gateBefore = b.gateSec;
  // 1. Dials, in gate order: successes while the range has ports, then failures that scan all of it.
  for (let guard = 0; b.pending > 0 && b.gateSec < t1 && guard < 1000; guard++) {
    const usable = table.usableOn(FIXED_IP, host.dialMode);
    const at = Math.max(b.gateSec, host.lastCloseSec);
    if (usable > 0) {
      // Successes dial by dial: each holds its P for min(dial, hand-off), and dials get slower along the
      // burst (past half the range each scans a whole parity), so the step's P time is spent at each
      // dial's own price, not the first one's. A dial that ends more than the client's timeout after
      // its goroutine began fails with dial-timeout (`late`), as in the reference engine's `dialDone`.
      const budgetSec = (t1 - b.gateSec) * procs;
      const deadlineSec = b.tb + p.memcached.timeoutSec;
      // Without a limit, a goroutine looks for an idle connection when it passes the gate (gomemcache's
      // getConn runs when it does): one freed by then is taken without a dial (`burstOpsDoneBy`). The
      // chunk's own connections free theirs for the goroutines behind them: the dials' (`chunkDialFrees`)
      // and the reused ones' (`chunkReuseFrees`), each list in time order (dials get slower along a chunk).
      const freeSec = opFreeSec(host);
      if (host.chunkDialFrees.length < b.pending) {
        host.chunkDialFrees = new Float64Array(Math.max(b.pending, 2 * host.chunkDialFrees.length));
        host.chunkReuseFrees = new Float64Array(host.chunkDialFrees.length);
      }
      const dialFrees = host.chunkDialFrees;
      const reuseFrees = host.chunkReuseFrees;
      let dialFreed = 0;
      let reuseFreed = 0;
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
        const g = b.gateSec + heldSec / procs;
        if (!b.reuse) {
          const connected = b.connected + reused + count - late;
          while (dialFreed < count - late && dialFrees[dialFreed]! <= g) dialFreed++;
          while (reuseFreed < reused && reuseFrees[reuseFreed]! <= g) reuseFreed++;
          const done = burstOpsDoneBy(host, b, g, connected, dialFreed + reuseFreed);
          // Freed connections wait in the pool, which keeps at most poolSize of them (it closes the rest).
          if (Math.min(b.conns + count - late - connected + done, p.poolSize) > 0) {
            reuseFrees[reused++] = g + freeSec;
            continue;
          }
        }
        const dialSec = table.dialSecAt(usable - count);
        if (g + dialSec > deadlineSec) late++;
        else dialFrees[count - late] = g + dialSec + freeSec;
        heldSec += host.runtime.pHoldSec(dialSec, handoff);
        kernelSec += dialSec;
        count++;
      }
      host.demand.kernelSec += table.sysCpuFraction * kernelSec;
      host.demand.pHeldSec += heldSec;
      const r = table.allocateMany(at, FIXED_IP, host.dialMode, count);
      host.metrics.dials += count;
      b.connected += r.ok - late + reused;
      b.conns += r.ok - late;
      b.pending -= count + reused;
      b.gateSec += heldSec / procs;
      b.failStreak = 0;
      // This step's connections: each free comes `opFreeSec` after the dial's own time, or the reuse.
      const dialed = r.ok - late;
      if (dialed > 0) noteFrees(b, dialFrees[0]!, dialFrees[dialed - 1]!, dialed);
      if (reused > 0) noteFrees(b, reuseFrees[0]!, reuseFrees[reused - 1]!, reused);
      host.notePorts();
      noteBlockedSyscalls(host, b.gateSec, table, r.ok, r.usableBefore);
      if (late > 0) dialTimeouts(host, b, cache, late, t1);
    } else {
      if (!b.sawExhaustion && b.fromPool > 0)
        normalDuringBurst(host, memcachedBusySec(p.memcached, b.fromPool), at);
      b.sawExhaustion = true;
      const failSec = table.dialSecAt(0);
      const holdSec = failingDialHoldSec(host);
      // Without a limit, connections the burst's ops free go to its goroutines as they pass the gate, in
      // place of a failing dial: those free now are taken, and the goroutines behind fail until the next
      // one comes free (or the step ends).
      const heldBy = (tSec: number): number =>
        b.reuse ? 0 : b.conns - b.released - (b.connected - burstOpsDoneBy(host, b, tSec, b.connected));
      const freeByEnd = heldBy(t1) > 0;
      if (freeByEnd) {
        const free = heldBy(b.gateSec);
        if (free > 0) {
          const taken = Math.min(free, b.pending);
          const freeAt = b.gateSec + opFreeSec(host);
          b.connected += taken;
          b.pending -= taken;
          b.failStreak = 0;
          noteFrees(b, freeAt, freeAt, taken);
          continue;
        }
      }
      const untilSec = freeByEnd ? nextFreeSec(heldBy, b.gateSec, t1) : t1;
      const count = Math.min(b.pending, Math.max(1, Math.ceil(((untilSec - b.gateSec) * procs) / holdSec)));
      failedDials(host, count, at);
      host.metrics.opErrors[cache]! += count;
      host.logErrors(count, t1);
      b.failed += count;
      b.failStreak += count;
      b.pending -= count;
      b.gateSec += (count * holdSec) / procs;
      // Failures in a row keep GOMAXPROCS x ceil((d - h) / h) goroutines blocked, h the P hand-off period.
      if (host.runtime.isSlow(failSec, handoff)) {
        const steady = steadyBlockedSyscalls(host.runtime.config, failSec, handoff, procs);
        host.pendingThreads.push({ atSec: at, blocked: Math.min(b.failStreak, steady) });
      }
    }
  }
  if (b.pending < pendingBefore)
    b.passHoldSec = ((b.gateSec - gateBefore) * procs) / (pendingBefore - b.pending);
  // The last goroutine through the gate may hold its P past the step's end: that P time is held in the
  // next step (`addPHold`), as the reference engine charges it.
  if (gateBefore < t1 && b.gateSec > t1) carryPHold(host.demand, (b.gateSec - t1) * procs);
  // 2. Ops: served at the burst's rate on the connections it holds under a limit (reused), and without
  // one each as its goroutine sent it (`burstOpsDoneBy`).
  const m = p.memcached;
  const startSec = b.tb + m.rttMedianSec / 2;
  const target = b.reuse
    ? Math.min(
        b.connected === 0 ? 0 : b.n - b.failed - Math.max(b.pending, 0),
        Math.floor(b.opRate * Math.max(0, t1 - startSec)),
      )
    : burstOpsDoneBy(host, b, t1, b.connected);
  const served = Math.max(0, target - b.opsDone);
  if (served > 0) {
    b.opsDone += served;
    const sets = binomial(host.rng, served, 1 - m.hitRatio);
    host.demand.mutatorSec += opsMutatorSec(p, served, sets);
    host.demand.goJobs += served + sets;
    host.metrics.ops[cache]! += served + sets;
    host.allocatedBytes += opsAllocBytes(p, served, sets);
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
    host.returnToPool(back, t1);
  }
  if (resolved && b.released === (b.reuse ? b.connected : b.conns)) {
    b.done = true;
    if (!b.reuse) queuedBehindBurst(host, memcachedBusySec(m, b.opsDone));
    host.metrics.requestLatency(b.client, t1 - b.tb);
    host.metrics.requestsDone(
      b.client,
      b.failed > 0 ? 0 : 1,
      b.failed > 0 ? 1 : 0,
      host.clients[b.client]!.userFacing,
    );
    host.triggerDone(b.client, b.tag, b.failed === 0);
  }
}

/**
 * `count` dials of burst `b` that got a port after the client's timeout: the connection is closed unused
 * (TIME_WAIT on our side), the op fails with dial-timeout and logs a line, and so does its request.
 */
export function dialTimeouts(
  host: FastHostState,
  b: ActiveBurst,
  cache: number,
  count: number,
  atSec: number,
): void {
  host.closeLateDials(count, atSec);
  host.metrics.opErrors[cache]! += count;
  host.logErrors(count, atSec);
  b.failed += count;
}

/** Normal ops hitting an empty pool during a burst's hold time: each dials and fails. */
export function normalDuringBurst(host: FastHostState, holdSec: number, tb: number): void {
  for (let c = 0; c < host.clients.length; c++) {
    const client = host.clients[c]!;
    if (!client.userFacing || client.ratePerSec <= 0) continue;
    const perRequest = client.endpoint === ENDPOINT.getPostRecord ? host.meanNormalBatch() : 1;
    const requests = poisson(host.rng, host.rateOf(c) * holdSec);
    if (requests === 0) continue;
    const ops = Math.round(requests * perRequest);
    gatedFailingDials(host, ops, tb);
    host.metrics.opErrors[CACHE_TYPES.indexOf(client.cache)]! += ops;
    host.logErrors(ops, tb);
    // These requests were counted as ok by `normal`; move them to failed.
    host.failOkRequests(c, requests);
  }
}

/**
 * Ms for a burst of dials through the P gate, by the runtime's lockstep rule (`lockstepBlockedPeak`) on
 * the dials' own times. The new Ms count from the tick at which the peak is reached (they come after the
 * burst's goroutines, not with them).
 */
export function noteBlockedSyscalls(
  host: FastHostState,
  tb: number,
  table: PortTable,
  ok: number,
  usableBefore: number,
): void {
  const handoff = handoffNowSec(host);
  // Dial times only grow along the chunk; if even the last is shorter than a tick, no P is handed off.
  if (ok === 0 || !host.runtime.isSlow(table.dialSecAt(usableBefore - ok + 1), handoff)) return;
  // Dial times and start offsets in buffers kept across calls (a chunk has up to the range's ports).
  if (host.blockedStarts.length < ok) {
    host.blockedStarts = new Float64Array(Math.max(ok, 2 * host.blockedStarts.length));
    host.blockedDurs = new Float64Array(host.blockedStarts.length);
  }
  const starts = host.blockedStarts;
  const durs = host.blockedDurs;
  for (let i = 0; i < ok; i++) durs[i] = table.dialSecAt(usableBefore - i);
  const peak = lockstepBlockedPeak(host.runtime.config, durs, starts, ok, handoff, host.goroutinePs());
  if (peak.blocked > 0) host.pendingThreads.push({ atSec: tb + peak.atSec, blocked: peak.blocked });
}
