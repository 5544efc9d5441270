/**
 * The four knobs of the outage as notebook parameters, turned into one overrides object. Scenario
 * overrides apply after the scenario's own (run-scenario.ts), so a knob left at its default is left out:
 * passing `concurrencyLimit: 'unbounded'` to `fix-bounded-concurrency` would undo the fix.
 */
import { defaultParams, getPath } from '../model/params.js';
import { applyOverrides, type Overrides } from '../model/resolve-params.js';

export interface Knobs {
  /** Mean URIs in one big batch of the new client. */
  readonly batchSize: number;
  /** The handler's errgroup limit, or 'unbounded'. */
  readonly concurrencyLimit: number | 'unbounded';
  /** Idle memcached connections kept per server. */
  readonly poolSize: number;
  /** Error log lines per second, or 'unlimited'. */
  readonly logRate: number | 'unlimited';
}

/** The knobs' defaults (those of `outage-lab params`). */
export function defaultKnobs(): Knobs {
  const p = defaultParams();
  return {
    batchSize: p.batchSize,
    concurrencyLimit: p.concurrencyLimit as Knobs['concurrencyLimit'],
    poolSize: p.poolSize,
    logRate: p.logRate as Knobs['logRate'],
  };
}

/**
 * The overrides for the knobs that differ from their defaults, plus any other parameters by dotted path
 * (`{ 'kernel.timeWaitSec': 30 }`; `listParamSpecs()` lists them). Validated now, so a bad value fails at
 * the parameters cell with the field's name, not deep inside a run.
 * @example knobOverrides({ ...defaultKnobs(), batchSize: 2000 }) // { batchSize: 2000 }
 */
export function knobOverrides(knobs: Knobs, extra: Overrides = {}): Overrides {
  const defaults = defaultParams();
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(knobs)) {
    if (getPath(defaults, key) !== value) out[key] = value;
  }
  Object.assign(out, extra);
  applyOverrides(defaults, out);
  return out;
}
