import { describe, expect, it } from 'vitest';
import { balanceShares, OutlierEjector, routeCalls } from '../../lib/model/appview.js';

const up = (latencySec = 0.01) => ({ inRotation: true, latencySec });
const out = { inRotation: false, latencySec: 0.01 };

describe('balanceShares', () => {
  it('round robin and random split evenly over the hosts in rotation; a removed host gets nothing', () => {
    expect(Array.from(balanceShares('round-robin', [up(), out, up(), up()]))).toEqual([
      1 / 3,
      0,
      1 / 3,
      1 / 3,
    ]);
    expect(Array.from(balanceShares('random', [up(), up()]))).toEqual([0.5, 0.5]);
  });
  it('least outstanding gives shares proportional to 1 / latency', () => {
    // 1/0.01 = 100 and 1/0.03 = 33.3: shares 0.75 and 0.25.
    const w = balanceShares('least-outstanding', [up(0.01), up(0.03)]);
    expect(w[0]).toBeCloseTo(0.75, 12);
    expect(w[1]).toBeCloseTo(0.25, 12);
  });
  it('no host in rotation: all shares 0', () => {
    expect(Array.from(balanceShares('round-robin', [out, out]))).toEqual([0, 0]);
  });
});

describe('routeCalls', () => {
  it('one of two hosts failing everything: a retry saves every request (not f^2 = 25%)', () => {
    const r = routeCalls(Float64Array.of(0.5, 0.5), [1, 0], 1);
    expect(r.userFailureShare).toBe(0);
    // Host 0: 0.5 first attempts; host 1: 0.5 first attempts + 0.5 retries.
    expect(Array.from(r.callsPerRequest)).toEqual([0.5, 1]);
  });
  it('hosts failing together: every attempt fails alike', () => {
    const r = routeCalls(Float64Array.of(0.5, 0.5), [0.4, 0.4], 1);
    expect(r.userFailureShare).toBeCloseTo(0.16, 12);
  });
  it('three hosts, by hand: f = (0.5, 0.2, 0), one retry', () => {
    // First: each 1/3. Failing: 1/6 from host 0 (retried on 1 and 2, half each), 1/15 from host 1.
    // Fail again: 1/12 x 0.2 (on host 1) = 1/60; host 1's retries on 0 and 2: 1/30 x 0.5 = 1/60.
    const r = routeCalls(Float64Array.of(1 / 3, 1 / 3, 1 / 3), [0.5, 0.2, 0], 1);
    expect(r.userFailureShare).toBeCloseTo(1 / 30, 12);
    expect(r.callsPerRequest[0]).toBeCloseTo(1 / 3 + 1 / 30, 12);
    expect(r.callsPerRequest[1]).toBeCloseTo(1 / 3 + 1 / 12, 12);
  });
  it('no retry: the share-weighted failure share; nothing in rotation: every request fails', () => {
    expect(routeCalls(Float64Array.of(0.25, 0.75), [1, 0], 0).userFailureShare).toBe(0.25);
    expect(routeCalls(Float64Array.of(0, 0), [0, 0], 1).userFailureShare).toBe(1);
  });
});

describe('OutlierEjector', () => {
  const config = { failShare: 0.5, afterSec: 3, baseSec: 30, maxShare: 0.1 };
  it('ejects after afterSec failing seconds in a row, for baseSec x times ejected', () => {
    const e = new OutlierEjector(4, config);
    for (let t = 1; t <= 2; t++) e.update(t, 1, [0.9, 0, 0, 0]);
    expect(e.ejected(0, 2)).toBe(false);
    e.update(3, 1, [0.9, 0, 0, 0]);
    expect(e.ejected(0, 3)).toBe(true);
    expect(e.ejected(0, 32.9)).toBe(true);
    expect(e.ejected(0, 33)).toBe(false);
    for (let t = 34; t <= 36; t++) e.update(t, 1, [0.9, 0, 0, 0]);
    expect(e.ejected(0, 95)).toBe(true); // second ejection: 60 s from 36
    expect(e.ejected(0, 96)).toBe(false);
    expect(e.ejections).toBe(2);
  });
  it('ejects at most max(1, floor(maxShare x hosts)) at once; a good second resets the streak', () => {
    const e = new OutlierEjector(4, config);
    for (let t = 1; t <= 3; t++) e.update(t, 1, [0.9, 0.9, t === 2 ? 0 : 0.9, 0]);
    expect([0, 1, 2, 3].map((i) => e.ejected(i, 3))).toEqual([true, false, false, false]);
  });
});
