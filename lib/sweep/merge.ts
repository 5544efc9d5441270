/**
 * Merge the shards of one sweep into one directory whose `results.csv` is byte for byte what a single
 * machine would have written. Refuses shards of different specs (hash), of different shard counts,
 * duplicated or missing shards, unfinished shards, results.csv files whose rows are not exactly their
 * shard's runs (keys missing, repeated or outside the shard; cells of the wrong type), and an output
 * directory that holds anything but a sweep of the same spec. The output directory is locked meanwhile.
 */
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { lockDir } from '../io/lock.js';
import { PACKAGE_VERSION } from '../version.js';
import { summarizeResults, summaryCsv } from './aggregate.js';
import { readResultsCsv, resultsCsv } from './results.js';
import { writeRegimes } from './runner.js';
import { parseSweepSpec } from './spec.js';
import { type SweepManifest, SweepStore } from './store.js';

export interface MergeReport {
  readonly outDir: string;
  readonly shards: number;
  readonly runs: number;
  readonly failed: number;
}

/** Merge `dirs` (shard output directories) into `outDir` (field `outDir` in messages). */
export function mergeSweeps(dirs: readonly string[], outDir: string): MergeReport {
  if (dirs.length === 0) throw new InputError('merge: expected at least one shard directory');
  if (typeof outDir !== 'string' || outDir.trim() === '') {
    throw new InputError(`outDir: expected a directory path, got ${JSON.stringify(outDir)}`, 'outDir');
  }
  if (dirs.some((dir) => resolve(dir) === resolve(outDir))) {
    throw new InputError(`outDir ${outDir}: is one of the shard directories; choose another`, 'outDir');
  }
  const shards = dirs.map((dir) => {
    const store = new SweepStore(dir);
    const manifest = store.readManifest();
    if (!manifest) throw new InputError(`merge: ${dir}: no manifest.json (not a sweep output directory)`);
    if (manifest.status !== 'complete') {
      throw new InputError(
        `merge: ${dir}: shard ${manifest.shard.index}/${manifest.shard.count} is not complete (${manifest.completed}/${manifest.shardRuns} runs); finish it with \`resume\``,
      );
    }
    const expect = { points: manifest.points, replicates: manifest.replicates, shard: manifest.shard };
    return { dir, manifest, results: readResultsCsv(store.resultsPath, expect) };
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
  const out = new SweepStore(outDir, 'outDir');
  out.create();
  const lock = lockDir(outDir, 'outDir');
  try {
    out.removeStaleTemps();
    const held = out.readManifest();
    if (held && held.specHash !== first.manifest.specHash) {
      throw new InputError(
        `outDir ${outDir}: holds another sweep ("${held.name}", spec hash ${held.specHash}); merge into a new or empty directory`,
        'outDir',
      );
    }
    if (!held && out.entries().length > 0) {
      throw new InputError(
        `outDir ${outDir}: the directory is not empty and holds no sweep (${out.entries().slice(0, 3).join(', ')}); merge into a new or empty directory`,
        'outDir',
      );
    }
    writeFileAtomic(out.resultsPath, resultsCsv(columns, rows));
    writeFileAtomic(out.summaryPath, summaryCsv(summarizeResults(columns, rows)));
    writeMergedManifest(out, first, shards, rows.length, failed);
    // Regimes (and their bisection runs) need the whole grid: they are computed here for merged shards.
    const source = first.manifest.spec;
    writeRegimes(outDir, parseSweepSpec(source, `${first.dir}/manifest.json`));
  } finally {
    lock.release();
  }
  return { outDir, shards: shards.length, runs: rows.length, failed };
}

type Shards = ReadonlyArray<{ readonly dir: string; readonly manifest: SweepManifest }>;

function writeMergedManifest(
  out: SweepStore,
  first: Shards[number],
  shards: Shards,
  runs: number,
  failed: number,
): void {
  const rowsLength = runs;
  const manifests = shards.map((s) => s.manifest);
  const manifest: SweepManifest = {
    ...first.manifest,
    versions: { outageLab: PACKAGE_VERSION, node: process.version },
    shard: { index: 0, count: 1 },
    shardRuns: rowsLength,
    completed: rowsLength,
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
}
