/**
 * Narrow rows for the notebooks' tables, in the units an operator reads: a run's summary (failed
 * requests in %, RSS in GiB, no duplicate or bookkeeping columns), the thread ratchet of a run, and the
 * parameter specs under some prefixes (what `set` can change).
 */
import type { CollectedRun } from '../analysis/runs.js';
import { higherIsBetter } from '../charts/scales.js';
import { defaultParams, getPath, listParamSpecs } from '../model/params.js';
import type { RunSummary } from '../run/run-scenario.js';
import { type TableData, tableOf } from './mime.js';

export interface SummaryRow {
  readonly scenario: string;
  readonly 'requests failed (%)': number;
  readonly 'dial errors': number;
  readonly 'peak TIME_WAIT': number;
  readonly 'peak threads': number;
  readonly 'OOM kills': number;
  readonly 'peak RSS (GiB)': number;
  readonly 'first exhaustion (s)': number | null;
  readonly 'recovery (s)': number | null;
}

export function summaryRow(label: string, s: RunSummary): SummaryRow {
  return {
    scenario: label,
    'requests failed (%)': 100 * (1 - s.availability),
    'dial errors': s.dialErrors,
    'peak TIME_WAIT': s.peakTimeWait,
    'peak threads': s.peakThreads,
    'OOM kills': s.oomKills,
    'peak RSS (GiB)': s.peakRssBytes / 2 ** 30,
    'first exhaustion (s)': s.firstPortExhaustionSec,
    'recovery (s)': s.recoverySec,
  };
}

/** Threads at the start, at the peak and at the end of a run, and when the peak was first reached. */
export function threadRatchet(run: CollectedRun): Record<string, number | string | null> {
  const threads = run.rows.map((r) => r.threads);
  const peak = Math.max(...threads);
  const first = run.rows.find((r) => r.threads === peak);
  return {
    run: run.label,
    'threads at start': threads[0] ?? null,
    'peak threads': peak,
    'first at peak (s)': first ? first.tSec : null,
    'threads at end': threads[threads.length - 1] ?? null,
  };
}

/** The parameters whose path starts with one of `prefixes`: path, default, unit, source. */
export function paramSpecsTable(prefixes: readonly string[] = ['']): TableData {
  const defaults = defaultParams();
  const rows = listParamSpecs()
    .filter(([path]) => prefixes.some((p) => path.startsWith(p)))
    .map(([path, spec]) => ({
      path,
      default: String(getPath(defaults, path)),
      unit: spec.unit,
      source: spec.source,
    }));
  return tableOf('parameters', rows, ['path', 'default', 'unit', 'source']);
}

/** The overrides as a table (path, value), with one row saying so when there are none. */
export function overridesTable(overrides: Readonly<Record<string, unknown>>): TableData {
  const rows = Object.entries(overrides).map(([path, value]) => ({ path, value: String(value) }));
  return tableOf(
    'overrides',
    rows.length > 0 ? rows : [{ path: '(none)', value: 'every parameter at its default' }],
    ['path', 'value'],
  );
}

/**
 * A sweep summary's rows of one metric, ready for a heatmap: `value` is the mean, except for
 * availability, shown as the share of requests that failed (%), where a log colour scale can tell
 * 99.9% from 99.99%.
 */
export function heatmapValues(
  rows: readonly Readonly<Record<string, unknown>>[],
  metric: string,
): { rows: Record<string, unknown>[]; title: string; higherIsBetter: boolean } {
  if (metric === 'availability') {
    return {
      rows: rows.map((r) => ({ ...r, value: r['mean'] === null ? null : 100 * (1 - Number(r['mean'])) })),
      title: 'requests failed (%)',
      higherIsBetter: false,
    };
  }
  return {
    rows: rows.map((r) => ({ ...r, value: r['mean'] })),
    title: metric,
    higherIsBetter: higherIsBetter(metric),
  };
}
