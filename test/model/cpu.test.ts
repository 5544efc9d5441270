import { describe, expect, it } from 'vitest';
import {
  addPHold,
  carryPHold,
  clearDemand,
  emptyDemand,
  gcDemandSec,
  HostCpu,
  nextStepDemand,
  shareCores,
} from '../../lib/model/cpu.js';

describe('shareCores (one step of the host CPU)', () => {
  it('serves everything when the demand fits', () => {
    const s = shareCores({ cores: 4, gomaxprocs: 4 }, 1, 1, 0.5, 2, 0);
    expect(s).toEqual({ mutatorSec: 1, gcSec: 0.5, kernelSec: 2 });
  });

  it('gives a marking GC its 25% of the Ps against a saturating mutator', () => {
    // 4 cores, 4 Ps, 1 s: the GC wants 0.25 x 4 = 1 core-second; the mutator gets the other 3.
    const config = { cores: 4, gomaxprocs: 4 };
    const gc = gcDemandSec(config, 0.25, 1);
    expect(gc).toBe(1);
    expect(shareCores(config, 1, 100, gc, 0, 0)).toEqual({ mutatorSec: 3, gcSec: 1, kernelSec: 0 });
    // Under the CPU limiter's 50%: 2 and 2.
    expect(shareCores(config, 1, 100, gcDemandSec(config, 0.5, 1), 0, 0)).toEqual({
      mutatorSec: 2,
      gcSec: 2,
      kernelSec: 0,
    });
  });

  it('loses a stop-the-world pause and the P time held in syscalls to Go code, not to the kernel', () => {
    const config = { cores: 4, gomaxprocs: 4 };
    // A 0.1 s pause in 1 s: Go runs on 4 x 0.9 = 3.6 core-seconds; the GC keeps its 1, the mutator 2.6.
    const paused = shareCores(config, 1, 100, 1, 0, 0.1);
    expect(paused.gcSec).toBeCloseTo(1, 12);
    expect(paused.mutatorSec).toBeCloseTo(2.6, 12);
    // Every P held in a syscall for the whole step: no Go code runs; the kernel still has the 4 cores.
    expect(shareCores(config, 1, 1, 0, 10, 0, 4)).toEqual({ mutatorSec: 0, gcSec: 0, kernelSec: 4 });
  });

  it('lets kernel work use every core while Go work is held to GOMAXPROCS', () => {
    // 16 cores, 4 Ps, 10 ms: 0.16 core-seconds. Half each by pending work would give Go 0.08, but its Ps
    // give it 0.04; the kernel takes the other 0.12.
    const s = shareCores({ cores: 16, gomaxprocs: 4 }, 0.01, 1, 0, 1, 0);
    expect(s.mutatorSec).toBeCloseTo(0.04, 12);
    expect(s.kernelSec).toBeCloseTo(0.12, 12);
  });

  it('shares a saturated host in proportion to pending work', () => {
    // 2 cores, 10 ms: 0.02 core-seconds; 2.75 of kernel work (500 failing dials x 5.5 ms) against 0.01 of
    // requests: the requests get 0.02 x 0.01 / 2.76.
    const s = shareCores({ cores: 2, gomaxprocs: 2 }, 0.01, 0.01, 0, 2.75, 0);
    expect(s.mutatorSec).toBeCloseTo((0.02 * 0.01) / 2.76, 15);
    expect(s.kernelSec).toBeCloseTo(0.02 - (0.02 * 0.01) / 2.76, 15);
  });
});

describe('HostCpu (steps with a backlog)', () => {
  it('runs two 1 s goroutines on one core in 2 s, and a goroutine arriving at 0.5 s waits 1.5 s', () => {
    const cpu = new HostCpu({ cores: 1, gomaxprocs: 1 });
    const d = emptyDemand();
    d.mutatorSec = 2;
    d.goJobs = 2;
    cpu.step(0.01, d, 0, 0);
    const none = emptyDemand();
    let steps = 1;
    while (steps < 50) {
      cpu.step(0.01, none, 0, 0);
      steps++;
    }
    // At 0.5 s, 1.5 core-seconds are left at 1 core/s.
    expect(cpu.mutatorBacklogSec).toBeCloseTo(1.5, 9);
    expect(cpu.goWaitSec).toBeCloseTo(1.5, 9);
    while (!cpu.idle && steps < 1000) {
      cpu.step(0.01, none, 0, 0);
      steps++;
    }
    expect(steps).toBe(200);
    expect(cpu.goWaitSec).toBe(0);
  });

  it('bounds the wait by the queued work when a step leaves Go only a sliver of its Ps', () => {
    // 2 cores, 2 Ps, a 10 ms step: 0.2 core-s of Go work while syscalls hold 0.0199 of the step's 0.02
    // P-seconds. Go runs 0.0001 core-s: at that rate the 0.1999 left would take 19.99 s, but it is served
    // no later than the queued work on both cores after this step: 0.01 + 0.1999 / 2 = 0.10995 s.
    const cpu = new HostCpu({ cores: 2, gomaxprocs: 2 });
    const d = emptyDemand();
    d.mutatorSec = 0.2;
    d.pHeldSec = 0.0199;
    cpu.step(0.01, d, 0, 0);
    expect(cpu.served.mutatorSec).toBeCloseTo(0.0001, 12);
    expect(cpu.goWaitSec).toBeCloseTo(0.01 + 0.1999 / 2, 12);
  });

  it('finishes a burst of n failing dials of d seconds of CPU on c cores after n d / c', () => {
    // 500 dials x 5.5 ms on 2 cores: 1.375 s.
    const cpu = new HostCpu({ cores: 2, gomaxprocs: 2 });
    const d = emptyDemand();
    d.kernelSec = 500 * 5.5e-3;
    cpu.step(0.01, d, 0, 0);
    const none = emptyDemand();
    let steps = 1;
    while (!cpu.idle && steps < 10_000) {
      cpu.step(0.01, none, 0, 0);
      steps++;
    }
    expect(steps).toBe(138); // 137.5 steps of 10 ms, the last one partly used
    const used = cpu.takeUsed();
    expect(used.kernelSec).toBeCloseTo(2.75, 9);
    expect(used.mutatorSec).toBe(0);
  });

  it('makes Go work wait behind a burst and reports the GC starved of CPU', () => {
    // 2 cores: 1 core of requests arrives every step; at t = 0 a burst of 2.75 core-seconds of scans.
    const cpu = new HostCpu({ cores: 2, gomaxprocs: 2 });
    const burst = emptyDemand();
    burst.kernelSec = 2.75;
    burst.mutatorSec = 0.01;
    burst.goJobs = 100;
    cpu.step(0.01, burst, 0.005, 0);
    // Step 1 by hand: pending 0.01 + 0.005 (Go) against 2.75 (kernel) of 0.02.
    const go = (0.02 * 0.015) / 2.765;
    expect(cpu.served.gcSec).toBeCloseTo(Math.max((go * 0.005) / 0.02, go - 0.01), 15);
    expect(cpu.gcProgress).toBeLessThan(0.01);
    expect(cpu.goWaitSec).toBeGreaterThan(0.5);
    expect(cpu.runnable).toBeCloseTo((100 / 0.01) * cpu.goWaitSec, 6);
    // Without the burst the same requests are served at once.
    const calm = new HostCpu({ cores: 2, gomaxprocs: 2 });
    const d = emptyDemand();
    d.mutatorSec = 0.01;
    calm.step(0.01, d, 0.005, 0);
    expect(calm.goWaitSec).toBe(0);
    expect(calm.gcProgress).toBe(1);
  });

  it('adds the wait for a P behind goroutines queued to enter syscalls', () => {
    const cpu = new HostCpu({ cores: 16, gomaxprocs: 16 });
    // 1,600 dial goroutines queued, each holding a P 1 ms: 0.1 s before a P is free for new work.
    cpu.step(0.01, emptyDemand(), 0, 0, (1600 * 1e-3) / 16);
    expect(cpu.goWaitSec).toBeCloseTo(0.1, 12);
  });
});

describe('shareCores edge cases', () => {
  it('never serves a negative amount when the GC wants more than the Ps left', () => {
    // 16 Ps, 10 ms: 0.15 of the 0.16 P-seconds held in syscalls; the GC wants 0.04 (25%).
    const s = shareCores({ cores: 16, gomaxprocs: 16 }, 0.01, 1, 0.04, 10, 0, 0.15);
    expect(s.gcSec).toBeGreaterThanOrEqual(0);
    expect(s.mutatorSec).toBeGreaterThanOrEqual(0);
    expect(s.gcSec + s.mutatorSec).toBeLessThanOrEqual(0.01 + 1e-15);
    expect(s.gcSec + s.mutatorSec + s.kernelSec).toBeCloseTo(0.16, 12);
  });
});

describe('shareCores with dedicated mark workers', () => {
  const c16 = { cores: 16, gomaxprocs: 16 };

  it('a worker on contended cores gets a thread share: 2 cores, 40 Ms, 1 worker = 2/40 of a core', () => {
    // GOMAXPROCS 4 on 2 cores, 10 ms. The GC wants 25% of Go's cores (0.005 core-s); the 3 goroutine Ps
    // are all held in syscalls (0.03 P-s), 1 core-s of scans pending. Runnable: the worker + 39 Ms in the
    // kernel = 40, so the worker gets 0.01 x 2/40 = 0.0005 core-s and the kernel the rest of 0.02.
    const s = shareCores({ cores: 2, gomaxprocs: 4 }, 0.01, 0, 0.005, 1, 0, 0.03, 1, 40);
    expect(s.gcSec).toBeCloseTo(0.0005, 15);
    expect(s.mutatorSec).toBe(0);
    expect(s.kernelSec).toBeCloseTo(0.0195, 15);
    // Without the worker (the P holds leave Go no P time) the GC gets nothing at all.
    expect(shareCores({ cores: 2, gomaxprocs: 4 }, 0.01, 0, 0.005, 1, 0, 0.03).gcSec).toBe(0);
  });

  it('serves everything that fits: the workers on their Ps, the mutator on the other 12', () => {
    expect(shareCores(c16, 0.01, 0.05, 0.04, 0, 0, 0, 4, 20)).toEqual({
      mutatorSec: 0.05,
      gcSec: 0.04,
      kernelSec: 0,
    });
  });

  it('keeps the workers Ps from the mutator: 4 of 16 Ps mark, the mutator gets 12', () => {
    // Mutator work far beyond its Ps, no kernel work: 16 runnable threads on 16 cores, so each worker
    // has a core: 0.04 to the GC, 0.12 to the mutator (the rule without workers gives the same here).
    expect(shareCores(c16, 0.01, 1, 0.04, 0, 0, 0, 4, 200)).toEqual({
      mutatorSec: 0.12,
      gcSec: 0.04,
      kernelSec: 0,
    });
    expect(shareCores(c16, 0.01, 1, 0.04, 0, 0, 0)).toEqual({ mutatorSec: 0.12, gcSec: 0.04, kernelSec: 0 });
  });

  it('gives the limiter its assists beyond the workers: 50% of 16 Ps = 4 workers + 4 Ps of assists', () => {
    const s = shareCores(c16, 0.01, 1, 0.08, 0, 0, 0, 4, 200);
    expect(s.gcSec).toBeCloseTo(0.08, 15);
    expect(s.mutatorSec).toBeCloseTo(0.08, 15);
  });

  it('counts a whole step of pause against the workers too', () => {
    expect(shareCores(c16, 0.01, 1, 0.04, 10, 0.01, 0, 4, 200)).toEqual({
      mutatorSec: 0,
      gcSec: 0,
      kernelSec: 0.16,
    });
  });

  it('HostCpu.fits is true exactly when shareCores serves a step whole', () => {
    const cpu = new HostCpu(c16);
    // 0.12 of mutator fits the 12 goroutine Ps while 4 workers mark; 0.13 does not (it would without them).
    expect(cpu.fits(0.01, 0.12, 0.04, 0, 4)).toBe(true);
    expect(cpu.fits(0.01, 0.13, 0.03, 0, 4)).toBe(false);
    expect(cpu.fits(0.01, 0.13, 0.03, 0, 0)).toBe(true);
  });
});

describe('P holds across steps (addPHold)', () => {
  it('charges the part of a hold inside the step to it and carries the rest to the next', () => {
    const d = emptyDemand();
    // A 5 ms hold from 8 ms in a step ending at 10 ms: 2 ms now, 3 ms in the next step.
    addPHold(d, 0.008, 0.01, 0.005);
    // A 1 ms hold from 2 ms: all of it now.
    addPHold(d, 0.002, 0.01, 0.001);
    expect(d.pHeldSec).toBeCloseTo(0.003, 15);
    expect(d.pHeldNextSec).toBeCloseTo(0.003, 15);
    d.mutatorSec = 1;
    nextStepDemand(d);
    expect(d).toEqual({ mutatorSec: 0, kernelSec: 0, pHeldSec: d.pHeldSec, pHeldNextSec: 0, goJobs: 0 });
    expect(d.pHeldSec).toBeCloseTo(0.003, 15);
    // A new process drops the carried holds with everything else.
    addPHold(d, 0.019, 0.02, 0.005);
    clearDemand(d);
    expect(d).toEqual(emptyDemand());
  });

  it('moves P time charged to a step past its end into the next one (carryPHold), never more than was charged', () => {
    const d = emptyDemand();
    d.pHeldSec = 0.121;
    carryPHold(d, 0.001);
    expect(d.pHeldSec).toBeCloseTo(0.12, 15);
    expect(d.pHeldNextSec).toBeCloseTo(0.001, 15);
    carryPHold(d, 1);
    expect(d.pHeldSec).toBe(0);
    expect(d.pHeldNextSec).toBeCloseTo(0.121, 15);
    carryPHold(d, -1);
    expect(d.pHeldNextSec).toBeCloseTo(0.121, 15);
  });
});
