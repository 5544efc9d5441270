/**
 * A worker thread for `run` and `fleet`: the simulation is synchronous, and Node handles signals only
 * between tasks, so it runs here while the main thread stays free to remove temporary files on Ctrl-C.
 * Rows go back in batches, progress at most every 100 ms, then the result (or the error).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../errors.js';
import { runFleet } from '../fleet/fleet.js';
import { runScenario } from '../run/run-scenario.js';
import type { OffThreadJob, OffThreadMessage } from './off-thread.js';

const port = parentPort!;
const job = workerData as OffThreadJob;
const BATCH_ROWS = 1000;
const PROGRESS_EVERY_MS = 100;

let rows: unknown[] = [];
let lastProgress = 0;
const post = (message: OffThreadMessage): void => port.postMessage(message);
const onRow = (row: unknown): void => {
  rows.push(row);
  if (rows.length >= BATCH_ROWS) flush();
};
const flush = (): void => {
  if (rows.length > 0) post({ type: 'rows', rows });
  rows = [];
};
const onProgress = (done: number): void => {
  const now = Date.now();
  if (now - lastProgress < PROGRESS_EVERY_MS) return;
  lastProgress = now;
  post({ type: 'progress', done });
};

try {
  const result =
    job.kind === 'run'
      ? runScenario({ ...job.request, ...(job.timeline && { onRow }), onProgress }).summary
      : runFleet({ ...job.request, ...(job.timeline && { onRow }), onProgress });
  flush();
  post({ type: 'done', result });
} catch (e) {
  flush();
  post({
    type: 'error',
    message: e instanceof Error ? e.message : String(e),
    input: e instanceof InputError,
    ...(e instanceof InputError && e.field !== undefined && { field: e.field }),
  });
}
