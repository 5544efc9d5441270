/**
 * The slice of a sweep's summary a notebook shows: the rows at the knobs that are given, all of them for
 * the knobs left null. A knob given a value that is not on its axis is an error naming the knob and the
 * axis's values (an empty table would look like a sweep with no results).
 */
import { InputError } from '../errors.js';
import type { SweepAxis } from '../sweep/spec.js';
import type { KnobParams } from './knobs.js';

const KNOB_NAMES = ['batchSize', 'concurrencyLimit', 'poolSize', 'logRate'] as const;

export function sweepSlice<Row extends Record<string, unknown>>(
  rows: readonly Row[],
  axes: readonly SweepAxis[],
  knobs: KnobParams,
): Row[] {
  const fixed: Array<[string, string]> = [];
  for (const name of KNOB_NAMES) {
    const value = knobs[name];
    if (value === null || value === undefined) continue;
    const axis = axes.find((a) => a.path === name);
    const values = axis ? axis.values.map(String) : [];
    if (!values.includes(String(value))) {
      throw new InputError(
        axis
          ? `${name}: expected one of the sweep's values ${values.join(', ')} (or null for all), got ${JSON.stringify(value)}`
          : `${name}: not an axis of this sweep; leave it null`,
        name,
      );
    }
    fixed.push([name, String(value)]);
  }
  return rows.filter((r) => fixed.every(([name, value]) => String(r[name]) === value));
}
