/**
 * Down episodes as users saw them: runs of consecutive timeline intervals in which a data center served
 * under a share of its users' requests (the post-mortem's "down for a while, then would come back").
 */

/** One interval of a DC's users: its end time, requests and failed requests. */
export interface UserInterval {
  readonly tSec: number;
  readonly users: number;
  readonly failed: number;
}

export interface Episode {
  /** Start of the first interval under the threshold, end of the last (run seconds). */
  readonly startSec: number;
  readonly endSec: number;
  readonly minutes: number;
}

/**
 * Runs of at least `minIntervals` consecutive intervals of `intervalSec` ending in (fromSec, toSec] whose
 * served share is below `under`. An interval without requests breaks no run and extends none.
 *
 * @example downEpisodes([{tSec: 60, users: 10, failed: 9}, {tSec: 120, users: 10, failed: 8}], 60, 0, 120, 0.5, 2) // [{startSec: 0, endSec: 120, minutes: 2}]
 */
export function downEpisodes(
  rows: readonly UserInterval[],
  intervalSec: number,
  fromSec: number,
  toSec: number,
  under: number,
  minIntervals: number,
): Episode[] {
  const out: Episode[] = [];
  let start = -1;
  let end = -1;
  let count = 0;
  const close = () => {
    if (count >= minIntervals) out.push({ startSec: start, endSec: end, minutes: (end - start) / 60 });
    count = 0;
  };
  for (const r of rows) {
    if (r.tSec <= fromSec || r.tSec > toSec || r.users <= 0) continue;
    if (1 - r.failed / r.users < under) {
      if (count === 0) start = r.tSec - intervalSec;
      end = r.tSec;
      count++;
    } else close();
  }
  close();
  return out;
}

/** Median of the gaps between consecutive episode starts, in minutes (null with fewer than two). */
export function medianGapMinutes(episodes: readonly Episode[]): number | null {
  if (episodes.length < 2) return null;
  const gaps = episodes
    .slice(1)
    .map((e, i) => (e.startSec - episodes[i]!.startSec) / 60)
    .sort((a, b) => a - b);
  const m = gaps.length >> 1;
  return gaps.length % 2 === 1 ? gaps[m]! : (gaps[m - 1]! + gaps[m]!) / 2;
}

/** Served share of the requests of the intervals ending in (fromSec, toSec] (1 without requests). */
export function availabilityOver(rows: readonly UserInterval[], fromSec: number, toSec: number): number {
  let users = 0;
  let failed = 0;
  for (const r of rows) {
    if (r.tSec <= fromSec || r.tSec > toSec) continue;
    users += r.users;
    failed += r.failed;
  }
  return users > 0 ? 1 - failed / users : 1;
}

/** Monday's spiral as the size targets M1-M4 read it: its episodes, their rhythm, span and depth. */
export interface SpiralFigures {
  readonly episodes: number;
  /** Median gap between consecutive episode starts (null with fewer than two episodes). */
  readonly medianGapMin: number | null;
  /** From the first episode's start to the last one's end (null without an episode). */
  readonly spanHours: number | null;
  /** Served share of the users' requests over that span (null without an episode). */
  readonly spanAvailability: number | null;
}

/**
 * The spiral's figures from a DC's user intervals and its episodes in a window.
 *
 * @example spiralFigures(rows, [{startSec: 0, endSec: 180, minutes: 3}, {startSec: 1800, endSec: 2100, minutes: 5}]) // episodes 2, medianGapMin 30, spanHours 2100/3600
 */
export function spiralFigures(rows: readonly UserInterval[], episodes: readonly Episode[]): SpiralFigures {
  const first = episodes[0];
  const last = episodes[episodes.length - 1];
  return {
    episodes: episodes.length,
    medianGapMin: medianGapMinutes(episodes),
    spanHours: first && last ? (last.endSec - first.startSec) / 3600 : null,
    spanAvailability: first && last ? availabilityOver(rows, first.startSec, last.endSec) : null,
  };
}

/** The thresholds of one size target (data/expectations.json `targets[].thresholds`). */
export type TargetThresholds = (id: string) => Readonly<Record<string, number | undefined>>;

/** Which of the spiral's size targets M1-M4 the figures meet. */
export function spiralVerdicts(
  tt: TargetThresholds,
  fig: SpiralFigures,
): { readonly M1: boolean; readonly M2: boolean; readonly M3: boolean; readonly M4: boolean } {
  const within = (v: number | null, lo: number | undefined, hi: number | undefined) =>
    v !== null && v >= lo! && v <= hi!;
  return {
    M1: fig.episodes >= tt('M1').minEpisodes!,
    M2: within(fig.medianGapMin, tt('M2').minGapMin, tt('M2').maxGapMin),
    M3: within(fig.spanHours, tt('M3').minHours, tt('M3').maxHours),
    M4: within(fig.spanAvailability, tt('M4').minAvailability, tt('M4').maxAvailability),
  };
}
