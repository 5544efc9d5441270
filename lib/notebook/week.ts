/**
 * The week notebook's series: a fleet timeline (one row a minute) per hour, per data center, as the
 * share of user requests that failed (%) and the data center's OOM kills; and the fleet's events (first
 * dial error, deploys) for the calendar chart.
 */
import type { FleetRow } from '../fleet/fleet.js';

export interface HourRow {
  readonly utc: string;
  readonly series: string;
  /** null in an hour with no user request. */
  readonly failedPct: number | null;
  readonly oomKills: number;
}

export function fleetHourly(rows: readonly FleetRow[], dc: 'A' | 'B', series: string): HourRow[] {
  const step = rows.length > 1 ? rows[1]!.tSec - rows[0]!.tSec : 60;
  const perHour = Math.max(1, Math.round(3600 / step));
  const out: HourRow[] = [];
  for (let i = 0; i < rows.length; i += perHour) {
    const chunk = rows.slice(i, i + perHour);
    const served = chunk.map((r) => r[`userAvailability:${dc}`]).filter((v) => v !== null);
    out.push({
      utc: chunk[0]!.utc ?? '',
      series,
      failedPct: served.length > 0 ? 100 * (1 - served.reduce((a, v) => a + v, 0) / served.length) : null,
      oomKills: chunk.reduce((a, r) => a + r[`oomKills:${dc}`], 0),
    });
  }
  return out;
}

export function fleetEvents(rows: readonly FleetRow[]): { utc: string; label: string }[] {
  return rows.flatMap((r) =>
    r.events
      .split(';')
      .filter((e) => e !== '')
      .map((label) => ({ utc: r.utc ?? '', label })),
  );
}
