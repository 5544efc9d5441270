/**
 * The sweeps a report needs, reused when their results already exist for the same spec and model (the
 * spec hash covers the spec, the parameters it resolves, the package version and a fingerprint of the
 * model's source): a directory given on the command line, then data/runs/<name>-<hash> from an earlier
 * run, then the committed cache data/cache/<name>/; otherwise the sweep runs now (resuming if a run was
 * interrupted).
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { readResultsCsv } from '../sweep/results.js';
import { runSweep } from '../sweep/runner.js';
import { loadSweepSpec, type SweepSpec } from '../sweep/spec.js';
import { type SweepManifest, SweepStore } from '../sweep/store.js';

export interface AcquiredSweep {
  readonly spec: SweepSpec;
  readonly dir: string;
  readonly manifest: SweepManifest;
  /** 'given', 'runs', 'cache' or 'fresh'. */
  readonly origin: string;
}

export interface AcquireOptions {
  readonly root: string;
  /** A directory of results for this spec (e.g. merged shards). */
  readonly given?: string;
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly log?: (line: string) => void;
}

function complete(dir: string, hash: string): SweepManifest | undefined {
  const manifest = new SweepStore(dir).readManifest();
  return manifest?.status === 'complete' && manifest.specHash === hash && manifest.shard.count === 1
    ? manifest
    : undefined;
}

export async function acquireSweep(specPath: string, options: AcquireOptions): Promise<AcquiredSweep> {
  const spec = loadSweepSpec(specPath);
  if (options.given !== undefined) return givenSweep(spec, specPath, options.given);
  const runsDir = join(options.root, 'data', 'runs', `${spec.name}-${spec.hash}`);
  const cacheDir = join(options.root, 'data', 'cache', spec.name);
  const fromRuns = complete(runsDir, spec.hash);
  if (fromRuns) return { spec, dir: runsDir, manifest: fromRuns, origin: 'runs' };
  const fromCache = complete(cacheDir, spec.hash);
  if (fromCache) return { spec, dir: cacheDir, manifest: fromCache, origin: 'cache' };
  options.log?.(`${spec.name}: no results for spec hash ${spec.hash} yet; running the sweep into ${runsDir}`);
  await runSweep({
    spec,
    where: specPath,
    outDir: runsDir,
    resume: existsSync(join(runsDir, 'manifest.json')),
    ...(options.workers !== undefined && { workers: options.workers }),
    ...(options.onProgress && { onProgress: options.onProgress }),
  });
  return { spec, dir: runsDir, manifest: complete(runsDir, spec.hash)!, origin: 'fresh' };
}

/**
 * A directory given for the sweep (field `sweep`): a complete, merged sweep of this spec whose
 * results.csv holds every run of the grid once, each cell of its column's type.
 */
export function givenSweep(spec: SweepSpec, specPath: string, dir: string): AcquiredSweep {
  const where = `sweep ${dir}`;
  if (dir.trim() === '') throw new InputError(`sweep: expected a directory, got ""`, 'sweep');
  const manifest = new SweepStore(dir, 'sweep').readManifest();
  if (!manifest) {
    throw new InputError(`${where}: no manifest.json (not a sweep output directory)`, 'sweep');
  }
  if (manifest.specHash !== spec.hash) {
    throw new InputError(
      `${where}: results of spec hash ${manifest.specHash}, but ${specPath} with this model hashes to ${spec.hash}; rerun the sweep`,
      'sweep',
    );
  }
  if (manifest.status !== 'complete' || manifest.shard.count !== 1) {
    throw new InputError(`${where}: not a complete, merged sweep`, 'sweep');
  }
  if (manifest.points * manifest.replicates !== manifest.totalRuns) {
    throw new InputError(
      `${where}: manifest.json: totalRuns ${manifest.totalRuns} is not points x replicates (${manifest.points} x ${manifest.replicates})`,
      'sweep',
    );
  }
  const expect = { points: manifest.points, replicates: manifest.replicates, shard: manifest.shard };
  readResultsCsv(join(dir, 'results.csv'), expect, 'sweep');
  return { spec, dir, manifest, origin: 'given' };
}

/** Copy a sweep's results (not its per-run files) into the committed cache data/cache/<name>/. */
export function updateCache(root: string, sweep: AcquiredSweep): string {
  const cacheDir = join(root, 'data', 'cache', sweep.spec.name);
  if (sweep.dir === cacheDir) return cacheDir;
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  for (const f of ['manifest.json', 'results.csv', 'summary.csv', 'regimes.csv', 'boundary.csv']) {
    if (existsSync(join(sweep.dir, f))) cpSync(join(sweep.dir, f), join(cacheDir, f));
  }
  return cacheDir;
}
