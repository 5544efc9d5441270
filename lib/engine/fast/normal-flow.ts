/**
 * Normal flow: each step's ordinary requests of one client (Poisson counts, their ops at expected rates),
 * the pool's refill and churn dials, the normal ops' dials queued for a P, and the connections held by ops
 * waiting for CPU.
 */

import { DIAL_ERRORS } from '../../model/errors.js';
import { opsAllocBytes, opsMutatorSec } from '../../model/op-costs.js';
import type { BulkAllocation, PortTable } from '../../model/port-table.js';
import { CLIENT, ENDPOINT } from '../../model/workload.js';
import { opCpuWaitSec, takeFreedConns } from './bursts.js';
import { carriedOps } from './carried-ops.js';
import { type FastHostState, FIXED_IP } from './host-state.js';
import {
  burstDialing,
  gatedFailingDials,
  gateRoom,
  handoffNowSec,
  pQueuePassSec,
  pQueueWaitSec,
} from './p-gate.js';

/** `n` ordinary requests of one client in this step. */
export function normalRequests(host: FastHostState, client: number, n: number, t1: number): void {
  const c = host.clients[client]!;
  const p = host.p;
  // URIs and misses at their expected counts, the fractions carried between steps.
  const cache = host.cacheOf[client]!;
  const carried = carriedOps(
    n,
    host.batchUris[client] ?? null,
    1 - p.memcached.hitRatio,
    host.uriCarry,
    host.setCarry[cache]!,
  );
  host.uriCarry = carried.uriCarry;
  host.setCarry[cache] = carried.setCarry;
  const ops = carried.gets;
  const sets = carried.sets;
  const cpu = host.demand;
  cpu.mutatorSec += n * p.host.cpuPerRequestSec;
  cpu.goJobs += n;
  // Connections: a pool below its working set dials for the shortfall (at most one dial per op). When
  // the range runs out, ops that find no idle connection each try a dial of their own, and fail.
  const demand = ops + sets;
  host.opsThisStep += demand;
  let failedOps = 0;
  /** Failed ops whose goroutines wait for a P to dial: they log when they dial (`drainQueuedDials`). */
  let queued = 0;
  const queueWait = pQueueWaitSec(host);
  /** How long the ops that wait for a P take to get through the queue ahead of them (`pQueuePassSec`). */
  const passWait = queueWait > 0 ? pQueuePassSec(host) : 0;
  /** Ops whose goroutines wait for a P behind the queue before they look for a connection. */
  let waiting = 0;
  if (host.idle < host.workingSet && (queueWait > p.memcached.timeoutSec || burstDialing(host))) {
    // Goroutines queued for a P ahead of these (a burst's dials, or earlier ones): the ops that find no
    // idle connection now wait their turn (the P queue is FIFO: behind a burst still dialing), then take
    // a connection returned meanwhile or dial, late (dial-timeout, as the reference engine's `dialDone`
    // rules), at the gate's pace (`drainQueuedDials`).
    waiting = opsWithoutIdleConn(host, demand, ops / n);
    host.queueDials(waiting, t1);
  } else if (host.idle < host.workingSet) {
    // The refill's dials go through the P gate too (it binds only when dials are slow: a full range).
    // A dial's connection joins the pool when its syscall is done, after its scan's CPU time (the
    // reference engine, too, ends a syscall after its CPU time, not stretched by the cores' queue). Until
    // then the ops that find no idle connection each dial their own (gomemcache's getConn), so slow dials
    // multiply: at a range past half, a cold pool's refill can take more kernel CPU than the cores have,
    // as in the reference engine.
    const table = host.table;
    const dialWallSec = table.dialSecAt(table.usableOn(FIXED_IP, host.dialMode));
    const shortfall = Math.max(0, host.workingSet - host.idle - host.dialingConns);
    const lacking = opsWithoutIdleConn(host, demand, ops / n);
    const alsoDialing = Math.round(lacking * Math.min(1, dialWallSec / host.dt));
    const wanted = Math.min(demand, shortfall + alsoDialing);
    const attempts = Math.min(wanted, gateRoom(host, t1));
    host.gateLeft -= attempts;
    const got = dial(host, attempts, t1);
    host.dialsLand(got, t1 + dialWallSec);
    const full = got < attempts || (attempts < wanted && host.table.usableOn(FIXED_IP, host.dialMode) === 0);
    if (full) {
      failedOps = opsWithoutIdleConn(host, demand, ops / n);
      queued = gatedFailingDials(host, Math.max(0, failedOps - (attempts - got)), t1);
    } else if (attempts < wanted) {
      // The dials the Ps cannot take in this step wait for one as goroutines, in FIFO order, and look
      // for an idle connection again in their turn (`drainQueuedDials`).
      waiting = wanted - attempts;
      host.queueDials(waiting, t1);
    }
  }
  // Ops allocate and take their CPU when they are issued (the reference engine charges both in
  // `issueOp`): those with a connection now; those waiting for a P as the queue drains, if they get one
  // (`drainQueuedDials`); one whose dial failed never is, it only logs. A failed get has no miss, so no set.
  if (demand > 0) {
    const share = (count: number) => count / demand;
    const now = share(Math.max(0, demand - failedOps - waiting));
    host.allocatedBytes += opsAllocBytes(p, now * ops, now * sets);
    cpu.mutatorSec += opsMutatorSec(p, now * ops, now * sets);
    cpu.goJobs += now * demand;
    if (waiting > 0) {
      host.queuedAllocBytes += opsAllocBytes(p, share(waiting) * ops, share(waiting) * sets);
      host.queuedMutatorSec += opsMutatorSec(p, share(waiting) * ops, share(waiting) * sets);
    }
  }
  host.metrics.ops[cache]! += Math.max(0, demand - failedOps);
  const cpuWait = host.cpu.goWaitSec;
  if (failedOps === 0 && cpuWait === 0 && waiting === 0) {
    host.quietOk[client]! += n;
    host.quietPending = true;
    return;
  }
  let waitSec = 0;
  if (failedOps > 0) {
    host.metrics.opErrors[cache]! += failedOps;
    waitSec = host.logErrors(failedOps - queued, t1);
    if (queued > 0) {
      // Their requests wait at least for the P queue ahead of their dials (and then for CPU).
      waitSec = Math.max(waitSec, queueWait + 3 * cpuWait);
      host.waitFrom = host.waitTo = waitSec;
    }
  }
  const failedRequests =
    failedOps === 0
      ? 0
      : c.endpoint === ENDPOINT.getPostRecord
        ? Math.min(n, Math.ceil((failedOps * n) / Math.max(1, ops)))
        : Math.min(n, failedOps);
  if (queued > 0) host.queuedRequests += (failedRequests * queued) / failedOps;
  // Requests with an op waiting for a P answer after the queue ahead of it.
  const slow =
    waiting === 0
      ? 0
      : Math.min(
          n - failedRequests,
          c.endpoint === ENDPOINT.getPostRecord ? Math.ceil((waiting * n) / Math.max(1, ops)) : waiting,
        );
  host.queuedRequests += slow;
  // The rest answer after their CPU waits: two per op at the wait now, and one for the handler to respond
  // (`respondWaitSec`); past the AppView's deadline they have failed.
  const deadline = p.workload.upstreamDeadlineSec;
  const cpuWaits = 2 * cpuWait + respondWaitSec(host);
  const okLatency = host.templateMeanSec[client]! + cpuWaits;
  const slowLatency = okLatency + passWait;
  const fast = n - failedRequests - slow;
  const lateFast = cpuWait > 0 && c.userFacing && okLatency > deadline ? fast : 0;
  const lateSlow = c.userFacing && slowLatency > deadline ? slow : 0;
  const okFast = fast - lateFast;
  const okSlow = slow - lateSlow;
  const ok = okFast + okSlow;
  const late = lateFast + lateSlow;
  if (cpuWait === 0) host.okByClient[client]! += okFast;
  if (c.userFacing) {
    const median = host.templateMedianSec[client]!;
    if (cpuWait > 0 && okFast > 0) host.delayedLatencies.record(median + cpuWaits, okFast);
    if (okSlow > 0) host.delayedLatencies.record(median + cpuWaits + passWait, okSlow);
  }
  host.okThisSecond[client]! += ok;
  host.metrics.requestLatency(
    client,
    (okFast + lateFast) * okLatency + (okSlow + lateSlow) * slowLatency + failedRequests * waitSec,
    n,
  );
  host.metrics.requestsDone(client, ok, failedRequests + late, c.userFacing);
  if (c.userFacing) {
    host.recordFailures(failedRequests);
    if (lateFast > 0) host.failLatencies.record(Math.min(okLatency, deadline), lateFast);
    if (lateSlow > 0) host.failLatencies.record(Math.min(slowLatency, deadline), lateSlow);
  }
}

/**
 * The CPU wait a normal request's handler meets when its ops are done and it answers. The reference
 * engine takes the CPU's wait at that instant (`completeRequest`); this engine decides a request's fate
 * when it arrives, so it takes the Go backlog's wait now (`HostCpu.backlogWaitSec`) without the wait for
 * a P behind goroutines queued to enter syscalls: that queue drains one second of wait per second, and
 * the request's own two waits at issue are at least as long as it, so the goroutines queued now have
 * passed by then. Goroutines that join the queue meanwhile are not counted (an undercount while the
 * queue refills as fast as it drains).
 */
function respondWaitSec(host: FastHostState): number {
  return host.cpu.backlogWaitSec;
}

/**
 * Peaks of normal concurrency above a pool smaller than the working set: each extra connection is
 * dialed, used once and closed into TIME_WAIT (the pool is full); when the range has no port, the op
 * fails, logs, and fails its request (a post batch: the peaks come from batches).
 */
export function poolChurn(host: FastHostState, t1: number): void {
  const k = host.churn.sample(host.rng);
  if (k === 0) return;
  const table = host.table;
  host.metrics.dials += k;
  const r = table.allocateMany(Math.max(t1, host.lastCloseSec), FIXED_IP, host.dialMode, k);
  chargeDials(host, table, r);
  if (r.ok > 0) host.closeSockets(table, r.ok, t1);
  if (r.failed === 0) return;
  host.metrics.noteDialError(DIAL_ERRORS.indexOf(r.error), r.failed);
  host.metrics.notePortExhaustion(t1);
  const posts = host.clients.findIndex((c) => c.id === CLIENT.posts);
  host.metrics.opErrors[host.cacheOf[posts]!]! += r.failed;
  host.logErrors(r.failed, t1);
  // Each failed op fails its request (a batch of normal size), among the requests already counted ok.
  host.failOkRequests(posts, Math.ceil(r.failed / host.meanNormalBatch()));
}

/**
 * Of `demand` ops of requests of `opsPerRequest` ops each, those that find no idle connection: the share of
 * the concurrent demand (normal ops in flight plus one request's ops) that the idle connections do not cover.
 */
function opsWithoutIdleConn(host: FastHostState, demand: number, opsPerRequest: number): number {
  if (host.idle === 0) return demand;
  const busyShare = 1 - host.idle / (host.meanInFlight + opsPerRequest);
  return Math.round(demand * Math.min(1, Math.max(0, busyShare)));
}

/** Try `count` dials at `nowSec`; returns how many got a port (the rest are counted as failures). */
export function dial(host: FastHostState, count: number, nowSec: number): number {
  if (count <= 0) return 0;
  host.metrics.dials += count;
  const table = host.table;
  const ip = FIXED_IP;
  const r = table.allocateMany(nowSec, ip, host.dialMode, count);
  chargeDials(host, table, r);
  if (r.failed > 0) {
    host.metrics.noteDialError(DIAL_ERRORS.indexOf(r.error), r.failed);
    host.metrics.notePortExhaustion(nowSec);
  }
  host.notePorts();
  return r.ok;
}

/** The CPU of the dials of one `allocateMany`: kernel time, and the P time held before hand-off. */
export function chargeDials(host: FastHostState, table: PortTable, r: BulkAllocation): void {
  host.demand.kernelSec += table.sysCpuSecOf(r);
  const rt = host.runtime;
  const handoff = handoffNowSec(host);
  host.demand.pHeldSec += r.failed * rt.pHoldSec(r.failSyscallSec, handoff);
  if (r.ok > 0) host.demand.pHeldSec += r.ok * rt.pHoldSec(table.dialSecAt(r.usableBefore), handoff);
}

/** Queued normal dials that get a P in this step: they fail on a full range, or connect and are kept. */
export function drainQueuedDials(host: FastHostState, t1: number): void {
  // FIFO: the goroutines of a burst still dialing are ahead of these.
  if (host.queuedDials <= 0 || burstDialing(host)) return;
  // A goroutine looks for an idle connection only once it runs (gomemcache's getConn): those returned
  // meanwhile are taken without a dial, and without holding a P in a syscall; only the dials that
  // remain pass the P gate.
  // Connections a finished burst's ops free during the step count as returned: the goroutines behind
  // the burst's in the P queue take them as they come (`takeFreedConns`).
  const fromBursts = takeFreedConns(host, t1, Math.max(0, host.queuedDials - host.idle));
  const pooled = Math.min(host.idle, host.queuedDials - fromBursts);
  const dialing = Math.min(host.queuedDials - pooled - fromBursts, gateRoom(host, t1));
  const n = pooled + fromBursts + dialing;
  if (n <= 0) return;
  host.queuedRequests -= (host.queuedRequests * n) / host.queuedDials;
  // The drained ops' share of what the queue's ops will take if issued; those whose dial fails are not.
  const drained = n / host.queuedDials;
  const allocBytes = host.queuedAllocBytes * drained;
  const mutatorSec = host.queuedMutatorSec * drained;
  host.queuedAllocBytes -= allocBytes;
  host.queuedMutatorSec -= mutatorSec;
  // A dial that ends more than the client's timeout after its op began (it joined the queue then) gets
  // its port too late: closed unused (TIME_WAIT) with dial-timeout, as the reference engine's `dialDone`
  // rules; otherwise the connection joins the pool. The queue is FIFO, so the late ones come first.
  const table = host.table;
  const dialSec = table.dialSecAt(table.usableOn(FIXED_IP, host.dialMode));
  const lateDialing = host.dequeueDials(n, pooled + fromBursts, t1 + dialSec - host.p.memcached.timeoutSec);
  host.idle -= pooled;
  host.waitHeld += pooled + fromBursts;
  host.gateLeft -= dialing;
  const got = dial(host, dialing, t1);
  // The ports the range had went to the first dials, the late ones among them.
  const gotLate = Math.min(got, lateDialing);
  const failed = dialing - got + gotLate;
  const issued = (n - failed) / n;
  host.allocatedBytes += allocBytes * issued;
  host.demand.mutatorSec += mutatorSec * issued;
  host.demand.goJobs += n - failed;
  // Each dial that fails, or ends late, is an error the goroutine logs now.
  host.logErrors(failed, t1);
  if (gotLate > 0) host.closeLateDials(gotLate, t1);
  host.returnToPool(got - gotLate, t1);
}

/** Connections whose dials are done by `t1` join the pool (beyond `poolSize` they are closed). */
export function landDials(host: FastHostState, t1: number): void {
  const q = host.dialQueue;
  let i = 0;
  while (i < q.length && q[i]!.readySec <= t1) {
    host.dialingConns -= q[i]!.conns;
    host.returnToPool(q[i]!.conns, t1);
    i++;
  }
  if (i > 0) q.splice(0, i);
}

/**
 * Move connections between the pool and the normal ops waiting for CPU (`waitHeld`), at the start of
 * the step that ends at `t1`. The last step's ops hold theirs for twice the wait they met at issue
 * (`opCpuWaitSec`), counted from the end of that step; a cohort's ops were issued evenly over the step,
 * so the share of them still held falls linearly over the hold's last step (`heldShare`). In a steady
 * wait this is Little's law, ops per second x 2 x wait; when the wait jumps, only the ops issued since
 * hold longer, as in the reference engine, where each op keeps the wait it met. Each cohort is added
 * once, with the two step boundaries at which its count falls (`waitDrops`): O(1) a step, however long
 * the holds.
 */
export function holdForCpuWait(host: FastHostState, t1: number): void {
  const dt = host.dt;
  const k = Math.round(t1 / dt) - 1;
  const drops = host.waitDrops;
  const drop = drops.get(k);
  if (drop !== undefined) {
    host.waitOps -= drop;
    drops.delete(k);
  }
  host.opsLastStep = host.opsThisStep;
  host.opsThisStep = 0;
  const holdSec = opCpuWaitSec(host.issueWaitSec);
  host.issueWaitSec = host.cpu.goWaitSec;
  const ops = host.opsLastStep;
  if (ops > 0 && holdSec > 0) {
    // Held at boundary k + j: ops x heldShare = ops x clamp(steps - j, 0, 1), steps = holdSec / dt.
    const steps = holdSec / dt;
    const whole = Math.floor(steps);
    const frac = steps - whole;
    host.waitOps += ops * Math.min(1, steps);
    if (whole >= 1) addDrop(drops, k + whole, ops * (1 - frac));
    addDrop(drops, k + whole + 1, ops * frac);
  }
  // Once every cohort has ended the count is 0 exactly (no rounding left over from the fractions).
  if (drops.size === 0) host.waitOps = 0;
  const target = Math.round(host.waitOps);
  if (target > host.waitHeld) {
    const take = Math.min(host.idle, target - host.waitHeld);
    host.idle -= take;
    host.waitHeld += take;
  } else if (target < host.waitHeld) {
    const back = host.waitHeld - target;
    host.waitHeld = target;
    host.returnToPool(back, t1);
  }
}

/**
 * The share of a step's ops, issued evenly over a step of `dtSec` and holding until `untilSec` counted from
 * the step's end, that still hold at `nowSec`: 1 until one step before, then falling linearly to 0. The
 * drops `holdForCpuWait` schedules are this share's steps at the boundaries.
 */
export function heldShare(untilSec: number, nowSec: number, dtSec: number): number {
  return Math.min(1, Math.max(0, (untilSec - nowSec) / dtSec));
}

function addDrop(drops: Map<number, number>, step: number, count: number): void {
  if (count > 0) drops.set(step, (drops.get(step) ?? 0) + count);
}
