/**
 * Scales chosen from the data, so that a chart shows its effect whatever the model's numbers are: a
 * quantity spanning orders of magnitude (unavailability, error and kill counts) gets a symmetric-log
 * scale whose linear part ends at the smallest non-zero value (zero stays visible, unlike on a log
 * scale); a narrow one stays linear from zero. Colour scales turn by whether a higher value is better.
 */

/** A vega-lite scale for a non-negative quantity. */
export type QuantityScale =
  | { readonly type: 'linear'; readonly zero: true }
  | { readonly type: 'symlog'; readonly constant: number };

/** Metrics (summary fields and timeline columns) for which a higher value is better. */
export const HIGHER_IS_BETTER: ReadonlySet<string> = new Set([
  'availability',
  'userAvailability',
  'userAvailabilityPct',
  'callAvailability',
]);

export function higherIsBetter(metric: string): boolean {
  return HIGHER_IS_BETTER.has(metric);
}

/** The ratio of the largest to the smallest non-zero value above which a scale turns logarithmic. */
export const LOG_SPAN_RATIO = 20;

function finite(values: Iterable<unknown>): number[] {
  const out: number[] = [];
  for (const v of values) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : Number.NaN;
    if (Number.isFinite(n)) out.push(n);
  }
  return out;
}

/**
 * The scale of a non-negative quantity: symlog when its non-zero values span more than `LOG_SPAN_RATIO`,
 * or when zeros sit beside values so small that a linear axis would draw them as zero; else linear.
 * @example scaleFor([0, 0.0002, 0.05]) // { type: 'symlog', constant: 0.0002 }
 * @example scaleFor([3, 5, 9]) // { type: 'linear', zero: true }
 */
export function scaleFor(values: Iterable<unknown>): QuantityScale {
  const positive = finite(values).filter((v) => v > 0);
  if (positive.length === 0) return { type: 'linear', zero: true };
  let min = positive[0]!;
  let max = positive[0]!;
  for (const v of positive) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max / min > LOG_SPAN_RATIO ? { type: 'symlog', constant: min } : { type: 'linear', zero: true };
}

/** The [min, max] of the finite values, or undefined when there are none (vega then picks). */
export function extent(values: Iterable<unknown>): [number, number] | undefined {
  const xs = finite(values);
  if (xs.length === 0) return undefined;
  let lo = xs[0]!;
  let hi = xs[0]!;
  for (const v of xs) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Axis ticks for a symlog scale: zero and the powers of ten from the smallest non-zero value to the
 * largest (vega's own ticks crowd at the top of such a scale). Undefined for a linear scale.
 * @example logTicks({ type: 'symlog', constant: 0.002 }, [0, 0.002, 0.3]) // [0, 0.001, 0.01, 0.1, 1]
 */
export function logTicks(scale: QuantityScale, values: Iterable<unknown>): number[] | undefined {
  if (scale.type !== 'symlog') return undefined;
  const range = extent(finite(values).filter((v) => v > 0));
  if (!range) return undefined;
  const lo = Math.floor(Math.log10(range[0]));
  const hi = Math.ceil(Math.log10(range[1]));
  const ticks = [0];
  for (let k = lo; k <= hi; k++) ticks.push(Number(`1e${k}`));
  return ticks;
}
