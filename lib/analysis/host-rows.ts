/**
 * Timelines of host runs in the units an operator reads them, for charts: one row per run and interval
 * with sockets in TIME_WAIT, failed dials, OS threads, RSS in GiB, the share of user requests that
 * failed (%) and OOM kills.
 */
import type { CollectedRun } from './runs.js';

export interface HostTimelineRow {
  readonly run: string;
  readonly tSec: number;
  readonly timeWait: number;
  readonly dialErrors: number;
  readonly threads: number;
  readonly rssGiB: number;
  readonly gcPauseMaxMs: number;
  /** null in an interval with no user request. */
  readonly failedPct: number | null;
  readonly oomKills: number;
}

export function hostRows(runs: readonly CollectedRun[]): HostTimelineRow[] {
  return runs.flatMap((run) =>
    run.rows.map((r) => ({
      run: run.label,
      tSec: r.tSec,
      timeWait: r.timeWait,
      dialErrors: r['dialErr:addr-in-use'] + r['dialErr:addr-not-avail'],
      threads: r.threads,
      rssGiB: r.rssBytesMax / 2 ** 30,
      gcPauseMaxMs: r.gcPauseMaxMs,
      failedPct: r.userAvailability === null ? null : 100 * (1 - r.userAvailability),
      oomKills: r.oomKills,
    })),
  );
}

/** A run's timeline step in seconds (the spacing of its rows; 1 for fewer than two rows). */
export function stepSecOf(run: CollectedRun | undefined): number {
  const [a, b] = run?.rows ?? [];
  return a && b ? b.tSec - a.tSec : 1;
}

/** `10 s`, `1 min`: an interval as an axis title writes it. */
export function perInterval(sec: number): string {
  return sec % 60 === 0 ? `${sec / 60} min` : `${sec} s`;
}
