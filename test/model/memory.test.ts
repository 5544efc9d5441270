import { describe, expect, it } from 'vitest';
import { memoryView, rssBytes } from '../../lib/model/memory.js';
import { defaultParams } from '../../lib/model/params.js';
import { applyOverrides } from '../../lib/model/resolve-params.js';

const p = applyOverrides(defaultParams(), {
  'runtime.baseLiveHeapBytes': 1_000_000,
  'runtime.goroutineHeapBytes': 1000,
  'runtime.goroutineStackBytes': 8192,
  'runtime.threadBytes': 65_536,
  'runtime.nonHeapBytes': 200_000,
  'memcached.connBufferBytes': 8192,
  'logging.lineBytes': 400,
});

describe('memory from what is alive', () => {
  // 100 goroutines, 10 connections, 50 queued log lines, 20 threads.
  const live = { goroutines: 100, openConns: 10, queuedLogLines: 50, threads: 20 };

  it('live heap = base + goroutines x heap + connections x buffers + queued lines x line bytes', () => {
    // 1,000,000 + 100 x 1,000 + 10 x 8,192 + 50 x 400 = 1,201,920
    expect(memoryView(p, live).liveHeapBytes).toBe(1_201_920);
  });

  it('stacks = goroutines x stack; other = threads x thread memory + non-heap', () => {
    const v = memoryView(p, live);
    expect(v.stackBytes).toBe(819_200);
    // 20 x 65,536 + 200,000 = 1,510,720
    expect(v.otherBytes).toBe(1_510_720);
  });

  it('RSS = the GC heap + stacks + other memory', () => {
    // A heap of 2,000,000 (live and garbage): 2,000,000 + 819,200 + 1,510,720
    expect(rssBytes(2_000_000, memoryView(p, live))).toBe(4_329_920);
  });

  it('writes into the given view, and a dead process (nothing alive) holds only its base', () => {
    const out = { liveHeapBytes: -1, stackBytes: -1, otherBytes: -1 };
    const v = memoryView(p, { goroutines: 0, openConns: 0, queuedLogLines: 0, threads: 0 }, out);
    expect(v).toBe(out);
    expect(out).toEqual({ liveHeapBytes: 1_000_000, stackBytes: 0, otherBytes: 200_000 });
  });
});
