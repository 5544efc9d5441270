/**
 * A fixed-memory latency histogram with logarithmic buckets (2% relative width from 1 us to ~1,000 s,
 * about 1,050 counters), so that quantiles of millions of requests cost no memory growth. A quantile is
 * reported as its bucket's upper edge: at most 2% above the exact order statistic, never below it.
 */
const MIN_SEC = 1e-6;
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(1e9) / LOG_GROWTH) + 2;

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  total = 0;

  record(latencySec: number, count = 1): void {
    const i =
      latencySec <= MIN_SEC
        ? 0
        : Math.min(BUCKETS - 1, Math.ceil(Math.log(latencySec / MIN_SEC) / LOG_GROWTH));
    this.counts[i]! += count;
    this.total += count;
  }

  /** Add `weight` requests distributed like `other` (weight may be fractional). */
  addScaled(other: LatencyHistogram, weight: number): void {
    if (other.total === 0 || weight <= 0) return;
    const f = weight / other.total;
    for (let i = 0; i < BUCKETS; i++) {
      const c = other.counts[i]!;
      if (c > 0) this.counts[i]! += c * f;
    }
    this.total += weight;
  }

  /** Mean of the recorded latencies (bucket upper edges), seconds; 0 when empty. */
  meanSec(): number {
    if (this.total === 0) return 0;
    let sum = 0;
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]! > 0) sum += this.counts[i]! * MIN_SEC * GROWTH ** i;
    return sum / this.total;
  }

  /** Upper edge of the bucket holding the q-quantile (0 < q <= 1), in seconds; null when empty. */
  quantileSec(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return MIN_SEC * GROWTH ** i;
    }
    return MIN_SEC * GROWTH ** (BUCKETS - 1);
  }
}
