/**
 * The process's memory from what is alive in it, as both engines count it at each runtime tick:
 * - live heap: the base live set, plus per live goroutine its heap, per open connection its client
 *   buffers (gomemcache: a 4 KB bufio reader and a 4 KB writer), per queued log line its bytes;
 * - stacks: per live goroutine its stack;
 * - other: per OS thread (M) its memory, plus the non-heap memory of the runtime and the binary.
 * RSS is the GC's heap (live + garbage, `GcState.heapBytes`) plus stacks plus other memory.
 */
import type { MemoryView } from './gc.js';
import type { Params } from './params.js';

/** What is alive in the process at one instant. */
export interface LiveCounts {
  readonly goroutines: number;
  readonly openConns: number;
  readonly queuedLogLines: number;
  readonly threads: number;
}

/** A writable MemoryView, for engines that refill one object each tick. */
export interface MemoryViewOut {
  liveHeapBytes: number;
  stackBytes: number;
  otherBytes: number;
}

/** The memory the GC pacer sees, from the live counts; written into `out` when given (no allocation). */
export function memoryView(p: Params, live: LiveCounts, out?: MemoryViewOut): MemoryView {
  const rt = p.runtime;
  const view = out ?? { liveHeapBytes: 0, stackBytes: 0, otherBytes: 0 };
  view.liveHeapBytes =
    rt.baseLiveHeapBytes +
    live.goroutines * rt.goroutineHeapBytes +
    live.openConns * p.memcached.connBufferBytes +
    live.queuedLogLines * p.logging.lineBytes;
  view.stackBytes = live.goroutines * rt.goroutineStackBytes;
  view.otherBytes = live.threads * rt.threadBytes + rt.nonHeapBytes;
  return view;
}

/** Resident memory: the heap the GC holds (live and garbage), stacks and other memory. */
export function rssBytes(heapBytes: number, mem: MemoryView): number {
  return heapBytes + mem.stackBytes + mem.otherBytes;
}
