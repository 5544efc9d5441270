import { describe, expect, it } from 'vitest';
import { GcState } from '../../lib/model/gc.js';
import { errorLogConfig, gcConfig } from '../../lib/model/host-config.js';
import { ErrorLog } from '../../lib/model/logging.js';
import { defaultParams } from '../../lib/model/params.js';
import { KILL_REASON } from '../../lib/model/process-lifecycle.js';
import { killEvent, restartedRuntime } from '../../lib/model/process-reset.js';
import { applyOverrides } from '../../lib/model/resolve-params.js';
import { createRng } from '../../lib/random/rng.js';

describe('what a kill resets', () => {
  it('names the timeline event of each kill; a deploy records none of its own', () => {
    expect(killEvent(KILL_REASON.oom)).toBe('oom-kill');
    expect(killEvent(KILL_REASON.threadExhaustion)).toBe('thread-exhaustion');
    expect(killEvent(KILL_REASON.deploy)).toBeNull();
  });

  it('a new runtime at the base thread count, no garbage, no queued line, the writer free at the kill', () => {
    // A 1,000-byte/s pipe and 100-byte lines: each line takes 0.1 s to write.
    const p = applyOverrides(defaultParams(), {
      'runtime.baseThreads': 150,
      'logging.lineBytes': 100,
      'logging.pipeBytesPerSec': 1000,
    });
    const gc = new GcState(gcConfig(p));
    const mem = { liveHeapBytes: 1e9, stackBytes: 0, otherBytes: 0 };
    gc.step(0.01, 5e8, mem, 150);
    expect(gc.garbageBytes).toBe(5e8);
    const log = new ErrorLog(errorLogConfig(p));
    const rng = createRng(1);
    for (let i = 0; i < 10; i++) log.offer(0, rng);
    expect(log.queued).toBe(10);
    const runtime = restartedRuntime(p, gc, log, 0.5);
    expect(runtime.threads).toBe(150);
    expect(runtime.goroutines).toBe(0);
    expect(runtime.blockedInSyscall).toBe(0);
    expect(gc.garbageBytes).toBe(0);
    expect(gc.marking).toBe(false);
    expect(gc.heapBytes(mem)).toBe(1e9);
    expect(log.queued).toBe(0);
    // The ten lines were lost with the process: a line logged at the kill is written 0.1 s later.
    expect(log.offer(0.5, rng)).toBeCloseTo(0.6, 12);
  });
});
