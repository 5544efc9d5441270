/**
 * Worker thread of `runAblation`: DC A of the outage week with one variant's overrides, up to the end of
 * Monday.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runFleetDc } from '../fleet/fleet.js';
import { findScenario } from '../scenario/scenarios.js';
import { ABLATION_RESOLUTION_SEC, ABLATION_SCENARIO, type AblationJob } from './ablation.js';

const job = workerData as AblationJob;
const scenario = findScenario(ABLATION_SCENARIO);
if (!scenario) throw new Error(`ablation: scenario ${ABLATION_SCENARIO} is missing`);
let last = 0;
const result = runFleetDc(
  {
    scenario,
    seed: job.seed,
    overrides: job.overrides,
    durationSec: job.durationSec,
    resolutionSec: ABLATION_RESOLUTION_SEC,
  },
  'A',
  undefined,
  (sec) => {
    if (sec - last >= 1800) {
      last = sec;
      parentPort!.postMessage({ progress: sec });
    }
  },
);
parentPort!.postMessage({ result });
