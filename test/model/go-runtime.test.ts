import { describe, expect, it } from 'vitest';
import { GoRuntime, lockstepBlockedPeak, steadyBlockedSyscalls } from '../../lib/model/go-runtime.js';

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

describe('the lockstep thread rule', () => {
  const lockstep = (procs: number, handoffSec: number, durs: number[]) =>
    lockstepBlockedPeak(
      { ...config, gomaxprocs: procs, handoffSec },
      Float64Array.from(durs),
      new Float64Array(durs.length),
      durs.length,
    );

  it('failing dials of 5.4 ms on 16 Ps handed off every 1 ms keep 16 x ceil(4.4) = 80 blocked', () => {
    expect(steadyBlockedSyscalls({ ...config, gomaxprocs: 16, handoffSec: 1e-3 }, 5.4e-3)).toBe(80);
  });

  it('2 Ps, four 3 s syscalls, hand-off 1 s: both groups blocked together from t = 2 s', () => {
    // Starts 0, 0, 1, 1; blocked over [1, 3], [1, 3], [2, 4], [2, 4]: four at once from 2 s.
    expect(lockstep(2, 1, [3, 3, 3, 3])).toEqual({ blocked: 4, atSec: 2 });
  });

  it('short syscalls give their P back early and block nothing', () => {
    // The first group (0.5 s each) holds its Ps 0.5 s; the second starts at 0.5 and blocks from 1.5 s.
    expect(lockstep(2, 1, [0.5, 0.5, 3, 3])).toEqual({ blocked: 2, atSec: 1.5 });
    expect(lockstep(2, 1, [0.5, 0.5, 1, 1])).toEqual({ blocked: 0, atSec: 0 });
  });

  it('one P, syscalls of 1.5 s: each ends before the next is blocked, so one at a time', () => {
    expect(lockstep(1, 1, [1.5, 1.5, 1.5, 1.5])).toEqual({ blocked: 1, atSec: 1 });
  });

  it('a long run of equal failing dials reaches the steady count', () => {
    const durs = new Array(2000).fill(5.4e-3);
    const steady = steadyBlockedSyscalls({ ...config, gomaxprocs: 16, handoffSec: 1e-3 }, 5.4e-3);
    expect(lockstep(16, 1e-3, durs).blocked).toBe(steady);
  });
});
