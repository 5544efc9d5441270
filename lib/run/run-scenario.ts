/**
 * One run: (scenario, parameter overrides, engine, seed, duration) -> summary, with the timeline streamed
 * to a callback. A pure function of its inputs: the same request gives the same summary and rows, byte for
 * byte, on any machine.
 */
import { runHostDes } from '../engine/des/host-sim.js';
import { runHostFast } from '../engine/fast/host-fast.js';
import type { Injection } from '../engine/host-run.js';
import { InputError } from '../errors.js';
import type { RunFigures } from '../metrics/run-figures.js';
import type { TimelineRow } from '../metrics/timeline.js';
import { resolveDeploys } from '../model/deploys.js';
import { defaultParams, type Params } from '../model/params.js';
import { applyOverrides, type Overrides } from '../model/resolve-params.js';
import { MAX_DURATION_SEC } from '../scenario/duration.js';
import type { Scenario } from '../scenario/scenarios.js';

export const ENGINE = { des: 'des', fast: 'fast' } as const;
export type EngineId = (typeof ENGINE)[keyof typeof ENGINE];
export const ENGINES: readonly EngineId[] = Object.values(ENGINE);

/** The `run --json` contract (DESIGN.md section 4): identification, then the measured figures. */
export interface RunSummary extends RunFigures {
  readonly scenario: string;
  readonly engine: EngineId;
  readonly seed: number;
  readonly durationSec: number;
}

export const SUMMARY_FIELDS = [
  'scenario',
  'engine',
  'seed',
  'durationSec',
  'availability',
  'downtimeSec',
  'dialErrors',
  'peakTimeWait',
  'firstPortExhaustionSec',
  'peakThreads',
  'oomKills',
  'restarts',
  'peakRssBytes',
  'maxGcPauseMs',
  'logLinesAttempted',
  'logLinesWritten',
  'p99LatencyMs',
  'recoverySec',
  'cpuMutatorSec',
  'cpuGcSec',
  'cpuKernelSec',
] as const satisfies readonly (keyof RunSummary)[];

/**
 * Bounds on the timeline interval (design limits, not measurements): 1 ms, and at most a million rows
 * per run (a week at 1 s is 604,800). Finer intervals make the engines schedule a bin event per interval
 * whether or not a timeline is written.
 */
export const MIN_RESOLUTION_SEC = 0.001;
export const MAX_TIMELINE_ROWS = 1_000_000;

export interface RunRequest {
  readonly scenario: Scenario;
  readonly engine?: EngineId;
  readonly seed?: number;
  /** Defaults to the scenario's duration. */
  readonly durationSec?: number;
  /** Applied after the scenario's own overrides. */
  readonly overrides?: Overrides;
  readonly resolutionSec?: number;
  readonly onRow?: (row: TimelineRow) => void;
  /** Called about once per simulated second with the simulated time. */
  readonly onProgress?: (simSec: number) => void;
  /** Scripted requests on top of the Poisson clients (e.g. a lab's batches at its own times). */
  readonly injections?: readonly Injection[];
}

export interface RunResult {
  readonly summary: RunSummary;
  readonly params: Params;
  /** Events the engine dispatched (engine figure, not part of the summary contract). */
  readonly events: number;
}

/** Resolve the parameters of a run: defaults, then the scenario, then the request's overrides. */
export function resolveRunParams(scenario: Scenario, overrides: Overrides = {}): Params {
  return applyOverrides(applyOverrides(defaultParams(), scenario.overrides), overrides);
}

/** Check a run's duration: (0 s, 30 d]. */
export function checkDuration(durationSec: number): void {
  if (!(durationSec > 0) || durationSec > MAX_DURATION_SEC) {
    throw new InputError(
      `durationSec: expected a duration in (0 s, 30 d], got ${durationSec} s`,
      'durationSec',
    );
  }
}

/** Check a timeline interval against MIN_RESOLUTION_SEC and MAX_TIMELINE_ROWS for a run this long. */
export function checkResolution(resolutionSec: number, durationSec: number): void {
  if (!(resolutionSec >= MIN_RESOLUTION_SEC) || !Number.isFinite(resolutionSec)) {
    throw new InputError(
      `resolutionSec: expected at least ${MIN_RESOLUTION_SEC} s, got ${resolutionSec} s`,
      'resolutionSec',
    );
  }
  const rows = Math.ceil(durationSec / resolutionSec);
  if (rows > MAX_TIMELINE_ROWS) {
    throw new InputError(
      `resolutionSec: ${resolutionSec} s over ${durationSec} s makes ${rows} timeline rows; expected at most ${MAX_TIMELINE_ROWS} (at least ${durationSec / MAX_TIMELINE_ROWS} s)`,
      'resolutionSec',
    );
  }
}

/**
 * One run of a scenario on one host. Scenario deploys (configuration changes during the run) are applied
 * on the run's parameters, overrides included; the reference engine rejects them.
 */
export function runScenario(request: RunRequest): RunResult {
  const engine = request.engine ?? ENGINE.des;
  const seed = request.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
    throw new InputError(`seed: expected an integer in [0, 4294967295], got ${seed}`, 'seed');
  }
  const durationSec = request.durationSec ?? request.scenario.durationSec;
  checkDuration(durationSec);
  checkResolution(request.resolutionSec ?? 1, durationSec);
  const params = resolveRunParams(request.scenario, request.overrides);
  const deploys = resolveDeploys(params, request.scenario.deploys ?? []);
  const run = engine === ENGINE.fast ? runHostFast : runHostDes;
  const stats = run({
    params,
    ...(deploys.length > 0 && { deploys }),
    seed,
    durationSec,
    ...(request.resolutionSec !== undefined && { resolutionSec: request.resolutionSec }),
    ...(request.onRow && { onRow: request.onRow }),
    ...(request.onProgress && { onProgress: request.onProgress }),
    ...(request.injections && { injections: request.injections }),
  });
  const { events, durationSec: _duration, ...figures } = stats;
  const full: RunSummary = { scenario: request.scenario.id, engine, seed, durationSec, ...figures };
  // Rebuilt in the contract's key order, whatever order the engine returns its figures in.
  const summary = Object.fromEntries(SUMMARY_FIELDS.map((k) => [k, full[k]])) as unknown as RunSummary;
  return { summary, params, events };
}
