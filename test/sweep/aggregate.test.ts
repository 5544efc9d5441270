import { describe, expect, it } from 'vitest';
import {
  parseCell,
  SWEEP_METRICS,
  summarizeResults,
  summarizeValues,
  tQuantile975,
} from '../../lib/sweep/aggregate.js';

describe('tQuantile975', () => {
  it('matches the table, and the expansion beyond it', () => {
    expect(tQuantile975(1)).toBe(12.7062);
    expect(tQuantile975(2)).toBe(4.3027);
    expect(tQuantile975(30)).toBe(2.0423);
    expect(tQuantile975(31)).toBeCloseTo(2.0395, 3);
    expect(tQuantile975(60)).toBeCloseTo(2.0003, 3);
    expect(tQuantile975(120)).toBeCloseTo(1.9799, 3);
    expect(() => tQuantile975(0)).toThrow(RangeError);
  });
});

describe('summarizeValues', () => {
  it('computes mean, sd, the t-interval and quantiles (by hand: 11, 12, 13)', () => {
    const s = summarizeValues('dialErrors', [13, 11, 12]);
    expect(s).toMatchObject({ n: 3, missing: 0, failed: 0, mean: 12, sd: 1, min: 11, median: 12, max: 13 });
    const half = 4.3027 / Math.sqrt(3);
    expect(s.ciLow).toBeCloseTo(12 - half, 12);
    expect(s.ciHigh).toBeCloseTo(12 + half, 12);
  });

  it('clips the interval to the metric range', () => {
    expect(summarizeValues('dialErrors', [3, 1, 2]).ciLow).toBe(0);
    const a = summarizeValues('availability', [1, 0.5, 1]);
    expect(a.ciHigh).toBe(1);
    expect(a.ciLow).toBeCloseTo(5 / 6 - (4.3027 * Math.sqrt(1 / 12)) / Math.sqrt(3), 12);
  });

  it('counts nulls as missing and leaves the interval out below two values', () => {
    const s = summarizeValues('firstPortExhaustionSec', [null, 40, null], 1);
    expect(s).toMatchObject({ n: 1, missing: 2, failed: 1, mean: 40, sd: null, ciLow: null, ciHigh: null });
    expect(summarizeValues('recoverySec', [null]).mean).toBeNull();
  });
});

describe('summarizeResults', () => {
  it('groups runs by point, one row per metric, failed runs left out', () => {
    // A results table with one axis (batchSize) and the summary's metric columns.
    const full = ['point', 'replicate', 'batchSize', 'scenario', ...SWEEP_METRICS, 'error'];
    const row = (point: number, rep: number, avail: string, err = ''): string[] =>
      full.map((c) =>
        c === 'point'
          ? String(point)
          : c === 'replicate'
            ? String(rep)
            : c === 'batchSize'
              ? String(1000 * (point + 1))
              : c === 'scenario'
                ? 'outage'
                : c === 'availability'
                  ? avail
                  : c === 'error'
                    ? err
                    : '0',
      );
    const summary = summarizeResults(full, [
      row(0, 0, '1'),
      row(0, 1, '0.5'),
      row(1, 0, '', 'boom'),
      row(1, 1, '0.25'),
    ]);
    expect(summary.columns.slice(0, 4)).toEqual(['point', 'scenario', 'batchSize', 'metric']);
    const avail = summary.rows.filter((r) => r['metric'] === 'availability');
    expect(avail).toHaveLength(2);
    expect(avail[0]).toMatchObject({ point: 0, batchSize: 1000, n: 2, mean: 0.75, failed: 0 });
    expect(avail[1]).toMatchObject({ point: 1, batchSize: 2000, n: 1, mean: 0.25, failed: 1 });
  });

  it('parses cells: empty is null, numbers are numbers, words stay words', () => {
    expect(parseCell('')).toBeNull();
    expect(parseCell('1.5e3')).toBe(1500);
    expect(parseCell('unbounded')).toBe('unbounded');
    expect(parseCell('Infinity')).toBe('Infinity');
  });
});
