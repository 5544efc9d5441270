import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compareSearchCost,
  fitSearchCost,
  lowestOfRuns,
  type SearchCostConstants,
  searchCostCiFailures,
} from '../../lib/lab/search-cost-fit.js';
import { missedRuns } from '../../lib/lab/search-cost-lab.js';
import type {
  KernelCostRun,
  KernelCostStep,
  OccupantState,
  Quantiles,
} from '../../lib/lab/search-cost-run.js';
import type { DialMode } from '../../lib/model/port-table.js';

const N = 1000;
const TRUE: SearchCostConstants = {
  dialSyscallSec: 15e-6,
  portProbeSec: 200e-9,
  portProbeEstablishedSec: 250e-9,
  connectPortProbeSec: 100e-9,
  connectPortProbeEstablishedSec: 50e-9,
  dialSysCpuFraction: 1,
};

const q = (p50: number): Quantiles => ({
  n: 100,
  p10: p50 * 0.9,
  p50,
  p90: p50 * 1.1,
  p99: p50 * 1.3,
  mean: p50,
});
const none: Quantiles = { n: 0, p10: 0, p50: 0, p90: 0, p99: 0, mean: 0 };

/** A step as portcost would print it, with medians computed by hand from TRUE. */
function step(mode: DialMode, state: OccupantState, pct: number, p50Us: number): KernelCostStep {
  const held = Math.round((pct / 100) * N);
  const full = held === N;
  return {
    mode,
    state,
    portCount: N,
    targetPercent: pct,
    held,
    timeWait: state === 'time-wait' ? held : 0,
    established: state === 'established' ? held : 0,
    otherStates: 0,
    fillDials: 0,
    fillSec: 0,
    dials: 100,
    ok: full ? 0 : 100,
    failed: full ? 100 : 0,
    errors: full ? { EADDRINUSE: 100 } : {},
    okDisturbed: 0,
    failDisturbed: 0,
    okWallUs: full ? none : q(p50Us),
    okSearchUs: none,
    okSysUs: full ? none : q(p50Us),
    okCpuUs: full ? none : q(p50Us),
    failWallUs: full ? q(p50Us) : none,
    failSysUs: full ? q(p50Us) : none,
    failCpuUs: full ? q(p50Us) : none,
    okCpuAllUs: full ? none : q(p50Us),
    failCpuAllUs: full ? q(p50Us) : none,
    windows: 1,
    windowCpuP50Us: [p50Us],
    bindExamined: null,
    elapsedSec: 0,
  };
}

// Hand-computed medians (us) with N = 1000 (parities of 500):
// 0%: 15. 50%: 500 held examined. 75%: bind 500 + lp(250 of 500) - 1 = 501.5; connect 500. 100%: 1000.
function run(mode: DialMode, state: OccupantState, perPortNs: number, bindPath: boolean): KernelCostRun {
  const at = (examined: number) => 15 + (examined * perPortNs) / 1000;
  return {
    mode,
    state,
    truncated: null,
    elapsedSec: 1,
    goDial: null,
    steps: [
      step(mode, state, 0, at(0)),
      step(mode, state, 50, at(500)),
      step(mode, state, 75, at(bindPath ? 501.5 : 500)),
      step(mode, state, 100, at(1000)),
    ],
  };
}

const RUNS = [
  run('bind', 'time-wait', 200, true),
  run('bind', 'established', 250, true),
  run('connect', 'time-wait', 100, false),
  run('connect', 'established', 50, false),
];

describe('fitSearchCost', () => {
  it('fitSearchCost() recovers the constants that made the medians', () => {
    const f = fitSearchCost(RUNS);
    expect(f.dialSyscallSec).toBeCloseTo(15e-6, 12);
    expect(f.portProbeSec).toBeCloseTo(200e-9, 15);
    expect(f.portProbeEstablishedSec).toBeCloseTo(250e-9, 15);
    expect(f.connectPortProbeSec).toBeCloseTo(100e-9, 15);
    expect(f.connectPortProbeEstablishedSec).toBeCloseTo(50e-9, 15);
    expect(f.dialSysCpuFraction).toBe(1);
  });

  it('fitSearchCost() fails loudly without a step at an empty range', () => {
    const noEmpty = RUNS.map((r) => ({ ...r, steps: r.steps.filter((s) => s.targetPercent > 0) }));
    expect(() => fitSearchCost(noEmpty)).toThrow(/0% occupancy/);
  });
});

describe('compareSearchCost', () => {
  it('compareSearchCost() puts model beside kernel: exact data agree, defaults are shown apart', () => {
    const defaults = { ...TRUE, portProbeSec: 400e-9 };
    const r = compareSearchCost(RUNS, defaults, 'test');
    expect(r.rows).toHaveLength(16);
    expect(r.allWithin).toBe(true);
    const bindFull = r.rows.find(
      (x) => x.mode === 'bind' && x.state === 'time-wait' && x.targetPercent === 100,
    )!;
    expect(bindFull.model.cpuUs).toBeCloseTo(215, 9); // 15 + 1000 x 0.2
    expect(bindFull.model.defaultsUs).toBeCloseTo(415, 9);
    expect(r.defaultsWithin).toBe(false);
  });

  it('compareSearchCost() falls back to all dials where fewer than 10 ran undisturbed', () => {
    const busy = RUNS.map((x, i) =>
      i !== 0
        ? x
        : {
            ...x,
            steps: x.steps.map((s) =>
              s.targetPercent === 100 ? { ...s, failCpuUs: { ...none, n: 3 }, failDisturbed: 97 } : s,
            ),
          },
    );
    const r = compareSearchCost(busy, TRUE, 'test');
    const row = r.rows.find((x) => x.mode === 'bind' && x.state === 'time-wait' && x.targetPercent === 100)!;
    expect(row.kernel.allDials).toBe(true);
    expect(row.kernel.cpuUs.p50).toBeCloseTo(215, 9);
    expect(r.allWithin).toBe(true);
  });

  it('compareSearchCost() compares a bind step on its own layout where the Go program counted it', () => {
    // 98% of N = 1000: the second parity has 20 free ports of 500. Linear probing expects 500 + min(0.5 x
    // (1 + 1/0.04^2), 501/2) = 750.5 ports examined (749.5 held); this layout's median dial examines 600
    // (599 held): 15 + 599 x 0.2 = 134.8 us.
    const layoutStep = { ...step('bind', 'time-wait', 98, 134.8), bindExamined: { mean: 640, p50: 600 } };
    const withLayout = RUNS.map((x, i) => (i !== 0 ? x : { ...x, steps: [...x.steps, layoutStep] }));
    const r = compareSearchCost(withLayout, TRUE, 'test');
    const row = r.rows.find((x) => x.mode === 'bind' && x.state === 'time-wait' && x.targetPercent === 98)!;
    expect(row.examined.layout).toBe(599);
    expect(row.examined.expected).toBeCloseTo(749.5, 9);
    expect(row.model.cpuUs).toBeCloseTo(134.8, 6);
    expect(row.model.expectedUs).toBeCloseTo(15 + 749.5 * 0.2, 6);
    expect(row.within).toBe(true);
    // The same kernel median against the expected count is 22% off: the layout is what makes it agree.
    const expectedOnly = { ...layoutStep, bindExamined: null };
    const r2 = compareSearchCost(
      RUNS.map((x, i) => (i !== 0 ? x : { ...x, steps: [...x.steps, expectedOnly] })),
      TRUE,
      'test',
    );
    expect(r2.rows.find((x) => x.targetPercent === 98)!.within).toBe(false);
  });

  it('compareSearchCost() flags a step 30% off the shape', () => {
    const bent = RUNS.map((x, i) =>
      i !== 0
        ? x
        : {
            ...x,
            steps: x.steps.map((s) =>
              s.targetPercent === 75 ? { ...s, okCpuUs: q(s.okCpuUs.p50 * 1.3) } : s,
            ),
          },
    );
    const r = compareSearchCost(bent, TRUE, 'test');
    expect(r.allWithin).toBe(false);
    expect(r.rows.filter((x) => !x.within).map((x) => [x.mode, x.state, x.targetPercent])).toEqual([
      ['bind', 'time-wait', 75],
    ]);
  });
});

describe('lowestOfRuns', () => {
  it('keeps each step at its lowest median over the measurements, so a disturbed step is taken again', () => {
    // The first measurement has bind TIME_WAIT at 75% 40% slow (a neighbour), the second its 100% step.
    const slow = (runs: KernelCostRun[], pct: number) =>
      runs.map((x, i) =>
        i !== 0
          ? x
          : {
              ...x,
              steps: x.steps.map((st) =>
                st.targetPercent !== pct
                  ? st
                  : st.failed > st.ok
                    ? { ...st, failCpuUs: q(st.failCpuUs.p50 * 1.4) }
                    : { ...st, okCpuUs: q(st.okCpuUs.p50 * 1.4) },
              ),
            },
      );
    const a = slow(RUNS, 75);
    const b = slow(RUNS, 100);
    expect(compareSearchCost(a, TRUE, 'test').allWithin).toBe(false);
    expect(compareSearchCost(b, TRUE, 'test').allWithin).toBe(false);
    const merged = lowestOfRuns([a, b]);
    expect(merged.map((r) => r.steps.length)).toEqual(RUNS.map((r) => r.steps.length));
    expect(compareSearchCost(merged, TRUE, 'test').allWithin).toBe(true);
    // A shape that is wrong in every measurement stays wrong.
    expect(compareSearchCost(lowestOfRuns([a, a]), TRUE, 'test').allWithin).toBe(false);
  });

  it('merges a measurement again of only the runs that missed', () => {
    const a = RUNS.map((x, i) =>
      i !== 0 ? x : { ...x, steps: x.steps.map((st) => ({ ...st, okCpuUs: q(st.okCpuUs.p50 * 1.4) })) },
    );
    const again = [RUNS[0]!];
    const merged = lowestOfRuns([a, again]);
    expect(merged.map((r) => `${r.mode} ${r.state}`)).toEqual(RUNS.map((r) => `${r.mode} ${r.state}`));
    expect(compareSearchCost(merged, TRUE, 'test').allWithin).toBe(true);
  });
});

describe('missedRuns', () => {
  it('lists each (mode, state) with a step outside the tolerance once, in the order measured', () => {
    const rows = [
      { mode: 'bind', state: 'time-wait', within: true },
      { mode: 'bind', state: 'time-wait', within: false },
      { mode: 'bind', state: 'established', within: true },
      { mode: 'connect', state: 'time-wait', within: false },
      { mode: 'bind', state: 'time-wait', within: false },
    ] as const;
    expect(missedRuns(rows)).toEqual([
      { mode: 'bind', state: 'time-wait' },
      { mode: 'connect', state: 'time-wait' },
    ]);
    expect(missedRuns(rows.filter((r) => r.within))).toEqual([]);
  });
});

describe('searchCostCiFailures', () => {
  // Per-port costs large enough for half of 1,000 ports to cost over 20x an empty range's 15 us.
  const BIG = [
    run('bind', 'time-wait', 2000, true),
    run('bind', 'established', 2500, true),
    run('connect', 'time-wait', 1000, false),
    run('connect', 'established', 800, false),
  ];
  const at = (runs: KernelCostRun[], f: (s: KernelCostStep) => KernelCostStep) =>
    runs.map((x) => ({ ...x, steps: x.steps.map(f) }));
  const scale = (s: KernelCostStep, k: number): KernelCostStep => ({
    ...s,
    okCpuUs: q(s.okCpuUs.p50 * k),
    okSysUs: q(s.okSysUs.p50 * k),
    failCpuUs: q(s.failCpuUs.p50 * k),
    failSysUs: q(s.failSysUs.p50 * k),
  });

  it('passes data of the model’s shape', () => {
    expect(searchCostCiFailures(compareSearchCost(BIG, TRUE, 'test'))).toEqual([]);
  });

  it('passes the AMD EPYC VM’s measurement, which misses the lab’s 15% at 12 of 48 steps', () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../fixtures/search-cost-amd-epyc.json', import.meta.url), 'utf8'),
    ) as { kernelRuns: KernelCostRun[] };
    const r = compareSearchCost(fixture.kernelRuns, TRUE, 'fixture');
    expect(r.rows).toHaveLength(48);
    expect(r.rows.filter((x) => !x.within)).toHaveLength(12);
    expect(r.allWithin).toBe(false);
    expect(searchCostCiFailures(r)).toEqual([]);
  });

  it('fails a kernel that probes at random: no jump at half the range, the model off by far more than 2.5x', () => {
    // (N + 1) / (K + 1) probes with K ports free, 2 us each.
    const random = at(BIG, (s) => {
      const us = 15 + (2 * (N + 1)) / (N - s.held + 1);
      return s.held === N
        ? { ...s, failCpuUs: q(us), failSysUs: q(us) }
        : { ...s, okCpuUs: q(us), okSysUs: q(us) };
    });
    const failures = searchCostCiFailures(compareSearchCost(random, TRUE, 'test'));
    expect(failures.some((f) => f.includes('the empty range'))).toBe(true);
    expect(failures.some((f) => f.includes('outside a factor 2.5'))).toBe(true);
  });

  it('fails a full-range step at 6x, and steps past half at 3.5x the half', () => {
    const full6 = at(BIG, (s) => (s.targetPercent === 100 ? scale(s, 6) : s));
    const f1 = searchCostCiFailures(compareSearchCost(full6, TRUE, 'test'));
    expect(f1.filter((f) => f.includes('outside a factor')).length).toBeGreaterThan(0);
    expect(f1.filter((f) => f.includes('full-range dial costs'))).toHaveLength(4);
    const past = at(BIG, (s) => (s.targetPercent === 75 ? scale(s, 3.5) : s));
    const f2 = searchCostCiFailures(compareSearchCost(past, TRUE, 'test'));
    expect(f2.filter((f) => f.includes('the cheapest step past half, over 3x'))).toHaveLength(4);
  });

  // The connect() runs with six steps: past half the range connect() examines 500 ports at every step.
  const SIX = BIG.map((x) =>
    x.mode !== 'connect'
      ? x
      : {
          ...x,
          steps: [
            ...x.steps.slice(0, 3),
            step(x.mode, x.state, 90, x.steps[2]!.okCpuUs.p50),
            step(x.mode, x.state, 95, x.steps[2]!.okCpuUs.p50),
            x.steps[3]!,
          ],
        },
  );

  it('passes six steps of the model’s shape, and fails when most of them are 30% off it', () => {
    expect(searchCostCiFailures(compareSearchCost(SIX, TRUE, 'test'))).toEqual([]);
    const off = at(SIX, (s) => (s.targetPercent >= 50 && s.targetPercent < 100 ? scale(s, 1.3) : s));
    const failures = searchCostCiFailures(compareSearchCost(off, TRUE, 'test'));
    expect(failures).toEqual(['8 of 20 steps within 15%, fewer than 50%']);
  });

  it('fails a failing dial whose CPU time is half user time', () => {
    const user = at(BIG, (s) => (s.held === N ? { ...s, failSysUs: q(s.failCpuUs.p50 / 2) } : s));
    const failures = searchCostCiFailures(compareSearchCost(user, TRUE, 'test'));
    expect(failures.some((f) => f.startsWith('system time is'))).toBe(true);
  });
});
