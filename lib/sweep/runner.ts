/**
 * Run a sweep (or one shard of it) into a directory: persist each run as it finishes, skip finished runs
 * on `resume`, and write `results.csv`, `summary.csv` and `manifest.json` at the end. The results depend
 * only on the spec: not on the worker count, the order runs finish in, the shard split, or interruptions.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../model/resolve-params.js';
import { PACKAGE_VERSION } from '../version.js';
import { summarizeResults, summaryCsv } from './aggregate.js';
import { pointCount, runCount } from './grid.js';
import { runPool } from './pool.js';
import { boundaryCsv, refineBoundaries, regimeRows, regimesCsv } from './regimes.js';
import { readResultsCsv, resultColumns, resultRow, resultsCsv } from './results.js';
import type { RunOutcome } from './run-one.js';
import { type Shard, shardRuns, WHOLE } from './shard.js';
import type { SweepSpec } from './spec.js';
import { type SweepManifest, SweepStore, writeFileAtomic } from './store.js';

export interface SweepOptions {
  readonly spec: SweepSpec;
  /** Where the spec came from (a file name), for messages. */
  readonly where?: string;
  readonly outDir: string;
  /** Worker threads; 0 runs in the calling thread. Default: all cores. */
  readonly workers?: number;
  readonly shard?: Shard;
  readonly resume?: boolean;
  /** Called after each bisection run of the regime refinement (specs with `refine`). */
  readonly onRefine?: () => void;
  /** Called after each finished run with (finished, total) for this shard, skipped runs included. */
  readonly onProgress?: (done: number, total: number) => void;
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
}

export function defaultWorkers(): number {
  return availableParallelism();
}

export async function runSweep(options: SweepOptions): Promise<SweepReport> {
  const { spec } = options;
  const shard = options.shard ?? WHOLE;
  const workers = options.workers ?? defaultWorkers();
  const store = new SweepStore(options.outDir);
  const previous = store.readManifest();
  if (previous && !options.resume) {
    throw new InputError(
      `--out ${options.outDir}: the directory already holds a sweep ("${previous.name}", ${previous.completed}/${previous.shardRuns} runs); pass --resume to continue it or choose another --out`,
    );
  }
  if (previous && previous.specHash !== spec.hash) {
    throw new InputError(
      `--resume: ${options.outDir} holds a different sweep (spec hash ${previous.specHash}, this spec ${spec.hash}); use another --out`,
    );
  }
  if (previous && (previous.shard.index !== shard.index || previous.shard.count !== shard.count)) {
    throw new InputError(
      `--resume: ${options.outDir} holds shard ${previous.shard.index}/${previous.shard.count}, not ${shard.index}/${shard.count}`,
    );
  }
  const totalRuns = runCount(spec);
  const mine = shardRuns(totalRuns, shard);
  const startedAt = new Date();
  const started = performance.now();
  store.create();
  const done = options.resume ? store.readRuns() : new Map<number, RunOutcome>();
  const mineSet = new Set(mine);
  for (const index of done.keys()) if (!mineSet.has(index)) done.delete(index);
  const pending = mine.filter((j) => !done.has(j));
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
        workers,
        runWallSec: +(outcomes.reduce((s, o) => s + o.wallMs, 0) / 1000).toFixed(3),
      },
    };
  };
  store.writeManifest(manifest('running', null));
  options.onProgress?.(done.size, mine.length);
  await runPool({
    spec,
    where: options.where ?? 'spec',
    runs: pending,
    workers,
    onOutcome: (outcome) => {
      store.writeRun(outcome);
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
