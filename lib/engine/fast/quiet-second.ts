/**
 * Quiet seconds: a second where nothing happens but normal requests served from idle connections and the
 * GC, taken in one go.
 */

import { clearDemand, gcDemandSec } from '../../model/cpu.js';
import { dedicatedMarkWorkers } from '../../model/go-runtime.js';
import { memoryView, rssBytes } from '../../model/memory.js';
import { opsAllocBytes, opsMutatorSec } from '../../model/op-costs.js';
import { poisson } from '../../random/distributions.js';
import { carriedOps } from './carried-ops.js';
import type { FastHostState } from './host-state.js';

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
export function quietSecond(host: FastHostState, step0: number, span: number): boolean {
  const t0 = step0 * host.dt;
  const t1 = (step0 + span) * host.dt;
  if (
    !host.lifecycle.serving ||
    host.restartAtSec <= t1 ||
    host.readyAtSec <= t1 ||
    host.bursts.length > 0 ||
    host.pendingThreads.length > 0 ||
    host.log.queued > 0 ||
    !host.cpu.idle ||
    host.queuedDials > 0 ||
    host.waitHeld > 0 ||
    host.waitDrops.size > 0 ||
    host.issueWaitSec > 0 ||
    host.dialingConns > 0 ||
    host.cpu.goWaitSec > 0 ||
    host.demand.pHeldSec > 0 ||
    host.idle < host.workingSet ||
    host.churn.mean > 0 ||
    host.nextTriggerSec <= t1 ||
    host.nextDeploySec <= t1 ||
    host.options.injections?.some((inj) => inj.atSec > t0 && inj.atSec <= t1)
  ) {
    return false;
  }
  for (let c = 0; c < host.clients.length; c++) {
    const client = host.clients[c]!;
    if (c !== host.triggerClient && (client.activeFromSec > t0 || client.activeUntilSec < t1)) return false;
  }
  host.ports.expire(t0 + host.dt);
  if (host.table !== host.ports) host.table.expire(t0 + host.dt);
  if (host.runtime.setLogWriterBlocked(false)) return false;
  // The second's requests and their memcached ops, on copies of the carries until the GC agrees.
  const p = host.p;
  const n = host.quietN;
  let uriCarry = host.uriCarry;
  const setCarry = host.quietSetCarry;
  setCarry.set(host.setCarry);
  const ops = host.quietOps;
  ops.fill(0);
  let allocated = host.allocatedBytes;
  let mutatorSec = host.demand.mutatorSec;
  const missRatio = 1 - p.memcached.hitRatio;
  for (let c = 0; c < host.clients.length; c++) {
    n[c] = c === host.triggerClient ? 0 : poisson(host.rng, host.rateOf(c) * span * host.dt);
    if (n[c] === 0) continue;
    mutatorSec += n[c]! * p.host.cpuPerRequestSec;
    const cache = host.cacheOf[c]!;
    const carried = carriedOps(n[c]!, host.batchUris[c] ?? null, missRatio, uriCarry, setCarry[cache]!);
    uriCarry = carried.uriCarry;
    setCarry[cache] = carried.setCarry;
    ops[cache]! += carried.gets + carried.sets;
    mutatorSec += opsMutatorSec(p, carried.gets, carried.sets);
    allocated += opsAllocBytes(p, carried.gets, carried.sets);
  }
  // The GC over the second's steps, on a copy.
  const goroutines = host.normalGoroutines();
  const live = {
    goroutines,
    openConns: host.idle,
    queuedLogLines: host.log.queued,
    threads: host.runtime.threads,
  };
  const mem = memoryView(p, live, host.mem);
  const gc = host.gc.clone();
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
  let lastPause = host.lastPauseSec;
  for (let k = 0; k < span; k++) {
    const gcSec = gc.marking ? gcDemandSec(host.cpu.config, gc.cpuShare, host.dt) : 0;
    const workers = gc.marking ? dedicatedMarkWorkers(p.runtime.gomaxprocs) : 0;
    if (!host.cpu.fits(host.dt, mutatorPerStep, gcSec, lastPause, workers)) return false;
    gcUsed += gcSec;
    // Steps alike (no mark, no pause, the trigger fixed: `GcState.idleSteps`) go at once: the CPU fits
    // each as it fits this one, and the heap only grows, so their maxima are the last one's.
    const alike = lastPause === 0 && gcSec === 0 ? gc.idleSteps(perStep, mem, span - k) : 0;
    if (alike > 0) {
      k += alike - 1;
      lastPause = 0;
      heap = gc.heapBytes(mem);
      rss = rssBytes(heap, mem);
      if (rss > p.process.memoryLimitBytes) return false;
      if (heap > heapMax) heapMax = heap;
      if (rss > rssMax) rssMax = rss;
      continue;
    }
    const pause = gc.step(host.dt, perStep, mem, host.runtime.threads).pauseSec;
    lastPause = pause;
    heap = gc.heapBytes(mem);
    rss = rssBytes(heap, mem);
    if (rss > p.process.memoryLimitBytes) return false;
    if (heap > heapMax) heapMax = heap;
    if (rss > rssMax) rssMax = rss;
    if (pause > pauseMax) pauseMax = pause;
  }
  // Commit.
  host.gc = gc;
  host.cpu.serveFitting(mutatorSec, gcUsed);
  clearDemand(host.demand);
  host.lastPauseSec = lastPause;
  host.runtime.goroutines = goroutines;
  host.allocatedBytes = 0;
  host.uriCarry = uriCarry;
  host.setCarry.set(setCarry);
  for (let k = 0; k < ops.length; k++) host.metrics.ops[k]! += ops[k]!;
  for (let c = 0; c < host.clients.length; c++) {
    if (n[c] === 0) continue;
    host.requestsInBin[c]! += n[c]!;
    host.quietOk[c]! += n[c]!;
    host.quietPending = true;
  }
  // The gauges: the second's maxima, then its closing values.
  const sample = (h: number, r: number, pause: number) =>
    host.metrics.sample(host.table, host.poolView(), host.runtime, host.log, gc, h, r, pause);
  sample(heapMax, rssMax, pauseMax);
  host.ports.expire(t1);
  if (host.table !== host.ports) host.table.expire(t1);
  sample(heap, rss, 0);
  return true;
}
