/**
 * The outage week for the report: both week-long scenarios run as a fleet (lib/calibration/week.ts), the
 * observations O1-O10 evaluated on them, and hourly series for the chart. About a minute of work, so the
 * result is kept like a sweep's: data/runs/week-<key>.json, and the committed data/cache/week.json; the
 * key covers the model's source, the fleet and calibration code, the expectations file, the package
 * version and the seed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  evaluateWeek,
  type FleetRun,
  loadExpectations,
  runWeekFleetParallel,
  type WeekObservation,
} from '../calibration/week.js';
import type { DcSummary, FleetSummary } from '../fleet/fleet.js';
import { FLEET_PATHS, MODEL_FINGERPRINT, PACKAGE_VERSION, sourceFingerprint } from '../version.js';
import { type AcquireStoredOptions, acquireStored, type Stored } from './stored.js';

export const WEEK_SEED = 1;

export type DcFigures = Omit<DcSummary, 'hostSummaries'>;

export interface WeekData extends Stored {
  readonly seed: number;
  readonly scenarios: { readonly week: string; readonly withoutFix: string };
  readonly observations: readonly WeekObservation[];
  readonly fleets: {
    readonly week: Omit<FleetSummary, 'dcs'> & { readonly dcs: readonly DcFigures[] };
    readonly withoutFix: Omit<FleetSummary, 'dcs'> & { readonly dcs: readonly DcFigures[] };
  };
  /** Per hour and series: user availability (%) and DC-wide OOM kills. */
  readonly hourly: readonly {
    readonly utc: string;
    readonly series: string;
    readonly userAvailabilityPct: number | null;
    readonly oomKills: number;
  }[];
  /** The model's annotations on the calendar (first dial error, deploys). */
  readonly events: readonly { readonly utc: string; readonly label: string }[];
}

/** Drawn in this order: the no-fix line first, so the as-deployed one shows where they coincide. */
export const WEEK_SERIES = ['DC A, no fix', 'DC A, as deployed', 'DC B'] as const;

/**
 * The key of results computed from fleet runs on the model: the package, the model's source, the fleet
 * and calibration code, the expectations file, the seed, and the results' `name`.
 */
export function fleetResultsKey(root: string, seed: number, name = 'week'): string {
  return createHash('sha256')
    .update(name === 'week' ? '' : `${name}\0`)
    .update(PACKAGE_VERSION)
    .update('\0')
    .update(MODEL_FINGERPRINT)
    .update('\0')
    .update(sourceFingerprint(FLEET_PATHS))
    .update('\0')
    .update(readFileSync(join(root, 'data', 'expectations.json')))
    .update('\0')
    .update(String(seed))
    .digest('hex')
    .slice(0, 16);
}

function lite(s: FleetSummary) {
  return { ...s, dcs: s.dcs.map(({ hostSummaries: _hosts, ...rest }) => rest) };
}

function hourly(run: FleetRun, dc: 'A' | 'B', series: string): WeekData['hourly'][number][] {
  const out: WeekData['hourly'][number][] = [];
  const rows = run.rows;
  const perHour = Math.max(1, Math.round(3600 / (rows.length > 1 ? rows[1]!.tSec - rows[0]!.tSec : 60)));
  for (let i = 0; i < rows.length; i += perHour) {
    const chunk = rows.slice(i, i + perHour);
    const avail = chunk.map((r) => r[`userAvailability:${dc}`]).filter((v) => v !== null);
    out.push({
      utc: (chunk[0]!.utc ?? '').replace(/:\d\dZ$/, ':00Z').replace(/T(\d\d):\d\d/, 'T$1:00'),
      series,
      userAvailabilityPct:
        avail.length > 0 ? +((100 * avail.reduce((a, v) => a + v, 0)) / avail.length).toFixed(4) : null,
      oomKills: +chunk.reduce((a, r) => a + r[`oomKills:${dc}`], 0).toFixed(2),
    });
  }
  return out;
}

/** Compute the week's data (both fleets, each data center of each in a worker thread). */
export async function computeWeek(
  root: string,
  seed = WEEK_SEED,
  onProgress?: (done: number, total: number) => void,
): Promise<WeekData> {
  const exp = loadExpectations(join(root, 'data', 'expectations.json'));
  // Both weeks at once (four data-center runs in worker threads): the affected DC's runs take most of
  // the time, and this way they run side by side instead of one after the other.
  const done = [0, 0];
  const progress = (k: number) => (d: number, t: number) => {
    done[k] = d;
    onProgress?.(done[0]! + done[1]!, 2 * t);
  };
  const [week, withoutFix] = await Promise.all([
    runWeekFleetParallel(exp.scenarios.week, seed, progress(0)),
    runWeekFleetParallel(exp.scenarios.withoutFix, seed, progress(1)),
  ]);
  return {
    key: fleetResultsKey(root, seed),
    seed,
    origin: 'fresh',
    scenarios: exp.scenarios,
    observations: evaluateWeek(exp, week, withoutFix),
    fleets: { week: lite(week.summary), withoutFix: lite(withoutFix.summary) },
    hourly: [
      ...hourly(withoutFix, 'A', WEEK_SERIES[0]),
      ...hourly(week, 'A', WEEK_SERIES[1]),
      ...hourly(week, 'B', WEEK_SERIES[2]),
    ],
    events: week.rows.flatMap((r) =>
      r.events
        .split(';')
        .filter((e) => e !== '')
        .map((e) => ({ utc: r.utc ?? '', label: e })),
    ),
  };
}

export interface AcquireWeekOptions extends AcquireStoredOptions {
  readonly onProgress?: (done: number, total: number) => void;
}

/** The week's data: from data/runs or the committed cache when their key matches, else computed now. */
export async function acquireWeek(root: string, options: AcquireWeekOptions = {}): Promise<WeekData> {
  const key = fleetResultsKey(root, WEEK_SEED);
  return acquireStored<WeekData>(
    root,
    'week',
    'the week',
    key,
    () => {
      options.log?.(`week: no results for key ${key} yet; running both week-long fleets (a few minutes)`);
      return computeWeek(root, WEEK_SEED, options.onProgress);
    },
    options,
  );
}
