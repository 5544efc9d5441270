/**
 * A validation worker thread: one run per message (a ValidationJob), replied with its summary or its
 * error; `null` ends it.
 */
import { parentPort } from 'node:worker_threads';
import { runValidationJob, type ValidationJob } from './validation-run.js';

const port = parentPort!;
port.on('message', (job: ValidationJob | null) => {
  if (job === null) {
    port.close();
    return;
  }
  try {
    port.postMessage({ summary: runValidationJob(job) });
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
