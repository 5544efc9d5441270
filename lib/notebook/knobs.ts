/**
 * The four knobs of the outage as notebook parameters, turned into one overrides object. Scenario
 * overrides apply after the scenario's own (run-scenario.ts), so a knob left unset (`null`, the notebooks'
 * default) is left out and each scenario keeps its own setting: passing `concurrencyLimit: 'unbounded'`
 * to `fix-bounded-concurrency` would undo the fix. A value that is given is always an override, even one
 * equal to today's default: the notebooks never copy the model's defaults, so a changed default cannot
 * turn a notebook's literal into an override.
 */
import { defaultParams } from '../model/params.js';
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

/** The knobs as a notebook's parameters: each a value, or null (or absent) for the model's default. */
export type KnobParams = { readonly [K in keyof Knobs]?: Knobs[K] | null };

const KNOB_NAMES = ['batchSize', 'concurrencyLimit', 'poolSize', 'logRate'] as const;

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

/** The knobs' values: those given, and the model's default for each one left null. */
export function knobValues(knobs: KnobParams): Knobs {
  const out: Record<string, unknown> = { ...defaultKnobs() };
  for (const name of KNOB_NAMES)
    if (knobs[name] !== null && knobs[name] !== undefined) out[name] = knobs[name];
  return out as unknown as Knobs;
}

/**
 * The overrides for the knobs given (not null), plus any other parameters by dotted path
 * (`{ 'kernel.timeWaitSec': 30 }`; `listParamSpecs()` lists them). Validated now, so a bad value fails at
 * the parameters cell with the field's name, not deep inside a run.
 * @example knobOverrides({ batchSize: 2000, poolSize: null }) // { batchSize: 2000 }
 */
export function knobOverrides(knobs: KnobParams, extra: Overrides = {}): Overrides {
  const out: Record<string, unknown> = {};
  for (const name of KNOB_NAMES)
    if (knobs[name] !== null && knobs[name] !== undefined) out[name] = knobs[name];
  Object.assign(out, extra);
  applyOverrides(defaultParams(), out);
  return out;
}
