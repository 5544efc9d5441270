/**
 * The parts of the Go scheduler that turn slow syscalls into OS threads (runtime/proc.go):
 * - A goroutine needs a P to run, so entering a syscall waits for one of GOMAXPROCS Ps (a FIFO here).
 * - A syscall shorter than a sysmon tick (20 us when busy) returns with its P. A longer one is noticed by
 *   sysmon, which hands the P to another M (`handoffp`); a new OS thread is created when no idle M exists.
 *   So each P can push one more goroutine into a blocking syscall per tick, and the Ms needed are
 *   GOMAXPROCS + the goroutines blocked in syscalls.
 * - Ms are never freed (golang/go#14592): the count only ratchets up, until the process dies. Past
 *   `maxThreads` the runtime aborts ("thread exhaustion").
 * - Slow dials are CPU-bound kernel work (a port scan): a few of them keep every core busy, and the M that
 *   takes over a handed-off P then waits for a CPU slice before it can run the next goroutine. So under
 *   load a P admits one goroutine into the kernel per `handoffSec` (the CPU scheduler's slice, measured by
 *   the Go lab), not one per sysmon tick: the Ms per P are about the syscall's CPU time over `handoffSec`,
 *   whatever the number of goroutines waiting (the lab: 500 and 2,000 failing dials give the same count).
 * Which syscalls are slow here: bind/connect scanning a nearly full port range (port-table.ts), and the
 * log fd's write(2) when the pipe is slow, which by the fd lock holds at most one thread at a time (the
 * lab: 17,500 goroutines logging to a slow pipe add one thread, not thousands).
 */
/**
 * Dedicated mark workers during a GC mark (Go 1.19 runtime/mgcpacer.go `startCycle`): 25% of GOMAXPROCS
 * rounded to the nearest whole worker, one fewer when that rounds more than 30% above the 25% (a
 * fractional worker then makes up the rest). 16 Ps give 4, 4 give 1, 6 give 1, 2 give 0. Each holds its
 * P until the mark is done, so goroutines have the other Ps (`goroutinePs`).
 */
export function dedicatedMarkWorkers(gomaxprocs: number): number {
  const goal = gomaxprocs * 0.25;
  let workers = Math.floor(goal + 0.5);
  const error = goal > 0 ? workers / goal - 1 : 0;
  if ((error > 0.3 || error < -0.3) && workers > goal) workers--;
  return workers;
}

/** Ps left to goroutines (and the syscalls they enter): all of them, less the dedicated workers' while marking. */
export function goroutinePs(gomaxprocs: number, marking: boolean): number {
  return marking ? gomaxprocs - dedicatedMarkWorkers(gomaxprocs) : gomaxprocs;
}

export interface GoRuntimeConfig {
  readonly gomaxprocs: number;
  readonly baseThreads: number;
  readonly maxThreads: number;
  readonly sysmonTickSec: number;
  /** How long a P stays with a goroutine in a slow syscall before another M runs on it (>= the tick). */
  readonly handoffSec: number;
}

/**
 * Goroutines a run of failing dials keeps blocked in the kernel, each a syscall of `syscallSec` longer
 * than the hand-off period h: every P admits one more goroutine into the kernel per h, and a syscall stays
 * blocked for d - h after its P is handed off, so GOMAXPROCS x ceil((d - h) / h) are blocked at once.
 * h is `handoffSec`: the configured period, or the period under load (`GoRuntime.handoffUnderLoadSec`).
 */
export function steadyBlockedSyscalls(
  config: GoRuntimeConfig,
  syscallSec: number,
  handoffSec = config.handoffSec,
  procs = config.gomaxprocs,
): number {
  const h = handoffSec;
  return procs * Math.ceil((syscallSec - h) / h);
}

/** The most syscalls blocked at once in a run of them, and when (seconds from the first one's start). */
export interface BlockedPeak {
  readonly blocked: number;
  readonly atSec: number;
}

/**
 * Syscalls entering the kernel through the Ps in lockstep with sysmon: the first GOMAXPROCS enter together,
 * and the next group when their Ps come back, after one hand-off period or sooner for a short syscall (the
 * group's last syscall sets it). Syscall i (from 0) takes `durSec[i]`, and the durations only grow along
 * the run (the range fills, then every failure scans all of it), so the begins and ends of the blocked
 * intervals are both sorted and one sweep finds the peak: a syscall longer than the hand-off blocks an M
 * from one hand-off after it starts until it ends. `startSec` is scratch space of at least `count`;
 * `handoffSec` the hand-off period and `procs` the Ps goroutines have (as for `steadyBlockedSyscalls`).
 */
export function lockstepBlockedPeak(
  config: GoRuntimeConfig,
  durSec: Float64Array,
  startSec: Float64Array,
  count: number,
  handoffSec = config.handoffSec,
  procs = config.gomaxprocs,
): BlockedPeak {
  const handoff = handoffSec;
  let start = 0;
  for (let i = 0; i < count; i++) {
    startSec[i] = start;
    if (i % procs === procs - 1) start += Math.min(durSec[i]!, handoff);
  }
  let peak = 0;
  let peakAt = 0;
  let j = 0;
  for (let i = 0; i < count; i++) {
    if (durSec[i]! <= handoff) continue;
    const begin = startSec[i]! + handoff;
    while (j < i && (durSec[j]! <= handoff || startSec[j]! + durSec[j]! <= begin)) j++;
    if (i - j + 1 > peak) {
      peak = i - j + 1;
      peakAt = begin;
    }
  }
  return { blocked: peak, atSec: peakAt };
}

export class GoRuntime {
  /** OS threads created so far (never decreases while the process lives). */
  threads: number;
  /** Goroutines in a syscall whose P was handed off. */
  blockedInSyscall = 0;
  /** 1 while the log fd's writer is in a write(2) longer than a sysmon tick. */
  logWriterBlocked = 0;
  /** Live goroutines created by the model (request handlers and URI tasks). */
  goroutines = 0;
  /** Ps free for goroutines; below 0 while mark workers are still owed Ps now held in syscalls. */
  private freePs: number;
  /** Ps the GC's dedicated mark workers hold or are owed (`setMarkWorkers`). */
  private markWorkers = 0;
  private waiting = new Int32Array(1024);
  private waitHead = 0;
  private waitCount = 0;

  constructor(readonly config: GoRuntimeConfig) {
    this.threads = config.baseThreads;
    this.freePs = config.gomaxprocs;
  }

  /** Goroutines queued for a P to start a syscall. */
  get waitingForP(): number {
    return this.waitCount;
  }

  /**
   * The hand-off period when the host's cores have `cpuQueueSec` of kernel work queued ahead of a new
   * thread (`HostCpu.kernelQueueSec`): the M that takes over the P runs only once it gets a core, so it
   * waits behind that work. This bounds the dials a P can push into the kernel by what the cores can
   * scan: with every core busy on failing scans of d seconds, the queue settles where GOMAXPROCS /
   * (handoffSec + queue) x d = cores.
   */
  handoffUnderLoadSec(cpuQueueSec: number): number {
    return this.config.handoffSec + cpuQueueSec;
  }

  /** How long a syscall of `syscallSec` holds its P before returning or being handed off. */
  pHoldSec(syscallSec: number, handoffSec = this.config.handoffSec): number {
    return Math.min(syscallSec, handoffSec);
  }

  /** Whether a dial's syscall this long gets its P handed off (and so needs an M of its own). */
  isSlow(syscallSec: number, handoffSec = this.config.handoffSec): boolean {
    return syscallSec > handoffSec;
  }

  /**
   * Whether a write(2) this long keeps an M blocked: a write to a full pipe sleeps in the kernel, so the
   * next M gets a CPU at once and sysmon's tick alone decides.
   */
  writeBlocks(syscallSec: number): boolean {
    return syscallSec > this.config.sysmonTickSec;
  }

  /** Task `id` wants a P for a syscall: true if it got one now, false if queued. */
  requestP(id: number): boolean {
    if (this.freePs > 0) {
      this.freePs--;
      return true;
    }
    if (this.waitCount === this.waiting.length) this.growQueue();
    this.waiting[(this.waitHead + this.waitCount) % this.waiting.length] = id;
    this.waitCount++;
    return false;
  }

  /**
   * A mark starts (`n` dedicated workers, `dedicatedMarkWorkers`) or ends (0). Starting, the workers take
   * free Ps now and the others as goroutines give them back (`releaseP`). Ending, the workers' Ps come
   * back: returns how many, and the caller hands each to the next queued goroutine with `releaseP`.
   */
  setMarkWorkers(n: number): number {
    const delta = n - this.markWorkers;
    this.markWorkers = n;
    if (delta >= 0) {
      this.freePs -= delta;
      return 0;
    }
    // Ps still owed to the workers are simply no longer owed; the rest come back.
    let back = -delta;
    const owed = Math.min(back, Math.max(0, -this.freePs));
    this.freePs += owed;
    back -= owed;
    return back;
  }

  /** A P is free again: returns the next queued task (which now holds the P), or -1. */
  releaseP(): number {
    if (this.freePs < 0) {
      // A mark worker was owed this P.
      this.freePs++;
      return -1;
    }
    if (this.waitCount > 0) {
      const id = this.waiting[this.waitHead]!;
      this.waitHead = (this.waitHead + 1) % this.waiting.length;
      this.waitCount--;
      return id;
    }
    this.freePs++;
    return -1;
  }

  /** sysmon handed off the P of a goroutine in a slow syscall. Returns true if the thread limit is passed. */
  syscallBlocked(): boolean {
    this.blockedInSyscall++;
    return this.noteThreadsNeeded();
  }

  syscallReturned(): void {
    this.blockedInSyscall--;
  }

  setLogWriterBlocked(blocked: boolean): boolean {
    this.logWriterBlocked = blocked ? 1 : 0;
    return this.noteThreadsNeeded();
  }

  /**
   * The aggregate engine's form of `syscallBlocked`: `blocked` goroutines were at once in slow syscalls.
   * Returns true if the thread limit is passed.
   */
  noteBlockedPeak(blocked: number): boolean {
    const needed = this.config.gomaxprocs + blocked + this.logWriterBlocked;
    if (needed > this.threads) this.threads = needed;
    return this.threads > this.config.maxThreads;
  }

  /** Ms needed now: one per P plus one per goroutine blocked in a syscall. */
  threadsNeeded(): number {
    return this.config.gomaxprocs + this.blockedInSyscall + this.logWriterBlocked;
  }

  private noteThreadsNeeded(): boolean {
    const needed = this.threadsNeeded();
    if (needed > this.threads) this.threads = needed;
    return this.threads > this.config.maxThreads;
  }

  private growQueue(): void {
    const bigger = new Int32Array(this.waiting.length * 2);
    for (let i = 0; i < this.waitCount; i++)
      bigger[i] = this.waiting[(this.waitHead + i) % this.waiting.length]!;
    this.waiting = bigger;
    this.waitHead = 0;
  }
}
