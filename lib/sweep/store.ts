/**
 * A sweep's output directory:
 * - `manifest.json`: the spec, its hash, the versions, the shard, counts and timings;
 * - `runs/NNNNNNN.json`: one file per finished run, written to a temporary name and renamed into place, so
 *   a killed sweep leaves only whole files and `--resume` can trust every one it finds;
 * - `results.csv` (and `summary.csv`): written, atomically too, when the sweep (or shard) completes.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../model/resolve-params.js';
import type { RunOutcome } from './run-one.js';
import type { Shard } from './shard.js';

export const MANIFEST_FORMAT = 'outage-lab-sweep/1';

export interface SweepManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly name: string;
  readonly specHash: string;
  readonly spec: unknown;
  readonly versions: { readonly outageLab: string; readonly node: string };
  readonly shard: Shard;
  readonly points: number;
  readonly replicates: number;
  /** Runs in the whole grid, and in this shard (or merge). */
  readonly totalRuns: number;
  readonly shardRuns: number;
  readonly completed: number;
  readonly failed: number;
  readonly status: 'running' | 'complete';
  readonly timings: {
    readonly startedAt: string;
    readonly finishedAt: string | null;
    readonly wallSec: number | null;
    readonly workers: number;
    /** Sum of the runs' wall times (a CPU-time figure). */
    readonly runWallSec: number;
  };
  /** For merges: the shard directories merged. */
  readonly mergedFrom?: readonly string[];
}

/** Write a file atomically: a temporary name in the same directory, then rename. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export class SweepStore {
  readonly runsDir: string;

  constructor(readonly dir: string) {
    this.runsDir = join(dir, 'runs');
  }

  get manifestPath(): string {
    return join(this.dir, 'manifest.json');
  }

  get resultsPath(): string {
    return join(this.dir, 'results.csv');
  }

  get summaryPath(): string {
    return join(this.dir, 'summary.csv');
  }

  create(): void {
    try {
      mkdirSync(this.runsDir, { recursive: true });
    } catch (e) {
      throw new InputError(
        `--out ${this.dir}: cannot create the directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }

  readManifest(): SweepManifest | undefined {
    let text: string;
    try {
      text = readFileSync(this.manifestPath, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const m = JSON.parse(text) as SweepManifest;
      if (m.format !== MANIFEST_FORMAT) throw new Error(`format ${JSON.stringify(m.format)}`);
      return m;
    } catch (e) {
      throw new InputError(`${this.manifestPath}: not a sweep manifest (${(e as Error).message})`);
    }
  }

  writeManifest(manifest: SweepManifest): void {
    writeFileAtomic(this.manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }

  writeRun(outcome: RunOutcome): void {
    writeFileAtomic(join(this.runsDir, runFileName(outcome.index)), `${JSON.stringify(outcome)}\n`);
  }

  /** Every finished run on disk, by index. Temporary files of a killed writer are removed. */
  readRuns(): Map<number, RunOutcome> {
    const out = new Map<number, RunOutcome>();
    let names: string[];
    try {
      names = readdirSync(this.runsDir);
    } catch {
      return out;
    }
    for (const name of names) {
      if (name.includes('.tmp-')) {
        rmSync(join(this.runsDir, name), { force: true });
        continue;
      }
      if (!/^\d+\.json$/.test(name)) continue;
      const outcome = JSON.parse(readFileSync(join(this.runsDir, name), 'utf8')) as RunOutcome;
      out.set(outcome.index, outcome);
    }
    return out;
  }
}

function runFileName(index: number): string {
  return `${String(index).padStart(7, '0')}.json`;
}
