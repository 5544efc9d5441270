/**
 * The Go garbage collector's pacing, stepped in fixed ticks (Go GC guide, runtime/mgcpacer.go):
 * - heap goal = marked + (marked + stacks) x GOGC/100, capped by GOMEMLIMIT minus the non-heap memory,
 *   where the marked heap is the live set plus what the last mark allocated black (its floating garbage,
 *   which Go marks live and collects one cycle later);
 * - a cycle starts at the pacer's trigger, early enough that what the mutator allocates while a mark at
 *   the 25% background share scans the heap (the runway) fits below the goal (`gcTriggerBytes`);
 * - marking scans live heap and stacks with 25% of the Ps, plus assists when the goal is squeezed by the
 *   memory limit, all capped by the GC CPU limiter (50%);
 * - what is allocated during marking survives the cycle as floating garbage, so when marking cannot keep
 *   up the heap overshoots the limit (GOMEMLIMIT is soft) and the container limit does the rest;
 * - each cycle has two stop-the-world pauses; their length is a base plus a coefficient per OS thread
 *   (the post-mortem links more Ms to longer pauses; the coefficient is an assumption to sweep).
 */
export interface GcConfig {
  readonly gogcPercent: number;
  /** GOMEMLIMIT in bytes; 0 disables it. */
  readonly memLimitBytes: number;
  readonly gcCpuLimitFraction: number;
  readonly markBytesPerSecPerCore: number;
  readonly gomaxprocs: number;
  readonly stwBaseSec: number;
  readonly stwPerThreadSec: number;
}

/** Memory the pacer sees at one instant. */
export interface MemoryView {
  readonly liveHeapBytes: number;
  readonly stackBytes: number;
  /** Go-managed and other memory outside heap and stacks (thread stacks, runtime, binary). */
  readonly otherBytes: number;
}

/** The dedicated mark workers' share of the Ps. */
export const DEDICATED_MARK_SHARE = 0.25;

/** The GOGC heap goal from the marked heap: marked + (marked + stacks) x GOGC/100. */
export function gogcGoalBytes(config: GcConfig, markedHeapBytes: number, stackBytes: number): number {
  return markedHeapBytes + ((markedHeapBytes + stackBytes) * config.gogcPercent) / 100;
}

/**
 * The heap goal: the GOGC goal, capped by GOMEMLIMIT minus stacks and other memory. `blackBytes` is what
 * the last mark allocated black (marked live with the live set; 0 before the first cycle).
 */
export function heapGoalBytes(config: GcConfig, mem: MemoryView, blackBytes = 0): number {
  const gogcGoal = gogcGoalBytes(config, mem.liveHeapBytes + blackBytes, mem.stackBytes);
  if (config.memLimitBytes <= 0) return gogcGoal;
  return Math.min(gogcGoal, config.memLimitBytes - mem.stackBytes - mem.otherBytes);
}

/** Go's minimum heap growth at GOGC 100 (runtime/mgcpacer.go `defaultHeapMinimum`: 4 MiB). */
export const HEAP_MINIMUM_BYTES = 4 * 1024 * 1024;
/** The trigger's lowest point on the way from the marked heap to the goal (mgcpacer.go: 45/64, ~0.7). */
export const MIN_TRIGGER_RATIO = 45 / 64;
/** The trigger's highest point for small heaps (mgcpacer.go: 61/64, ~0.95). */
export const MAX_TRIGGER_RATIO = 61 / 64;

/**
 * The heap size at which a cycle starts (Go 1.19 runtime/mgcpacer.go `trigger()`): the goal minus the
 * runway, the bytes the mutator will allocate while the mark runs, clamped to between 45/64 of the way from
 * the marked heap to the goal and the goal minus the minimum heap (or 61/64 of the way, whichever is
 * higher). Go derives the runway from the last cycle's cons/mark ratio; the caller passes it in bytes.
 */
export function gcTriggerBytes(goalBytes: number, heapMarkedBytes: number, runwayBytes: number): number {
  if (heapMarkedBytes >= goalBytes) return goalBytes;
  const span = goalBytes - heapMarkedBytes;
  const minTrigger = heapMarkedBytes + span * MIN_TRIGGER_RATIO;
  let maxTrigger = heapMarkedBytes + span * MAX_TRIGGER_RATIO;
  if (goalBytes > HEAP_MINIMUM_BYTES && goalBytes - HEAP_MINIMUM_BYTES > maxTrigger) {
    maxTrigger = goalBytes - HEAP_MINIMUM_BYTES;
  }
  if (maxTrigger < minTrigger) maxTrigger = minTrigger;
  const trigger = runwayBytes > goalBytes ? minTrigger : goalBytes - runwayBytes;
  return Math.min(maxTrigger, Math.max(minTrigger, trigger));
}

export function stwPauseSec(config: GcConfig, threads: number): number {
  return config.stwBaseSec + config.stwPerThreadSec * threads;
}

export interface GcStep {
  /** Stop-the-world pause that begins now (0 if none). */
  readonly pauseSec: number;
}

const NO_PAUSE: GcStep = Object.freeze({ pauseSec: 0 });

/** `GcState.pacing`'s result, reused (single-threaded; read before the next call). */
const PACING = { marked: 0, goal: 0, scanBytes: 0, trigger: 0 };

export class GcState {
  /** Garbage in the heap: allocated and not yet collected. */
  garbageBytes = 0;
  marking = false;
  private markRemainingSec = 0;
  private floatingBytes = 0;
  /** Share of CPU the current mark phase uses. */
  cpuShare = 0;
  cycles = 0;
  /**
   * The mutator's allocation rate the pacer plans with: measured over the last mark phase (Go's cons/mark
   * ratio comes from the last cycle), and before the first one over the process's life so far.
   */
  private allocRateBytesPerSec = 0;
  private rateAllocBytes = 0;
  private rateSec = 0;
  private rateFromMark = false;
  /** Allocated black during the last mark: marked live then, so part of the marked heap until the next. */
  private blackBytes = 0;

  constructor(readonly config: GcConfig) {}

  heapBytes(mem: MemoryView): number {
    return mem.liveHeapBytes + this.garbageBytes + this.floatingBytes;
  }

  /**
   * Advance by `dtSec` during which `allocatedBytes` were allocated; `threads` sets the pause length.
   * `markProgress` is the share of its CPU the mark phase got in the step (`HostCpu.gcProgress`): a GC
   * starved of CPU marks more slowly, so its cycle lasts longer and floating garbage piles up.
   */
  step(dtSec: number, allocatedBytes: number, mem: MemoryView, threads: number, markProgress = 1): GcStep {
    if (this.marking) {
      this.floatingBytes += allocatedBytes;
      this.rateAllocBytes += allocatedBytes;
      this.rateSec += dtSec;
      this.markRemainingSec -= dtSec * markProgress;
      if (this.markRemainingSec > 0) return NO_PAUSE;
      // Mark termination: what was garbage at the start is swept; floating garbage stays.
      this.marking = false;
      this.cpuShare = 0;
      this.garbageBytes = this.floatingBytes;
      this.blackBytes = this.floatingBytes;
      this.floatingBytes = 0;
      this.allocRateBytesPerSec = this.rateSec > 0 ? this.rateAllocBytes / this.rateSec : 0;
      this.rateFromMark = true;
      return { pauseSec: stwPauseSec(this.config, threads) };
    }
    this.garbageBytes += allocatedBytes;
    if (!this.rateFromMark) {
      this.rateAllocBytes += allocatedBytes;
      this.rateSec += dtSec;
      this.allocRateBytesPerSec = this.rateSec > 0 ? this.rateAllocBytes / this.rateSec : 0;
    }
    const { marked, goal, scanBytes, trigger } = this.pacing(mem);
    if (mem.liveHeapBytes + this.garbageBytes < trigger) return NO_PAUSE;
    // Sweep termination + mark start. Squeezed by the limit, assists join in up to the CPU limiter.
    const gogcGoal = gogcGoalBytes(this.config, marked, mem.stackBytes);
    this.cpuShare = goal < gogcGoal ? this.config.gcCpuLimitFraction : DEDICATED_MARK_SHARE;
    const markRate = this.config.markBytesPerSecPerCore * this.config.gomaxprocs * this.cpuShare;
    this.markRemainingSec = scanBytes / markRate;
    this.marking = true;
    this.cycles++;
    this.rateAllocBytes = 0;
    this.rateSec = 0;
    return { pauseSec: stwPauseSec(this.config, threads) };
  }

  /**
   * The pacer's figures between marks: the marked bytes (live + the black bytes still in the heap), the
   * heap goal, the bytes a mark scans, and the trigger (the goal less the runway the allocation rate
   * needs over a background mark), in one object reused by every call (`PACING`: `step` runs every
   * 10 ms, and its callers read the figures at once).
   */
  private pacing(mem: MemoryView): { marked: number; goal: number; scanBytes: number; trigger: number } {
    const out = PACING;
    out.marked = mem.liveHeapBytes + Math.min(this.blackBytes, this.garbageBytes);
    out.goal = heapGoalBytes(this.config, mem, out.marked - mem.liveHeapBytes);
    out.scanBytes = mem.liveHeapBytes + mem.stackBytes;
    const backgroundMarkSec =
      out.scanBytes / (this.config.markBytesPerSecPerCore * this.config.gomaxprocs * DEDICATED_MARK_SHARE);
    const runway = this.allocRateBytesPerSec * backgroundMarkSec;
    out.trigger = gcTriggerBytes(out.goal, out.marked, runway);
    return out;
  }

  /**
   * Up to `steps` steps that allocate `bytesPerStep` each, taken at once where each would be what `step`
   * does without a trigger: not marking, the allocation rate set by the last mark, and the marked bytes
   * fixed (the garbage at or past the black bytes, so the heap goal and trigger do not move). The same
   * arithmetic as `step`, step by step; stops before the step that would trigger. Returns the steps taken
   * (0 where the conditions do not hold).
   */
  idleSteps(bytesPerStep: number, mem: MemoryView, steps: number): number {
    if (this.marking || !this.rateFromMark || this.garbageBytes < this.blackBytes) return 0;
    const trigger = this.pacing(mem).trigger;
    let garbage = this.garbageBytes;
    let taken = 0;
    while (taken < steps) {
      const next = garbage + bytesPerStep;
      if (!(mem.liveHeapBytes + next < trigger)) break;
      garbage = next;
      taken++;
    }
    this.garbageBytes = garbage;
    return taken;
  }

  /** An independent copy (to try steps ahead without committing to them). */
  clone(): GcState {
    const copy = new GcState(this.config);
    copy.garbageBytes = this.garbageBytes;
    copy.marking = this.marking;
    copy.markRemainingSec = this.markRemainingSec;
    copy.floatingBytes = this.floatingBytes;
    copy.cpuShare = this.cpuShare;
    copy.cycles = this.cycles;
    copy.allocRateBytesPerSec = this.allocRateBytesPerSec;
    copy.rateAllocBytes = this.rateAllocBytes;
    copy.rateSec = this.rateSec;
    copy.rateFromMark = this.rateFromMark;
    copy.blackBytes = this.blackBytes;
    return copy;
  }

  /** A new process: empty heap beyond its live set, and no allocation rate measured yet. */
  reset(): void {
    this.allocRateBytesPerSec = 0;
    this.rateAllocBytes = 0;
    this.rateSec = 0;
    this.rateFromMark = false;
    this.blackBytes = 0;
    this.garbageBytes = 0;
    this.floatingBytes = 0;
    this.marking = false;
    this.markRemainingSec = 0;
    this.cpuShare = 0;
  }
}
