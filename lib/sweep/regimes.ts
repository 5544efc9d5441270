/**
 * The regime map: each point of a sweep with the `recovery` analysis classified by its replicates (the
 * majority class; a tie goes to the worse one), with the sustaining loops seen in any replicate; and the
 * boundaries between regimes located more finely than the grid along one axis (bisection), as tidy
 * tables (`regimes.csv`, `boundary.csv`).
 */
import { stringify } from 'csv-stringify/sync';
import { RECOVERY_CLASSES, type RecoveryClass } from '../analysis/recovery.js';
import { parseCell } from './aggregate.js';
import type { AxisValue } from './grid.js';
import { runSeed } from './grid.js';
import { runSweepRunAt } from './run-one.js';
import { SCENARIO_AXIS, type SweepSpec } from './spec.js';

export interface RegimeRow {
  readonly point: number;
  /** The point's value on each axis (by path). */
  readonly values: Readonly<Record<string, AxisValue>>;
  readonly recoveryClass: RecoveryClass;
  /** Replicates per class. */
  readonly counts: Readonly<Record<RecoveryClass, number>>;
  readonly loops: readonly string[];
}

const severity = (c: RecoveryClass): number => RECOVERY_CLASSES.indexOf(c);

/** The majority class of replicates; ties go to the more severe class. */
export function majorityClass(classes: readonly RecoveryClass[]): RecoveryClass {
  const counts = new Map<RecoveryClass, number>();
  for (const c of classes) counts.set(c, (counts.get(c) ?? 0) + 1);
  let best: RecoveryClass = 'stable';
  let bestCount = -1;
  for (const [c, n] of counts) {
    if (n > bestCount || (n === bestCount && severity(c) > severity(best))) {
      best = c;
      bestCount = n;
    }
  }
  return best;
}

/** Regime rows from a results table (header + string rows) of a sweep with the recovery analysis. */
export function regimeRows(
  spec: SweepSpec,
  columns: readonly string[],
  rows: readonly (readonly string[])[],
): RegimeRow[] {
  const col = (name: string) => columns.indexOf(name);
  const classCol = col('recoveryClass');
  if (classCol < 0)
    throw new Error('results: no recoveryClass column (the spec needs "analysis": ["recovery"])');
  const byPoint = new Map<number, (readonly string[])[]>();
  for (const row of rows) {
    if (row[col('error')] !== '') continue;
    const p = Number(row[0]);
    const g = byPoint.get(p);
    if (g) g.push(row);
    else byPoint.set(p, [row]);
  }
  return [...byPoint.entries()]
    .sort(([a], [b]) => a - b)
    .map(([point, group]) => {
      const classes = group.map((r) => r[classCol] as RecoveryClass);
      const counts = Object.fromEntries(RECOVERY_CLASSES.map((c) => [c, 0])) as Record<RecoveryClass, number>;
      for (const c of classes) counts[c]++;
      const values: Record<string, AxisValue> = {};
      for (const axis of spec.axes) {
        const at = axis.path === SCENARIO_AXIS ? col('scenario') : col(axis.path);
        values[axis.path] = parseCell(group[0]![at]!) as AxisValue;
      }
      const loops = [
        ...new Set(group.flatMap((r) => r[col('sustainingLoops')]!.split(' ').filter(Boolean))),
      ].sort();
      return { point, values, recoveryClass: majorityClass(classes), counts, loops };
    });
}

export function regimesCsv(spec: SweepSpec, regimes: readonly RegimeRow[]): string {
  const axes = spec.axes.map((a) => a.path);
  return stringify(
    regimes.map((r) => [
      r.point,
      ...axes.map((a) => String(r.values[a])),
      r.recoveryClass,
      ...RECOVERY_CLASSES.map((c) => r.counts[c]),
      r.loops.join(' '),
    ]),
    { header: true, columns: ['point', ...axes, 'recoveryClass', ...RECOVERY_CLASSES, 'sustainingLoops'] },
  );
}

export interface BoundaryRow {
  /** The other axes' values. */
  readonly at: Readonly<Record<string, AxisValue>>;
  /** The grid values on either side of the boundary, with their classes. */
  readonly gridLow: number;
  readonly gridHigh: number;
  readonly lowClass: RecoveryClass;
  readonly highClass: RecoveryClass;
  /** After bisection: the boundary lies in (low, high]. */
  readonly low: number;
  readonly high: number;
  readonly runs: number;
}

/**
 * For every line of the grid along `axis` (a numeric axis), where two neighbouring grid values fall in
 * different regimes, bisect between them `steps` times (each midpoint run with the spec's replicates and
 * its own seeds), keeping the pair of values whose classes differ. Runs in the calling thread.
 */
export function refineBoundaries(
  spec: SweepSpec,
  regimes: readonly RegimeRow[],
  axis: string,
  steps: number,
  onRun?: () => void,
): BoundaryRow[] {
  const others = spec.axes.map((a) => a.path).filter((p) => p !== axis);
  const lines = new Map<string, RegimeRow[]>();
  for (const r of regimes) {
    const key = JSON.stringify(others.map((o) => r.values[o]));
    const line = lines.get(key) ?? [];
    line.push(r);
    lines.set(key, line);
  }
  const classify = (values: Record<string, AxisValue>): RecoveryClass => {
    const classes: RecoveryClass[] = [];
    for (let rep = 0; rep < spec.replicates; rep++) {
      const outcome = runSweepRunAt(spec, values, rep, runSeed(spec, values, rep));
      onRun?.();
      classes.push((outcome.extra?.['recoveryClass'] as RecoveryClass | undefined) ?? 'metastable');
    }
    return majorityClass(classes);
  };
  const out: BoundaryRow[] = [];
  for (const line of lines.values()) {
    const sorted = [...line].sort((a, b) => Number(a.values[axis]) - Number(b.values[axis]));
    for (let i = 0; i + 1 < sorted.length; i++) {
      const a = sorted[i]!;
      const b = sorted[i + 1]!;
      if (a.recoveryClass === b.recoveryClass) continue;
      let low = Number(a.values[axis]);
      let high = Number(b.values[axis]);
      let highClass = b.recoveryClass;
      let runs = 0;
      for (let s = 0; s < steps && high - low > 1; s++) {
        const mid = Math.round((low + high) / 2);
        const c = classify({ ...a.values, [axis]: mid });
        runs += spec.replicates;
        if (c === a.recoveryClass) low = mid;
        else {
          high = mid;
          highClass = c;
        }
      }
      out.push({
        at: Object.fromEntries(others.map((o) => [o, a.values[o]!])),
        gridLow: Number(a.values[axis]),
        gridHigh: Number(b.values[axis]),
        lowClass: a.recoveryClass,
        highClass,
        low,
        high,
        runs,
      });
    }
  }
  return out;
}

export function boundaryCsv(spec: SweepSpec, axis: string, rows: readonly BoundaryRow[]): string {
  const others = spec.axes.map((a) => a.path).filter((p) => p !== axis);
  return stringify(
    rows.map((r) => [
      ...others.map((o) => String(r.at[o])),
      axis,
      r.gridLow,
      r.lowClass,
      r.gridHigh,
      r.highClass,
      r.low,
      r.high,
      r.runs,
    ]),
    {
      header: true,
      columns: [...others, 'axis', 'gridLow', 'lowClass', 'gridHigh', 'highClass', 'low', 'high', 'runs'],
    },
  );
}
