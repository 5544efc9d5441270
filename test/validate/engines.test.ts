/**
 * The aggregate engine must stay close to the reference engine: a fast subset of the validation set
 * (bench/validate prints the full table). Seeds are fixed, so this fails only if an engine drifts.
 */
import { describe, expect, it } from 'vitest';
import { agreement, comparePoint, TOLERANCE, VALIDATION_POINTS } from '../../lib/validate/engines.js';
import { summaryWith } from '../helpers/summary.js';

const summary = summaryWith;

describe('agreement()', () => {
  it('accepts 5% relative differences and rejects larger ones', () => {
    expect(
      agreement([summary({ dialErrors: 100_000 })], [summary({ dialErrors: 104_000 })], 'dialErrors').within,
    ).toBe(true);
    expect(
      agreement([summary({ dialErrors: 100_000 })], [summary({ dialErrors: 107_000 })], 'dialErrors').within,
    ).toBe(false);
  });

  it('uses the absolute floor near zero, and the run-to-run noise when it is larger', () => {
    expect(
      agreement([summary({ dialErrors: 10 })], [summary({ dialErrors: 300 })], 'dialErrors').within,
    ).toBe(true);
    expect(TOLERANCE.absolute.dialErrors).toBe(500);
    const noisy = agreement(
      [summary({ oomKills: 0 }), summary({ oomKills: 4 })],
      [summary({ oomKills: 3 }), summary({ oomKills: 5 })],
      'oomKills',
    );
    expect(noisy.within).toBe(true);
  });

  it('reads a missing first exhaustion as the run length', () => {
    const a = agreement([summary({})], [summary({ firstPortExhaustionSec: 97 })], 'firstPortExhaustionSec');
    expect(a.des).toBe(100);
    expect(a.within).toBe(true);
  });
});

describe('fast vs des on a validation subset', () => {
  const ids = ['baseline', 'outage', 'limit-50', 'random-ip'];
  for (const point of VALIDATION_POINTS.filter((p) => ids.includes(p.id))) {
    it(`${point.id}: every metric within tolerance`, () => {
      const r = comparePoint(point, [1, 2], 120);
      for (const m of r.metrics) {
        expect(m.within, `${point.id} ${m.metric}: des ${m.des} fast ${m.fast}`).toBe(true);
      }
    });
  }
});
