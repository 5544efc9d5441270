/**
 * runValidation(): seeds per point, and the extension to THRESHOLD_SEEDS of a point whose runs show an
 * OOM kill. A container limit of 2.3 GiB under a live heap of 2 GiB gets every process killed within 5 s,
 * in both engines, so the runs stay short.
 */
import { describe, expect, it } from 'vitest';
import { THRESHOLD_SEEDS, type ValidationPoint } from '../../lib/validate/engines.js';
import { runValidation } from '../../lib/validate/validation-runner.js';

const GIB = 1024 ** 3;
const quiet: ValidationPoint = {
  id: 'quiet',
  scenario: 'baseline',
  overrides: {},
  durationSec: 2,
  thresholdEvents: false,
};
const tight: ValidationPoint = {
  id: 'tight',
  scenario: 'baseline',
  overrides: { 'process.memoryLimitBytes': 2.3 * GIB, 'runtime.memLimitBytes': 2.2 * GIB },
  durationSec: 5,
  thresholdEvents: false,
};

describe('runValidation()', () => {
  it('runs seeds 1..n at a point without kills, and extends a point with a kill to 24 seeds', async () => {
    const progress: Array<[number, number]> = [];
    const r = await runValidation({
      points: [quiet, tight],
      seeds: 2,
      workers: 0,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(r.extended).toEqual(['tight']);
    expect(r.points.map((p) => [p.point, p.seeds])).toEqual([
      ['quiet', 2],
      ['tight', THRESHOLD_SEEDS],
    ]);
    expect(r.points[0]!.oomKills).toEqual({ des: 0, fast: 0 });
    // Every seed of the tight point is killed once in each engine.
    expect(r.points[1]!.oomKills).toEqual({ des: THRESHOLD_SEEDS, fast: THRESHOLD_SEEDS });
    expect(r.points[1]!.tooFewSeeds).toBe(false);
    // 2 points x 2 seeds x 2 engines first, then 22 more seeds x 2 engines for the tight point.
    expect(progress[3]).toEqual([4, 8]);
    expect(progress.at(-1)).toEqual([8 + 2 * (THRESHOLD_SEEDS - 2), 8 + 2 * (THRESHOLD_SEEDS - 2)]);
  });

  it('runs a point marked for threshold events at 24 seeds from the start, at the duration given', async () => {
    const r = await runValidation({
      points: [{ ...quiet, thresholdEvents: true }],
      seeds: 1,
      durationSec: 1,
      workers: 0,
    });
    expect(r.extended).toEqual([]);
    expect(r.points[0]).toMatchObject({ seeds: THRESHOLD_SEEDS, durationSec: 1, within: true });
  });
});
