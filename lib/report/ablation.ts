/**
 * The ablation for the report (lib/calibration/ablation.ts): several minutes of fleet runs, kept like the
 * week's results (data/runs/ablation-<key>.json and the committed data/cache/ablation.json).
 */

import { join } from 'node:path';
import { type AblationResult, runAblation } from '../calibration/ablation.js';
import { loadExpectations } from '../calibration/week.js';
import { type AcquireStoredOptions, acquireStored, type Stored } from './stored.js';
import { fleetResultsKey, WEEK_SEED } from './week.js';

export interface AblationData extends Stored, AblationResult {}

export interface AcquireAblationOptions extends AcquireStoredOptions {
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export async function acquireAblation(
  root: string,
  options: AcquireAblationOptions = {},
): Promise<AblationData> {
  const key = fleetResultsKey(root, WEEK_SEED, 'ablation');
  return acquireStored<AblationData>(
    root,
    'ablation',
    'the ablation',
    key,
    async () => {
      options.log?.(
        `ablation: no results for key ${key} yet; running DC A's Monday once per variant (several minutes)`,
      );
      const result = await runAblation(loadExpectations(join(root, 'data', 'expectations.json')), {
        seed: WEEK_SEED,
        ...(options.workers !== undefined && { workers: options.workers }),
        ...(options.onProgress && { onProgress: options.onProgress }),
      });
      return { key, origin: 'fresh', ...result };
    },
    options,
  );
}
