import { describe, expect, it } from 'vitest';
import {
  type ActiveBurst,
  advanceBurst,
  burstOpsDoneBy,
  freedBy,
  nextFreeSec,
  noteFrees,
  opFreeSec,
  startBurst,
} from '../../../lib/engine/fast/bursts.js';
import { FastHost } from '../../../lib/engine/fast/host-fast.js';
import { FIXED_IP } from '../../../lib/engine/fast/host-state.js';
import { unloadedGetSec } from '../../../lib/model/memcached.js';
import { defaultParams } from '../../../lib/model/params.js';
import { applyOverrides } from '../../../lib/model/resolve-params.js';

/** A burst's bookkeeping alone (no host): what the frees' functions read. */
function burst(fields: Partial<ActiveBurst> = {}): ActiveBurst {
  return {
    client: 0,
    tag: -1,
    tb: 0,
    n: 100,
    limit: 100,
    reuse: false,
    opRate: 1e9,
    fromPool: 0,
    pending: 0,
    gateSec: 0,
    passHoldSec: Number.NaN,
    connected: 0,
    conns: 0,
    failed: 0,
    failStreak: 0,
    opsDone: 0,
    frees: [],
    freedBase: 0,
    startWaitSec: 0,
    released: 0,
    sawExhaustion: false,
    ...fields,
  };
}

describe('noteFrees and freedBy', () => {
  it('frees spread evenly over a segment: 10 from 1 s to 2 s and 4 at 3 s', () => {
    const b = burst();
    noteFrees(b, 1, 2, 10);
    noteFrees(b, 3, 3, 4);
    expect(freedBy(b, 0.5)).toBe(0);
    expect(freedBy(b, 1)).toBe(0);
    expect(freedBy(b, 1.5)).toBe(5);
    expect(freedBy(b, 2)).toBe(10);
    expect(freedBy(b, 2.999)).toBe(10);
    expect(freedBy(b, 3)).toBe(14);
  });

  it('a segment that ended more than 1 s before the gate is folded into the base, the count unchanged', () => {
    const b = burst();
    noteFrees(b, 1, 2, 10);
    b.gateSec = 3.5;
    noteFrees(b, 3.5, 4, 6);
    expect(b.frees).toEqual([3.5, 4, 6]);
    expect(b.freedBase).toBe(10);
    expect(freedBy(b, 3.75)).toBe(13);
    expect(freedBy(b, 4)).toBe(16);
  });

  it('noting 0 frees changes nothing', () => {
    const b = burst();
    noteFrees(b, 1, 2, 0);
    expect(b.frees).toEqual([]);
    expect(freedBy(b, 10)).toBe(0);
  });
});

describe('nextFreeSec', () => {
  it('finds the first time a step function turns positive to within 1/1024 of the interval', () => {
    const t = nextFreeSec((s) => (s >= 0.3 ? 1 : 0), 0, 1);
    expect(t).toBeGreaterThanOrEqual(0.3);
    expect(t - 0.3).toBeLessThanOrEqual(1 / 1024);
  });
});

// A quiet host (no new client), so the CPU's wait is 0 and an op frees its connection an unloaded get
// (rtt median + service) after its goroutine got it.
function quietHost(overrides: Record<string, number> = {}): FastHost {
  const params = applyOverrides(defaultParams(), { 'workload.newClientRatePerSec': 0, ...overrides });
  return new FastHost({ params, seed: 1, durationSec: 1 });
}

describe('burstOpsDoneBy', () => {
  it('an op frees its connection 2 x the CPU wait + an unloaded get after its goroutine got it', () => {
    const host = quietHost();
    expect(host.cpu.goWaitSec).toBe(0);
    expect(opFreeSec(host)).toBe(unloadedGetSec(host.p.memcached));
  });

  it('is the least of the connected, the freed and the rate cap, and never below the ops already done', () => {
    const host = quietHost();
    const m = host.p.memcached;
    // 1,000 ops/s from tb + rtt/2: at tb + rtt/2 + 20 ms the cap is 20.
    const b = burst({ opRate: 1000, tb: 1 });
    noteFrees(b, 1, 1, 50);
    const t = 1 + m.rttMedianSec / 2 + 0.0205;
    expect(burstOpsDoneBy(host, b, t, 30)).toBe(20);
    expect(burstOpsDoneBy(host, b, t, 12)).toBe(12);
    expect(burstOpsDoneBy(host, b, t, 30, 0)).toBe(20);
    b.opsDone = 25;
    expect(burstOpsDoneBy(host, b, t, 30)).toBe(25);
    // Frees not yet noted (a chunk's own) add to the noted ones.
    const c = burst({ tb: 1 });
    noteFrees(c, 2, 2, 5);
    expect(burstOpsDoneBy(host, c, 1.5, 100, 3)).toBe(3);
    expect(burstOpsDoneBy(host, c, 2, 100, 3)).toBe(8);
  });
});

describe('a burst on a full range reuses the connections its own ops free', () => {
  // A range of 10 ports, all ESTABLISHED by the burst's own connections from the pool: every dial fails
  // (a 25 us scan, its P held 10 us, sysmon's tick). 16 Ps let 16 goroutines through per 10 us.
  function fullRangeHost(rttMedianSec?: number): FastHost {
    const host = quietHost({
      ...(rttMedianSec === undefined ? {} : { 'memcached.rttMedianSec': rttMedianSec }),
      'kernel.portRangeLow': 40_000,
      'kernel.portRangeHigh': 40_009,
      'kernel.portProbeSec': 1e-6,
      'kernel.portProbeEstablishedSec': 2e-6,
      'kernel.dialSyscallSec': 5e-6,
      'runtime.sysmonTickSec': 10e-6,
      'runtime.saturatedHandoffSec': 0,
      'host.kernelPerLogWriteSec': 0,
    });
    expect(host.table.allocateMany(0, FIXED_IP, host.dialMode, 10).ok).toBe(10);
    host.idle = 10;
    return host;
  }

  it('without a limit: 10 connections from the pool come free after an unloaded get and are taken again', () => {
    const host = fullRangeHost();
    const freeSec = opFreeSec(host);
    const n = 20_000;
    startBurst(host, 0, 0, n);
    const b = host.bursts.at(-1)!;
    expect(b.fromPool).toBe(10);
    advanceBurst(host, b, host.dt);
    // Goroutines behind the 10 fail at 16 per 10 us until the 10 ops free their connections (one
    // unloaded get in), take them, and free them again one unloaded get later, and so on to the step's
    // end: every goroutine gets a connection or fails, none is lost.
    // Each take comes at most one hold period (10 us) and one bisection step (10 ms / 1024) late.
    const lateSec = 10e-6 + host.dt / 1024;
    const most = Math.floor(host.dt / freeSec) + 1;
    const least = Math.floor(host.dt / (freeSec + lateSec)) + 1;
    expect(b.connected).toBeLessThanOrEqual(10 * most);
    expect(b.connected).toBeGreaterThanOrEqual(10 * least);
    expect(b.connected + b.failed + b.pending).toBe(n);
    expect(b.failed).toBeGreaterThan(0);
  });

  it('ops that free nothing within the step (a 20 ms round trip): the 10 keep theirs, the rest fail', () => {
    const host = fullRangeHost(20e-3);
    startBurst(host, 0, 0, 20_000);
    const b = host.bursts.at(-1)!;
    advanceBurst(host, b, host.dt);
    expect(b.connected).toBe(10);
    // 16 Ps x 10 ms / 10 us per failing dial.
    expect(b.failed).toBe(16_000);
    expect(b.pending).toBe(20_000 - 10 - 16_000);
  });
});
