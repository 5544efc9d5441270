/**
 * A sweep worker thread: parses the spec it is given once, then runs one run per message (`{ index }`)
 * and replies with the outcome; `null` ends it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runSweepRun } from './run-one.js';
import { parseSweepSpec } from './spec.js';

const { source, where } = workerData as { source: unknown; where: string };
const spec = parseSweepSpec(source, where);
const port = parentPort!;
port.on('message', (message: { index: number } | null) => {
  if (message === null) {
    port.close();
    return;
  }
  port.postMessage(runSweepRun(spec, message.index));
});
