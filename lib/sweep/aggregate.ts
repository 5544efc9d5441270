/**
 * Replicate statistics of a sweep: for every point and metric, the number of replicates, the mean, the
 * sample standard deviation, a 95% Student-t confidence interval for the mean, and quantiles
 * (simple-statistics), as a tidy table (one row per point x metric; arquero for the readers).
 *
 * The interval is clipped to the metric's range (>= 0; availability <= 1).
 *
 * Metrics that can be null (`firstPortExhaustionSec` when ports never ran out, `recoverySec` when the run
 * never recovers) are summarised over the replicates where they have a value; `missing` counts the others.
 * Failed runs are left out of every statistic and counted in `failed`.
 */
import { join } from 'node:path';
import * as aq from 'arquero';
import { stringify } from 'csv-stringify/sync';
import { max, mean, min, quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import { SUMMARY_FIELDS } from '../run/run-scenario.js';
import { readResultsCsv } from './results.js';
import { SweepStore } from './store.js';

/** The figures of a run that are summarised (the summary contract minus identification). */
export const SWEEP_METRICS = SUMMARY_FIELDS.filter(
  (f) => f !== 'scenario' && f !== 'engine' && f !== 'seed' && f !== 'durationSec',
);
export type SweepMetric = (typeof SWEEP_METRICS)[number];

/** The confidence level of the intervals (`ciLow`, `ciHigh`). */
export const CONFIDENCE_LEVEL = 0.95;

export const SUMMARY_STAT_COLUMNS = [
  'metric',
  'n',
  'missing',
  'failed',
  'mean',
  'sd',
  'ciLow',
  'ciHigh',
  'min',
  'p10',
  'median',
  'p90',
  'max',
] as const;

export type SummaryStats = {
  readonly metric: SweepMetric;
  readonly n: number;
  readonly missing: number;
  readonly failed: number;
} & Record<'mean' | 'sd' | 'ciLow' | 'ciHigh' | 'min' | 'p10' | 'median' | 'p90' | 'max', number | null>;

/**
 * Two-sided 95% quantile of Student's t with `df` degrees of freedom: t(0.975, df). Exact to 4 decimals
 * from the standard table for df <= 30 (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2); beyond, the
 * Cornish-Fisher expansion around the normal quantile (error < 1e-4 at df = 30, smaller above).
 */
export function tQuantile975(df: number): number {
  if (!(df >= 1) || !Number.isInteger(df)) throw new RangeError(`df must be a positive integer, got ${df}`);
  const table = [
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604,
    2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555,
    2.0518, 2.0484, 2.0452, 2.0423,
  ];
  if (df <= table.length) return table[df - 1]!;
  const z = 1.959963984540054;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3;
}

/** Statistics of one metric over the replicates of one point. */
export function summarizeValues(
  metric: SweepMetric,
  values: readonly (number | null)[],
  failed = 0,
): SummaryStats {
  const xs = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const n = xs.length;
  const base = { metric, n, missing: values.length - n, failed };
  if (n === 0) {
    return {
      ...base,
      mean: null,
      sd: null,
      ciLow: null,
      ciHigh: null,
      min: null,
      p10: null,
      median: null,
      p90: null,
      max: null,
    };
  }
  const m = mean(xs);
  const sd = n >= 2 ? sampleStandardDeviation(xs) : null;
  const half = sd === null ? null : (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  // Every metric is >= 0 and availability <= 1: the interval is clipped to what the metric can be.
  const upper = metric === 'availability' ? 1 : Number.POSITIVE_INFINITY;
  return {
    ...base,
    mean: m,
    sd,
    ciLow: half === null ? null : Math.max(0, m - half),
    ciHigh: half === null ? null : Math.min(upper, m + half),
    min: min(xs),
    p10: quantileSorted(xs, 0.1),
    median: quantileSorted(xs, 0.5),
    p90: quantileSorted(xs, 0.9),
    max: max(xs),
  };
}

/** A results cell as a value: '' -> null, numeric text -> number, other text stays text. */
export function parseCell(text: string): number | string | null {
  if (text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) && /^[-+0-9.eE]+$/.test(text) ? n : text;
}

export interface SummaryTableRows {
  readonly columns: string[];
  readonly rows: Record<string, number | string | null>[];
}

/** The tidy summary (point x metric) of a results table given as header + string rows. */
export function summarizeResults(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
): SummaryTableRows {
  const col = (name: string): number => columns.indexOf(name);
  const errorCol = col('error');
  const metricStart = col('availability');
  const axisColumns = columns.slice(2, col('scenario'));
  const byPoint = new Map<string, (readonly string[])[]>();
  for (const row of rows) {
    const key = row[0]!;
    const group = byPoint.get(key);
    if (group) group.push(row);
    else byPoint.set(key, [row]);
  }
  const out: Record<string, number | string | null>[] = [];
  const points = [...byPoint.keys()].sort((a, b) => Number(a) - Number(b));
  for (const point of points) {
    const group = byPoint.get(point)!;
    const ok = group.filter((r) => r[errorCol] === '');
    const head: Record<string, number | string | null> = { point: Number(point) };
    head['scenario'] = group[0]![col('scenario')]!;
    for (const axis of axisColumns) head[axis] = parseCell(group[0]![col(axis)]!);
    for (const metric of SWEEP_METRICS) {
      const at = col(metric);
      if (at < metricStart) throw new Error(`results: column ${metric} missing`);
      const values = ok.map((r) => parseCell(r[at]!) as number | null);
      out.push({ ...head, ...summarizeValues(metric, values, group.length - ok.length) });
    }
  }
  return { columns: ['point', 'scenario', ...axisColumns, ...SUMMARY_STAT_COLUMNS], rows: out };
}

export function summaryCsv(summary: SummaryTableRows): string {
  return stringify(summary.rows, {
    header: true,
    columns: summary.columns,
    cast: { number: (v) => String(v) },
  });
}

/**
 * A sweep's results.csv, checked (readResultsCsv); when the directory has its manifest.json, also that
 * the rows are exactly the runs the manifest names.
 */
function readSweepResults(dir: string): { columns: string[]; rows: string[][] } {
  const manifest = new SweepStore(dir).readManifest();
  const expect = manifest && {
    points: manifest.points,
    replicates: manifest.replicates,
    shard: manifest.shard,
  };
  return readResultsCsv(join(dir, 'results.csv'), expect);
}

/** A sweep's runs as an arquero table (numbers typed, empty cells null). */
export function loadResultsTable(dir: string): aq.ColumnTable {
  const { columns, rows } = readSweepResults(dir);
  const data: Record<string, unknown[]> = Object.fromEntries(columns.map((c) => [c, []]));
  for (const row of rows) {
    columns.forEach((c, i) => {
      data[c]!.push(parseCell(row[i]!));
    });
  }
  return aq.table(data);
}

/** A sweep's tidy summary (point x metric) as an arquero table. */
export function loadSummaryTable(dir: string): aq.ColumnTable {
  const { columns, rows } = readSweepResults(dir);
  const summary = summarizeResults(columns, rows);
  return aq.from(summary.rows);
}

/** The names of a results table's axis columns (the four named axes, then extras). */
export function axisColumnsOf(columns: readonly string[]): string[] {
  return columns.slice(2, columns.indexOf('scenario'));
}
