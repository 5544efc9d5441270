/**
 * The strict rule of lib/validate/engines.ts on hand-made summaries, and a small part of the validation
 * set on both engines (`outage-lab validate` runs the whole table; bench/VALIDATION.md holds it). Seeds
 * are fixed, so the engine part fails only if an engine drifts, and a drift of 10% in one parameter of
 * the fast engine alone makes it fail.
 */
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../lib/run/run-scenario.js';
import {
  agreement,
  BURSTY_OVERRIDES,
  comparePointRuns,
  metricValue,
  THRESHOLD_SEEDS,
  VALIDATED_METRICS,
  VALIDATION_POINTS,
  type ValidationPoint,
  withinTolerance,
} from '../../lib/validate/engines.js';
import { runValidationJob } from '../../lib/validate/validation-run.js';
import { summaryWith as summary } from '../helpers/summary.js';

const one = (
  des: Partial<RunSummary>,
  fast: Partial<RunSummary>,
  metric: (typeof VALIDATED_METRICS)[number],
) => agreement([summary(des)], [summary(fast)], metric);

describe('agreement()', () => {
  it('accepts a 4% difference and rejects a 6% one', () => {
    expect(one({ dialErrors: 100_000 }, { dialErrors: 104_000 }, 'dialErrors').within).toBe(true);
    expect(one({ dialErrors: 100_000 }, { dialErrors: 106_000 }, 'dialErrors').within).toBe(false);
    expect(one({ dialErrors: 100_000 }, { dialErrors: 94_000 }, 'dialErrors').within).toBe(false);
    expect(one({ p99LatencyMs: 100 }, { p99LatencyMs: 96 }, 'p99LatencyMs').relDiff).toBeCloseTo(-0.04, 12);
  });

  it('judges availability as unavailability, relatively: 0.01 vs 0.0105 passes, 0.01 vs 0.02 fails', () => {
    const a = one({ availability: 0.99 }, { availability: 0.9895 }, 'unavailability');
    expect(a.des).toBeCloseTo(0.01, 12);
    expect(a.fast).toBeCloseTo(0.0105, 12);
    expect(a.within).toBe(true);
    expect(one({ availability: 0.99 }, { availability: 0.98 }, 'unavailability').within).toBe(false);
    // Failure shares of 3e-6 against 7e-5 (a 23x difference) differ by less than 0.002 but fail.
    expect(one({ availability: 1 - 3e-6 }, { availability: 1 - 7e-5 }, 'unavailability').within).toBe(false);
  });

  it('has no absolute floor: 0 in the reference engine must be 0 in the fast one', () => {
    const zero = one({ dialErrors: 0 }, { dialErrors: 0 }, 'dialErrors');
    expect(zero).toMatchObject({ des: 0, fast: 0, relDiff: 0, within: true });
    const some = one({ dialErrors: 0 }, { dialErrors: 10 }, 'dialErrors');
    expect(some).toMatchObject({ relDiff: null, within: false });
    expect(one({ availability: 1 }, { availability: 1 - 1e-7 }, 'unavailability').within).toBe(false);
  });

  it('has no noise clause: means of 2 and 4 kills disagree however noisy the runs', () => {
    const noisy = agreement(
      [summary({ oomKills: 0 }), summary({ oomKills: 4 })],
      [summary({ oomKills: 3 }), summary({ oomKills: 5 })],
      'oomKills',
    );
    expect(noisy).toMatchObject({ des: 2, fast: 4, relDiff: 1, within: false });
  });

  it('reads a missing first exhaustion as the run length', () => {
    const a = one({}, { firstPortExhaustionSec: 97 }, 'firstPortExhaustionSec');
    expect(a).toMatchObject({ des: 100, fast: 97, within: true });
    expect(one({}, { firstPortExhaustionSec: 94 }, 'firstPortExhaustionSec').within).toBe(false);
  });

  it('fails a p99 that is missing (no request completed) rather than reading it as 0', () => {
    expect(Number.isNaN(metricValue(summary({ p99LatencyMs: null }), 'p99LatencyMs'))).toBe(true);
    expect(one({ p99LatencyMs: null }, { p99LatencyMs: null }, 'p99LatencyMs').within).toBe(false);
  });

  it('withinTolerance(des, fast) is |fast - des| <= 5% of |des|', () => {
    expect(withinTolerance(200, 210)).toBe(true);
    expect(withinTolerance(200, 210.1)).toBe(false);
    expect(withinTolerance(0, 0)).toBe(true);
  });
});

describe('comparePointRuns()', () => {
  const runs = (n: number, over: Partial<RunSummary> = {}) =>
    Array.from({ length: n }, (_, i) => summary({ seed: i + 1, ...over }));

  it('needs THRESHOLD_SEEDS seeds at a point with an OOM kill, in either engine', () => {
    expect(THRESHOLD_SEEDS).toBe(24);
    const few = runs(6);
    const killed = [...runs(5), summary({ seed: 6, oomKills: 1 })];
    const short = comparePointRuns({ id: 'p' }, few, killed);
    expect(short.tooFewSeeds).toBe(true);
    expect(short.within).toBe(false);
    expect(short.oomKills).toEqual({ des: 0, fast: 1 });
    const enough = comparePointRuns({ id: 'p' }, runs(24, { oomKills: 1 }), runs(24, { oomKills: 1 }));
    expect(enough).toMatchObject({ seeds: 24, tooFewSeeds: false, within: true });
    expect(enough.metrics.map((m) => m.metric)).toEqual([...VALIDATED_METRICS]);
  });

  it('fails the point when one metric is outside', () => {
    const r = comparePointRuns({ id: 'p' }, runs(2, { peakThreads: 150 }), runs(2, { peakThreads: 160 }));
    expect(r.within).toBe(false);
    expect(r.metrics.filter((m) => !m.within).map((m) => m.metric)).toEqual(['peakThreads']);
  });

  it('refuses runs that do not pair up by seed', () => {
    expect(() => comparePointRuns({ id: 'p' }, runs(2), runs(1))).toThrow(/2 reference runs against 1/);
    expect(() => comparePointRuns({ id: 'p' }, runs(1), [summary({ seed: 9 })])).toThrow(
      /seed 1 with seed 9/,
    );
  });
});

describe('the validation set', () => {
  it('has points in the OOM regime and under CPU saturation, with 24 seeds', () => {
    const ids = VALIDATION_POINTS.filter((p) => p.thresholdEvents).map((p) => p.id);
    expect(ids).toEqual(['oom-bursty', 'oom-gomemlimit-95', 'cpu-saturation-16g']);
    expect(new Set(VALIDATION_POINTS.map((p) => p.id)).size).toBe(VALIDATION_POINTS.length);
  });
});

/** Both engines on `point` over seeds 1..n; `fastOverrides` perturbs the fast engine's runs only. */
function compareEngines(point: ValidationPoint, seeds: number, durationSec: number, fastOverrides = {}) {
  const perturbed = { ...point, overrides: { ...point.overrides, ...fastOverrides } };
  const seedList = Array.from({ length: seeds }, (_, i) => i + 1);
  return comparePointRuns(
    point,
    seedList.map((seed) => runValidationJob({ point, engine: 'des', seed, durationSec })),
    seedList.map((seed) => runValidationJob({ point: perturbed, engine: 'fast', seed, durationSec })),
  );
}

describe('fast vs des on a validation subset', () => {
  const point = (id: string) => VALIDATION_POINTS.find((p) => p.id === id)!;
  // The fixes that hold with a big batch every ~20 s (seeds 1 and 2 see bursts within 60 s): the points
  // of the set where a burst leaves TIME_WAIT differ by more than 5% today (bench/VALIDATION.md).
  const bursty = (p: ValidationPoint) => ({ ...p, overrides: { ...p.overrides, ...BURSTY_OVERRIDES } });
  it('baseline: every metric within 5%', () => {
    const r = compareEngines(point('baseline'), 2, 60);
    for (const m of r.metrics)
      expect(m.within, `baseline ${m.metric}: des ${m.des} fast ${m.fast}`).toBe(true);
  });
  for (const id of ['limit-50', 'getmulti']) {
    it(`${id} with a big batch every ~20 s: every metric within 5%`, () => {
      const r = compareEngines(bursty(point(id)), 2, 60);
      for (const m of r.metrics)
        expect(m.within, `${id} ${m.metric}: des ${m.des} fast ${m.fast}`).toBe(true);
    });
  }

  it('fails when the fast engine alone has Scylla 10% slower (a drift the rule must catch)', () => {
    const r = compareEngines(point('baseline'), 2, 60, { 'scylla.latencyMedianSec': 0.0011 });
    expect(r.within).toBe(false);
    expect(r.metrics.find((m) => m.metric === 'p99LatencyMs')!.within).toBe(false);
  });
});
