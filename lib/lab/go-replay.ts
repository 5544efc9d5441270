/**
 * The Go lab's experiments replayed on the model's mechanisms, fed with what the lab measured (the kernel
 * time of one failing dial with nothing else running, the pipe's drain rate, the thread count before),
 * so that a disagreement points at the mechanism, not at its inputs:
 * - dial bursts: go-runtime.ts (the P gate, the hand-off, Ms never freed);
 * - logging: logging.ts (one writer per fd) with go-runtime.ts's blocked writer;
 * - GC: gc.ts (the pause per phase, the pacer's CPU share).
 */
import { Scheduler } from '../engine/scheduler.js';
import { type GcConfig, GcState, stwPauseSec } from '../model/gc.js';
import { GoRuntime } from '../model/go-runtime.js';
import { ErrorLog } from '../model/logging.js';

/**
 * OS threads of a Go process that hold no P and sit in no syscall: sysmon ("sysmon runs without a P",
 * runtime/proc.go). The model's Ms are these plus one per P plus one per goroutine blocked in the kernel.
 */
export const RUNTIME_OWN_THREADS = 1;

export interface DialBurstInput {
  readonly gomaxprocs: number;
  readonly goroutines: number;
  /** Kernel time of one failing dial (measured with nothing else running). */
  readonly dialSec: number;
  readonly sysmonTickSec: number;
  readonly handoffSec: number;
  /** Threads of the process before the burst (Ms are never freed, so it starts there). */
  readonly threadsBefore: number;
}

export interface DialBurstReplay {
  readonly peakThreads: number;
  readonly peakBlocked: number;
  /** When the last dial returns, with no CPU limit (the model has no host CPU yet). */
  readonly wallSec: number;
}

const EV_DONE = 0;
const EV_HANDOFF = 1;

/**
 * `goroutines` goroutines start a dial at once: each waits for a P (FIFO), holds it for min(d, hand-off),
 * then, if the syscall is slow, keeps an M of its own until it returns.
 */
export function replayDialBurst(input: DialBurstInput): DialBurstReplay {
  const runtime = new GoRuntime({
    gomaxprocs: input.gomaxprocs,
    baseThreads: Math.max(0, input.threadsBefore - RUNTIME_OWN_THREADS),
    maxThreads: Number.MAX_SAFE_INTEGER,
    sysmonTickSec: input.sysmonTickSec,
    handoffSec: Math.max(input.sysmonTickSec, input.handoffSec),
  });
  const sim = new Scheduler();
  const d = input.dialSec;
  const slow = runtime.isSlow(d);
  let peakBlocked = 0;
  let last = 0;
  const start = (): void => {
    if (slow) sim.after(runtime.pHoldSec(d), EV_HANDOFF);
    sim.after(d, EV_DONE);
  };
  const handler = {
    handle(kind: number): void {
      if (kind === EV_HANDOFF) {
        runtime.syscallBlocked();
        peakBlocked = Math.max(peakBlocked, runtime.blockedInSyscall);
        if (runtime.releaseP() >= 0) start();
        return;
      }
      last = sim.now;
      if (slow) runtime.syscallReturned();
      else if (runtime.releaseP() >= 0) start();
    },
  };
  for (let i = 0; i < input.goroutines; i++) if (runtime.requestP(i)) start();
  sim.run(Number.POSITIVE_INFINITY, handler);
  return { peakThreads: runtime.threads + RUNTIME_OWN_THREADS, peakBlocked, wallSec: last };
}

export interface LoggingInput {
  readonly gomaxprocs: number;
  readonly lines: number;
  readonly lineBytes: number;
  readonly pipeBytesPerSec: number;
  readonly sysmonTickSec: number;
  readonly threadsBefore: number;
}

export interface LoggingReplay {
  readonly peakThreads: number;
  readonly wallSec: number;
  readonly linesWritten: number;
}

/** `lines` goroutines log one line each at once to one fd drained at `pipeBytesPerSec`. */
export function replayLogging(input: LoggingInput): LoggingReplay {
  const runtime = new GoRuntime({
    gomaxprocs: input.gomaxprocs,
    baseThreads: Math.max(0, input.threadsBefore - RUNTIME_OWN_THREADS),
    maxThreads: Number.MAX_SAFE_INTEGER,
    sysmonTickSec: input.sysmonTickSec,
    handoffSec: input.sysmonTickSec,
  });
  const log = new ErrorLog({
    logRate: 'unlimited',
    sampleFraction: 1,
    lineBytes: input.lineBytes,
    pipeBytesPerSec: input.pipeBytesPerSec,
  });
  const noRandom = { next: () => 0 } as unknown as Parameters<ErrorLog['offer']>[1];
  let lastSec = 0;
  for (let i = 0; i < input.lines; i++) lastSec = Math.max(lastSec, log.offer(0, noRandom));
  // Every line waits on the fd; one writer at a time is in write(2), blocked while the pipe is full.
  runtime.setLogWriterBlocked(runtime.writeBlocks(log.writeSec));
  return { peakThreads: runtime.threads + RUNTIME_OWN_THREADS, wallSec: lastSec, linesWritten: log.accepted };
}

/** The model's stop-the-world pause (either phase) with `threads` Ms, in ms. */
export function replayGcPauseMs(config: Pick<GcConfig, 'stwBaseSec' | 'stwPerThreadSec'>, threads: number) {
  return stwPauseSec(config as GcConfig, threads) * 1000;
}

export interface GcCpuInput {
  readonly config: GcConfig;
  readonly liveHeapBytes: number;
  readonly stackBytes: number;
  readonly allocBytesPerSec: number;
  readonly durationSec: number;
  readonly stepSec: number;
}

/** The pacer over a window of steady allocation: its CPU share (of GOMAXPROCS) and cycles. */
export function replayGcCpu(input: GcCpuInput): { cpuFraction: number; cycles: number } {
  const gc = new GcState(input.config);
  const mem = { liveHeapBytes: input.liveHeapBytes, stackBytes: input.stackBytes, otherBytes: 0 };
  const steps = Math.max(1, Math.round(input.durationSec / input.stepSec));
  let busy = 0;
  for (let i = 0; i < steps; i++) {
    gc.step(input.stepSec, input.allocBytesPerSec * input.stepSec, mem, 0);
    busy += gc.marking ? gc.cpuShare : 0;
  }
  return { cpuFraction: busy / steps, cycles: gc.cycles };
}
