/**
 * The Go lab's comparison: the figures read off one run of the Go program, the model's figures for the
 * same setting, and the tolerances between them (the issue's: threads and CPU within 15%; failure counts
 * within 10% or an absolute floor; times within 5% or one sample interval).
 */
import type { GoExperiment, GoFigure, GoFigures } from './go-experiments.js';

/** One object of the `--json` output: one experiment at one setting. */
export interface GoLabObject {
  readonly experiment: GoExperiment;
  readonly setting: string;
  readonly gomaxprocs: number;
  readonly goroutines: number;
  readonly lab: GoFigures;
  /** null for a figure the model has no mechanism for yet (said in `notes`). */
  readonly model: GoFigures;
  readonly agrees: boolean;
  /** Per figure compared: within its tolerance or not. */
  readonly checks: Readonly<Partial<Record<GoFigure | string, boolean>>>;
  readonly notes: readonly string[];
  /** What else the lab measured (and the model's value where it has one). */
  readonly details: Readonly<Record<string, unknown>>;
}

/** Sample interval of the Go program. */
export const SAMPLE_SEC = 0.1;

export const GO_TOLERANCE = {
  /** threads and CPU */
  relative: 0.15,
  /** Threads: at least this many apart is tolerated (sysmon and idle Ms the runtime keeps). */
  threadsFloor: 2,
  /** Failure and request counts: 10%, or this many requests. */
  countRelative: 0.1,
  countFloor: 20,
  /** Durations: 5%, or one sample interval. */
  timeRelative: 0.05,
  timeFloorSec: SAMPLE_SEC,
} as const;

const close = (lab: number, model: number, rel: number, abs: number): boolean =>
  Math.abs(lab - model) <= Math.max(rel * Math.abs(lab), abs);

/** Whether the model's value of `figure` is within its tolerance of the lab's. */
export function withinGoTolerance(figure: GoFigure, lab: number, model: number): boolean {
  const t = GO_TOLERANCE;
  switch (figure) {
    case 'threadsBefore':
    case 'peakThreads':
      return close(lab, model, t.relative, t.threadsFloor);
    case 'sysCpuSec':
    case 'sysCpuMsPerFailedDial':
    case 'gcPauseP99Ms':
      return close(lab, model, t.relative, 0);
    case 'requestsOk':
    case 'requestsFailed':
      return close(lab, model, t.countRelative, t.countFloor);
    case 'wallSec':
      return close(lab, model, t.timeRelative, t.timeFloorSec);
  }
}

/** Compare every figure both sides have; a null model figure is not compared. */
export function compareGo(
  lab: GoFigures,
  model: GoFigures,
  extra: Readonly<Record<string, boolean>> = {},
): { checks: Record<string, boolean>; agrees: boolean } {
  const checks: Record<string, boolean> = {};
  for (const [key, l] of Object.entries(lab) as [GoFigure, number | null][]) {
    const m = model[key];
    if (l === null || m === null || m === undefined) continue;
    checks[key] = withinGoTolerance(key, l, m);
  }
  Object.assign(checks, extra);
  return { checks, agrees: Object.values(checks).every(Boolean) };
}

/** The share of request work a burst displaced: 1 - served during / served before (per second). */
export function displacedShare(beforePerSec: number, duringPerSec: number): number {
  return beforePerSec > 0 ? Math.max(0, 1 - duringPerSec / beforePerSec) : 0;
}
