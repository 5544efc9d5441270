/**
 * Down seconds: a second in which the process is down (killed, waiting to restart) and stays down, taken
 * in one pass. Over a long outage most of a host's steps are down steps, and each did all of `step`'s
 * checks for a step where only the kernel's clock and the arrivals move.
 */

import { PROCESS_STATE } from '../../model/process-lifecycle.js';
import type { ClientSpec } from '../../model/workload.js';
import { poisson } from '../../random/distributions.js';
import type { FastHostState } from './host-state.js';

/**
 * The `span` steps from `step0` of a process that is down and stays down, in one pass: no restart,
 * readiness, deploy, new-client request or injection falls within them. Each step does what `step` does
 * for a down process, in the same order and with the same draws: the port tables age their TIME_WAIT,
 * the log settles, each client (but the new one) draws its step's requests, all failed, and the tick
 * notes the kernel's gauges (`sampleDown`). The result is the same, bit for bit, as stepping one at a
 * time. Returns false, having changed nothing, when the second does not qualify.
 */
export function downSecond(host: FastHostState, step0: number, span: number): boolean {
  const dt = host.dt;
  const t0 = step0 * dt;
  const t1 = (step0 + span) * dt;
  if (
    host.lifecycle.state !== PROCESS_STATE.down ||
    host.restartAtSec <= t1 ||
    host.readyAtSec <= t1 ||
    host.nextDeploySec <= t1 ||
    host.nextTriggerSec <= t1 ||
    host.options.injections?.some((inj) => inj.atSec > t0 && inj.atSec <= t1)
  ) {
    return false;
  }
  const clients = host.clients;
  const tables = host.arrivalTables;
  const metrics = host.metrics;
  const ports = host.ports;
  const table = host.table;
  const log = host.log;
  const rng = host.rng;
  const trigger = host.triggerClient;
  const inBin = host.requestsInBin;
  // Each draw of the second in order, and each client's sum.
  if (host.downCounts.length < span * clients.length)
    host.downCounts = new Float64Array(span * clients.length);
  const counts = host.downCounts;
  const sums = host.downSums;
  sums.fill(0);
  let k = 0;
  // Clients active over the whole second draw a full step's requests at every step: `step` finds each of
  // its steps full, since from and to are the step's own bounds, and i x dt - (i - 1) x dt is within an
  // ulp of dt, under its 1e-9 tolerance while times are below 2^22 s (48 days; past that, the check is
  // made step by step as `step` makes it). The other clients are checked step by step.
  const allSecond = host.downFull;
  const exactSteps = t1 < 2 ** 22;
  for (let c = 0; c < clients.length; c++) {
    const client = clients[c]!;
    allSecond[c] =
      exactSteps &&
      c !== trigger &&
      client.ratePerSec > 0 &&
      client.activeFromSec <= t0 &&
      client.activeUntilSec >= t1
        ? 1
        : 0;
  }
  for (let i = step0 + 1; i <= step0 + span; i++) {
    // The same expressions as the loop's and `step`'s, so that every time is the same double.
    const s0 = (i - 1) * dt;
    const s1 = i * dt;
    ports.expire(s1);
    if (table !== ports) table.expire(s1);
    log.settle(s1);
    for (let c = 0; c < clients.length; c++) {
      let n: number;
      const client = clients[c]!;
      if (allSecond[c] === 1) n = tables[c]!.sample(rng);
      else {
        if (c === trigger || !drew(client, s0, s1)) continue;
        const from = Math.max(s0, client.activeFromSec);
        const to = Math.min(s1, client.activeUntilSec);
        const full = Math.abs(to - from - dt) < 1e-9;
        n = full ? tables[c]!.sample(rng) : poisson(rng, host.rateOf(c) * (to - from));
      }
      counts[k++] = n;
      sums[c]! += n;
    }
    metrics.sampleDown(table);
  }
  // The second's failed requests, booked once per client when whole-number sums make that exact in any
  // grouping (the counters are whole numbers), else step by step in `step`'s order.
  let added = 0;
  let whole = true;
  for (let c = 0; c < clients.length; c++) {
    added += sums[c]!;
    if (!Number.isInteger(inBin[c]!) || inBin[c]! + sums[c]! > 2 ** 53) whole = false;
  }
  if (whole && added <= 2 ** 53 && metrics.failuresAddExactly(added)) {
    for (let c = 0; c < clients.length; c++) {
      const n = sums[c]!;
      if (n === 0) continue;
      inBin[c]! += n;
      metrics.requestsDone(c, 0, n, clients[c]!.userFacing);
    }
    return true;
  }
  k = 0;
  for (let i = step0 + 1; i <= step0 + span; i++) {
    for (let c = 0; c < clients.length; c++) {
      if (allSecond[c] !== 1 && (c === trigger || !drew(clients[c]!, (i - 1) * dt, i * dt))) continue;
      const n = counts[k++]!;
      if (n === 0) continue;
      inBin[c]! += n;
      metrics.requestsDone(c, 0, n, clients[c]!.userFacing);
    }
  }
  return true;
}

/** Whether `step` draws a client's requests in the step from `s0` to `s1` (it is active in part of it). */
function drew(client: ClientSpec, s0: number, s1: number): boolean {
  const from = Math.max(s0, client.activeFromSec);
  const to = Math.min(s1, client.activeUntilSec);
  return to > from && client.ratePerSec > 0;
}
