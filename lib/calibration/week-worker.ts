/**
 * Worker thread of `runWeekFleetParallel`: one data center of a week-long fleet run, with its hosts'
 * compact rows (the DCs are not coupled to each other, so the two run side by side).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runFleetDc } from '../fleet/fleet.js';
import type { HostRow } from './week.js';
import { compactHostRow, type WeekDcJob, weekFleetRequest } from './week.js';

const job = workerData as WeekDcJob;
const hostRows: HostRow[][] = [];
let last = 0;
const result = runFleetDc(
  weekFleetRequest(job.scenarioId, job.seed, job.overrides),
  job.dc,
  (h, row) => {
    hostRows[h] ??= [];
    hostRows[h].push(compactHostRow(row));
  },
  (sec) => {
    if (sec - last >= 3600) {
      last = sec;
      parentPort!.postMessage({ progress: sec });
    }
  },
);
parentPort!.postMessage({ result, hostRows });
