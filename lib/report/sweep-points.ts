/**
 * The default sweep's points for the report: each point's means over its replicates, its regime, and the
 * findings the prose quotes (how many points are stable with and without a concurrency limit, the
 * smallest batch size that leaves the stable regime).
 */
import { type SweepMetric, summarizeResults } from '../sweep/aggregate.js';
import { SWEEP_AXES } from '../sweep/spec.js';
import type { SweepInput } from './inputs.js';

/** The sweep regime of one point (see `classifyPoint`). */
export type Regime = 'stable' | 'degraded' | 'spiral';

export interface SweepPointRow {
  readonly point: number;
  readonly batchSize: number | string;
  readonly concurrencyLimit: number | string;
  readonly poolSize: number | string;
  readonly logRate: number | string;
  readonly availability: number | null;
  /** 1 - availability: the fraction of user requests that failed. */
  readonly unavailability: number | null;
  readonly dialErrors: number | null;
  readonly oomKills: number | null;
  readonly regime: Regime;
}

/**
 * A sweep point's regime, from its replicates' means: **stable** when no replicate saw a dial error;
 * **spiral** when the host was OOM-killed (at least one kill per replicate on average) and lost more than
 * 1% of user requests; **degraded** otherwise (dial errors, but the host kept serving).
 */
export function classifyPoint(
  dialErrors: number | null,
  oomKills: number | null,
  availability: number | null,
): Regime {
  if ((dialErrors ?? 0) === 0) return 'stable';
  if ((oomKills ?? 0) >= 1 && (availability ?? 1) < 0.99) return 'spiral';
  return 'degraded';
}

export function sweepPoints(results: SweepInput['results']): SweepPointRow[] {
  const summary = summarizeResults(results.columns, results.rows);
  const byPoint = new Map<number, Record<string, unknown>>();
  for (const row of summary.rows) {
    const p = Number(row['point']);
    const entry = byPoint.get(p) ?? Object.fromEntries(SWEEP_AXES.map((a) => [a, row[a]]));
    entry[String(row['metric'] as SweepMetric)] = row['mean'];
    byPoint.set(p, entry);
  }
  return [...byPoint.entries()].map(([point, e]) => {
    const availability = e['availability'] as number | null;
    return {
      point,
      batchSize: e['batchSize'] as number,
      concurrencyLimit: e['concurrencyLimit'] as number | string,
      poolSize: e['poolSize'] as number,
      logRate: e['logRate'] as number | string,
      availability,
      unavailability: availability === null ? null : 1 - availability,
      dialErrors: e['dialErrors'] as number | null,
      oomKills: e['oomKills'] as number | null,
      regime: classifyPoint(e['dialErrors'] as number | null, e['oomKills'] as number | null, availability),
    };
  });
}

/** Counts of points per regime and the boundary findings, with and without a concurrency limit. */
export function sweepFindings(points: readonly SweepPointRow[]) {
  const regimes: Record<Regime, number> = { stable: 0, degraded: 0, spiral: 0 };
  for (const p of points) regimes[p.regime]++;
  const bounded = points.filter((p) => p.concurrencyLimit !== 'unbounded');
  const unbounded = points.filter((p) => p.concurrencyLimit === 'unbounded');
  const batches = (rows: readonly SweepPointRow[], stable: boolean) =>
    rows.filter((p) => (p.regime === 'stable') === stable).map((p) => Number(p.batchSize));
  const bad = batches(unbounded, false);
  const ok = batches(unbounded, true);
  return {
    regimes,
    findings: {
      points: points.length,
      smallestBadBatchUnbounded: bad.length === 0 ? null : Math.min(...bad),
      largestStableBatchUnbounded: ok.length === 0 ? null : Math.max(...ok),
      boundedPoints: bounded.length,
      boundedStable: bounded.filter((p) => p.regime === 'stable').length,
      unboundedPoints: unbounded.length,
      unboundedStable: unbounded.filter((p) => p.regime === 'stable').length,
      unboundedSpiral: unbounded.filter((p) => p.regime === 'spiral').length,
    },
  };
}
