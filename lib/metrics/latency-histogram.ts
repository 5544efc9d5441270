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

  record(latencySec: number): void {
    const i =
      latencySec <= MIN_SEC
        ? 0
        : Math.min(BUCKETS - 1, Math.ceil(Math.log(latencySec / MIN_SEC) / LOG_GROWTH));
    this.counts[i]!++;
    this.total++;
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
