/**
 * One run of a sweep: the spec's scenario with its fixed params and the point's values, on the run's own
 * seed. A run that throws is an outcome too (its error recorded), so a sweep goes on past it.
 */
import { analyzeRecovery } from '../analysis/recovery.js';
import type { TimelineRow } from '../metrics/timeline.js';
import type { Params } from '../model/params.js';
import { type RunSummary, runScenario } from '../run/run-scenario.js';
import { findScenario } from '../scenario/scenarios.js';
import { type AxisValue, runAt } from './grid.js';
import { SCENARIO_AXIS, type SweepSpec } from './spec.js';

export interface RunOutcome {
  readonly index: number;
  readonly point: number;
  readonly replicate: number;
  readonly seed: number;
  readonly values: Readonly<Record<string, AxisValue>>;
  readonly summary: RunSummary | null;
  /** The error message when the run failed (summary is then null). */
  readonly error: string | null;
  /** Columns of the spec's analyses (e.g. recovery), or null. */
  readonly extra: Readonly<Record<string, string | number | null>> | null;
  /** Wall time of the run (not part of the results: it differs between machines). */
  readonly wallMs: number;
}

export function runSweepRun(spec: SweepSpec, index: number): RunOutcome {
  const run = runAt(spec, index);
  return { ...runSweepRunAt(spec, run.values, run.replicate, run.seed), index, point: run.point };
}

/** A run at any point (on the grid or not, e.g. a bisection midpoint); index and point are -1. */
export function runSweepRunAt(
  spec: SweepSpec,
  values: Readonly<Record<string, AxisValue>>,
  replicate: number,
  seed: number,
): RunOutcome {
  const run = { values, replicate, seed, point: -1 };
  const started = performance.now();
  let summary: RunSummary | null = null;
  let error: string | null = null;
  let extra: Record<string, string | number | null> | null = null;
  try {
    const { [SCENARIO_AXIS]: scenarioId, ...values } = run.values;
    const recovery = spec.analysis.includes('recovery');
    const rows: TimelineRow[] = [];
    const result = runScenario({
      scenario: scenarioId === undefined ? spec.scenario : findScenario(String(scenarioId))!,
      engine: spec.engine,
      seed: run.seed,
      durationSec: spec.durationSec,
      overrides: { ...spec.params, ...values },
      ...(recovery && { resolutionSec: 1, onRow: (row: TimelineRow) => rows.push(row) }),
    });
    summary = result.summary;
    if (recovery) extra = recoveryColumns(rows, result.params);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  return {
    index: -1,
    point: run.point,
    replicate: run.replicate,
    seed: run.seed,
    values: run.values,
    summary,
    error,
    extra,
    wallMs: Math.round(performance.now() - started),
  };
}

/** The columns of the recovery analysis, in ANALYSIS_COLUMNS.recovery order. */
export const ANALYSIS_COLUMNS = {
  recovery: ['recoveryClass', 'badSecondsAfterStop', 'restartsAfterStop', 'sustainingLoops'],
} as const;

function recoveryColumns(
  rows: readonly TimelineRow[],
  params: Params,
): Record<string, string | number | null> {
  const stop = params.workload.triggerStopSec;
  if (stop === 'never')
    throw new Error('recovery analysis: the trigger never stops (workload.triggerStopSec)');
  const r = analyzeRecovery(rows, {
    startSec: params.workload.triggerStartSec,
    stopSec: stop,
    downtimeAvailability: params.metrics.downtimeAvailability,
    recoveryWindowSec: params.metrics.recoveryWindowSec,
  });
  return {
    recoveryClass: r.recoveryClass,
    badSecondsAfterStop: r.badSecondsAfterStop,
    restartsAfterStop: r.restartsAfterStop,
    sustainingLoops: r.loops.join(' '),
  };
}
