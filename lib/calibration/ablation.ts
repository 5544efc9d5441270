/**
 * Which mechanisms turn a full port range into user downtime: the affected data center's coupled fleet,
 * without a fix, on Monday (the source's worst day), once with every mechanism on and once with each
 * mechanism switched off in turn through its parameters. What is left of the outage in each case
 * (Monday's availability for the DC's users, its down episodes, OOM kills, dial errors, peak threads) says
 * what each mechanism contributes.
 *
 * Each variant is a pure function of (variant, seed): DC A of `outage-week` with the variant's overrides,
 * started on Sunday at 20:00 UTC with the new client already sending (`ABLATION_START_ISO`) and cut at the
 * end of the Monday window of data/expectations.json: a quarter of the week's cost. The four hours before
 * Monday are a warm-up: a host's state forgets its start within minutes (TIME_WAIT lasts 60 s, the
 * restart back-off at most 5 min and resets after 10, the heap turns over between GC cycles), an
 * assumption the warm-up's length makes safe by an order of magnitude. Variants run in worker threads, as
 * many at a time as `workers` allows; the result does not depend on that number.
 */
import { Worker } from 'node:worker_threads';
import type { DcResult } from '../fleet/coupled-dc.js';
import type { Overrides } from '../model/resolve-params.js';
import { availabilityOver, downEpisodes, spiralFigures, type UserInterval } from './episodes.js';
import type { Expectations } from './week.js';

export interface AblationVariant {
  readonly id: string;
  /** What is switched off, in words. */
  readonly off: string;
  readonly overrides: Overrides;
}

const GIB = 1024 ** 3;

/** Every mechanism on, then each switched off through its parameters, then the trigger itself. */
export const ABLATION_VARIANTS: readonly AblationVariant[] = [
  { id: 'all-on', off: 'nothing (every mechanism on, no fix)', overrides: {} },
  {
    id: 'no-new-client-retry',
    off: "the new client's retries of failed batches",
    overrides: { 'appview.newClientRetries': 0 },
  },
  {
    id: 'no-appview-retry',
    off: "the AppView's retry of a failed call on another host",
    overrides: { 'upstream.retries': 0 },
  },
  {
    id: 'no-ejection',
    off: 'health-check ejection of failing hosts',
    overrides: { 'appview.maxEjectedShare': 0 },
  },
  {
    id: 'no-error-logging',
    off: 'logging of cache errors',
    overrides: { 'logging.sampleFraction': 0 },
  },
  {
    id: 'no-gc-pause',
    off: 'stop-the-world GC pauses',
    overrides: { 'runtime.stwBaseSec': 0, 'runtime.stwPerThreadSec': 0 },
  },
  {
    id: 'no-oom-kill',
    off: "the container's memory limit (no OOM kill)",
    overrides: { 'process.memoryLimitBytes': 1024 * GIB },
  },
  {
    id: 'no-time-wait',
    off: 'TIME_WAIT (closes send RST)',
    overrides: { 'kernel.soLingerZero': true },
  },
  {
    id: 'no-trigger',
    off: "the new client's big batches (the trigger)",
    overrides: { 'workload.newClientRatePerSec': 0 },
  },
];

/** The scenario every variant runs (DC A of it), cut at the end of the Monday window. */
export const ABLATION_SCENARIO = 'outage-week';
/** Where each variant's run starts: Sunday evening, four hours before Monday. */
export const ABLATION_START_ISO = '2026-04-05T20:00:00Z';
/** The fleet's timeline interval: a down episode is counted in whole minutes. */
export const ABLATION_RESOLUTION_SEC = 60;

export interface AblationJob {
  readonly variantId: string;
  readonly overrides: Overrides;
  readonly seed: number;
  readonly durationSec: number;
}

export interface AblationRow {
  readonly id: string;
  readonly off: string;
  /** DC A's users' served share on Monday (00:00 to the band-aid's time). */
  readonly mondayAvailability: number;
  /** Monday's down episodes (the expectations' definition) and the longest, in minutes. */
  readonly mondayEpisodes: number;
  readonly longestEpisodeMinutes: number;
  /** The rhythm, span and depth of Monday's episodes (targets M2-M4; null without enough episodes). */
  readonly medianGapMin: number | null;
  readonly spanHours: number | null;
  readonly spanAvailability: number | null;
  /** OOM kills over DC A's hosts on Monday; dial errors and the peak threads of a host, whole run. */
  readonly mondayOomKills: number;
  readonly dialErrors: number;
  readonly peakThreads: number;
}

export interface AblationResult {
  readonly scenario: string;
  readonly seed: number;
  readonly hosts: number;
  readonly durationSec: number;
  readonly rows: readonly AblationRow[];
}

/**
 * The overrides that start a run at ABLATION_START_ISO with the trigger on, the run's duration (to the end
 * of the Monday window) and the Monday window in run seconds.
 */
export function ablationWindows(exp: Expectations) {
  const startUtcSec = Date.parse(ABLATION_START_ISO) / 1000;
  const at = (iso: string) => Date.parse(iso) / 1000 - startUtcSec;
  const monday = [at(exp.windows.monday.from), at(exp.windows.monday.to)] as const;
  if (!(monday[0] > 0)) throw new Error(`ablation: ${ABLATION_START_ISO} is not before Monday`);
  const start: Overrides = { 'load.calendarStartUtcSec': startUtcSec, 'workload.triggerStartSec': 0 };
  return { start, monday, durationSec: monday[1] };
}

/** The figures of one variant's DC result. */
export function ablationRow(variant: AblationVariant, result: DcResult, exp: Expectations): AblationRow {
  const { monday } = ablationWindows(exp);
  const s = result.series;
  const bins = s.users.length;
  const intervalSec = ABLATION_RESOLUTION_SEC;
  const rows: UserInterval[] = Array.from({ length: bins }, (_, i) => ({
    tSec: (i + 1) * intervalSec,
    users: s.users[i]!,
    failed: s.usersFailed[i]!,
  }));
  const episodes = downEpisodes(
    rows,
    intervalSec,
    monday[0],
    monday[1],
    exp.episode.underAvailability,
    exp.episode.minMinutes,
  );
  let mondayOomKills = 0;
  for (let i = 0; i < bins; i++) {
    const t = (i + 1) * intervalSec;
    if (t > monday[0] && t <= monday[1]) mondayOomKills += s.oomKills[i]!;
  }
  const figures = result.hostFigures;
  const spiral = spiralFigures(rows, episodes);
  return {
    id: variant.id,
    off: variant.off,
    mondayAvailability: availabilityOver(rows, monday[0], monday[1]),
    mondayEpisodes: episodes.length,
    longestEpisodeMinutes: episodes.reduce((a, e) => Math.max(a, e.minutes), 0),
    medianGapMin: spiral.medianGapMin,
    spanHours: spiral.spanHours,
    spanAvailability: spiral.spanAvailability,
    mondayOomKills,
    dialErrors: figures.reduce((a, f) => a + f.dialErrors, 0),
    peakThreads: figures.reduce((a, f) => Math.max(a, f.peakThreads), 0),
  };
}

function spawnAblationWorker(job: AblationJob): Worker {
  const jsUrl = new URL('./ablation-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return new Worker(jsUrl, { workerData: job });
  const tsUrl = jsUrl.href.replace(/\.js$/, '.ts');
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(tsUrl)}); })`;
  return new Worker(boot, { eval: true, workerData: job });
}

function runJob(job: AblationJob, onProgress: (doneSec: number) => void): Promise<DcResult> {
  return new Promise((resolve, reject) => {
    const worker = spawnAblationWorker(job);
    worker.on('message', (m: { progress?: number; result?: DcResult }) => {
      if (m.progress !== undefined) onProgress(m.progress);
      else {
        resolve(m.result!);
        void worker.terminate();
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`ablation worker for ${job.variantId} exited with code ${code}`));
    });
  });
}

export interface AblationOptions {
  readonly seed?: number;
  readonly workers?: number;
  readonly variants?: readonly AblationVariant[];
  readonly onVariantDone?: (done: number, total: number, row: AblationRow) => void;
  /** Simulated seconds done over all variants, and their total. */
  readonly onProgress?: (doneSec: number, totalSec: number) => void;
}

/** Run every variant (DC A of the outage week up to the end of Monday) and tabulate what is left. */
export async function runAblation(exp: Expectations, options: AblationOptions = {}): Promise<AblationResult> {
  const seed = options.seed ?? 1;
  const variants = options.variants ?? ABLATION_VARIANTS;
  const workers = Math.max(1, Math.min(options.workers ?? 2, variants.length));
  const { durationSec, start } = ablationWindows(exp);
  const rows: AblationRow[] = new Array(variants.length);
  let next = 0;
  let done = 0;
  let hosts = 0;
  const doneSec = new Float64Array(variants.length);
  const totalSec = variants.length * durationSec;
  const report = () =>
    options.onProgress?.(
      doneSec.reduce((a, b) => a + b, 0),
      totalSec,
    );
  const lane = async () => {
    while (next < variants.length) {
      const k = next++;
      const v = variants[k]!;
      const overrides = { ...start, ...v.overrides };
      const result = await runJob({ variantId: v.id, overrides, seed, durationSec }, (sec) => {
        doneSec[k] = sec;
        report();
      });
      doneSec[k] = durationSec;
      report();
      hosts = result.hosts;
      rows[k] = ablationRow(v, result, exp);
      options.onVariantDone?.(++done, variants.length, rows[k]);
    }
  };
  await Promise.all(Array.from({ length: workers }, lane));
  return { scenario: ABLATION_SCENARIO, seed, hosts, durationSec, rows };
}
