/**
 * A sweep's grid: the cartesian product of its axes (the last axis varies fastest), each point run
 * `replicates` times. Run j is point floor(j / replicates), replicate j mod replicates. A run's seed is a
 * hash of (spec seed, scenario, point values, replicate): it depends on what the run is, never on which
 * worker or shard runs it, nor on the other values of the axes.
 */
import { hashSeed } from '../random/rng.js';
import { canonicalJson, type SweepSpec } from './spec.js';

export type AxisValue = number | string | boolean;

export interface SweepPoint {
  readonly index: number;
  /** The point's value on each axis, by parameter path. */
  readonly values: Readonly<Record<string, AxisValue>>;
}

export interface SweepRun {
  /** Position in the grid's run order: point * replicates + replicate. */
  readonly index: number;
  readonly point: number;
  readonly replicate: number;
  readonly seed: number;
  readonly values: Readonly<Record<string, AxisValue>>;
}

export function pointCount(spec: SweepSpec): number {
  return spec.axes.reduce((n, a) => n * a.values.length, 1);
}

export function runCount(spec: SweepSpec): number {
  return pointCount(spec) * spec.replicates;
}

/** The point at `index` (mixed-radix decoding of the axes' value indices). */
export function pointAt(spec: SweepSpec, index: number): SweepPoint {
  const values: Record<string, AxisValue> = {};
  let rest = index;
  for (let a = spec.axes.length - 1; a >= 0; a--) {
    const axis = spec.axes[a]!;
    values[axis.path] = axis.values[rest % axis.values.length]!;
    rest = Math.floor(rest / axis.values.length);
  }
  // Key order follows the axes, not the decoding order.
  const ordered = Object.fromEntries(spec.axes.map((axis) => [axis.path, values[axis.path]!]));
  return { index, values: ordered };
}

export function runAt(spec: SweepSpec, index: number): SweepRun {
  const pointIndex = Math.floor(index / spec.replicates);
  const replicate = index % spec.replicates;
  const point = pointAt(spec, pointIndex);
  return {
    index,
    point: pointIndex,
    replicate,
    seed: runSeed(spec, point.values, replicate),
    values: point.values,
  };
}

export function runSeed(
  spec: SweepSpec,
  values: Readonly<Record<string, AxisValue>>,
  replicate: number,
): number {
  if (spec.commonRandomNumbers) return hashSeed(spec.seed, 'common', replicate);
  return hashSeed(spec.seed, spec.scenario.id, canonicalJson(values), replicate);
}
