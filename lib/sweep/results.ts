/**
 * `results.csv`: one row per run (point x replicate), in grid order. Columns: point, replicate, the four
 * axes (the value used, swept or not), any extra axes, the `run --json` fields, and error (empty when the
 * run succeeded). Cells are written from strings only, so that parsing and writing again (merge) gives the
 * same bytes.
 */
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../errors.js';
import { readCsvFile } from '../io/csv-file.js';
import { checkValue, describeExpected, parseText } from '../model/param-spec.js';
import { getPath, type Params, specAt } from '../model/params.js';
import { ENGINES, resolveRunParams, SUMMARY_FIELDS } from '../run/run-scenario.js';
import { findScenario } from '../scenario/scenarios.js';
import { ANALYSIS_COLUMNS, type RunOutcome } from './run-one.js';
import { type Shard, shardRuns } from './shard.js';
import { SCENARIO_AXIS, SWEEP_AXES, type SweepSpec } from './spec.js';

export type CsvRow = readonly string[];

export function resultColumns(spec: SweepSpec): string[] {
  // A scenario axis needs no column of its own: the `scenario` field of the summary names it.
  const extra = spec.axes
    .map((a) => a.path)
    .filter((p) => !(SWEEP_AXES as readonly string[]).includes(p) && p !== SCENARIO_AXIS);
  const analysis = spec.analysis.flatMap((a) => ANALYSIS_COLUMNS[a]);
  return ['point', 'replicate', ...SWEEP_AXES, ...extra, ...SUMMARY_FIELDS, ...analysis, 'error'];
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

const paramsBySpec = new WeakMap<SweepSpec, Map<string, Params>>();
/** The parameters a point starts from: its scenario (the spec's, or the scenario axis's) + fixed params. */
function baseParams(spec: SweepSpec, scenarioId: string | undefined): Params {
  let bySpec = paramsBySpec.get(spec);
  if (!bySpec) {
    bySpec = new Map();
    paramsBySpec.set(spec, bySpec);
  }
  const key = scenarioId ?? spec.scenario.id;
  const cached = bySpec.get(key);
  if (cached) return cached;
  const scenario = scenarioId === undefined ? spec.scenario : findScenario(scenarioId)!;
  const params = resolveRunParams(scenario, spec.params);
  bySpec.set(key, params);
  return params;
}

/** The row of one outcome, in `resultColumns` order. */
export function resultRow(spec: SweepSpec, outcome: RunOutcome): CsvRow {
  const scenarioId = outcome.values[SCENARIO_AXIS];
  const params = baseParams(spec, scenarioId === undefined ? undefined : String(scenarioId));
  const identity: Record<string, unknown> = {
    scenario: scenarioId ?? spec.scenario.id,
    engine: spec.engine,
    seed: outcome.seed,
    durationSec: spec.durationSec,
  };
  return resultColumns(spec).map((column) => {
    if (column === 'point') return cell(outcome.point);
    if (column === 'replicate') return cell(outcome.replicate);
    if (column === 'error') return cell(outcome.error);
    if (outcome.extra && column in outcome.extra) return cell(outcome.extra[column]);
    if (column in outcome.values) return cell(outcome.values[column]);
    if ((SWEEP_AXES as readonly string[]).includes(column)) return cell(getPath(params, column));
    if (outcome.summary) return cell(outcome.summary[column as keyof typeof outcome.summary]);
    if (column in identity) return cell(identity[column]);
    return '';
  });
}

export function resultsCsv(columns: readonly string[], rows: readonly CsvRow[]): string {
  return stringify([columns as string[], ...(rows as string[][])]);
}

/** What a results.csv must hold: every run of one shard of a grid of `points` x `replicates`, once. */
export interface ResultsExpectation {
  readonly points: number;
  readonly replicates: number;
  readonly shard: Shard;
}

/**
 * Read a results.csv as header + string rows, checked: the header (point, replicate, ..., the run
 * summary's fields, ..., error), every cell of the type of its column, and (point, replicate) keys unique.
 * With `expect`, also that the keys are exactly the runs of that shard (none missing, none extra).
 * `field` names the input the file came from (e.g. `sweep`), for messages.
 */
export function readResultsCsv(
  path: string,
  expect?: ResultsExpectation,
  field?: string,
): { columns: string[]; rows: string[][] } {
  const table = readCsvFile(path, field);
  checkResults(field === undefined ? path : `${field} ${path}`, table, expect, field);
  return table;
}

const NON_NEGATIVE_INT = /^(0|[1-9]\d*)$/;
const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

type CellCheck = (text: string) => string | null;

const numberOrEmpty: CellCheck = (t) =>
  t === '' || (NUMBER.test(t) && Number.isFinite(Number(t))) ? null : 'expected a number or empty';

/** The check of each column's cells, by column name. */
function cellCheck(column: string): CellCheck {
  if (column === 'point' || column === 'replicate' || column === 'seed') {
    return (t) => (NON_NEGATIVE_INT.test(t) ? null : 'expected a non-negative integer');
  }
  // A scenario id: a named one, or the id of an inline scenario (any non-empty text).
  if (column === 'scenario') return (t) => (t !== '' ? null : 'expected a scenario id');
  if (column === 'engine') {
    return (t) =>
      (ENGINES as readonly string[]).includes(t) ? null : `expected one of ${ENGINES.join(', ')}`;
  }
  if (column === 'durationSec') {
    return (t) => (NUMBER.test(t) && Number(t) > 0 ? null : 'expected a positive number');
  }
  if (column === 'error' || column === 'recoveryClass' || column === 'sustainingLoops') return () => null;
  if ((SUMMARY_FIELDS as readonly string[]).includes(column) || column.endsWith('AfterStop')) {
    return numberOrEmpty;
  }
  const spec = specAt(column);
  if (spec)
    return (t) => (checkValue(spec, parseText(spec, t)) ? `expected ${describeExpected(spec)}` : null);
  return () => null;
}

/** The checks of readResultsCsv on a parsed table; `where` prefixes messages. */
export function checkResults(
  where: string,
  table: { readonly columns: readonly string[]; readonly rows: readonly CsvRow[] },
  expect?: ResultsExpectation,
  field?: string,
): void {
  const fail = (message: string): never => {
    throw new InputError(`${where}: ${message}`, field);
  };
  const { columns, rows } = table;
  if (columns[0] !== 'point' || columns[1] !== 'replicate' || columns.at(-1) !== 'error') {
    fail('expected a sweep results.csv (header point,replicate,...,error)');
  }
  const first = columns.indexOf(SUMMARY_FIELDS[0]);
  if (first < 2 || SUMMARY_FIELDS.some((f, i) => columns[first + i] !== f)) {
    fail(`expected the run summary's columns in order (${SUMMARY_FIELDS.join(', ')})`);
  }
  const checks = columns.map(cellCheck);
  const seen = new Map<string, number>();
  const runs = new Set<number>();
  rows.forEach((row, r) => {
    const line = r + 2;
    columns.forEach((column, c) => {
      const problem = checks[c]!(row[c]!);
      if (problem) fail(`line ${line}: ${column}: ${problem}, got ${JSON.stringify(row[c])}`);
    });
    const key = `point ${row[0]}, replicate ${row[1]}`;
    const before = seen.get(key);
    if (before !== undefined) fail(`lines ${before} and ${line} are both ${key}`);
    seen.set(key, line);
    if (expect) {
      const point = Number(row[0]);
      const replicate = Number(row[1]);
      if (point >= expect.points || replicate >= expect.replicates) {
        fail(
          `line ${line}: ${key} is outside the grid (${expect.points} points x ${expect.replicates} replicates)`,
        );
      }
      runs.add(point * expect.replicates + replicate);
    }
  });
  if (!expect) return;
  const wanted = shardRuns(expect.points * expect.replicates, expect.shard);
  const extra = [...runs].filter((j) => j % expect.shard.count !== expect.shard.index);
  if (extra.length > 0) {
    const j = extra[0]!;
    fail(
      `point ${Math.floor(j / expect.replicates)}, replicate ${j % expect.replicates} is not a run of shard ${expect.shard.index}/${expect.shard.count}`,
    );
  }
  const missing = wanted.filter((j) => !runs.has(j));
  if (missing.length > 0) {
    const show = missing
      .slice(0, 3)
      .map((j) => `point ${Math.floor(j / expect.replicates)} replicate ${j % expect.replicates}`);
    fail(
      `${missing.length} of ${wanted.length} runs missing (${show.join('; ')}${missing.length > 3 ? '; ...' : ''})`,
    );
  }
}
