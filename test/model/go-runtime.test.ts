import { describe, expect, it } from 'vitest';
import {
  dedicatedMarkWorkers,
  GoRuntime,
  goroutinePs,
  lockstepBlockedPeak,
  steadyBlockedSyscalls,
} from '../../lib/model/go-runtime.js';

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

describe('dedicated mark workers (runtime/mgcpacer.go startCycle)', () => {
  it('rounds 25% of GOMAXPROCS, one fewer when that is more than 30% above the goal', () => {
    // 1: 0.25 rounds to 0. 2: 0.5 rounds to 1, 100% over, so 0. 3: 0.75 to 1, 33% over, so 0.
    // 4: 1. 6: 1.5 to 2, 33% over, so 1. 10: 2.5 to 3, 20% over, kept. 16: 4.
    const got = [1, 2, 3, 4, 6, 8, 10, 16].map(dedicatedMarkWorkers);
    expect(got).toEqual([0, 0, 0, 1, 1, 2, 3, 4]);
    expect(goroutinePs(16, true)).toBe(12);
    expect(goroutinePs(16, false)).toBe(16);
  });

  const runtime = (gomaxprocs: number) =>
    new GoRuntime({
      gomaxprocs,
      baseThreads: gomaxprocs,
      maxThreads: 1e6,
      sysmonTickSec: 2e-5,
      handoffSec: 2e-5,
    });

  it('takes free Ps at once and busy ones as they come back, then gives them to the queue', () => {
    const rt = runtime(4);
    // Three goroutines hold 3 Ps in syscalls; one P is free.
    expect([rt.requestP(0), rt.requestP(1), rt.requestP(2)]).toEqual([true, true, true]);
    // A mark with 2 workers: the free P goes to one, the other is owed the next P back.
    expect(rt.setMarkWorkers(2)).toBe(0);
    expect(rt.requestP(3)).toBe(false); // queued
    expect(rt.releaseP()).toBe(-1); // goroutine 0's P goes to the owed worker, not to goroutine 3
    expect(rt.releaseP()).toBe(3); // goroutine 1's P goes to the queue
    // The mark ends: both workers' Ps come back to the caller, to hand on.
    expect(rt.setMarkWorkers(0)).toBe(2);
  });

  it('forgets a P still owed when the mark ends before it came back', () => {
    const rt = runtime(2);
    expect([rt.requestP(0), rt.requestP(1)]).toEqual([true, true]);
    expect(rt.setMarkWorkers(1)).toBe(0); // owed, no P free
    expect(rt.setMarkWorkers(0)).toBe(0); // nothing to give back
    expect(rt.releaseP()).toBe(-1); // the P is simply free again
    expect(rt.requestP(2)).toBe(true);
  });
});
