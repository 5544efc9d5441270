/**
 * Validation and overriding of parameters. Every error names the field and what was expected, in one
 * format: `poolSize: expected an integer in [0, 1000000], got -3`.
 */
import { InputError } from '../errors.js';
import { checkValue, parseText } from './param-spec.js';
import { deepFreeze, getPath, listParamSpecs, type Params, setPath, specAt } from './params.js';

// InputError lives in lib/errors.ts; re-exported here for the modules that import it from this one.
export { InputError } from '../errors.js';

/** A set of overrides by dotted path: `{ 'kernel.timeWaitSec': 30, poolSize: 2000 }`. */
export type Overrides = Readonly<Record<string, unknown>>;

/** Flatten a nested partial object into dotted-path overrides (leaves are non-object values). */
export function flattenOverrides(nested: unknown, prefix = '', where = 'params'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof nested !== 'object' || nested === null || Array.isArray(nested)) {
    throw new InputError(
      `${prefix ? `${where}.${prefix}` : where}: expected an object of parameters, got ${JSON.stringify(nested)}`,
    );
  }
  for (const [key, value] of Object.entries(nested)) {
    const path = prefix ? `${prefix}.${key}` : key;
    // JSON.parse keeps "__proto__" as an own key, but assigning it would set the prototype instead.
    if (key === '__proto__') {
      throw new InputError(`${where}.${path}: unknown parameter ("__proto__" is not a key)`);
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && !specAt(path)) {
      Object.assign(out, flattenOverrides(value, path, where));
    } else out[path] = value;
  }
  return out;
}

/** Apply overrides on top of `base`, validating each; then check the cross-field rules. */
export function applyOverrides(base: Params, overrides: Overrides): Params {
  const next = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [path, value] of Object.entries(overrides)) {
    const spec = specAt(path);
    if (!spec) throw new InputError(`${path}: unknown parameter (see \`outage-lab params\` for the list)`);
    const problem = checkValue(spec, value);
    if (problem) throw new InputError(`${path}: ${problem}`);
    setPath(next, path, value);
  }
  const params = next as unknown as Params;
  checkCrossFields(params);
  return deepFreeze(params);
}

/**
 * Parse `path=value` texts (the CLI's `--set`) into overrides, values typed by each path's spec. A text
 * without `=` is an error of the field `assignment`.
 */
export function parseAssignments(assignments: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const text of assignments) {
    const eq = text.indexOf('=');
    if (eq <= 0) {
      throw new InputError(
        `assignment ${JSON.stringify(text)}: expected path=value, e.g. kernel.timeWaitSec=30`,
        'assignment',
      );
    }
    const path = text.slice(0, eq).trim();
    const spec = specAt(path);
    if (!spec) throw new InputError(`${path}: unknown parameter (see \`outage-lab params\` for the list)`);
    out[path] = parseText(spec, text.slice(eq + 1));
  }
  return out;
}

/** Validate a complete parameter object (e.g. one read back from a file). */
export function validateParams(params: unknown): Params {
  for (const [path, spec] of listParamSpecs()) {
    const problem = checkValue(spec, getPath(params, path));
    if (problem) throw new InputError(`${path}: ${problem}`);
  }
  checkCrossFields(params as Params);
  return params as Params;
}

function checkCrossFields(p: Params): void {
  if (p.kernel.portRangeHigh < p.kernel.portRangeLow) {
    throw new InputError(
      `kernel.portRangeHigh: expected >= kernel.portRangeLow (${p.kernel.portRangeLow}), got ${p.kernel.portRangeHigh}`,
    );
  }
  if (p.workload.normalBatchMax < p.workload.normalBatchMin) {
    throw new InputError(
      `workload.normalBatchMax: expected >= workload.normalBatchMin (${p.workload.normalBatchMin}), got ${p.workload.normalBatchMax}`,
    );
  }
  const cap = p.workload.maxUrisPerRequest;
  if (cap !== 'unbounded' && cap < p.workload.normalBatchMax) {
    throw new InputError(
      `workload.maxUrisPerRequest: expected 'unbounded' or >= workload.normalBatchMax (${p.workload.normalBatchMax}), got ${cap}`,
    );
  }
  const stop = p.workload.triggerStopSec;
  if (stop !== 'never' && stop < p.workload.triggerStartSec) {
    throw new InputError(
      `workload.triggerStopSec: expected 'never' or >= workload.triggerStartSec (${p.workload.triggerStartSec}), got ${stop}`,
    );
  }
  if (p.runtime.memLimitBytes > 0 && p.runtime.memLimitBytes < p.runtime.baseLiveHeapBytes) {
    throw new InputError(
      `runtime.memLimitBytes: expected >= runtime.baseLiveHeapBytes (${p.runtime.baseLiveHeapBytes}), got ${p.runtime.memLimitBytes}`,
    );
  }
}
