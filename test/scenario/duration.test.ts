import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../lib/scenario/duration.js';

describe('duration', () => {
  it('parseDuration() accepts plain seconds and s, m, h, d suffixes', () => {
    expect([
      parseDuration('90'),
      parseDuration('90s'),
      parseDuration('15m'),
      parseDuration('2h'),
      parseDuration('1.5d'),
    ]).toEqual([90, 90, 900, 7200, 129_600]);
  });

  it('parseDuration() rejects zero, negatives and unknown units, naming the field', () => {
    for (const bad of ['0', '-5', '2w', '', 'h'])
      expect(() => parseDuration(bad, '--duration')).toThrow(/--duration: expected/);
  });

  it('formatDuration() writes compact units', () => {
    expect([formatDuration(45), formatDuration(90), formatDuration(5400), formatDuration(90_000)]).toEqual([
      '45s',
      '1m30s',
      '1h30m',
      '1d1h',
    ]);
  });
});
