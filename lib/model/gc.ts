/**
 * The Go garbage collector's pacing, stepped in fixed ticks (Go GC guide, runtime/mgcpacer.go):
 * - heap goal = live + (live + stacks) x GOGC/100, capped by GOMEMLIMIT minus the non-heap memory;
 * - a cycle starts when the heap reaches the goal; marking scans live heap and stacks with 25% of the Ps,
 *   plus assists when the goal is squeezed by the memory limit, all capped by the GC CPU limiter (50%);
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

export function heapGoalBytes(config: GcConfig, mem: MemoryView): number {
  const gogcGoal = mem.liveHeapBytes + ((mem.liveHeapBytes + mem.stackBytes) * config.gogcPercent) / 100;
  if (config.memLimitBytes <= 0) return gogcGoal;
  return Math.min(gogcGoal, config.memLimitBytes - mem.stackBytes - mem.otherBytes);
}

export function stwPauseSec(config: GcConfig, threads: number): number {
  return config.stwBaseSec + config.stwPerThreadSec * threads;
}

export interface GcStep {
  /** Stop-the-world pause that begins now (0 if none). */
  readonly pauseSec: number;
}

const NO_PAUSE: GcStep = Object.freeze({ pauseSec: 0 });

export class GcState {
  /** Garbage in the heap: allocated and not yet collected. */
  garbageBytes = 0;
  marking = false;
  private markRemainingSec = 0;
  private floatingBytes = 0;
  /** Share of CPU the current mark phase uses. */
  cpuShare = 0;
  cycles = 0;

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
      this.markRemainingSec -= dtSec * markProgress;
      if (this.markRemainingSec > 0) return NO_PAUSE;
      // Mark termination: what was garbage at the start is swept; floating garbage stays.
      this.marking = false;
      this.cpuShare = 0;
      this.garbageBytes = this.floatingBytes;
      this.floatingBytes = 0;
      return { pauseSec: stwPauseSec(this.config, threads) };
    }
    this.garbageBytes += allocatedBytes;
    const goal = heapGoalBytes(this.config, mem);
    if (mem.liveHeapBytes + this.garbageBytes < goal) return NO_PAUSE;
    // Sweep termination + mark start. Squeezed by the limit, assists join in up to the CPU limiter.
    const gogcGoal =
      mem.liveHeapBytes + ((mem.liveHeapBytes + mem.stackBytes) * this.config.gogcPercent) / 100;
    this.cpuShare = goal < gogcGoal ? this.config.gcCpuLimitFraction : DEDICATED_MARK_SHARE;
    const markRate = this.config.markBytesPerSecPerCore * this.config.gomaxprocs * this.cpuShare;
    this.markRemainingSec = (mem.liveHeapBytes + mem.stackBytes) / markRate;
    this.marking = true;
    this.cycles++;
    return { pauseSec: stwPauseSec(this.config, threads) };
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
    return copy;
  }

  /** A new process: empty heap beyond its live set. */
  reset(): void {
    this.garbageBytes = 0;
    this.floatingBytes = 0;
    this.marking = false;
    this.markRemainingSec = 0;
    this.cpuShare = 0;
  }
}
