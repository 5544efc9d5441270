/**
 * `outage-lab validate`: bad input exits 2 naming the option, before any run; a small table runs and
 * prints JSON with one entry per point and metric.
 */
import { describe, expect, it } from 'vitest';
import { parsePoints, parseSeedCount } from '../../lib/cli/validate-command.js';
import { InputError } from '../../lib/errors.js';
import { DEFAULT_SEEDS, VALIDATED_METRICS, VALIDATION_POINTS } from '../../lib/validate/engines.js';
import { cli } from '../helpers/cli.js';

describe('validate options', () => {
  it('parsePoints(text) keeps the set order and rejects an unknown id', () => {
    expect(parsePoints(undefined)).toBe(VALIDATION_POINTS);
    expect(parsePoints('outage,baseline').map((p) => p.id)).toEqual(['baseline', 'outage']);
    expect(() => parsePoints('baseline,nope')).toThrow(InputError);
    expect(() => parsePoints('nope')).toThrow(/--points: unknown validation point "nope"; expected/);
  });

  it('parseSeedCount(text) takes an integer in [1, 1000]', () => {
    expect(parseSeedCount(undefined)).toBe(DEFAULT_SEEDS);
    expect(parseSeedCount('24')).toBe(24);
    for (const bad of ['0', '-1', '2.5', 'x', '1001', ''])
      expect(() => parseSeedCount(bad), bad).toThrow(/--seeds: expected an integer in \[1, 1000\]/);
  });
});

describe('outage-lab validate', () => {
  it.each([
    [['--points', 'nope'], '--points: unknown validation point "nope"'],
    [['--seeds', '0'], '--seeds: expected an integer in [1, 1000], got "0"'],
    [['--duration', 'soon'], '--duration: expected a positive duration'],
    [['--duration', '40d'], '--duration: expected a duration in (0 s, 30 d]'],
    [['--workers', '0'], '--workers: expected an integer in [1, 16], got "0"'],
  ])('bad input %j exits 2 with a message naming the option, no stack trace', (args, message) => {
    const r = cli('validate', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toBe('');
  });

  it('--json prints each point with its metrics', () => {
    const r = cli(
      'validate',
      '--points',
      'baseline',
      '--seeds',
      '1',
      '--duration',
      '10s',
      '--workers',
      '1',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as {
      within: boolean;
      extended: string[];
      points: Array<{ point: string; seeds: number; metrics: Array<{ metric: string; within: boolean }> }>;
    };
    expect(out.within).toBe(true);
    expect(out.extended).toEqual([]);
    expect(out.points.map((p) => [p.point, p.seeds])).toEqual([['baseline', 1]]);
    expect(out.points[0]!.metrics.map((m) => m.metric)).toEqual([...VALIDATED_METRICS]);
  });
});
