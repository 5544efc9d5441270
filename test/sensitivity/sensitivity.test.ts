import { describe, expect, it } from 'vitest';
import type { WeekObservation } from '../../lib/calibration/week.js';
import {
  headlineSwings,
  runSensitivity,
  SENSITIVITY_PARAMETERS,
  sensitivityCases,
} from '../../lib/sensitivity/sensitivity.js';

const check = (id: string, ok: boolean, figures: Record<string, number> = {}): WeekObservation => ({
  id,
  observation: '',
  check: '',
  measured: '',
  figures,
  verdict: ok ? 'reproduced' : 'not reproduced',
});

describe('sensitivityCases', () => {
  it('has the default and each parameter at both ends of its range, within its bounds', () => {
    const cases = sensitivityCases();
    expect(cases[0]!.id).toBe('default');
    // Every end but two differs from its default: appview.panicThreshold's high end is its default (0.5),
    // workload.bigBatchFraction's low end too (0.1).
    expect(cases).toHaveLength(1 + 2 * SENSITIVITY_PARAMETERS.length - 2);
    expect(cases.map((c) => c.id)).not.toContain('appview.panicThreshold=0.5');
    expect(cases.map((c) => c.id)).not.toContain('workload.bigBatchFraction=0.1');
    expect(cases.map((c) => c.id)).toContain('load.mondayFactor=1.3');
  });
  it('skips an end equal to the default and refuses one outside the bounds', () => {
    expect(sensitivityCases([{ path: 'load.mondayFactor', low: 1.1, high: 1.3 }])).toHaveLength(2);
    expect(() => sensitivityCases([{ path: 'load.mondayFactor', low: 0, high: 1.3 }])).toThrow(
      /load\.mondayFactor: the low end 0 is outside \[0\.1, 3\]/,
    );
  });
});

describe('linked parameters', () => {
  it('move with their parameter by the same ratio of their defaults', () => {
    const [, low, high] = sensitivityCases([
      { path: 'host.cores', low: 8, high: 64, linked: ['runtime.gomaxprocs'] },
    ]);
    expect(low!.overrides).toEqual({ 'host.cores': 8, 'runtime.gomaxprocs': 8 });
    expect(high!.overrides).toEqual({ 'host.cores': 64, 'runtime.gomaxprocs': 64 });
    const [, half] = sensitivityCases([
      { path: 'kernel.portProbeSec', low: 0.965e-7, high: 1.93e-7, linked: ['kernel.dialSyscallSec'] },
    ]);
    // 15 us at the default probe cost of 193 ns: half of each.
    expect(half!.overrides['kernel.dialSyscallSec']).toBeCloseTo(7.5e-6, 15);
  });
  it('refuse a linked value outside its own bounds', () => {
    expect(() =>
      sensitivityCases([{ path: 'host.cores', low: 8, high: 64, linked: ['load.mondayFactor'] }]),
    ).toThrow(/load\.mondayFactor: linked to host\.cores=64, 4\.4.* is outside its bounds/);
  });
});

describe('runSensitivity', () => {
  it('computes pass shares over seeds, turned verdicts and swings (by hand)', async () => {
    const cases = sensitivityCases([{ path: 'load.mondayFactor', low: 1, high: 1.3 }]);
    // M1 passes on both seeds by default; at 1.0 on neither; at 1.3 on seed 2 only. Span: 5 h, 2 h, 9 h.
    const span: Record<string, number> = { default: 5, 'load.mondayFactor=1': 2, 'load.mondayFactor=1.3': 9 };
    const r = await runSensitivity({
      seeds: [1, 2],
      modelKey: 'test',
      cases,
      calibrate: async (overrides, seed) => {
        const id =
          Object.keys(overrides).length === 0
            ? 'default'
            : `load.mondayFactor=${overrides['load.mondayFactor']}`;
        const ok = id === 'default' || (id === 'load.mondayFactor=1.3' && seed === 2);
        return [check('M1', ok, { episodes: ok ? 7 : 2 }), check('M3', true, { spanHours: span[id]! })];
      },
    });
    expect(r.passShares.default).toEqual({ M1: 1, M3: 1 });
    expect(r.passShares['load.mondayFactor=1.3']).toEqual({ M1: 0.5, M3: 1 });
    expect(r.turned['load.mondayFactor=1']).toEqual(['M1']);
    expect(r.turned['load.mondayFactor=1.3']).toEqual(['M1']); // 0.5 is not a majority
    expect(headlineSwings(r, 'mondaySpanHours')).toEqual([
      { path: 'load.mondayFactor', low: 2, high: 9, base: 5 },
    ]);
    expect(r.results).toHaveLength(6);
  });
});
