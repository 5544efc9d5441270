/**
 * A sweep's output directory:
 * - `manifest.json`: the spec, its hash, the versions, the shard, counts and timings;
 * - `runs/NNNNNNN.json`: one file per finished run, written atomically. Each carries the spec hash, the
 *   run's key (index, point, replicate, seed) and a digest of its content, and is checked when read: a
 *   file that does not parse or whose digest does not match (truncated, edited) is reported and run again;
 *   a file of another sweep, or of another run, is refused (the directory is mixed up);
 * - `results.csv` (and `summary.csv`): written, atomically too, when the sweep (or shard) completes;
 * - `.lock` while a sweep or merge writes into it (lib/io/lock.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { isTempName, writeFileAtomic } from '../io/atomic-write.js';
import { readJsonFile } from '../io/json-file.js';
import { LOCK_NAME } from '../io/lock.js';
import { runAt } from './grid.js';
import type { RunOutcome } from './run-one.js';
import type { Shard } from './shard.js';
import { canonicalJson, type SweepSpec } from './spec.js';

export const MANIFEST_FORMAT = 'outage-lab-sweep/1';

/** The files a sweep or merge writes at the top of its directory. */
const SWEEP_FILES = ['manifest.json', 'results.csv', 'summary.csv', 'regimes.csv', 'boundary.csv'];
export const RUN_FORMAT = 'outage-lab-run/1';

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
    /** Worker threads that ran this invocation's runs (for merges: the sum over the shards). */
    readonly workers: number;
    /** What was asked for (`workers`), before the cap by cores and memory. */
    readonly workersRequested?: number;
    /** Sum of the runs' wall times (a CPU-time figure). */
    readonly runWallSec: number;
  };
  /** For merges: the shard directories merged. */
  readonly mergedFrom?: readonly string[];
}

const count = z.int().min(0);
const manifestSchema = z.looseObject({
  format: z.literal(MANIFEST_FORMAT),
  name: z.string(),
  specHash: z.string().regex(/^[0-9a-f]{16}$/),
  shard: z.object({ index: count, count: z.int().min(1) }),
  points: z.int().min(1),
  replicates: z.int().min(1),
  totalRuns: count,
  shardRuns: count,
  completed: count,
  failed: count,
  status: z.enum(['running', 'complete']),
  timings: z.looseObject({ startedAt: z.string(), workers: count }),
});

const axisValue = z.union([z.number(), z.string(), z.boolean()]);
const runFileSchema = z.strictObject({
  format: z.literal(RUN_FORMAT),
  specHash: z.string(),
  index: count,
  point: count,
  replicate: count,
  seed: count,
  values: z.record(z.string(), axisValue),
  summary: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).nullable(),
  error: z.string().nullable(),
  extra: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).nullable(),
  wallMs: count,
  digest: z.string(),
});

/** What readRuns found: the runs it can use, and the files it could not (to be run again). */
export interface StoredRuns {
  readonly runs: Map<number, RunOutcome>;
  /** `runs/NNNNNNN.json: why` for each corrupt file (truncated, not valid, digest mismatch). */
  readonly corrupt: string[];
}

function digestOf(body: object): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex').slice(0, 16);
}

export class SweepStore {
  readonly runsDir: string;

  /** `field` names the input the directory was given as (`outDir`, `sweep`), for messages. */
  constructor(
    readonly dir: string,
    readonly field?: string,
  ) {
    this.runsDir = join(dir, 'runs');
  }

  private get where(): string {
    return this.field === undefined ? this.dir : `${this.field} ${this.dir}`;
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

  /** Create the directory (and `runs/` with `runs: true`). */
  create(options: { runs?: boolean } = {}): void {
    try {
      mkdirSync(options.runs ? this.runsDir : this.dir, { recursive: true });
    } catch (e) {
      throw new InputError(
        `${this.where}: cannot create the directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        this.field,
      );
    }
  }

  /**
   * The directory's entries other than the lock and an empty `runs/` (none: the directory is empty or
   * missing, or a sweep was killed before it wrote anything).
   */
  entries(): string[] {
    try {
      return readdirSync(this.dir).filter(
        (n) =>
          n !== LOCK_NAME &&
          !n.startsWith(`${LOCK_NAME}.`) &&
          !(n === 'runs' && readdirSync(this.runsDir).length === 0),
      );
    } catch {
      return [];
    }
  }

  /**
   * Remove temporary files a killed writer left of the directory's own files (manifest, results,
   * summaries); call with the directory's lock held.
   */
  removeStaleTemps(): void {
    for (const name of this.entries()) {
      const base = name.replace(/\.tmp-.*$/, '');
      if (isTempName(name) && SWEEP_FILES.includes(base)) rmSync(join(this.dir, name), { force: true });
    }
  }

  readManifest(): SweepManifest | undefined {
    if (!existsSync(this.manifestPath)) return undefined;
    const json = readJsonFile(this.manifestPath, this.field);
    const parsed = manifestSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InputError(
        `${this.field === undefined ? '' : `${this.field} `}${this.manifestPath}: not a sweep manifest (${issue.path.join('.') || 'file'}: ${issue.message})`,
        this.field,
      );
    }
    return json as SweepManifest;
  }

  writeManifest(manifest: SweepManifest): void {
    writeFileAtomic(this.manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  }

  writeRun(specHash: string, outcome: RunOutcome): void {
    const body = { format: RUN_FORMAT, specHash, ...outcome };
    const text = JSON.stringify({ ...body, digest: digestOf(body) });
    writeFileAtomic(join(this.runsDir, runFileName(outcome.index)), `${text}\n`);
  }

  /**
   * The finished runs of `spec` on disk among `wanted` (run indices), checked. Temporary files of a
   * killed writer are removed (the caller holds the directory's lock, so no writer is running).
   */
  readRuns(spec: SweepSpec, wanted: ReadonlySet<number>): StoredRuns {
    const runs = new Map<number, RunOutcome>();
    const corrupt: string[] = [];
    let names: string[];
    try {
      names = readdirSync(this.runsDir).sort();
    } catch {
      return { runs, corrupt };
    }
    for (const name of names) {
      const path = join(this.runsDir, name);
      if (name.includes('.tmp-')) {
        rmSync(path, { force: true });
        continue;
      }
      const m = /^(\d{7})\.json$/.exec(name);
      if (!m) {
        throw new InputError(`${this.where}: ${path}: not a run file of a sweep; remove it`, this.field);
      }
      const index = Number(m[1]);
      const checked = checkRunFile(path, spec, index);
      if (typeof checked === 'string') {
        corrupt.push(`${path}: ${checked}`);
        continue;
      }
      if (!wanted.has(index)) {
        throw new InputError(
          `${this.where}: ${path}: run ${index} is not part of this shard; the directory holds another shard's runs`,
          this.field,
        );
      }
      runs.set(index, checked);
    }
    return { runs, corrupt };
  }
}

/**
 * One run file: its outcome, or why it is corrupt (to be run again). A file of another sweep or another
 * run is refused with an InputError.
 */
function checkRunFile(path: string, spec: SweepSpec, index: number): RunOutcome | string {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return `not valid JSON (${(e as Error).message})`;
  }
  const parsed = runFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `not a run file (${issue.path.join('.') || 'file'}: ${issue.message})`;
  }
  const { digest, ...body } = parsed.data;
  if (digestOf(body) !== digest) return 'its content does not match its digest (edited or damaged)';
  if (body.specHash !== spec.hash) {
    throw new InputError(
      `${path}: a run of another sweep (spec hash ${body.specHash}, this sweep ${spec.hash}); remove it or use another output directory`,
    );
  }
  const run = runAt(spec, index);
  if (
    body.index !== index ||
    body.point !== run.point ||
    body.replicate !== run.replicate ||
    body.seed !== run.seed
  ) {
    throw new InputError(
      `${path}: holds run ${body.index} (point ${body.point}, replicate ${body.replicate}, seed ${body.seed}), not run ${index} (point ${run.point}, replicate ${run.replicate}, seed ${run.seed}); remove it`,
    );
  }
  const { format: _format, specHash: _hash, ...outcome } = body;
  return outcome as unknown as RunOutcome;
}

function runFileName(index: number): string {
  return `${String(index).padStart(7, '0')}.json`;
}
