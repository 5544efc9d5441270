/**
 * Everything the report is made from, gathered in one place: the three sweeps (reused from data/runs or
 * the committed cache when their spec hash matches, else run), their result files read into memory, the
 * outage week, the incident's facts, and the timeline runs of one seed. This is the only part of the
 * report that reads files or runs simulations; `buildReportData` (data.ts) is a pure function of what
 * this returns.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { type CollectedRun, collectRun } from '../analysis/runs.js';
import type { TimelineRow } from '../metrics/timeline.js';
import { findScenario } from '../scenario/scenarios.js';
import { parseCell } from '../sweep/aggregate.js';
import { runAt } from '../sweep/grid.js';
import { readResultsCsv } from '../sweep/results.js';
import type { SweepSpec } from '../sweep/spec.js';
import type { SweepManifest } from '../sweep/store.js';
import { type AblationData, acquireAblation } from './ablation.js';
import {
  acquireMondaySensitivity,
  acquireSeedVerdicts,
  type MondaySensitivityData,
  type SeedVerdictsData,
} from './sensitivity.js';
import { acquireSweep, updateCache } from './sweeps.js';
import { acquireWeek, type WeekData } from './week.js';

/** The package's root directory (data/, reports/), from this module's place in lib/ or dist/. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface IncidentFacts {
  readonly source: { readonly title: string; readonly url: string };
  readonly triggerAt: string;
  readonly events: readonly { readonly at: string; readonly what: string; readonly source: string }[];
  readonly observed: Readonly<Record<string, number>>;
}

/** A CSV file's rows as objects, numbers typed. */
export type CsvObjects = Record<string, string | number>[];

export interface SweepInput {
  readonly spec: SweepSpec;
  readonly dir: string;
  readonly manifest: SweepManifest;
  /** 'given', 'runs', 'cache' or 'fresh' (see sweeps.ts). */
  readonly origin: string;
  /** results.csv: one row per run. */
  readonly results: { readonly columns: readonly string[]; readonly rows: readonly (readonly string[])[] };
}

export interface MetastabilityInput extends SweepInput {
  /** regimes.csv: one row per point with its recovery class and sustaining loops. */
  readonly regimes: CsvObjects;
  /** boundary.csv: the bisected batch-size boundaries. */
  readonly boundaries: CsvObjects;
}

export interface ReportInputs {
  readonly fixes: SweepInput;
  readonly sweep: SweepInput;
  readonly metastability: MetastabilityInput;
  readonly incident: IncidentFacts;
  readonly week: WeekData;
  /** DC A's Monday with each mechanism switched off in turn. */
  readonly ablation: AblationData;
  /** Every check on five seeds. */
  readonly seeds: SeedVerdictsData;
  /** DC A's Monday with each assumption at each end of its range. */
  readonly sensitivity: MondaySensitivityData;
  /** The command that reproduces the report (quoted in its appendix). */
  readonly command: string;
  /** Baseline, outage and the two deployed fixes on one seed, at 10-second resolution. */
  readonly runs: readonly CollectedRun[];
  /** The outage at 1-second resolution, for the detection rules. */
  readonly detectionRows: readonly TimelineRow[];
}

export function loadIncident(root: string): IncidentFacts {
  return JSON.parse(readFileSync(join(root, 'data', 'incident.json'), 'utf8')) as IncidentFacts;
}

/** A CSV file as objects (numbers typed), or [] when it does not exist. */
export function readCsvObjects(path: string): CsvObjects {
  if (!existsSync(path)) return [];
  const records = parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
  return records.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, (parseCell(v) ?? '') as string | number])),
  );
}

/** The timeline runs the report charts: the outage, the two fixes that were deployed, the baseline. */
export const TIMELINE_SCENARIOS = [
  'baseline',
  'outage',
  'fix-random-local-ip',
  'fix-bounded-concurrency',
] as const;

export function timelineRuns(spec: SweepSpec, seed: number, resolutionSec = 10): CollectedRun[] {
  return TIMELINE_SCENARIOS.map((id) =>
    collectRun(id, {
      scenario: findScenario(id)!,
      engine: spec.engine,
      durationSec: spec.durationSec,
      seed,
      resolutionSec,
    }),
  );
}

/** The outage at 1-second resolution, for the detection rules (same seed and window as the timelines). */
export function detectionRun(spec: SweepSpec, seed: number): TimelineRow[] {
  return collectRun('outage', {
    scenario: findScenario('outage')!,
    engine: spec.engine,
    durationSec: spec.durationSec,
    seed,
    resolutionSec: 1,
  }).rows;
}

/** What a long step reports: which step, and how far it is. */
export type ProgressCallback = (task: string, done: number, total: number, unit: string) => void;

export interface LoadOptions {
  readonly root?: string;
  /** Results of the default sweep (e.g. merged shards) instead of cached or fresh ones. */
  readonly sweep?: string;
  readonly workers?: number;
  /** Copy the sweeps' and the week's results into data/cache/. */
  readonly updateCache?: boolean;
  readonly command?: string;
  readonly log?: (line: string) => void;
  readonly onProgress?: ProgressCallback;
  /** Called when a task's progress is over (e.g. to stop a progress bar). */
  readonly onTaskEnd?: (task: string) => void;
}

function withResults(s: Omit<SweepInput, 'results'>): SweepInput {
  return { ...s, results: readResultsCsv(join(s.dir, 'results.csv')) };
}

/** Gather the report's inputs (sweeps first, then the week, then the timeline runs). */
export async function loadReportInputs(options: LoadOptions = {}): Promise<ReportInputs> {
  const root = options.root ?? ROOT;
  const log = options.log ?? (() => {});
  const acquire = async (name: string, given?: string) => {
    const task = `sweep ${name}`;
    try {
      const s = await acquireSweep(join(root, 'data', 'sweeps', `${name}.json`), {
        root,
        ...(given !== undefined && { given }),
        ...(options.workers !== undefined && { workers: options.workers }),
        log,
        onProgress: (done, total) => options.onProgress?.(task, done, total, 'runs'),
      });
      log(`sweep ${name}: ${s.manifest.totalRuns} runs (${s.origin}: ${s.dir})`);
      if (options.updateCache) log(`cache updated: ${updateCache(root, s)}`);
      return s;
    } finally {
      options.onTaskEnd?.(task);
    }
  };
  const fixes = withResults(await acquire('fixes'));
  const sweep = withResults(await acquire('default', options.sweep));
  const m = await acquire('metastability');
  const metastability: MetastabilityInput = {
    ...withResults(m),
    regimes: readCsvObjects(join(m.dir, 'regimes.csv')),
    boundaries: readCsvObjects(join(m.dir, 'boundary.csv')),
  };
  const weekTask = 'week fleets';
  let week: WeekData;
  try {
    week = await acquireWeek(root, {
      log,
      updateCache: options.updateCache ?? false,
      onProgress: (done, total) => options.onProgress?.(weekTask, done, total, 'host-s'),
    });
  } finally {
    options.onTaskEnd?.(weekTask);
  }
  log(`week: O1-O10 on ${week.scenarios.week} and ${week.scenarios.withoutFix} (${week.origin})`);
  const ablationTask = 'ablation';
  let ablation: AblationData;
  try {
    ablation = await acquireAblation(root, {
      log,
      updateCache: options.updateCache ?? false,
      ...(options.workers !== undefined && { workers: options.workers }),
      onProgress: (done, total) => options.onProgress?.(ablationTask, done, total, 'host-s'),
    });
  } finally {
    options.onTaskEnd?.(ablationTask);
  }
  log(`ablation: ${ablation.rows.length} variants of DC A's Monday (${ablation.origin})`);
  const seedsTask = 'seeds';
  let seeds: SeedVerdictsData;
  try {
    seeds = await acquireSeedVerdicts(root, week, {
      log,
      updateCache: options.updateCache ?? false,
      onProgress: (done, total) => options.onProgress?.(seedsTask, done, total, 'seeds'),
    });
  } finally {
    options.onTaskEnd?.(seedsTask);
  }
  log(`seeds: every check on seeds ${seeds.seeds.join(', ')} (${seeds.origin})`);
  const sensitivityTask = 'sensitivity';
  let sensitivity: MondaySensitivityData;
  try {
    sensitivity = await acquireMondaySensitivity(root, {
      log,
      updateCache: options.updateCache ?? false,
      ...(options.workers !== undefined && { workers: options.workers }),
      onProgress: (done, total) => options.onProgress?.(sensitivityTask, done, total, 'host-s'),
    });
  } finally {
    options.onTaskEnd?.(sensitivityTask);
  }
  log(`sensitivity: ${sensitivity.cases.length} cases of DC A's Monday (${sensitivity.origin})`);
  const seed = runAt(fixes.spec, 0).seed;
  log(
    `timelines: ${fixes.spec.durationSec / 3600} h of baseline, outage and the two deployed fixes (seed ${seed})`,
  );
  return {
    fixes,
    sweep,
    metastability,
    incident: loadIncident(root),
    week,
    ablation,
    seeds,
    sensitivity,
    command: options.command ?? 'npm ci && npm run report',
    runs: timelineRuns(fixes.spec, seed),
    detectionRows: detectionRun(fixes.spec, seed),
  };
}
