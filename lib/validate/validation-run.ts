/**
 * One run of the validation set: a point on one engine and one seed. Shared by the runner's calling
 * thread and its worker threads.
 */
import type { RunSummary } from '../run/run-scenario.js';
import { runScenario } from '../run/run-scenario.js';
import { findScenario } from '../scenario/scenarios.js';
import type { ValidationPoint } from './engines.js';

export interface ValidationJob {
  readonly point: ValidationPoint;
  readonly engine: 'des' | 'fast';
  readonly seed: number;
  readonly durationSec: number;
}

export function runValidationJob(job: ValidationJob): RunSummary {
  const { point, engine, seed, durationSec } = job;
  const scenario = findScenario(point.scenario);
  if (!scenario) throw new Error(`validation point ${point.id}: unknown scenario ${point.scenario}`);
  return runScenario({ scenario, engine, seed, durationSec, overrides: point.overrides }).summary;
}
