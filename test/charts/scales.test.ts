import { describe, expect, it } from 'vitest';
import { extent, higherIsBetter, logTicks, scaleFor } from '../../lib/charts/scales.js';

describe('scales chosen from the data', () => {
  it('scaleFor() keeps a narrow range linear from zero', () => {
    expect(scaleFor([3, 5, 9, 0])).toEqual({ type: 'linear', zero: true });
    expect(scaleFor([])).toEqual({ type: 'linear', zero: true });
    expect(scaleFor([0, 0, null, ''])).toEqual({ type: 'linear', zero: true });
  });

  it('scaleFor() turns symlog past a span of 20, linear up to the smallest non-zero value', () => {
    // 0.05 / 0.0002 = 250 > 20
    expect(scaleFor([0, 0.0002, 0.05])).toEqual({ type: 'symlog', constant: 0.0002 });
    // 20 / 1 = 20 is not more than 20; 21 / 1 is
    expect(scaleFor([1, 20])).toEqual({ type: 'linear', zero: true });
    expect(scaleFor([1, 21, '7'])).toEqual({ type: 'symlog', constant: 1 });
  });

  it('logTicks() gives zero and the powers of ten around the data', () => {
    expect(logTicks({ type: 'symlog', constant: 0.002 }, [0, 0.002, 0.3])).toEqual([0, 0.001, 0.01, 0.1, 1]);
    expect(logTicks({ type: 'symlog', constant: 1 }, [1, 150])).toEqual([0, 1, 10, 100, 1000]);
    expect(logTicks({ type: 'linear', zero: true }, [1, 150])).toBeUndefined();
  });

  it('extent() and higherIsBetter()', () => {
    expect(extent([3, null, -1, 'x', 8])).toEqual([-1, 8]);
    expect(extent([])).toBeUndefined();
    expect(higherIsBetter('availability')).toBe(true);
    expect(higherIsBetter('oomKills')).toBe(false);
  });
});
