/**
 * Runs as tables: one run with its timeline collected, several runs' summaries side by side, timelines
 * thinned for charts. The shapes the report and the notebooks share.
 */
import * as aq from 'arquero';
import type { TimelineColumn, TimelineRow } from '../metrics/timeline.js';
import { type RunRequest, type RunSummary, runScenario, SUMMARY_FIELDS } from '../run/run-scenario.js';

export interface CollectedRun {
  readonly label: string;
  readonly summary: RunSummary;
  readonly rows: TimelineRow[];
}

/** Run and keep the timeline (at the request's resolution; choose a coarse one for long runs). */
export function collectRun(label: string, request: Omit<RunRequest, 'onRow'>): CollectedRun {
  const rows: TimelineRow[] = [];
  const { summary } = runScenario({ ...request, onRow: (row) => rows.push(row) });
  return { label, summary, rows };
}

/** Summaries as a table: one row per run, the `run --json` fields plus the label. */
export function summariesTable(runs: readonly { label: string; summary: RunSummary }[]): aq.ColumnTable {
  return aq.from(
    runs.map((r) => ({
      label: r.label,
      ...Object.fromEntries(SUMMARY_FIELDS.map((f) => [f, r.summary[f]])),
    })),
  );
}

/** Timelines of several runs in one long table (one row per run x interval), with derived columns. */
export function timelinesTable(
  runs: readonly CollectedRun[],
  columns: readonly TimelineColumn[],
): aq.ColumnTable {
  const out: Record<string, unknown>[] = [];
  for (const run of runs) {
    for (const row of run.rows) {
      const o: Record<string, unknown> = { run: run.label, tSec: row.tSec };
      for (const c of columns) o[c] = row[c];
      out.push(o);
    }
  }
  return aq.from(out);
}

/** An HTML table of a data frame (arquero's), limited to `limit` rows. */
export function htmlTable(table: aq.ColumnTable, limit = 20): string {
  return table.toHTML({ limit });
}
