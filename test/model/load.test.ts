import { describe, expect, it } from 'vitest';
import {
  loadFactorAt,
  retryAmplification,
  trafficFactor,
  userFailureShare,
  utcDayAndHour,
} from '../../lib/model/load.js';
import { defaultParams } from '../../lib/model/params.js';
import { applyOverrides } from '../../lib/model/resolve-params.js';

const MONDAY = Date.UTC(2026, 3, 6) / 1000; // 2026-04-06 00:00 UTC

describe('load shape', () => {
  it('utcDayAndHour(): 1970-01-01 was a Thursday; 2026-04-06 is a Monday', () => {
    expect(utcDayAndHour(0)).toEqual({ day: 4, hour: 0 });
    expect(utcDayAndHour(MONDAY + 5.5 * 3600)).toEqual({ day: 1, hour: 5.5 });
    expect(utcDayAndHour(MONDAY - 1).day).toBe(0); // Sunday 23:59:59
  });

  it('loadFactorAt(): 1 without a calendar; day factor x (1 + a cos(2 pi (h - peak) / 24)) with one', () => {
    const load = { weekendFactor: 0.7, mondayFactor: 1.1, diurnalAmplitude: 0.2, peakHourUtc: 17 };
    expect(loadFactorAt({ ...load, calendarStartUtcSec: 'none' }, 12_345)).toBe(1);
    const cal = { ...load, calendarStartUtcSec: MONDAY };
    expect(loadFactorAt(cal, 17 * 3600)).toBeCloseTo(1.1 * 1.2, 12); // Monday at the peak
    expect(loadFactorAt(cal, 5 * 3600)).toBeCloseTo(1.1 * 0.8, 12); // Monday 05:00, the trough
    expect(loadFactorAt(cal, 86_400 + 11 * 3600)).toBeCloseTo(1, 12); // Tuesday 11:00: cos = 0
    expect(loadFactorAt(cal, -86_400 + 17 * 3600)).toBeCloseTo(0.7 * 1.2, 12); // Sunday peak
  });

  it('retryAmplification() = 1 + f + ... + f^r; userFailureShare() = f^(r+1)', () => {
    expect(retryAmplification(0, 0.5)).toBe(1);
    expect(retryAmplification(2, 0.5)).toBe(1.75);
    expect(retryAmplification(1, 1)).toBe(2);
    expect(userFailureShare(1, 0.1)).toBeCloseTo(0.01, 15);
    expect(userFailureShare(0, 0.3)).toBe(0.3);
  });

  it('trafficFactor(): calendar x amplification, rounded to 0.5%', () => {
    const p = applyOverrides(defaultParams(), { 'upstream.retries': 1 });
    expect(trafficFactor(p, 0, 0)).toBe(1);
    expect(trafficFactor(p, 0, 0.123)).toBe(1.125); // 1.123 -> nearest 1/200
    expect(trafficFactor(p, 0, 1)).toBe(2);
  });
});
