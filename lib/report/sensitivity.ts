/**
 * The report's "How sure are we" inputs, kept like the week's results (data/runs/<name>-<key>.json and
 * the committed data/cache/<name>.json):
 * - `seeds`: the calibration's verdicts on five seeds (the week's seed from the week's own results, the
 *   others computed: both week-long fleets per seed, a few minutes each);
 * - `sensitivity`: DC A's Monday with each assumption at each end of its range (lib/sensitivity/monday.ts,
 *   about half an hour on 2 cores).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { calibrateSeed, loadExpectations, type WeekObservation } from '../calibration/week.js';
import {
  MONDAY_SENSITIVITY_PARAMETERS,
  type MondaySensitivityResult,
  runMondaySensitivity,
} from '../sensitivity/monday.js';
import { sensitivityCases, sensitivityKey } from '../sensitivity/sensitivity.js';
import { type AcquireStoredOptions, acquireStored, type Stored } from './stored.js';
import { fleetResultsKey, WEEK_SEED, type WeekData } from './week.js';

/** The seeds every verdict is shown on (the week's own seed first). */
export const VERDICT_SEEDS: readonly number[] = [1, 2, 3, 4, 5];

export interface SeedVerdictsData extends Stored {
  readonly seeds: readonly number[];
  readonly bySeed: readonly { readonly seed: number; readonly results: readonly WeekObservation[] }[];
}

export interface AcquireProgressOptions extends AcquireStoredOptions {
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** The key of the seed table: each seed's fleet key (model, fleet, calibration, expectations). */
export function seedVerdictsKey(root: string, seeds: readonly number[]): string {
  const h = createHash('sha256');
  for (const s of seeds) h.update(fleetResultsKey(root, s, 'seed')).update('\0');
  return h.digest('hex').slice(0, 16);
}

/**
 * Every check on each of `seeds`: the week's seed from `week` (the same calibration), the others run
 * now when nothing stored matches.
 */
export async function acquireSeedVerdicts(
  root: string,
  week: WeekData,
  options: AcquireProgressOptions = {},
  seeds: readonly number[] = VERDICT_SEEDS,
): Promise<SeedVerdictsData> {
  const key = seedVerdictsKey(root, seeds);
  return acquireStored<SeedVerdictsData>(
    root,
    'seeds',
    'the verdicts per seed',
    key,
    async () => {
      const others = seeds.filter((s) => s !== week.seed);
      options.log?.(
        `seeds: no results for key ${key} yet; running both week-long fleets on seeds ${others.join(', ')} (a few minutes each)`,
      );
      const exp = loadExpectations(join(root, 'data', 'expectations.json'));
      const bySeed: { seed: number; results: WeekObservation[] }[] = [];
      for (const [i, seed] of seeds.entries()) {
        if (seed === week.seed) {
          bySeed.push({ seed, results: [...week.observations] });
          continue;
        }
        const results = await calibrateSeed(exp, seed, {}, (share) =>
          options.onProgress?.(i + share, seeds.length),
        );
        bySeed.push({ seed, results });
      }
      options.onProgress?.(seeds.length, seeds.length);
      return { key, origin: 'fresh', seeds: [...seeds], bySeed };
    },
    options,
  );
}

export interface MondaySensitivityData extends Stored, MondaySensitivityResult {}

/** DC A's Monday over the sensitivity cases, on the week's seed. */
export async function acquireMondaySensitivity(
  root: string,
  options: AcquireProgressOptions = {},
): Promise<MondaySensitivityData> {
  const cases = sensitivityCases(MONDAY_SENSITIVITY_PARAMETERS);
  const key = sensitivityKey(cases, [WEEK_SEED], fleetResultsKey(root, WEEK_SEED, 'sensitivity'));
  return acquireStored<MondaySensitivityData>(
    root,
    'sensitivity',
    "the sensitivity of DC A's Monday",
    key,
    async () => {
      options.log?.(
        `sensitivity: no results for key ${key} yet; running DC A's Monday for ${cases.length} cases (about half an hour)`,
      );
      const result = await runMondaySensitivity(loadExpectations(join(root, 'data', 'expectations.json')), {
        seed: WEEK_SEED,
        ...(options.workers !== undefined && { workers: options.workers }),
        ...(options.onProgress && { onProgress: options.onProgress }),
      });
      return { key, origin: 'fresh', ...result };
    },
    options,
  );
}
