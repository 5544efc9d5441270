/**
 * Summary statistics over replicates, by simple-statistics where it has them.
 */
import * as ss from 'simple-statistics';

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : ss.mean(xs as number[]);
}

/** Sample standard deviation (n - 1); 0 for fewer than two values. */
export function standardDeviation(xs: readonly number[]): number {
  return xs.length < 2 ? 0 : ss.sampleStandardDeviation(xs as number[]);
}
