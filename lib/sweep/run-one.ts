/**
 * One run of a sweep: the spec's scenario with its fixed params and the point's values, on the run's own
 * seed. A run that throws is an outcome too (its error recorded), so a sweep goes on past it.
 */
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
  /** Wall time of the run (not part of the results: it differs between machines). */
  readonly wallMs: number;
}

export function runSweepRun(spec: SweepSpec, index: number): RunOutcome {
  const run = runAt(spec, index);
  const started = performance.now();
  let summary: RunSummary | null = null;
  let error: string | null = null;
  try {
    const { [SCENARIO_AXIS]: scenarioId, ...values } = run.values;
    summary = runScenario({
      scenario: scenarioId === undefined ? spec.scenario : findScenario(String(scenarioId))!,
      engine: spec.engine,
      seed: run.seed,
      durationSec: spec.durationSec,
      overrides: { ...spec.params, ...values },
    }).summary;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  return {
    index,
    point: run.point,
    replicate: run.replicate,
    seed: run.seed,
    values: run.values,
    summary,
    error,
    wallMs: Math.round(performance.now() - started),
  };
}
