/**
 * The P gate: dials into the kernel each hold a P for up to the sysmon hand-off period, so GOMAXPROCS Ps let
 * only so many through per step; the rest wait as goroutines queued for a P.
 */
import { carryPHold } from '../../model/cpu.js';
import { DIAL_ERRORS } from '../../model/errors.js';
import { dialFailure } from '../../model/port-table.js';
import { type FastHostState, FIXED_IP } from './host-state.js';

/** The P hand-off period now, with the cores' queue of kernel work (`GoRuntime.handoffUnderLoadSec`). */
export function handoffNowSec(host: FastHostState): number {
  return host.runtime.handoffUnderLoadSec(host.cpu.kernelQueueSec);
}

/**
 * Room at the P gate for normal ops' dials in the step ending at `t1`: each dial holds its P for up to the
 * hand-off period, so the goroutines' Ps (GOMAXPROCS, less the dedicated mark workers' while a cycle
 * marks: `FastHostState.goroutinePs`) let that many x tick / hold dials into the kernel per step.
 */
export function gateRoom(host: FastHostState, t1: number): number {
  if (host.gateStepSec !== t1) {
    // The P time the last dial of the step before held into this one (`closeGateStep`) is not free here.
    const overSec = Math.abs(t1 - host.dt - host.gateStepSec) < 1e-9 ? host.gateOverSec : 0;
    host.gateStepSec = t1;
    host.gateOverSec = 0;
    const hold = dialHoldNowSec(host);
    host.gateHoldSec = hold;
    host.gateLeft =
      hold > 0 ? Math.max(0, host.goroutinePs() * host.dt - overSec) / hold : Number.POSITIVE_INFINITY;
  }
  // A dial may start in the last fraction of a P's step and hold it into the next one: the Ps are never
  // left idle with goroutines queued (a queued goroutine takes a free P at once).
  return Math.max(0, Math.ceil(host.gateLeft - 1e-9));
}

/**
 * The step ending at `t1` is served: the P time the gate let through beyond the step's (the last dial's
 * hold past its end) is held in the next step (`carryPHold`), and the next step's gate has that much less.
 */
export function closeGateStep(host: FastHostState, t1: number): void {
  if (host.gateStepSec !== t1 || !(host.gateLeft < 0)) return;
  const overSec = -host.gateLeft * host.gateHoldSec;
  carryPHold(host.demand, overSec);
  host.gateOverSec = overSec;
}

/**
 * `count` normal ops found no idle connection on a full range: as many dial now as the P gate lets
 * through (and fail), the rest wait for a P as goroutines and dial in later steps (`drainQueuedDials`).
 * Their ops fail either way; only when their dials happen, and so their CPU, waits for the gate.
 */
export function gatedFailingDials(host: FastHostState, count: number, t1: number): number {
  if (count <= 0) return 0;
  const now = Math.min(count, gateRoom(host, t1));
  host.gateLeft -= now;
  failedDials(host, now, t1);
  host.queueDials(count - now, t1);
  return count - now;
}

/** Whether a burst has goroutines still queued for a P to dial. */
export function burstDialing(host: FastHostState): boolean {
  for (const b of host.bursts) if (b.pending > 0) return true;
  return false;
}

/**
 * How long a goroutine that wants a P now waits behind those queued to enter a dial (bursts' pending
 * dials and queued normal dials), each holding its P for up to the hand-off period at the dial's price
 * now: the P queue the CPU sees (`HostCpu.step`), as in the reference engine.
 */
export function pQueueWaitSec(host: FastHostState): number {
  const queued = queuedForP(host);
  if (queued <= 0) return 0;
  return (queued * dialHoldNowSec(host)) / host.goroutinePs();
}

/**
 * How long an op queued for a P now takes to get through the queue ahead of it: the P-seconds those
 * ahead will hold, over GOMAXPROCS. A queued goroutine looks for an idle connection when it runs
 * (gomemcache's getConn), so only those that find none dial and hold their P, for up to the hand-off:
 * - a burst's pending goroutines each hold what those that passed its gate in its last step held on
 *   average (`ActiveBurst.passHoldSec`: a dial's P time, or none for one that took a connection the
 *   burst's own ops freed); the dial's price now before any passed;
 * - queued normal dials behind a burst still dialing meet the same mix as the burst's last goroutines;
 *   with no burst dialing, the idle connections go to the first of them and the rest dial.
 * Never more than `pQueueWaitSec`, which counts every one of them as a dial.
 */
export function pQueuePassSec(host: FastHostState): number {
  if (host.queuedDials <= 0 && host.bursts.length === 0) return 0;
  const hold = dialHoldNowSec(host);
  let heldSec = 0;
  let behindHold = Number.NaN;
  for (const b of host.bursts) {
    if (b.pending <= 0) continue;
    const pass = Number.isNaN(b.passHoldSec) ? hold : Math.min(hold, b.passHoldSec);
    heldSec += b.pending * pass;
    behindHold = pass;
  }
  if (host.queuedDials > 0) {
    heldSec += Number.isNaN(behindHold)
      ? Math.max(0, host.queuedDials - host.idle) * hold
      : host.queuedDials * behindHold;
  }
  return heldSec / host.goroutinePs();
}

/** Goroutines queued for a P to enter a dial: bursts' pending dials and queued normal dials. */
export function queuedForP(host: FastHostState): number {
  let queued = host.queuedDials;
  for (const b of host.bursts) queued += b.pending;
  return queued;
}

/** How long the next dial would hold its P: its syscall at the range's occupancy now, up to the hand-off. */
function dialHoldNowSec(host: FastHostState): number {
  const table = host.table;
  return host.runtime.pHoldSec(table.dialSecAt(table.usableOn(FIXED_IP, host.dialMode)), handoffNowSec(host));
}

/** How long a dial that fails on a full range (a scan of all of it) holds its P, up to the hand-off. */
export function failingDialHoldSec(host: FastHostState): number {
  return host.runtime.pHoldSec(host.table.dialSecAt(0), handoffNowSec(host));
}

/**
 * `count` dials at `nowSec` that fail because the range is already full (no allocation to make): each
 * scans the whole range in kernel CPU and holds its P meanwhile, up to the hand-off; all are dial errors.
 */
export function failedDials(host: FastHostState, count: number, nowSec: number): void {
  if (count <= 0) return;
  host.metrics.dials += count;
  host.demand.kernelSec += count * host.table.dialSysCpuSecAt(0);
  host.demand.pHeldSec += count * failingDialHoldSec(host);
  host.metrics.noteDialError(DIAL_ERRORS.indexOf(dialFailure(host.dialMode)), count);
  host.metrics.notePortExhaustion(nowSec);
}
