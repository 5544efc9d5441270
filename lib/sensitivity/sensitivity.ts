/**
 * How sure are we: the calibration rerun with each assumption or calibrated parameter that a verdict or a
 * headline number depends on at each end of its stated range, one at a time, on the same seeds. Each
 * case is a full calibration (both week-long fleets); the results say which verdicts turn and how the
 * headline numbers move, per seed, and the share of seeds that pass each check. A tornado chart reads
 * `headlineSwings`.
 *
 * The ranges are the ones the parameters' sources state (lib/model/params.ts); `sensitivityCases` checks
 * each against the parameter's bounds. Cost: about two fleet weeks per case and seed (bench/RESULTS.md).
 */
import { createHash } from 'node:crypto';
import type { WeekObservation } from '../calibration/week.js';
import { InputError } from '../errors.js';
import { defaultAt, specAt } from '../model/params.js';

/** A parameter and the ends of its stated range (low, high), with where the range is stated. */
export interface RangedParameter {
  readonly path: string;
  readonly low: number | string;
  readonly high: number | string;
  /**
   * Numeric parameters that move with this one, each set to its own default times the same ratio (the
   * value over this parameter's default): costs measured together, or a knob that defaults to another.
   */
  readonly linked?: readonly string[];
}

/** The assumptions and calibrated values the verdicts and headline numbers depend on. */
export const SENSITIVITY_PARAMETERS: readonly RangedParameter[] = [
  { path: 'load.mondayFactor', low: 1, high: 1.3 },
  { path: 'load.weekendFactor', low: 0.6, high: 1 },
  { path: 'load.diurnalAmplitude', low: 0, high: 0.4 },
  { path: 'load.peakHourUtc', low: 14, high: 20 },
  { path: 'upstream.retries', low: 0, high: 3 },
  { path: 'appview.newClientRetries', low: 0, high: 3 },
  { path: 'appview.newClientRetryDelaySec', low: 0, high: 30 },
  { path: 'appview.balancingPolicy', low: 'least-outstanding', high: 'random' },
  { path: 'appview.panicThreshold', low: 0, high: 0.5 },
  { path: 'appview.ejectFailShare', low: 0.2, high: 1 },
  { path: 'appview.maxEjectedShare', low: 0, high: 0.5 },
  { path: 'workload.bigBatchFraction', low: 0.1, high: 1 },
  { path: 'process.startupSec', low: 1, high: 30 },
  { path: 'fleet.hostsPerDc', low: 10, high: 100 },
];

export interface SensitivityCase {
  /** 'default', or `${path}=${value}`. */
  readonly id: string;
  readonly path: string | null;
  readonly end: 'low' | 'high' | null;
  readonly overrides: Readonly<Record<string, unknown>>;
}

/** The default case, then each parameter at its low and high end (ends equal to the default are skipped). */
export function sensitivityCases(parameters = SENSITIVITY_PARAMETERS): SensitivityCase[] {
  const out: SensitivityCase[] = [{ id: 'default', path: null, end: null, overrides: {} }];
  for (const p of parameters) {
    const spec = specAt(p.path);
    if (!spec) throw new InputError(`${p.path}: unknown parameter`);
    for (const end of ['low', 'high'] as const) {
      const value = p[end];
      if (spec.kind === 'number' && typeof value === 'number' && (value < spec.min || value > spec.max)) {
        throw new InputError(`${p.path}: the ${end} end ${value} is outside [${spec.min}, ${spec.max}]`);
      }
      if (spec.kind === 'enum' && !spec.values.includes(value)) {
        throw new InputError(`${p.path}: the ${end} end ${value} is not one of ${spec.values.join(', ')}`);
      }
      if (value === defaultAt(p.path)) continue;
      const overrides: Record<string, unknown> = { [p.path]: value };
      for (const other of p.linked ?? []) overrides[other] = linkedValue(p.path, value, other);
      out.push({ id: `${p.path}=${value}`, path: p.path, end, overrides });
    }
  }
  return out;
}

/** `other`'s default times the ratio of `value` to `path`'s default (both numeric parameters). */
function linkedValue(path: string, value: number | string, other: string): number {
  const base = defaultAt(path);
  const otherBase = defaultAt(other);
  const spec = specAt(other);
  if (typeof value !== 'number' || typeof base !== 'number' || base === 0 || typeof otherBase !== 'number') {
    throw new InputError(`${path}: a linked parameter (${other}) needs numbers with a non-zero default`);
  }
  const v = (otherBase * value) / base;
  if (spec?.kind !== 'number' || v < spec.min || v > spec.max) {
    throw new InputError(`${other}: linked to ${path}=${value}, ${v} is outside its bounds`);
  }
  return v;
}

/** The headline numbers of one calibration, from its checks' figures. */
export interface Headline {
  readonly mondayEpisodes: number | null;
  readonly mondaySpanHours: number | null;
  readonly mondaySpanAvailability: number | null;
  readonly medianGapMin: number | null;
}

export function headlineOf(results: readonly WeekObservation[]): Headline {
  const fig = (id: string, key: string) => {
    const v = results.find((o) => o.id === id)?.figures[key];
    return typeof v === 'number' ? v : null;
  };
  return {
    mondayEpisodes: fig('M1', 'episodes'),
    mondaySpanHours: fig('M3', 'spanHours'),
    mondaySpanAvailability: fig('M4', 'spanAvailability'),
    medianGapMin: fig('M2', 'medianGapMin'),
  };
}

export interface CaseResult {
  readonly case: SensitivityCase;
  readonly seed: number;
  readonly verdicts: Readonly<Record<string, boolean>>;
  readonly headline: Headline;
}

export interface SensitivityResult {
  /** Content key: the cases, the seeds and the caller's model key (e.g. the week cache's key). */
  readonly key: string;
  readonly seeds: readonly number[];
  readonly results: readonly CaseResult[];
  /** Per case and check: share of seeds that pass. */
  readonly passShares: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Checks whose verdict (on the majority of seeds) differs from the default case's, per case. */
  readonly turned: Readonly<Record<string, readonly string[]>>;
}

/** The key of a sensitivity run: what it ran on (cases, seeds) and the model it ran (`modelKey`). */
export function sensitivityKey(
  cases: readonly SensitivityCase[],
  seeds: readonly number[],
  modelKey: string,
): string {
  return createHash('sha256')
    .update(JSON.stringify(cases))
    .update('\0')
    .update(JSON.stringify(seeds))
    .update('\0')
    .update(modelKey)
    .digest('hex')
    .slice(0, 16);
}

/**
 * Run every case on every seed with `calibrate` (a calibration: overrides and seed -> its checks, e.g.
 * `evaluateWeek` on `runWeekFleetParallel`'s two weeks), and summarise.
 */
export async function runSensitivity(options: {
  readonly seeds: readonly number[];
  readonly modelKey: string;
  readonly calibrate: (
    overrides: Readonly<Record<string, unknown>>,
    seed: number,
  ) => Promise<readonly WeekObservation[]>;
  readonly cases?: readonly SensitivityCase[];
  readonly onCase?: (done: number, total: number) => void;
}): Promise<SensitivityResult> {
  const cases = options.cases ?? sensitivityCases();
  const results: CaseResult[] = [];
  let done = 0;
  for (const c of cases) {
    for (const seed of options.seeds) {
      const checks = await options.calibrate(c.overrides, seed);
      results.push({
        case: c,
        seed,
        verdicts: Object.fromEntries(checks.map((o) => [o.id, o.verdict === 'reproduced'])),
        headline: headlineOf(checks),
      });
      options.onCase?.(++done, cases.length * options.seeds.length);
    }
  }
  return summarise(sensitivityKey(cases, options.seeds, options.modelKey), options.seeds, results);
}

/** Pass shares per case and the checks that turn against the default case (majority of seeds). */
export function summarise(
  key: string,
  seeds: readonly number[],
  results: readonly CaseResult[],
): SensitivityResult {
  const passShares: Record<string, Record<string, number>> = {};
  for (const r of results) {
    const shares = passShares[r.case.id] ?? {};
    passShares[r.case.id] = shares;
    for (const [id, ok] of Object.entries(r.verdicts))
      shares[id] = (shares[id] ?? 0) + (ok ? 1 : 0) / seeds.length;
  }
  const base = passShares.default ?? {};
  const turned: Record<string, string[]> = {};
  for (const [caseId, shares] of Object.entries(passShares)) {
    if (caseId === 'default') continue;
    turned[caseId] = Object.keys(shares).filter((id) => shares[id]! > 0.5 !== (base[id] ?? 0) > 0.5);
  }
  return { key, seeds, results, passShares, turned };
}

/**
 * For a tornado chart: per parameter, a headline number's mean over seeds at the low and the high end,
 * against the default's, sorted by the width of the swing.
 */
export function headlineSwings(
  result: SensitivityResult,
  metric: keyof Headline,
): Array<{ path: string; low: number | null; high: number | null; base: number | null }> {
  const mean = (caseId: string) => {
    const xs = result.results
      .filter((r) => r.case.id === caseId)
      .map((r) => r.headline[metric])
      .filter((x): x is number => x !== null);
    return xs.length > 0 ? xs.reduce((a, x) => a + x, 0) / xs.length : null;
  };
  const base = mean('default');
  const byPath = new Map<string, { low: number | null; high: number | null }>();
  for (const r of result.results) {
    if (r.case.path === null || r.case.end === null) continue;
    const entry = byPath.get(r.case.path) ?? { low: base, high: base };
    entry[r.case.end] = mean(r.case.id);
    byPath.set(r.case.path, entry);
  }
  const width = (e: { low: number | null; high: number | null }) => Math.abs((e.high ?? 0) - (e.low ?? 0));
  return [...byPath.entries()].map(([path, e]) => ({ path, ...e, base })).sort((a, b) => width(b) - width(a));
}
