import { describe, expect, it } from 'vitest';
import { INTERVAL_METRICS, intervalOf, type ReplicatedRun, worstSeed } from '../../lib/analysis/intervals.js';
import type { RunSummary } from '../../lib/run/run-scenario.js';

const summary = (availability: number, oomKills: number, peakRssBytes = 2 ** 30): RunSummary =>
  ({ availability, oomKills, peakRssBytes }) as unknown as RunSummary;

describe('intervals', () => {
  it('intervalOf() of failed requests turns availability into % and swaps the bounds', () => {
    // availability 0.99 and 0.97: mean 0.98, sd = sqrt(2) * 0.01, t(0.975, 1) = 12.7062,
    // half = 12.7062 * 0.01 = 0.127062 -> [0.852938, 1] after clipping at 1.
    const failed = INTERVAL_METRICS.find((m) => m.key === 'requests failed (%)')!;
    const i = intervalOf([summary(0.99, 0), summary(0.97, 0)], failed);
    expect(i.mean).toBeCloseTo(2, 10);
    expect(i.ciLow).toBeCloseTo(0, 10);
    expect(i.ciHigh).toBeCloseTo(100 * (1 - 0.852938), 4);
  });

  it('intervalOf() of RSS is in GiB', () => {
    const rss = INTERVAL_METRICS.find((m) => m.key === 'peak RSS (GiB)')!;
    expect(intervalOf([summary(1, 0, 3 * 2 ** 30)], rss)).toEqual({ mean: 3, ciLow: 3, ciHigh: 3 });
  });

  it('worstSeed() picks the most OOM kills, then the lowest availability', () => {
    const runs: ReplicatedRun[] = [
      { label: 'outage', seed: 1, summary: summary(0.99, 1) },
      { label: 'outage', seed: 2, summary: summary(0.98, 1) },
      { label: 'outage', seed: 3, summary: summary(0.999, 0) },
      { label: 'baseline', seed: 4, summary: summary(0.5, 9) },
    ];
    expect(worstSeed(runs, 'outage')).toBe(2);
    expect(() => worstSeed(runs, 'nope')).toThrow('no runs labelled nope');
  });
});
