/**
 * Sweep specs: which scenario, which engine, how long, how many replicates, and the axes to cross.
 *
 * ```json
 * {
 *   "name": "default", "scenario": "outage", "engine": "fast", "duration": "2h", "replicates": 3,
 *   "axes": {
 *     "batchSize": [1000, 5000, 10000, 17500],
 *     "concurrencyLimit": ["unbounded", 5000, 500, 50],
 *     "poolSize": { "from": 100, "to": 10000, "steps": 5, "scale": "log" },
 *     "logRate": ["unlimited", 1000]
 *   },
 *   "params": { "workload.triggerStopSec": 3600 }
 * }
 * ```
 * An axis is a list of values or a range (`from`, `to`, `steps`, `scale` linear|log; integer parameters
 * are rounded). The four named axes keep their names; any other parameter path is an extra axis. Every
 * value is checked against its parameter's spec before anything runs; errors name the field.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { checkJsonTree, readJsonFile } from '../io/json-file.js';
import { checkValue, type ParamSpec } from '../model/param-spec.js';
import { specAt } from '../model/params.js';
import type { Overrides } from '../model/resolve-params.js';
import { ENGINE, ENGINES, type EngineId, resolveRunParams } from '../run/run-scenario.js';
import { parseDuration } from '../scenario/duration.js';
import { scenarioFromJson } from '../scenario/scenario-file.js';
import { findScenario, SCENARIOS, type Scenario } from '../scenario/scenarios.js';
import { MODEL_FINGERPRINT, PACKAGE_VERSION } from '../version.js';

/** The four axes of the mission, in the order they appear in every table. */
export const SWEEP_AXES = ['batchSize', 'concurrencyLimit', 'poolSize', 'logRate'] as const;
export type SweepAxisName = (typeof SWEEP_AXES)[number];

/** An axis over named scenarios (e.g. the outage and each fix), with the other axes crossed inside. */
export const SCENARIO_AXIS = 'scenario';

/** At most this many runs (points x replicates) in one spec. */
export const MAX_SWEEP_RUNS = 1_000_000;

const rangeSchema = z
  .object({
    from: z.number(),
    to: z.number(),
    steps: z.int().min(2).max(1000),
    scale: z.enum(['linear', 'log']).default('linear'),
  })
  .strict();

const axisSchema = z.union([z.array(z.union([z.number(), z.string(), z.boolean()])).min(1), rangeSchema]);

const specSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 letters, digits, ".", "_" or "-"')
      .default('sweep'),
    description: z.string().optional(),
    scenario: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
    engine: z.enum(ENGINES as [EngineId, ...EngineId[]]).default(ENGINE.fast),
    duration: z.union([z.string(), z.number().positive()]).optional(),
    replicates: z.int().min(1).max(1000).default(1),
    seed: z
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1),
    commonRandomNumbers: z.boolean().default(false),
    analysis: z.array(z.enum(['recovery'])).default([]),
    refine: z
      .object({ axis: z.string(), steps: z.int().min(1).max(10) })
      .strict()
      .optional(),
    axes: z.record(z.string(), axisSchema),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type SweepSpecInput = z.input<typeof specSchema>;

export interface SweepAxis {
  /** Parameter path: one of SWEEP_AXES or any other path of `outage-lab params`. */
  readonly path: string;
  readonly values: readonly (number | string | boolean)[];
}

/** A validated sweep, ready to expand into runs. */
export interface SweepSpec {
  readonly name: string;
  readonly description: string;
  readonly scenario: Scenario;
  readonly engine: EngineId;
  readonly durationSec: number;
  readonly replicates: number;
  readonly seed: number;
  /**
   * Common random numbers: replicate r of every point runs on the same seed (hash of spec seed and r), so
   * points differ only by their parameters; for comparing scenarios (fixes) with the outage. Otherwise a
   * run's seed also hashes the point's values.
   */
  readonly commonRandomNumbers: boolean;
  /**
   * Per-run analyses added as columns: `recovery` classifies each run after the trigger stops
   * (lib/analysis/recovery.ts); it needs `workload.triggerStopSec`.
   */
  readonly analysis: readonly 'recovery'[];
  /** Locate regime boundaries along one numeric axis by bisection (`steps` halvings), after the grid. */
  readonly refine: { readonly axis: string; readonly steps: number } | null;
  /** `scenario` (if an axis) first, then the named axes (in SWEEP_AXES order), then extra axes in the order given. */
  readonly axes: readonly SweepAxis[];
  /** Fixed overrides applied to every point, before the point's own values. */
  readonly params: Overrides;
  /** Content hash of everything that determines the results (includes the package version). */
  readonly hash: string;
  /** The spec as given (JSON), stored in manifests. */
  readonly source: unknown;
}

/** Read and validate a spec file. Errors name the file and the field. */
export function loadSweepSpec(path: string): SweepSpec {
  return parseSweepSpec(readJsonFile(path, 'config'), path);
}

/** Validate a spec object; `where` prefixes every error message (a file name). */
export function parseSweepSpec(json: unknown, where = 'spec'): SweepSpec {
  checkJsonTree(json, where);
  const parsed = specSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new InputError(`${where}: ${describeIssue(parsed.error.issues[0]!)}`);
  const raw = parsed.data;
  const scenarioAxis = raw.axes['scenario'];
  const firstScenario = Array.isArray(scenarioAxis) ? scenarioAxis[0] : undefined;
  const baseScenario = raw.scenario ?? (typeof firstScenario === 'string' ? firstScenario : undefined);
  if (baseScenario === undefined) {
    throw new InputError(
      `${where}: scenario: missing; expected a string or an object (or a "scenario" axis)`,
    );
  }
  const scenario = resolveSpecScenario(baseScenario, where);
  const durationSec =
    raw.duration === undefined
      ? scenario.durationSec
      : typeof raw.duration === 'number'
        ? raw.duration
        : parseDuration(raw.duration, `${where}: duration`);
  if (durationSec > 30 * 86_400) {
    throw new InputError(`${where}: duration: expected at most 30 d, got ${durationSec} s`);
  }
  const params = checkOverrides(raw.params, `${where}: params`);
  try {
    resolveRunParams(scenario, params);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${where}: params: ${e.message}`);
    throw e;
  }
  const entries = Object.entries(raw.axes);
  if (entries.length === 0) {
    throw new InputError(`${where}: axes: expected at least one axis (e.g. "batchSize": [1000, 17500])`);
  }
  const axes = entries
    .map(([path, axis]) => ({
      path,
      values:
        path === SCENARIO_AXIS
          ? scenarioAxisValues(axis, params, `${where}: axes.scenario`)
          : axisValues(path, axis, `${where}: axes.${path}`),
    }))
    .sort((a, b) => axisRank(a.path) - axisRank(b.path));
  for (const axis of axes) {
    if (axis.path in params) {
      throw new InputError(
        `${where}: axes.${axis.path}: the parameter is also fixed in "params"; keep it in one place`,
      );
    }
  }
  if (raw.analysis.includes('recovery')) {
    const stopAxis = axes.find((a) => a.path === 'workload.triggerStopSec');
    const ids = axes.find((a) => a.path === SCENARIO_AXIS)?.values.map(String) ?? [scenario.id];
    for (const id of ids) {
      const stop = resolveRunParams(findScenario(id) ?? scenario, params).workload.triggerStopSec;
      if (stop === 'never' && !stopAxis) {
        throw new InputError(
          `${where}: analysis: "recovery" needs the trigger to stop: set "workload.triggerStopSec" in params (scenario ${id} never stops it)`,
        );
      }
    }
  }
  if (raw.refine) {
    const axis = axes.find((a) => a.path === raw.refine!.axis);
    if (!axis || axis.path === SCENARIO_AXIS || !axis.values.every((v) => typeof v === 'number')) {
      throw new InputError(
        `${where}: refine.axis: expected a numeric axis of this spec, got "${raw.refine.axis}"`,
      );
    }
    if (!raw.analysis.includes('recovery')) {
      throw new InputError(
        `${where}: refine: needs "analysis": ["recovery"] (it refines the recovery regimes)`,
      );
    }
  }
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  if (points * raw.replicates > MAX_SWEEP_RUNS) {
    throw new InputError(
      `${where}: axes: expected at most ${MAX_SWEEP_RUNS} runs (points x replicates), got ${points} x ${raw.replicates}`,
    );
  }
  const scenarios = axes.find((a) => a.path === SCENARIO_AXIS)?.values.map((id) => findScenario(String(id))!);
  const content = {
    version: PACKAGE_VERSION,
    model: MODEL_FINGERPRINT,
    scenario: { id: scenario.id, overrides: scenario.overrides },
    scenarios: scenarios?.map((s) => ({ id: s.id, overrides: s.overrides })) ?? null,
    commonRandomNumbers: raw.commonRandomNumbers,
    refine: raw.refine ?? null,
    analysis: raw.analysis,
    engine: raw.engine,
    durationSec,
    replicates: raw.replicates,
    seed: raw.seed,
    axes,
    params,
  };
  return {
    name: raw.name,
    description: raw.description ?? '',
    scenario,
    engine: raw.engine,
    durationSec,
    replicates: raw.replicates,
    seed: raw.seed,
    commonRandomNumbers: raw.commonRandomNumbers,
    analysis: raw.analysis,
    refine: raw.refine ?? null,
    axes,
    params,
    hash: createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 16),
    source: json,
  };
}

function resolveSpecScenario(value: string | Record<string, unknown>, where: string): Scenario {
  if (typeof value !== 'string') return scenarioFromJson(value, `${where}: scenario`);
  const named = findScenario(value);
  if (!named) {
    throw new InputError(
      `${where}: scenario: expected a scenario id (${SCENARIOS.map((s) => s.id).join(', ')}) or an inline scenario object, got "${value}"`,
    );
  }
  return named;
}

function checkOverrides(params: Record<string, unknown>, where: string): Overrides {
  for (const [path, value] of Object.entries(params)) {
    const problem = checkValue(paramSpec(path, where), value);
    if (problem) throw new InputError(`${where}.${path}: ${problem}`);
  }
  return params;
}

function paramSpec(path: string, where: string): ParamSpec {
  const spec = specAt(path);
  if (!spec) {
    throw new InputError(`${where}: "${path}" is not a parameter (see \`outage-lab params\` for the list)`);
  }
  return spec;
}

function axisValues(
  path: string,
  axis: z.infer<typeof axisSchema>,
  where: string,
): (number | string | boolean)[] {
  const spec = paramSpec(path, where);
  const values = Array.isArray(axis) ? axis : rangeValues(spec, axis, where);
  values.forEach((value, i) => {
    const problem = checkValue(spec, value);
    if (problem) throw new InputError(`${where}[${i}]: ${problem}`);
  });
  const seen = new Set<string>();
  values.forEach((value, i) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) throw new InputError(`${where}[${i}]: duplicate value ${key}; each value once`);
    seen.add(key);
  });
  return values;
}

function rangeValues(spec: ParamSpec, r: z.infer<typeof rangeSchema>, where: string): number[] {
  if (spec.kind !== 'number') {
    throw new InputError(`${where}: a range needs a numeric parameter; give a list of values instead`);
  }
  if (r.scale === 'log' && !(r.from > 0 && r.to > 0)) {
    throw new InputError(`${where}: a log range needs from > 0 and to > 0, got from ${r.from}, to ${r.to}`);
  }
  const out: number[] = [];
  for (let i = 0; i < r.steps; i++) {
    const f = i / (r.steps - 1);
    const v =
      r.scale === 'log'
        ? Math.exp(Math.log(r.from) + f * (Math.log(r.to) - Math.log(r.from)))
        : r.from + f * (r.to - r.from);
    // Round away floating-point noise (log ranges), and to integers where the parameter is one.
    out.push(spec.integer ? Math.round(v) : Number(v.toPrecision(12)));
  }
  return out;
}

/** A scenario axis: each value a scenario id whose parameters resolve with the spec's fixed params. */
function scenarioAxisValues(axis: z.infer<typeof axisSchema>, params: Overrides, where: string): string[] {
  if (!Array.isArray(axis)) throw new InputError(`${where}: expected a list of scenario ids`);
  const ids = axis.map((value, i) => {
    const found = typeof value === 'string' ? findScenario(value) : undefined;
    if (!found) {
      throw new InputError(
        `${where}[${i}]: expected a scenario id (${SCENARIOS.map((s) => s.id).join(', ')}), got ${JSON.stringify(value)}`,
      );
    }
    try {
      resolveRunParams(found, params);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${where}[${i}]: ${e.message}`);
      throw e;
    }
    return found.id;
  });
  if (new Set(ids).size !== ids.length) throw new InputError(`${where}: each scenario once`);
  return ids;
}

function axisRank(path: string): number {
  if (path === SCENARIO_AXIS) return -1;
  const i = (SWEEP_AXES as readonly string[]).indexOf(path);
  return i >= 0 ? i : SWEEP_AXES.length;
}

/** JSON with object keys sorted: the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** One zod issue as `field: expected ..., got ...`, descending into the branch of a union that fits. */
function describeIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): string {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const rootType = (errs: readonly z.core.$ZodIssue[]): boolean =>
      errs[0]?.code === 'invalid_type' && errs[0].path.length === 0;
    const branch = issue.errors.find((errs) => !rootType(errs));
    if (branch?.[0])
      return describeIssue(branch.find((e) => e.code === 'unrecognized_keys') ?? branch[0], path);
    // No branch fits the input's type: say which types would.
    const types = issue.errors.map((errs) => article((errs[0] as { expected?: string }).expected ?? '?'));
    const input = 'input' in issue ? issue.input : undefined;
    return input === undefined
      ? `${formatPath(path)}missing; expected ${types.join(' or ')}`
      : `${formatPath(path)}expected ${types.join(' or ')}, got ${JSON.stringify(input)}`;
  }
  const field = formatPath(path);
  const got = 'input' in issue ? `, got ${JSON.stringify(issue.input) ?? String(issue.input)}` : '';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${field}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; expected ${knownKeys(path)}`;
    case 'invalid_type':
      return issue.input === undefined
        ? `${field}missing; expected ${article(issue.expected)}`
        : `${field}expected ${article(issue.expected)}${got}`;
    case 'invalid_value':
      return `${field}expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got}`;
    case 'too_small':
      return `${field}expected ${issue.origin === 'array' ? `at least ${issue.minimum} value(s)` : `${issue.inclusive ? '>=' : '>'} ${issue.minimum}`}${got}`;
    case 'too_big':
      return `${field}expected ${issue.origin === 'array' ? `at most ${issue.maximum} value(s)` : `${issue.inclusive ? '<=' : '<'} ${issue.maximum}`}${got}`;
    default:
      return `${field}${issue.message.replace(/^Invalid input: /, '')}${got}`;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return `${out}: `;
}

function knownKeys(path: readonly PropertyKey[]): string {
  const shape = path.length === 0 ? specSchema.shape : path[0] === 'axes' ? rangeSchema.shape : undefined;
  return shape ? `one of ${Object.keys(shape).join(', ')}` : 'no other fields';
}

function article(expected: string): string {
  const words: Record<string, string> = {
    number: 'a number',
    int: 'an integer',
    string: 'a string',
    boolean: 'true or false',
    object: 'an object',
    array: 'a list',
    record: 'an object',
  };
  return words[expected] ?? expected;
}
