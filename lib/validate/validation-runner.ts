/**
 * The full validation table: every point on both engines over its seeds, in worker threads, then the
 * strict comparison of engines.ts. A point runs `seeds` seeds (THRESHOLD_SEEDS when it is marked as one
 * with threshold events); a point not marked whose runs show an OOM kill is extended to THRESHOLD_SEEDS,
 * so that no verdict on kills rests on fewer seeds.
 */
import type { RunSummary } from '../run/run-scenario.js';
import { spawnWorker } from '../run/spawn-worker.js';
import {
  comparePointRuns,
  hasThresholdEvents,
  type PointAgreement,
  THRESHOLD_SEEDS,
  type ValidationPoint,
} from './engines.js';
import { runValidationJob, type ValidationJob } from './validation-run.js';

export interface ValidationOptions {
  readonly points: readonly ValidationPoint[];
  /** Seeds 1..seeds at points without threshold events; at least THRESHOLD_SEEDS where they happen. */
  readonly seeds: number;
  /** Simulated time of every run; each point's own duration when absent. */
  readonly durationSec?: number;
  /** Worker threads; 0 runs in the calling thread. */
  readonly workers: number;
  /** Runs done and runs planned (the plan grows when a point is extended). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ValidationResult {
  readonly points: readonly PointAgreement[];
  /** Points not marked as having threshold events that were extended because a run showed a kill. */
  readonly extended: readonly string[];
}

const key = (job: Pick<ValidationJob, 'engine' | 'seed'> & { point: { id: string } }) =>
  `${job.point.id}/${job.engine}/${job.seed}`;

function jobsFor(point: ValidationPoint, from: number, to: number, durationSec: number): ValidationJob[] {
  const jobs: ValidationJob[] = [];
  for (let seed = from; seed <= to; seed++)
    for (const engine of ['des', 'fast'] as const) jobs.push({ point, engine, seed, durationSec });
  return jobs;
}

export async function runValidation(options: ValidationOptions): Promise<ValidationResult> {
  const { points, seeds, workers } = options;
  const durationOf = (p: ValidationPoint) => options.durationSec ?? p.durationSec;
  const seedsOf = new Map(
    points.map((p) => [p.id, p.thresholdEvents ? Math.max(seeds, THRESHOLD_SEEDS) : seeds]),
  );
  const results = new Map<string, RunSummary>();
  let done = 0;
  let total = 0;
  const run = async (jobs: readonly ValidationJob[]) => {
    total += jobs.length;
    await runJobs(jobs, workers, (job, summary) => {
      results.set(key(job), summary);
      options.onProgress?.(++done, total);
    });
  };
  await run(points.flatMap((p) => jobsFor(p, 1, seedsOf.get(p.id)!, durationOf(p))));
  const runsOf = (p: ValidationPoint, engine: 'des' | 'fast') =>
    Array.from(
      { length: seedsOf.get(p.id)! },
      (_, i) => results.get(key({ point: p, engine, seed: i + 1 }))!,
    );
  const extend = points.filter(
    (p) =>
      seedsOf.get(p.id)! < THRESHOLD_SEEDS && hasThresholdEvents([...runsOf(p, 'des'), ...runsOf(p, 'fast')]),
  );
  await run(extend.flatMap((p) => jobsFor(p, seedsOf.get(p.id)! + 1, THRESHOLD_SEEDS, durationOf(p))));
  for (const p of extend) seedsOf.set(p.id, THRESHOLD_SEEDS);
  return {
    points: points.map((p) => comparePointRuns(p, runsOf(p, 'des'), runsOf(p, 'fast'))),
    extended: extend.map((p) => p.id),
  };
}

/**
 * Run `jobs` on `workers` threads that each take the next job when done (reference runs are ~20x the
 * cost of fast ones, so a static split would leave a thread idle), or in the calling thread.
 */
async function runJobs(
  jobs: readonly ValidationJob[],
  workers: number,
  onResult: (job: ValidationJob, summary: RunSummary) => void,
): Promise<void> {
  if (jobs.length === 0) return;
  if (workers <= 0) {
    for (const job of jobs) {
      onResult(job, runValidationJob(job));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return;
  }
  let next = 0;
  const lane = () =>
    new Promise<void>((resolve, reject) => {
      const worker = spawnWorker(new URL('./validation-worker.js', import.meta.url), null);
      let current: ValidationJob | undefined;
      let failed = false;
      const feed = () => {
        current = next < jobs.length ? jobs[next++] : undefined;
        worker.postMessage(current ?? null);
      };
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        next = jobs.length;
        void worker.terminate();
        reject(e);
      };
      worker.on('message', (m: { summary?: RunSummary; error?: string }) => {
        if (m.error !== undefined || m.summary === undefined) {
          fail(new Error(`validation run ${current ? key(current) : '?'} failed: ${m.error}`));
          return;
        }
        onResult(current!, m.summary);
        feed();
      });
      worker.on('error', fail);
      worker.on('exit', () => (failed ? undefined : resolve()));
      feed();
    });
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, lane));
}
