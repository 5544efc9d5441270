/**
 * Random variates from a passed-in `Rng`. Each is exact unless its doc says otherwise.
 */
import type { Rng } from './rng.js';
import { standardExponential } from './ziggurat.js';

/** Exponential with the given rate (per second): mean 1/rate. Ziggurat method (see ziggurat.ts). */
export function exponential(rng: Rng, ratePerSec: number): number {
  return standardExponential(rng) / ratePerSec;
}

/** Uniform integer in [lo, hi], both inclusive. */
export function uniformInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng.next() * (hi - lo + 1));
}

/** Uniform double in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + rng.next() * (hi - lo);
}

/** True with probability p. */
export function bernoulli(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** Standard normal by Box-Muller (one value per two uniforms; no cached second value, to stay stateless). */
export function standardNormal(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Log-normal parameterised by its median and the ratio p99/median, the way latencies are usually quoted.
 * sigma = ln(p99/median) / z(0.99), z(0.99) = 2.3263.
 */
export function logNormalByMedian(rng: Rng, median: number, p99OverMedian: number): number {
  if (p99OverMedian <= 1) return median;
  const sigma = Math.log(p99OverMedian) / 2.3263478740408408;
  return median * Math.exp(sigma * standardNormal(rng));
}

/**
 * Poisson variate. Exact: multiplication of uniforms (Knuth) below mean 30; above it, PTRS transformed
 * rejection (Hormann 1993, "The transformed rejection method for generating Poisson random variables").
 */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean < 30) {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = rng.next();
    while (p > limit) {
      k++;
      p *= rng.next();
    }
    return k;
  }
  const slam = Math.sqrt(mean);
  const logLam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
      -mean + k * logLam - logFactorial(k)
    ) {
      return k;
    }
  }
}

/**
 * Binomial(n, p) variate. Exact for n*min(p,1-p) < 30 (inversion); above that, a
 * normal approximation with continuity correction, clamped to [0, n], whose error in distribution is
 * O(1/sqrt(n p (1-p))) (below 2% at the switch-over point).
 */
export function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  if (n * p < 30) {
    // Inversion by sequential search (BINV, Kachitvichyanukul and Schmeiser 1988): one uniform, and the
    // probabilities built by their recurrence f(x+1) = f(x) (a/(x+1) - s).
    const q = 1 - p;
    const s = p / q;
    const a = (n + 1) * s;
    let r = q ** n;
    let u = rng.next();
    let x = 0;
    while (u > r && x < n) {
      u -= r;
      x++;
      r *= a / x - s;
    }
    return x;
  }
  const mean = n * p;
  const sd = Math.sqrt(mean * (1 - p));
  const x = Math.round(mean + sd * standardNormal(rng));
  return x < 0 ? 0 : Math.min(x, n);
}

const LOG_FACT_TABLE: number[] = [0];
for (let i = 1; i < 256; i++) LOG_FACT_TABLE.push(LOG_FACT_TABLE[i - 1]! + Math.log(i));

/** ln(k!) exactly from a table below 256, Stirling's series above (error < 1e-10 there). */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACT_TABLE[k]!;
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
}

/**
 * Poisson variates for one fixed mean, by inversion on a precomputed cumulative table (built in log
 * space, so any mean works): one uniform and a binary search per draw, exact up to a 1e-15 tail, for
 * which it falls back to `poisson`. For the aggregate engine, which draws the same mean every step.
 */
export class PoissonTable {
  private readonly cdf: Float64Array;
  /** guide[j] = the smallest k with cdf[k] > j / guide.length: the search starts there (Chen and Asau). */
  private readonly guide: Int32Array;

  constructor(readonly mean: number) {
    const values: number[] = [];
    let cum = 0;
    const logMean = Math.log(Math.max(mean, Number.MIN_VALUE));
    for (let k = 0; k < 100_000; k++) {
      const term = mean > 0 ? Math.exp(-mean + k * logMean - logFactorial(k)) : k === 0 ? 1 : 0;
      cum += term;
      values.push(Math.min(cum, 1));
      // Past the mode, stop once the terms no longer change the sum (floating-point sums may never reach 1).
      if (k > mean && term < 1e-16) break;
    }
    this.cdf = Float64Array.from(values);
    const g = this.cdf.length;
    this.guide = new Int32Array(g);
    let k = 0;
    for (let j = 0; j < g; j++) {
      while (k < g - 1 && this.cdf[k]! <= j / g) k++;
      this.guide[j] = k;
    }
  }

  sample(rng: Rng): number {
    // 32 random bits are plenty here: the table ends where the tail is below 1e-16 anyway.
    const u = rng.nextUint32() / 4294967296;
    const cdf = this.cdf;
    if (u >= cdf[cdf.length - 1]!) return poisson(rng, this.mean);
    let k = this.guide[Math.floor(u * cdf.length)]!;
    while (cdf[k]! <= u) k++;
    return k;
  }
}
