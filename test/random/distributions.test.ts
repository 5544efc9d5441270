import { describe, expect, it } from 'vitest';
import {
  binomial,
  exponential,
  logFactorial,
  logNormalByMedian,
  poisson,
  uniformInt,
} from '../../lib/random/distributions.js';
import { createRng } from '../../lib/random/rng.js';
import { standardExponential } from '../../lib/random/ziggurat.js';

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    s += x;
    s2 += x * x;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

describe('distributions', () => {
  it('standardExponential() passes a Kolmogorov-Smirnov test against 1 - e^-x', () => {
    const r = createRng(11);
    const n = 100_000;
    const xs = Float64Array.from({ length: n }, () => standardExponential(r)).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = 1 - Math.exp(-xs[i]!);
      d = Math.max(d, Math.abs(f - i / n), Math.abs(f - (i + 1) / n));
    }
    expect(d).toBeLessThan(1.63 / Math.sqrt(n)); // 1% critical value
  });

  it('exponential(rate) has mean and standard deviation 1/rate', () => {
    const r = createRng(1);
    const m = moments(() => exponential(r, 4), 200_000);
    expect(m.mean).toBeCloseTo(0.25, 2);
    expect(Math.sqrt(m.variance)).toBeCloseTo(0.25, 2);
  });

  it('uniformInt(lo, hi) covers both ends uniformly', () => {
    const r = createRng(2);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[uniformInt(r, 1, 3) - 1]!++;
    for (const c of counts) expect(c / 30_000).toBeCloseTo(1 / 3, 1);
  });

  it('poisson(mean) has mean = variance = mean, below and above the method switch', () => {
    const r = createRng(3);
    for (const mean of [0.5, 7, 30, 250]) {
      const m = moments(() => poisson(r, mean), 100_000);
      expect(Math.abs(m.mean - mean) / mean).toBeLessThan(0.02);
      expect(Math.abs(m.variance - mean) / mean).toBeLessThan(0.05);
    }
    expect(poisson(r, 0)).toBe(0);
  });

  it('binomial(n, p) has mean np and variance np(1-p), and stays in [0, n]', () => {
    const r = createRng(4);
    for (const [n, p] of [
      [10, 0.3],
      [1000, 0.01],
      [1000, 0.5],
      [100, 0.97],
    ] as const) {
      let inRange = true;
      const m = moments(() => {
        const x = binomial(r, n, p);
        inRange &&= x >= 0 && x <= n;
        return x;
      }, 50_000);
      expect(inRange).toBe(true);
      expect(Math.abs(m.mean - n * p)).toBeLessThan(0.02 * n * p + 0.05);
      expect(Math.abs(m.variance - n * p * (1 - p)) / (n * p * (1 - p))).toBeLessThan(0.06);
    }
    expect(binomial(r, 5, 0)).toBe(0);
    expect(binomial(r, 5, 1)).toBe(5);
  });

  it('logNormalByMedian(median, ratio) has that median and p99', () => {
    const r = createRng(5);
    const xs = Float64Array.from({ length: 100_001 }, () => logNormalByMedian(r, 0.001, 3)).sort();
    expect(xs[50_000]! / 0.001).toBeCloseTo(1, 1);
    expect(xs[99_000]! / 0.003).toBeCloseTo(1, 1);
  });

  it('logFactorial(k) is exact below 256 and accurate above', () => {
    expect(logFactorial(5)).toBeCloseTo(Math.log(120), 12);
    let exact = 0;
    for (let i = 2; i <= 300; i++) exact += Math.log(i);
    expect(logFactorial(300)).toBeCloseTo(exact, 8);
  });
});
