/**
 * The host's CPU: one pool of `cores` shared by three kinds of work, as a fluid processor-sharing queue
 * stepped over short intervals (both engines step it at `runtime.tickSec`, 10 ms).
 *
 * - **kernel**: syscalls. A port scan of bind/connect (`PortTable.dialSysCpuSecAt`, from the kernel cost
 *   lab), the write(2) of a log line, a close. A goroutine in a syscall runs on its M without a P, so
 *   kernel work can use every core of the host.
 * - **mutator**: Go code. Per request, per cache op, per log line encoded. It needs a P: at most
 *   min(GOMAXPROCS, cores) cores, none during a stop-the-world pause.
 * - **gc**: mark work. While a cycle marks, it wants its share of the Ps (`GcState.cpuShare`: 25% from the
 *   dedicated workers, which own their Ps while the cycle marks and share the cores as threads when the
 *   cores are contended, up to the CPU limiter's 50% with assists when GOMEMLIMIT squeezes the goal), and
 *   marking proceeds at `runtime.markBytesPerSecPerCore` per core it gets: CPU per byte marked is
 *   1 / markBytesPerSecPerCore. Starved of CPU it marks more slowly (`gcProgress`), so the cycle lasts
 *   longer and the heap grows with the floating garbage allocated meanwhile.
 *
 * Demand is given in core-seconds per step; work not served carries over as a backlog per kind.
 *
 * The sharing rule. When the demand of a step (backlog + new work) fits, all of it is served. When it does
 * not, the cores go to the kinds in proportion to their pending work (egalitarian processor sharing over
 * equal-sized pieces of work: a kind with ten times the pending work has about ten times the runnable
 * threads), Go work is capped at its Ps, and what a kind cannot use goes to the others. The GC's dedicated
 * workers come first, with a thread's share of the cores each (`shareCores`); within the rest of Go's part
 * the GC's assists get their share of the goroutines' Ps and the mutator the rest. This is the Linux
 * scheduler seen at 10 ms: it shares cores among runnable threads fairly, and a burst of failing dials is
 * thousands of threads-worth of CPU-bound scans against a few goroutines of request work. The Go lab's
 * failing-dial-cpu shows the outcome: 500 failing dials on 2 cores cut the requests the same process served
 * from 67,700/s to 422/s (99.4% displaced), as proportional sharing predicts when the scans' pending work
 * dwarfs the requests'.
 *
 * What Go work arriving now sees, `goWaitSec`: the Go backlog ahead of it, served at Go's current rate
 * (goroutines wait in FIFO run queues) but no later than all the queued Go and kernel work on Go's cores (a
 * step that left Go a sliver of its Ps would otherwise extrapolate to waits of many seconds), plus the wait
 * for a P behind goroutines queued to enter a syscall (a burst's dial goroutines each hold a P for up to the
 * hand-off period before sysmon retakes it: the Go lab's burst of 500 failing dials on 2 Ps is 500 x 1 ms /
 * 2 = 0.25 s of Ps held, and the P time they hold is lost to Go code, `pHeldSec`). Go schedules a new
 * goroutine into its P's FIFO run queue (overflowing to the global FIFO queue), so FIFO behind the burst is
 * the rule; the `runnext` slot that lets a just-woken goroutine jump the queue on one P is not modelled.
 * Each engine adds that wait to the work it runs: an op is sent that much later and its reply read that much
 * later (the connection held meanwhile), and the handler answers after the wait it meets then (past the
 * AppView's deadline the request has failed; the fast engine, which decides a request when it arrives,
 * takes the backlog's wait without the P queue for it, `backlogWaitSec`). A reply that arrived before gomemcache's deadline is read however late
 * the goroutine runs (the runtime's netpoller has marked it ready), so a CPU wait is not an op timeout.
 * Runnable goroutines waiting for a P follow by Little's law: Go pieces of work arriving per second x
 * `goWaitSec`.
 *
 * Why a fluid step is faithful enough here: the work pieces are small (10-50 us of mutator work, 15 us
 * to 6 ms of kernel work) against the step (10 ms) and against what the outcomes depend on (the 500 ms op
 * timeout, the 1 s deadline, a burst's ~100 core-seconds); a step resolves the backlog's growth and drain
 * to 10 ms. It does not resolve which goroutine of a step runs first, nor the scheduler's wake-up
 * latency of a few ms on an oversubscribed host when there is no backlog.
 */

/** Kinds of CPU work, as indices into the per-kind arrays. */
export const CPU_KIND = { mutator: 0, gc: 1, kernel: 2 } as const;
export type CpuKind = (typeof CPU_KIND)[keyof typeof CPU_KIND];
export const CPU_KINDS = ['mutator', 'gc', 'kernel'] as const;

export interface CpuConfig {
  /** Cores of the host (`host.cores`). */
  readonly cores: number;
  /** Ps (`runtime.gomaxprocs`): Go work runs on at most min(gomaxprocs, cores) cores. */
  readonly gomaxprocs: number;
}

/** Work arriving in one step, in core-seconds, and the Go pieces of work it is made of. */
export interface CpuDemand {
  mutatorSec: number;
  kernelSec: number;
  /**
   * P-seconds held by goroutines inside syscalls before sysmon hands their P off (`GoRuntime.pHoldSec`):
   * the Ps run no Go code meanwhile (the CPU itself is counted in `kernelSec`).
   */
  pHeldSec: number;
  /** P-seconds of holds begun in this step that run past its end, held in the next one (`addPHold`). */
  pHeldNextSec: number;
  /** Pieces of Go work (requests, ops, log lines) that arrived: for the runnable count. */
  goJobs: number;
}

/** An empty demand to accumulate into (reset with `clearDemand`). */
export function emptyDemand(): CpuDemand {
  return { mutatorSec: 0, kernelSec: 0, pHeldSec: 0, pHeldNextSec: 0, goJobs: 0 };
}

/** Everything cleared, the carried P holds too (a new process: its syscalls died with it). */
export function clearDemand(d: CpuDemand): void {
  d.mutatorSec = 0;
  d.kernelSec = 0;
  d.pHeldSec = 0;
  d.pHeldNextSec = 0;
  d.goJobs = 0;
}

/** The demand of the next step after one was served: empty but for the P holds carried into it. */
export function nextStepDemand(d: CpuDemand): void {
  const carried = d.pHeldNextSec;
  clearDemand(d);
  d.pHeldSec = carried;
}

/**
 * A goroutine entered a syscall at `nowSec` and holds its P for `holdSec` (`GoRuntime.pHoldSec`): the part
 * of [nowSec, nowSec + holdSec] inside the step that ends at `stepEndSec` is P time lost to Go code in that
 * step, and the rest in the next step. An engine that places each syscall at its own instant (the
 * reference engine) charges holds this way, so a step sees the P time actually held in it; charging a
 * whole hold to the step it starts in would swing the held time of a step around the Ps' capacity and
 * hand the GC and the mutator the steps that fall short. A hold is at most the hand-off period; a rest
 * longer than a step is charged to the next step whole (the sharing rule caps held P time at the Ps').
 */
export function addPHold(d: CpuDemand, nowSec: number, stepEndSec: number, holdSec: number): void {
  const inStep = Math.min(holdSec, Math.max(0, stepEndSec - nowSec));
  d.pHeldSec += inStep;
  d.pHeldNextSec += holdSec - inStep;
}

/**
 * `sec` P-seconds already charged to this step (`pHeldSec`) are held past its end: they move to the next
 * step (as `addPHold` splits a hold). For an engine that charges a gate's holds in a lump and knows, after,
 * how far past the step its gate's clock ran.
 */
export function carryPHold(d: CpuDemand, sec: number): void {
  const moved = Math.min(Math.max(0, sec), d.pHeldSec);
  d.pHeldSec -= moved;
  d.pHeldNextSec += moved;
}

/** Cores Go work may use: min(GOMAXPROCS, cores). */
export function goCores(config: CpuConfig): number {
  return Math.min(config.gomaxprocs, config.cores);
}

/** What the GC wants in a step while marking: its share of the Ps, in core-seconds. */
export function gcDemandSec(config: CpuConfig, gcCpuShare: number, dtSec: number): number {
  return gcCpuShare * goCores(config) * dtSec;
}

/** Served core-seconds per kind in one step (`CPU_KIND` order). */
export interface CpuShares {
  mutatorSec: number;
  gcSec: number;
  kernelSec: number;
}

/**
 * The sharing rule for one step of `dtSec` (see the module comment): `mutatorSec` and `kernelSec` pending
 * (backlog + new), `gcSec` wanted by the GC this step, `pauseSec` of stop-the-world in the step,
 * `pHeldSec` P-seconds held in syscalls (lost to Go code), `markWorkers` dedicated mark workers running
 * (`dedicatedMarkWorkers` while a cycle marks, else 0) and `threads` the process's OS threads (Ms).
 * Pure. Writes into `out` and returns it.
 *
 * The dedicated mark workers own their Ps for the whole mark (runtime/mgc.go `gcBgMarkWorker`: a dedicated
 * worker drains until there is no more work), so goroutines, and the syscalls they enter, have GOMAXPROCS -
 * workers Ps, and the workers' CPU does not depend on what the other Ps are doing. Each is an OS thread,
 * though, and when the cores are contended the kernel shares them among runnable threads: a worker gets
 * cores / runnable of a core. Runnable threads are the workers, the Ms running goroutines (at most their Ps,
 * and no more than the mutator's pending steps of work) and, while there is kernel work, every other M of
 * the process; never fewer than the cores. Counting every M assumes that when the kernel's work contends for
 * the cores, the Ms the process has are the ones in its syscalls: true in a burst of failing dials (each M
 * was made for one of them) and while normal traffic's dials fail on a full range, an overcount when a few
 * syscalls contend with Go work after a burst has left idle Ms. The Go lab's gc-dials measures both halves
 * of the rule (README, "gc-dials"): in a burst of 2,000 failing dials on 2 cores, 15-27 of the process's
 * 35-49 threads were runnable inside the mark (about half of the Ms, not all), and the one dedicated
 * worker's thread got 0.20-0.61 of an even share of the cores among them. Run by run (4 runs) the mark
 * got 0.41-0.54 of cores / Ms, the share this rule gives a worker: the rule gives the GC about twice what
 * a real mark got there. The GC's want beyond the workers' Ps (assists, up to the
 * CPU limiter's 50%) competes for the goroutines' Ps like the mutator. With no dedicated worker (GOMAXPROCS
 * 1-3, a fractional worker instead) all of the GC's want competes that way.
 */
export function shareCores(
  config: CpuConfig,
  dtSec: number,
  mutatorSec: number,
  gcSec: number,
  kernelSec: number,
  pauseSec: number,
  pHeldSec = 0,
  markWorkers = 0,
  threads = 0,
  out: CpuShares = { mutatorSec: 0, gcSec: 0, kernelSec: 0 },
): CpuShares {
  const cores = config.cores;
  const total = cores * dtSec;
  const runDt = Math.max(0, dtSec - Math.min(pauseSec, dtSec));
  const workers = gcSec > 0 ? Math.min(markWorkers, config.gomaxprocs) : 0;
  const goroutinePs = config.gomaxprocs - workers;
  // What the dedicated workers can do at most (their Ps, on the cores), and the GC's want beyond it.
  const workerMax = Math.min(gcSec, Math.min(workers, cores) * runDt);
  const gcRest = gcSec - workerMax;
  const running = Math.min(goroutinePs, cores) * runDt;
  const goCap = Math.max(0, running - Math.min(pHeldSec, goroutinePs * dtSec));
  const goPending = mutatorSec + gcRest;
  const pending = goPending + workerMax + kernelSec;
  if (pending <= total && goPending <= goCap) {
    out.mutatorSec = mutatorSec;
    out.gcSec = gcSec;
    out.kernelSec = kernelSec;
    return out;
  }
  // The workers: a thread's share of the cores each when the cores are contended, else their Ps' time.
  let worker = workerMax;
  if (workers > 0 && pending > total) {
    const goThreads = Math.min(goroutinePs, Math.ceil(mutatorSec / dtSec));
    const kernelThreads = kernelSec > 0 ? Math.max(0, threads - workers - goThreads) : 0;
    const runnable = Math.max(cores, workers + goThreads + kernelThreads);
    worker = Math.min(workerMax, Math.min(workers, cores) * runDt * (cores / runnable));
  }
  const left = total - worker;
  const othersPending = goPending + kernelSec;
  // Go's part: its proportional share of the cores left, within its Ps; the kernel takes what is left.
  let go = othersPending <= left ? goPending : othersPending > 0 ? (left * goPending) / othersPending : 0;
  go = Math.min(go, goCap);
  let kernel = Math.min(kernelSec, left - go);
  // The kernel may leave cores unused; Go takes them, within its Ps.
  go = Math.min(goPending, goCap, left - kernel);
  // Within Go: the GC gets at least its Ps' fraction of Go's cores (the dedicated workers own their Ps)
  // and whatever the mutator does not need, never more than it asked for; the mutator gets the rest.
  const gc = goCap > 0 ? Math.min(gcRest, go, Math.max((go * gcRest) / goCap, go - mutatorSec)) : 0;
  const mutator = Math.max(0, Math.min(mutatorSec, go - gc));
  kernel = Math.min(kernelSec, left - gc - mutator);
  out.mutatorSec = mutator;
  out.gcSec = worker + gc;
  out.kernelSec = kernel;
  return out;
}

/**
 * The host's CPU across steps: backlogs per kind, what was served, and what Go work arriving now waits.
 */
export class HostCpu {
  /** Pending mutator and kernel work carried into the next step (core-seconds). */
  mutatorBacklogSec = 0;
  kernelBacklogSec = 0;
  /** Served in the last step (core-seconds). */
  readonly served: CpuShares = { mutatorSec: 0, gcSec: 0, kernelSec: 0 };
  /** Served since the last `takeUsed` (core-seconds per kind), for the timeline. */
  readonly used: CpuShares = { mutatorSec: 0, gcSec: 0, kernelSec: 0 };
  /** Share of the GC's wanted CPU it got in the last step (1 when it wanted none). */
  gcProgress = 1;
  /** How long Go work arriving now waits for CPU (the Go backlog at Go's current rate). */
  goWaitSec = 0;
  /**
   * The part of `goWaitSec` that is the Go backlog alone, without the wait for a P behind goroutines
   * queued to enter syscalls: what work made runnable later still meets once that P queue has drained.
   */
  backlogWaitSec = 0;
  /** Runnable goroutines waiting for a P (Little's law), at the last step; and the most since `takeUsed`. */
  runnable = 0;
  runnableMax = 0;

  constructor(readonly config: CpuConfig) {}

  /**
   * How long a thread made runnable now waits for a core behind the queued kernel work: the kernel backlog
   * over the cores (proportional sharing, with the kernel's work dwarfing the thread's own).
   */
  get kernelQueueSec(): number {
    return this.kernelBacklogSec / this.config.cores;
  }

  /** True when nothing is pending: a step would serve exactly its demand. */
  get idle(): boolean {
    return this.mutatorBacklogSec <= 0 && this.kernelBacklogSec <= 0;
  }

  /**
   * One step of `dtSec`: `demand` arrived in it, the GC wants `gcSec` (`gcDemandSec`), `pauseSec` of it was
   * stopped-the-world, and goroutines made runnable wait `pQueueWaitSec` for a P behind those queued to
   * enter syscalls. Updates the backlogs, `served`, `used`, `gcProgress`, `goWaitSec` and `runnable`.
   */
  step(
    dtSec: number,
    demand: CpuDemand,
    gcSec: number,
    pauseSec: number,
    pQueueWaitSec = 0,
    markWorkers = 0,
    threads = 0,
  ): CpuShares {
    const mutator = this.mutatorBacklogSec + demand.mutatorSec;
    const kernel = this.kernelBacklogSec + demand.kernelSec;
    const s = shareCores(
      this.config,
      dtSec,
      mutator,
      gcSec,
      kernel,
      pauseSec,
      demand.pHeldSec,
      markWorkers,
      threads,
      this.served,
    );
    this.mutatorBacklogSec = mutator - s.mutatorSec;
    this.kernelBacklogSec = kernel - s.kernelSec;
    if (this.mutatorBacklogSec < 1e-12) this.mutatorBacklogSec = 0;
    if (this.kernelBacklogSec < 1e-12) this.kernelBacklogSec = 0;
    this.gcProgress = gcSec > 0 ? s.gcSec / gcSec : 1;
    this.used.mutatorSec += s.mutatorSec;
    this.used.gcSec += s.gcSec;
    this.used.kernelSec += s.kernelSec;
    // Go work arriving now queues behind the mutator backlog at the mutator's current rate; with no rate
    // at all (a whole step of pause) it waits at least the step.
    // A goroutine made runnable now also queues for a P behind goroutines waiting to enter syscalls
    // (`pQueueWaitSec`, from the engine's P queue: their count x their P hold / GOMAXPROCS).
    // The two waits overlap (the P time the queued goroutines hold is what the mutator lost), so the
    // longer one counts. With no mutator rate at all (every P held, or a whole step of pause), the backlog
    // waits for the Ps to come back: at least the P queue, then the backlog on all of Go's cores.
    // The current rate can be a sliver (a step whose Ps were nearly all held in syscalls), which would
    // extrapolate to waits of many seconds; the backlog is served no later than the Go and kernel work
    // queued now, served on Go's cores after this step (the GC's share aside).
    const rate = s.mutatorSec / dtSec;
    const drainBoundSec = dtSec + (this.mutatorBacklogSec + this.kernelBacklogSec) / goCores(this.config);
    const cpuWait =
      this.mutatorBacklogSec <= 0
        ? 0
        : rate > 0
          ? Math.min(this.mutatorBacklogSec / rate, drainBoundSec)
          : dtSec + this.mutatorBacklogSec / goCores(this.config);
    this.backlogWaitSec = cpuWait;
    this.goWaitSec = Math.max(cpuWait, pQueueWaitSec);
    this.runnable = (demand.goJobs / dtSec) * this.goWaitSec;
    if (this.runnable > this.runnableMax) this.runnableMax = this.runnable;
    return s;
  }

  /**
   * A stretch of steps in which the demand fits (the fast engine's quiet second): `mutatorSec` and `gcSec`
   * served as asked, nothing waits. Callers check the fit (`fits`) first.
   */
  serveFitting(mutatorSec: number, gcSec: number): void {
    this.used.mutatorSec += mutatorSec;
    this.used.gcSec += gcSec;
    this.served.mutatorSec = 0;
    this.served.gcSec = 0;
    this.served.kernelSec = 0;
    this.gcProgress = 1;
    this.goWaitSec = 0;
    this.backlogWaitSec = 0;
    this.runnable = 0;
  }

  /**
   * Whether a step of `dtSec` with this Go work and nothing pending is served whole (`markWorkers` as for
   * `shareCores`): exactly when `shareCores` serves it whole.
   */
  fits(dtSec: number, mutatorSec: number, gcSec: number, pauseSec: number, markWorkers = 0): boolean {
    if (!this.idle) return false;
    const s = shareCores(
      this.config,
      dtSec,
      mutatorSec,
      gcSec,
      0,
      pauseSec,
      0,
      markWorkers,
      0,
      this.fitScratch,
    );
    return s.mutatorSec === mutatorSec && s.gcSec === gcSec;
  }

  private readonly fitScratch: CpuShares = { mutatorSec: 0, gcSec: 0, kernelSec: 0 };

  /** Core-seconds used per kind since the last call, and the most runnable goroutines; resets both. */
  takeUsed(): { mutatorSec: number; gcSec: number; kernelSec: number; runnableMax: number } {
    const out = { ...this.used, runnableMax: this.runnableMax };
    this.used.mutatorSec = 0;
    this.used.gcSec = 0;
    this.used.kernelSec = 0;
    this.runnableMax = this.runnable;
    return out;
  }

  /** A new process: its pending Go work dies with it; the kernel work of its syscalls ends with them. */
  reset(): void {
    this.mutatorBacklogSec = 0;
    this.kernelBacklogSec = 0;
    this.goWaitSec = 0;
    this.backlogWaitSec = 0;
    this.gcProgress = 1;
    this.runnable = 0;
  }
}
