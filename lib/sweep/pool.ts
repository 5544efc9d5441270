/**
 * A pool of worker threads running sweep runs, one message per run. Results come back in completion
 * order; the caller persists them (the results never depend on that order: each run's seed is its own).
 * With 0 workers the runs execute in the calling thread (tests, notebooks, debugging).
 */
import { spawnWorker as spawnModule } from '../run/spawn-worker.js';
import { runAt } from './grid.js';
import { type RunOutcome, runSweepRun } from './run-one.js';
import type { SweepSpec } from './spec.js';

export interface PoolOptions {
  readonly spec: SweepSpec;
  /** Where the spec came from, for error messages in workers. */
  readonly where: string;
  readonly runs: readonly number[];
  readonly workers: number;
  readonly onOutcome: (outcome: RunOutcome) => void;
}

/** Run `runs`; resolves with the number of worker threads started (0: in the calling thread, or none to run). */
export async function runPool(options: PoolOptions): Promise<number> {
  const { spec, runs, onOutcome } = options;
  if (runs.length === 0) return 0;
  if (options.workers <= 0) {
    for (const index of runs) {
      onOutcome(runSweepRun(spec, index));
      // Let timers and signals through between runs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return 0;
  }
  let next = 0;
  const count = Math.min(options.workers, runs.length);
  const workerData = { source: spec.source, where: options.where };
  await new Promise<void>((resolve, reject) => {
    let running = count;
    let failed = false;
    const start = (): void => {
      const worker = spawnModule(new URL('./worker.js', import.meta.url), workerData);
      let current: number | undefined;
      const feed = (): void => {
        if (failed || next >= runs.length) {
          current = undefined;
          worker.postMessage(null);
          return;
        }
        current = runs[next++]!;
        worker.postMessage({ index: current });
      };
      worker.on('message', (outcome: RunOutcome) => {
        try {
          onOutcome(outcome);
        } catch (e) {
          failed = true;
          reject(e);
        }
        feed();
      });
      worker.on('error', (e) => {
        // A worker that dies (out of memory, a bug outside the run's try) takes only its run with it.
        const message = e instanceof Error ? e.message : String(e);
        if (failed) return;
        if (current === undefined) {
          failed = true;
          reject(new Error(`sweep worker failed to start: ${message}`));
          return;
        }
        onOutcome(crashedOutcome(spec, current, `worker crashed: ${message}`));
        current = undefined;
        running++;
        start();
      });
      worker.on('exit', () => {
        running--;
        if (running === 0 && !failed) resolve();
      });
      feed();
    };
    for (let i = 0; i < count; i++) start();
  });
  return count;
}

function crashedOutcome(spec: SweepSpec, index: number, message: string): RunOutcome {
  const run = runAt(spec, index);
  const { point, replicate, seed, values } = run;
  return { index, point, replicate, seed, values, summary: null, error: message, extra: null, wallMs: 0 };
}
