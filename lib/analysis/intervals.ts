/**
 * Replicated runs and their 95% intervals, as the notebooks show them: one row per scenario, one column
 * per metric, each cell a mean with its Student-t interval over the replicates (seeds shared across
 * scenarios: common random numbers). Units an operator reads: failed requests in %, RSS in GiB.
 */
import type { Overrides } from '../model/resolve-params.js';
import { type EngineId, type RunSummary, runScenario } from '../run/run-scenario.js';
import { findScenario } from '../scenario/scenarios.js';
import { type SweepMetric, summarizeValues } from '../sweep/aggregate.js';

export interface Interval {
  readonly mean: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
}

export interface ReplicatedRun {
  readonly label: string;
  readonly seed: number;
  readonly summary: RunSummary;
}

export interface ReplicateOptions {
  readonly engine?: EngineId;
  readonly durationSec?: number;
  readonly seeds: readonly number[];
  /** Applied to every scenario after its own overrides (see knobOverrides). */
  readonly overrides?: Overrides;
}

/** Each scenario on each seed (summaries only). */
export function runReplicates(scenarioIds: readonly string[], options: ReplicateOptions): ReplicatedRun[] {
  return scenarioIds.flatMap((id) => {
    const scenario = findScenario(id);
    if (!scenario) throw new Error(`runReplicates: no scenario ${id}`);
    return options.seeds.map((seed) => ({
      label: id,
      seed,
      summary: runScenario({
        scenario,
        seed,
        ...(options.engine && { engine: options.engine }),
        ...(options.durationSec !== undefined && { durationSec: options.durationSec }),
        ...(options.overrides && { overrides: options.overrides }),
      }).summary,
    }));
  });
}

export interface IntervalMetric {
  /** Column name. */
  readonly key: string;
  /** The summary field it comes from. */
  readonly metric: SweepMetric;
  /** Maps the field's value to the column's unit (bounds swap when it decreases). */
  readonly scale?: (v: number) => number;
}

/** The metrics of the intervals table, in operators' units. */
export const INTERVAL_METRICS: readonly IntervalMetric[] = [
  { key: 'requests failed (%)', metric: 'availability', scale: (v) => 100 * (1 - v) },
  { key: 'dial errors', metric: 'dialErrors' },
  { key: 'OOM kills', metric: 'oomKills' },
  { key: 'peak threads', metric: 'peakThreads' },
  { key: 'peak RSS (GiB)', metric: 'peakRssBytes', scale: (v) => v / 2 ** 30 },
  { key: 'p99 (ms)', metric: 'p99LatencyMs' },
];

/** The mean and 95% interval of one metric over runs, in the column's unit. */
export function intervalOf(summaries: readonly RunSummary[], m: IntervalMetric): Interval {
  const s = summarizeValues(
    m.metric,
    summaries.map((x) => x[m.metric as keyof RunSummary] as number | null),
  );
  const f = m.scale ?? ((v: number) => v);
  const map = (v: number | null) => (v === null ? null : f(v));
  const [a, b] = [map(s.ciLow ?? s.mean), map(s.ciHigh ?? s.mean)];
  const ordered = a !== null && b !== null && a > b ? [b, a] : [a, b];
  return { mean: map(s.mean), ciLow: ordered[0]!, ciHigh: ordered[1]! };
}

/** One row per label (in first-seen order): `{ scenario, [metric]: Interval, ... }`. */
export function intervalRows(
  runs: readonly ReplicatedRun[],
  metrics: readonly IntervalMetric[] = INTERVAL_METRICS,
): Record<string, string | Interval>[] {
  const labels = [...new Set(runs.map((r) => r.label))];
  return labels.map((label) => {
    const mine = runs.filter((r) => r.label === label).map((r) => r.summary);
    return { scenario: label, ...Object.fromEntries(metrics.map((m) => [m.key, intervalOf(mine, m)])) };
  });
}

/**
 * The seed on which `label`'s runs went worst: the most OOM kills, then the most failed requests. A
 * timeline of that seed shows the failure whatever the model's rates are (at a low kill rate, most
 * seeds of a short window see none).
 */
export function worstSeed(runs: readonly ReplicatedRun[], label: string): number {
  const mine = runs.filter((r) => r.label === label);
  if (mine.length === 0) throw new Error(`worstSeed: no runs labelled ${label}`);
  let worst = mine[0]!;
  for (const r of mine) {
    const a = r.summary;
    const b = worst.summary;
    if (a.oomKills > b.oomKills || (a.oomKills === b.oomKills && a.availability < b.availability)) worst = r;
  }
  return worst.seed;
}
