/**
 * The incident's calendar: the run clock of the week-long scenarios mapped onto UTC. Dates from the
 * post-mortem ("April 2026 Outage Post-Mortem", Bluesky,
 * https://pckt.blog/b/jcalabro/april-2026-outage-post-mortem-219ebg2): the first dial error in the logs
 * at Friday 2026-04-03 22:16:07 UTC, a page on Saturday, the spiral and the band-aid on Monday 04-06, the
 * root fix on Wednesday 04-08. The hours of the band-aid and of the fix are not given: the values below
 * are assumptions (the band-aid after about 8 hours of Monday's outage, the fix in Wednesday's working day).
 */
const HOUR = 3600;
const DAY = 24 * HOUR;

export const INCIDENT_WEEK = {
  /** Time 0 of the run: Friday 2026-04-03 00:00 UTC. */
  startUtcSec: Date.UTC(2026, 3, 3) / 1000,
  /** The new client's big batches begin: the first logged dial error, Friday 22:16:07 UTC. */
  triggerSec: 22 * HOUR + 16 * 60 + 7,
  /** Band-aid (random local IP) deployed: Monday 21:00 UTC (assumption). */
  bandAidSec: 3 * DAY + 21 * HOUR,
  /** Root fix (errgroup SetLimit) deployed: Wednesday 17:00 UTC (assumption). */
  setLimitSec: 5 * DAY + 17 * HOUR,
  /** Band-aid rolled back once the fix is in: Wednesday 20:00 UTC (assumption). */
  bandAidRemovedSec: 5 * DAY + 20 * HOUR,
  /** The window ends at Thursday 00:00 UTC. */
  durationSec: 6 * DAY,
} as const;

/** ISO 8601 UTC text of run time `tSec` on a calendar starting at `startUtcSec`. */
export function utcAt(startUtcSec: number, tSec: number): string {
  return new Date(Math.round((startUtcSec + tSec) * 1000)).toISOString().replace('.000Z', 'Z');
}
