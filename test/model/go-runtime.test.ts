import { describe, expect, it } from 'vitest';
import { GoRuntime } from '../../lib/model/go-runtime.js';

const config = { gomaxprocs: 2, baseThreads: 5, maxThreads: 8, sysmonTickSec: 20e-6, handoffSec: 20e-6 };

describe('GoRuntime', () => {
  it('requestP() grants GOMAXPROCS Ps, then queues FIFO; releaseP() hands the P to the next waiter', () => {
    const rt = new GoRuntime(config);
    expect([rt.requestP(1), rt.requestP(2), rt.requestP(3), rt.requestP(4)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(rt.waitingForP).toBe(2);
    expect(rt.releaseP()).toBe(3);
    expect(rt.releaseP()).toBe(4);
    expect(rt.releaseP()).toBe(-1);
    expect(rt.requestP(5)).toBe(true);
  });

  it('a syscall longer than a sysmon tick is slow and holds its P for one tick', () => {
    const rt = new GoRuntime(config);
    expect(rt.isSlow(20e-6)).toBe(false);
    expect(rt.isSlow(21e-6)).toBe(true);
    expect(rt.pHoldSec(1.7e-3)).toBe(20e-6);
    expect(rt.pHoldSec(5e-6)).toBe(5e-6);
  });

  it('threads = max(base, GOMAXPROCS + blocked syscalls) and never decrease', () => {
    const rt = new GoRuntime(config);
    expect(rt.threads).toBe(5);
    rt.syscallBlocked();
    rt.syscallBlocked();
    rt.syscallBlocked();
    expect(rt.threads).toBe(5); // 2 Ps + 3 blocked
    rt.syscallBlocked();
    expect(rt.threads).toBe(6);
    rt.syscallReturned();
    rt.syscallReturned();
    expect(rt.threads).toBe(6);
    expect(rt.threadsNeeded()).toBe(4);
  });

  it('syscallBlocked() reports thread exhaustion past maxThreads', () => {
    const rt = new GoRuntime(config);
    const fatal = Array.from({ length: 7 }, () => rt.syscallBlocked());
    expect(fatal).toEqual([false, false, false, false, false, false, true]);
  });

  it('the log writer blocked in write(2) adds at most one thread', () => {
    const rt = new GoRuntime({ ...config, baseThreads: 2 });
    rt.setLogWriterBlocked(true);
    rt.setLogWriterBlocked(true);
    expect(rt.threads).toBe(3);
  });
});
