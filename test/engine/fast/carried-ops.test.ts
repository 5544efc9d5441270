import { describe, expect, it } from 'vitest';
import { carriedOps } from '../../../lib/engine/fast/carried-ops.js';

describe('carriedOps', () => {
  it('carriedOps(3, 25.5, 0.5, 0.25, 0.75): 76.75 URIs give 76 gets, then 0.75 + 38 misses give 38 sets', () => {
    expect(carriedOps(3, 25.5, 0.5, 0.25, 0.75)).toEqual({
      gets: 76,
      sets: 38,
      uriCarry: 0.75,
      setCarry: 0.75,
    });
  });

  it('carriedOps(n, null, ...) issues one get per request and passes the URI carry through unchanged', () => {
    // 0.5 + 7 x 0.25 = 2.25 misses: 2 sets, 0.25 carried.
    expect(carriedOps(7, null, 0.25, 0.3, 0.5)).toEqual({
      gets: 7,
      sets: 2,
      uriCarry: 0.3,
      setCarry: 0.25,
    });
  });

  it('carriedOps(0, ...) issues nothing and keeps both carries', () => {
    expect(carriedOps(0, 25.5, 0.5, 0.5, 0.5)).toEqual({
      gets: 0,
      sets: 0,
      uriCarry: 0.5,
      setCarry: 0.5,
    });
  });

  it('carriedOps over many steps adds up to the expected counts, the carries always in [0, 1)', () => {
    // 1,001 steps of one request of 25.5 URIs on average (mean of 1-50), a quarter of them missing:
    // 25,525.5 URIs, so 25,525 gets and 0.5 carried; 25,525 / 4 = 6,381.25 misses, so 6,381 sets.
    let uriCarry = 0;
    let setCarry = 0;
    let gets = 0;
    let sets = 0;
    for (let k = 0; k < 1001; k++) {
      const r = carriedOps(1, 25.5, 0.25, uriCarry, setCarry);
      gets += r.gets;
      sets += r.sets;
      ({ uriCarry, setCarry } = r);
      expect(uriCarry).toBeGreaterThanOrEqual(0);
      expect(uriCarry).toBeLessThan(1);
      expect(setCarry).toBeGreaterThanOrEqual(0);
      expect(setCarry).toBeLessThan(1);
    }
    expect(gets).toBe(25_525);
    expect(uriCarry).toBe(0.5);
    expect(sets).toBe(6_381);
    expect(setCarry).toBe(0.25);
  });
});
