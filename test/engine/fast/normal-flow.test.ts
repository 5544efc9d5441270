import { describe, expect, it } from 'vitest';
import { FastHost } from '../../../lib/engine/fast/host-fast.js';
import { heldShare, holdForCpuWait } from '../../../lib/engine/fast/normal-flow.js';
import { defaultParams } from '../../../lib/model/params.js';
import { applyOverrides } from '../../../lib/model/resolve-params.js';

describe('heldShare', () => {
  it('1 until one step before the end of the hold, then falling linearly to 0', () => {
    expect(heldShare(1.05, 1.0, 0.01)).toBe(1);
    expect(heldShare(1.05, 1.04, 0.01)).toBeCloseTo(1, 12);
    expect(heldShare(1.05, 1.045, 0.01)).toBeCloseTo(0.5, 12);
    expect(heldShare(1.05, 1.05, 0.01)).toBe(0);
    expect(heldShare(1.05, 1.06, 0.01)).toBe(0);
  });
});

describe('holdForCpuWait', () => {
  /** A host with its pool (1,000) idle, whose steps of 10 ms issue 100 normal ops at a wait set by hand. */
  function host(): FastHost {
    const params = applyOverrides(defaultParams(), { 'workload.newClientRatePerSec': 0 });
    const h = new FastHost({ params, seed: 1, durationSec: 10 });
    h.idle = h.p.poolSize;
    return h;
  }
  /** Step k (ending at (k + 1) x 10 ms): last step's 100 ops, the CPU's wait now `waitSec`. */
  function step(h: FastHost, k: number, waitSec: number): number {
    h.opsThisStep = 100;
    h.cpu.goWaitSec = waitSec;
    holdForCpuWait(h, (k + 1) * h.dt);
    return h.waitHeld;
  }

  it('in a steady wait, Little law: 100 ops per 10 ms x 2 x 20 ms = 400 connections', () => {
    const h = host();
    expect(h.dt).toBe(0.01);
    const held: number[] = [];
    for (let k = 0; k < 8; k++) held.push(step(h, k, 0.02));
    // The first step's ops met no wait (the wait before it was 0); each later step adds a cohort of 100
    // holding 40 ms: 4 steps' worth once the first has run its course.
    expect(held).toEqual([0, 100, 200, 300, 400, 400, 400, 400]);
    expect(h.waitHeld + h.idle).toBe(1000);
  });

  it('when the wait jumps, only the ops issued since hold longer (not op rate x the new wait at once)', () => {
    const h = host();
    for (let k = 0; k < 3; k++) expect(step(h, k, 0)).toBe(0);
    // The wait jumps to 0.5 s: Little's law would take 100 / 0.01 x 2 x 0.5 = 10,000 connections at once.
    const held = [3, 4, 5, 6].map((k) => step(h, k, 0.5));
    expect(held).toEqual([0, 100, 200, 300]);
  });

  it('when the wait falls back to 0, the ops that met a wait keep their connections until their hold ends', () => {
    const h = host();
    step(h, 0, 0.015);
    // Issued over step 1 at a wait of 15 ms: each holds 30 ms, 3 steps counted from the end of step 1.
    expect(step(h, 1, 0)).toBe(100);
    expect(step(h, 2, 0)).toBe(100);
    expect(step(h, 3, 0)).toBe(100);
    expect(step(h, 4, 0)).toBe(0);
    expect(h.waitDrops.size).toBe(0);
    expect(h.idle).toBe(1000);
  });

  it('counts, step by step, what the cohorts hold by heldShare, for waits that rise and fall at random', () => {
    const h = host();
    // Only the count is checked here: an idle pool as large as any hold, and no closes.
    h.idle = 1e9;
    h.returnToPool = (count: number) => {
      h.idle += count;
    };
    const cohorts: { untilSec: number; ops: number }[] = [];
    let issueWait = 0;
    let seed = 7;
    const uniform = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let k = 0; k < 300; k++) {
      const wait = uniform() < 0.3 ? 0 : uniform() * 0.2;
      const ops = Math.floor(uniform() * 500);
      h.opsThisStep = ops;
      h.cpu.goWaitSec = wait;
      holdForCpuWait(h, (k + 1) * h.dt);
      const nowSec = k * h.dt;
      if (ops > 0 && issueWait > 0) cohorts.push({ untilSec: nowSec + 2 * issueWait, ops });
      issueWait = wait;
      const expected = cohorts.reduce((sum, c) => sum + c.ops * heldShare(c.untilSec, nowSec, h.dt), 0);
      expect(h.waitOps).toBeCloseTo(expected, 6);
    }
  });
});
