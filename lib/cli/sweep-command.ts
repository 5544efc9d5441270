/**
 * `outage-lab sweep` and `outage-lab merge`: thin wrappers over lib/sweep.
 */
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { mergeSweeps } from '../sweep/merge.js';
import { defaultWorkers, runSweep } from '../sweep/runner.js';
import { parseShard, type Shard, shardFromEnv, WHOLE } from '../sweep/shard.js';
import { loadSweepSpec } from '../sweep/spec.js';
import { planWorkers } from '../sweep/workers.js';
import { PartialFailure } from './errors.js';
import { createProgress } from './progress.js';

export interface SweepCommandOptions {
  config: string;
  workers?: string;
  shard?: string;
  shardCount?: string;
  out?: string;
  resume?: boolean;
  quiet?: boolean;
}

function parseCount(text: string, field: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < min || n > max) {
    throw new InputError(`${field}: expected an integer in [${min}, ${max}], got ${JSON.stringify(text)}`);
  }
  return n;
}

function chooseShard(opts: SweepCommandOptions): Shard {
  if (opts.shard !== undefined) return parseShard(opts.shard);
  const countHint =
    opts.shardCount === undefined ? undefined : parseCount(opts.shardCount, '--shard-count', 1, 100_000);
  return shardFromEnv(process.env, countHint) ?? WHOLE;
}

export async function sweepCommand(opts: SweepCommandOptions): Promise<void> {
  const spec = loadSweepSpec(opts.config);
  const shard = chooseShard(opts);
  const workers =
    opts.workers === undefined ? defaultWorkers() : parseCount(opts.workers, '--workers', 0, 1024);
  const plan = planWorkers(workers);
  if (plan.cappedBy !== null && !opts.quiet) {
    process.stderr.write(
      `--workers ${workers}: starting at most ${plan.workers} (capped by this machine's ${plan.cappedBy})\n`,
    );
  }
  const outDir =
    opts.out ??
    join(
      'data',
      'runs',
      shard.count === 1 ? spec.name : `${spec.name}.shard-${shard.index}-of-${shard.count}`,
    );
  const label = `sweep ${spec.name}${shard.count > 1 ? ` [shard ${shard.index}/${shard.count}]` : ''}`;
  let progress: ReturnType<typeof createProgress> | undefined;
  const report = await runSweep({
    spec,
    where: opts.config,
    outDir,
    workers,
    shard,
    resume: opts.resume ?? false,
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    onProgress: (done, total) => {
      progress ??= createProgress(label, total, 'runs', opts.quiet ?? false);
      progress.update(done);
    },
  }).finally(() => progress?.stop());
  const line =
    `${label}: ${report.shardRuns} runs (${report.ran} run now, ${report.skipped} already done) ` +
    `with ${report.workers.started} worker thread(s) in ${report.wallSec.toFixed(1)} s -> ${join(outDir, 'results.csv')}`;
  process.stderr.write(`${line}\n`);
  if (report.failed > 0) {
    throw new PartialFailure(
      `${report.failed} of ${report.shardRuns} runs failed; their errors are in the "error" column of ${join(outDir, 'results.csv')}`,
    );
  }
}

export function mergeCommand(dirs: string[], opts: { out: string }): void {
  const report = mergeSweeps(dirs, opts.out);
  process.stderr.write(
    `merged ${report.shards} shard(s), ${report.runs} runs -> ${join(report.outDir, 'results.csv')}\n`,
  );
  if (report.failed > 0) {
    throw new PartialFailure(`${report.failed} of ${report.runs} runs failed (see the "error" column)`);
  }
}
