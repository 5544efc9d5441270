/**
 * Merge the shards of one sweep into one directory whose `results.csv` is byte for byte what a single
 * machine would have written. Refuses shards of different specs (hash), of different shard counts,
 * duplicated or missing shards, and unfinished shards.
 */
import { join, resolve } from 'node:path';
import { InputError } from '../model/resolve-params.js';
import { PACKAGE_VERSION } from '../version.js';
import { summarizeResults, summaryCsv } from './aggregate.js';
import { readResultsCsv, resultsCsv } from './results.js';
import { writeRegimes } from './runner.js';
import { parseSweepSpec } from './spec.js';
import { type SweepManifest, SweepStore, writeFileAtomic } from './store.js';

export interface MergeReport {
  readonly outDir: string;
  readonly shards: number;
  readonly runs: number;
  readonly failed: number;
}

export function mergeSweeps(dirs: readonly string[], outDir: string): MergeReport {
  if (dirs.length === 0) throw new InputError('merge: expected at least one shard directory');
  if (dirs.some((dir) => resolve(dir) === resolve(outDir))) {
    throw new InputError(`merge: --out ${outDir} is one of the shard directories; choose another`);
  }
  const shards = dirs.map((dir) => {
    const store = new SweepStore(dir);
    const manifest = store.readManifest();
    if (!manifest) throw new InputError(`merge: ${dir}: no manifest.json (not a sweep output directory)`);
    if (manifest.status !== 'complete') {
      throw new InputError(
        `merge: ${dir}: shard ${manifest.shard.index}/${manifest.shard.count} is not complete (${manifest.completed}/${manifest.shardRuns} runs); finish it with --resume`,
      );
    }
    return { dir, manifest, results: readResultsCsv(store.resultsPath) };
  });
  const first = shards[0]!;
  const seen = new Map<number, string>();
  for (const s of shards) {
    if (s.manifest.specHash !== first.manifest.specHash) {
      throw new InputError(
        `merge: ${s.dir}: spec hash ${s.manifest.specHash} differs from ${first.dir} (${first.manifest.specHash}); these are not shards of one sweep`,
      );
    }
    if (s.manifest.shard.count !== first.manifest.shard.count) {
      throw new InputError(
        `merge: ${s.dir}: split into ${s.manifest.shard.count} shards, ${first.dir} into ${first.manifest.shard.count}`,
      );
    }
    const dup = seen.get(s.manifest.shard.index);
    if (dup !== undefined) {
      throw new InputError(`merge: ${s.dir} and ${dup} are both shard ${s.manifest.shard.index}`);
    }
    seen.set(s.manifest.shard.index, s.dir);
    if (s.results.columns.join(',') !== first.results.columns.join(',')) {
      throw new InputError(`merge: ${s.dir}: results.csv columns differ from ${first.dir}`);
    }
  }
  const count = first.manifest.shard.count;
  const missing = [...Array(count).keys()].filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new InputError(`merge: missing shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')}`);
  }
  const replicates = first.manifest.replicates;
  const key = (row: readonly string[]): number => Number(row[0]) * replicates + Number(row[1]);
  const rows = shards.flatMap((s) => s.results.rows).sort((a, b) => key(a) - key(b));
  if (rows.length !== first.manifest.totalRuns) {
    throw new InputError(
      `merge: expected ${first.manifest.totalRuns} runs in all shards, found ${rows.length}`,
    );
  }
  const columns = first.results.columns;
  const errorCol = columns.indexOf('error');
  const failed = rows.filter((r) => r[errorCol] !== '').length;
  const out = new SweepStore(outDir);
  out.create();
  writeFileAtomic(out.resultsPath, resultsCsv(columns, rows));
  writeFileAtomic(out.summaryPath, summaryCsv(summarizeResults(columns, rows)));
  const manifests = shards.map((s) => s.manifest);
  const manifest: SweepManifest = {
    ...first.manifest,
    versions: { outageLab: PACKAGE_VERSION, node: process.version },
    shard: { index: 0, count: 1 },
    shardRuns: rows.length,
    completed: rows.length,
    failed,
    status: 'complete',
    timings: {
      startedAt: manifests.map((m) => m.timings.startedAt).sort()[0]!,
      finishedAt: manifests
        .map((m) => m.timings.finishedAt ?? '')
        .sort()
        .at(-1)!,
      wallSec: Math.max(...manifests.map((m) => m.timings.wallSec ?? 0)),
      workers: manifests.reduce((s, m) => s + m.timings.workers, 0),
      runWallSec: +manifests.reduce((s, m) => s + m.timings.runWallSec, 0).toFixed(3),
    },
    mergedFrom: shards.map((s) => join(s.dir)),
  };
  out.writeManifest(manifest);
  // Regimes (and their bisection runs) need the whole grid: they are computed here for merged shards.
  const source = first.manifest.spec;
  writeRegimes(outDir, parseSweepSpec(source, `${first.dir}/manifest.json`));
  return { outDir, shards: shards.length, runs: rows.length, failed };
}
