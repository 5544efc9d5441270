/**
 * The aggregate engine: the same host, the same parameters and the same mechanism modules as the
 * reference engine, advanced in fixed steps of `runtime.tickSec` (10 ms, the step at which the reference
 * engine already does GC, memory and OOM accounting) with counts instead of individual requests.
 *
 * Per step: Poisson numbers of requests per client; normal traffic either finds idle connections or
 * dials in bulk (`PortTable.allocateMany`); each big batch is resolved as a burst in closed form. GC
 * (`GcState`), OOM and restarts (`Lifecycle`) are stepped exactly as in the reference engine.
 *
 * This file is the loop: `FastHost` owns the state (host-state.ts) and steps it, and takes the runtime,
 * memory and process turns itself. The concerns are functions of that state, one file each:
 * - bursts.ts: big batches resolved in closed form;
 * - normal-flow.ts: per-step normal requests, the pool's refill and churn, queued dials;
 * - p-gate.ts: dials through the P gate (how many enter the kernel per step, how long the queue waits);
 * - quiet-second.ts: seconds where nothing but normal requests from idle connections and GC happen, in
 *   one go;
 * - down-second.ts: seconds where the process is down and stays down, in one pass (the same bytes as
 *   stepping them one at a time).
 */
import { LatencyHistogram } from '../../metrics/latency-histogram.js';
import { clearDemand, gcDemandSec, nextStepDemand } from '../../model/cpu.js';
import { newHostMechanisms } from '../../model/host-mechanisms.js';
import { memoryView, rssBytes } from '../../model/memory.js';
import { KILL_REASON, type KillReason, PROCESS_STATE } from '../../model/process-lifecycle.js';
import { killEvent, restartedRuntime } from '../../model/process-reset.js';
import { CLIENT_IDS, drawBatchSize, rejectedByCap } from '../../model/workload.js';
import { exponential, PoissonTable, poisson } from '../../random/distributions.js';
import type { HostRunStats, Injection } from '../host-run.js';
import { advanceBurst, burstLoad, startBurst } from './bursts.js';
import { downSecond } from './down-second.js';
import { FastHostState, type FastRunOptions, type TriggerOutcome } from './host-state.js';
import { drainQueuedDials, holdForCpuWait, landDials, normalRequests, poolChurn } from './normal-flow.js';
import { normalTrafficProfile } from './normal-traffic.js';
import { closeGateStep, pQueueWaitSec, queuedForP } from './p-gate.js';
import { quietSecond } from './quiet-second.js';

export type { FastRunOptions, TriggerOutcome } from './host-state.js';

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

export class FastHost extends FastHostState {
  // ---- coupling (a host of lib/fleet) -----------------------------------------------------------------

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
    // A quiet or down second is taken in one go only when no timeline interval closes inside it.
    const aligned = binEvery % secondEvery === 0;
    const quietSeconds = aligned && this.options.quietSeconds !== false;
    const downSeconds = aligned && this.options.downSeconds !== false;
    // Steps are counted, not accumulated, so that times stay exact multiples of the step.
    for (let i = this.stepsDone + 1; i <= steps; i++) {
      const first = i;
      if ((i - 1) % secondEvery === 0 && i - 1 + secondEvery <= steps) {
        if (downSeconds && downSecond(this, i - 1, secondEvery)) i += secondEvery - 1;
        else if (quietSeconds && quietSecond(this, i - 1, secondEvery)) i += secondEvery - 1;
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
      landDials(this, t1);
      drainQueuedDials(this, t1);
      holdForCpuWait(this, t1);
    }
    for (let c = 0; c < this.clients.length; c++) if (c !== this.triggerClient) this.arrivals(c, t0, t1);
    this.triggerArrivals(t1);
    if (this.lifecycle.serving && this.churn.mean > 0 && this.idle >= this.workingSet) poolChurn(this, t1);
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
    normalRequests(this, client, n, t1);
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
      } else startBurst(this, client, at, uris, tag);
    }
  }

  private injected(inj: Injection): void {
    const client = CLIENT_IDS.indexOf(inj.client);
    const c = this.clients[client]!;
    this.metrics.requestUris(client, inj.uris, inj.uris);
    if (!this.lifecycle.serving || rejectedByCap(this.p, inj.uris)) {
      return this.metrics.requestsDone(client, 0, 1, c.userFacing);
    }
    startBurst(this, client, inj.atSec, inj.uris);
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
        advanceBurst(this, b, t1);
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
      openConns: this.idle + this.waitHeld + this.dialingConns + burstConns,
      queuedLogLines: this.log.queued,
      threads: this.runtime.threads,
    };
    const mem = memoryView(this.p, live, this.mem);
    this.stepCpu(t1);
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
  private stepCpu(t1: number): void {
    closeGateStep(this, t1);
    const gcSec = this.gc.marking ? gcDemandSec(this.cpu.config, this.gc.cpuShare, this.dt) : 0;
    const queued = queuedForP(this);
    const waitSec = pQueueWaitSec(this);
    this.cpu.step(
      this.dt,
      this.demand,
      gcSec,
      Math.min(this.lastPauseSec, this.dt),
      waitSec,
      this.markWorkers(),
      this.runtime.threads,
    );
    nextStepDemand(this.demand);
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
      const mechanisms = newHostMechanisms(d.params);
      this.runtime = mechanisms.runtime;
      this.gc = mechanisms.gc;
      this.cpu = mechanisms.cpu;
      mechanisms.log.carryCountsFrom(this.log);
      this.log = mechanisms.log;
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
    this.waitOps = 0;
    this.waitDrops.clear();
    this.issueWaitSec = 0;
    this.dialingConns = 0;
    this.dialQueue.length = 0;
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
    this.clearQueuedDials();
    this.queuedAllocBytes = 0;
    this.queuedMutatorSec = 0;
    this.queuedRequests = 0;
    this.allocatedBytes = 0;
    if (this.restartAtSec <= nowSec) this.lifecycleEvents(nowSec);
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
