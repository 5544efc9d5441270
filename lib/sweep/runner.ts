/**
 * Run a sweep (or one shard of it) into a directory: persist each run as it finishes, skip finished runs
 * on `resume`, and write `results.csv`, `summary.csv` and `manifest.json` at the end. The results depend
 * only on the spec: not on the worker count, the order runs finish in, the shard split, or interruptions.
 */
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { lockDir } from '../io/lock.js';
import { PACKAGE_VERSION } from '../version.js';
import { summarizeResults, summaryCsv } from './aggregate.js';
import { pointCount, runCount } from './grid.js';
import { runPool } from './pool.js';
import { boundaryCsv, refineBoundaries, regimeRows, regimesCsv } from './regimes.js';
import { readResultsCsv, resultColumns, resultRow, resultsCsv } from './results.js';
import type { RunOutcome } from './run-one.js';
import { type Shard, shardRuns, WHOLE } from './shard.js';
import type { SweepSpec } from './spec.js';
import { type SweepManifest, SweepStore } from './store.js';
import { planWorkers, type WorkerPlan } from './workers.js';

export interface SweepOptions {
  readonly spec: SweepSpec;
  /** Where the spec came from (a file name), for messages. */
  readonly where?: string;
  /** The output directory: new or empty, or (with `resume`) one this sweep wrote before. */
  readonly outDir: string;
  /** Worker threads asked for; 0 runs in the calling thread. Default: all cores. Capped by planWorkers. */
  readonly workers?: number;
  readonly shard?: Shard;
  readonly resume?: boolean;
  /** Called after each bisection run of the regime refinement (specs with `refine`). */
  readonly onRefine?: () => void;
  /** Called after each finished run with (finished, total) for this shard, skipped runs included. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called with each problem that does not stop the sweep (a corrupt run file that will run again). */
  readonly onWarning?: (message: string) => void;
}

export interface SweepReport {
  readonly outDir: string;
  readonly shard: Shard;
  readonly totalRuns: number;
  readonly shardRuns: number;
  /** Runs executed now (not found on disk). */
  readonly ran: number;
  readonly skipped: number;
  readonly failed: number;
  readonly wallSec: number;
  /** The worker threads asked for and started. */
  readonly workers: WorkerPlan & { readonly started: number };
}

export function defaultWorkers(): number {
  return planWorkers(Number.MAX_SAFE_INTEGER).workers;
}

export async function runSweep(options: SweepOptions): Promise<SweepReport> {
  const { spec } = options;
  const shard = options.shard ?? WHOLE;
  const plan = planWorkers(options.workers ?? defaultWorkers());
  if (typeof options.outDir !== 'string' || options.outDir.trim() === '') {
    throw new InputError(
      `outDir: expected a directory path, got ${JSON.stringify(options.outDir)}`,
      'outDir',
    );
  }
  const store = new SweepStore(options.outDir, 'outDir');
  store.create();
  const lock = lockDir(options.outDir, 'outDir');
  try {
    return await runLocked(options, spec, shard, plan, store);
  } finally {
    lock.release();
  }
}

async function runLocked(
  options: SweepOptions,
  spec: SweepSpec,
  shard: Shard,
  plan: WorkerPlan,
  store: SweepStore,
): Promise<SweepReport> {
  const where = `outDir ${options.outDir}`;
  store.removeStaleTemps();
  const previous = store.readManifest();
  if (previous && !options.resume) {
    throw new InputError(
      `${where}: the directory already holds a sweep ("${previous.name}", ${previous.completed}/${previous.shardRuns} runs); set \`resume\` to continue it or choose another output directory`,
      'outDir',
    );
  }
  if (!previous && store.entries().length > 0) {
    throw new InputError(
      `${where}: the directory is not empty and holds no sweep (${store.entries().slice(0, 3).join(', ')}); choose a new or empty directory`,
      'outDir',
    );
  }
  if (previous && previous.specHash !== spec.hash) {
    throw new InputError(
      `${where}: holds a different sweep (spec hash ${previous.specHash}, this spec ${spec.hash}); choose another output directory`,
      'outDir',
    );
  }
  if (previous && (previous.shard.index !== shard.index || previous.shard.count !== shard.count)) {
    throw new InputError(
      `${where}: holds shard ${previous.shard.index}/${previous.shard.count}, not ${shard.index}/${shard.count}`,
      'outDir',
    );
  }
  const totalRuns = runCount(spec);
  const mine = shardRuns(totalRuns, shard);
  const startedAt = new Date();
  const started = performance.now();
  store.create({ runs: true });
  const stored = store.readRuns(spec, new Set(mine));
  for (const problem of stored.corrupt) options.onWarning?.(`${problem}; running it again`);
  const done = stored.runs;
  const pending = mine.filter((j) => !done.has(j));
  let threads = 0;
  const manifest = (status: SweepManifest['status'], finishedAt: Date | null): SweepManifest => {
    const outcomes = [...done.values()];
    return {
      format: 'outage-lab-sweep/1',
      name: spec.name,
      specHash: spec.hash,
      spec: spec.source,
      versions: { outageLab: PACKAGE_VERSION, node: process.version },
      shard,
      points: pointCount(spec),
      replicates: spec.replicates,
      totalRuns,
      shardRuns: mine.length,
      completed: outcomes.length,
      failed: outcomes.filter((o) => o.error !== null).length,
      status,
      timings: {
        startedAt: (previous?.timings.startedAt ?? startedAt.toISOString()) as string,
        finishedAt: finishedAt?.toISOString() ?? null,
        wallSec: finishedAt ? +((performance.now() - started) / 1000).toFixed(3) : null,
        workers: threads,
        workersRequested: plan.requested,
        runWallSec: +(outcomes.reduce((s, o) => s + o.wallMs, 0) / 1000).toFixed(3),
      },
    };
  };
  // A finished sweep resumed with nothing left stays complete on disk while its files are rewritten.
  if (pending.length > 0 || previous?.status !== 'complete') store.writeManifest(manifest('running', null));
  options.onProgress?.(done.size, mine.length);
  threads = await runPool({
    spec,
    where: options.where ?? 'spec',
    runs: pending,
    workers: plan.workers,
    onOutcome: (outcome) => {
      store.writeRun(spec.hash, outcome);
      done.set(outcome.index, outcome);
      options.onProgress?.(done.size, mine.length);
    },
  });
  const outcomes = mine.map((j) => done.get(j)!);
  writeResults(store, spec, outcomes);
  if (shard.count === 1) writeRegimes(store.dir, spec, options.onRefine);
  const final = manifest('complete', new Date());
  store.writeManifest(final);
  return {
    outDir: options.outDir,
    shard,
    totalRuns,
    shardRuns: mine.length,
    ran: pending.length,
    skipped: mine.length - pending.length,
    failed: final.failed,
    wallSec: final.timings.wallSec ?? 0,
    workers: { ...plan, started: threads },
  };
}

function writeResults(store: SweepStore, spec: SweepSpec, outcomes: readonly RunOutcome[]): void {
  const columns = resultColumns(spec);
  const rows = outcomes.map((o) => resultRow(spec, o));
  writeFileAtomic(store.resultsPath, resultsCsv(columns, rows));
  writeFileAtomic(store.summaryPath, summaryCsv(summarizeResults(columns, rows)));
}

/**
 * For specs with the recovery analysis: `regimes.csv` (each point's majority class and loops) and, with
 * `refine`, `boundary.csv` (regime boundaries bisected along one axis; these runs happen here, in the
 * calling thread).
 */
export function writeRegimes(dir: string, spec: SweepSpec, onRefine?: () => void): void {
  if (!spec.analysis.includes('recovery')) return;
  const { columns, rows } = readResultsCsv(join(dir, 'results.csv'));
  const regimes = regimeRows(spec, columns, rows);
  writeFileAtomic(join(dir, 'regimes.csv'), regimesCsv(spec, regimes));
  if (spec.refine) {
    const boundary = refineBoundaries(spec, regimes, spec.refine.axis, spec.refine.steps, onRefine);
    writeFileAtomic(join(dir, 'boundary.csv'), boundaryCsv(spec, spec.refine.axis, boundary));
  }
}
