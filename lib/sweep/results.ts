/**
 * `results.csv`: one row per run (point x replicate), in grid order. Columns: point, replicate, the four
 * axes (the value used, swept or not), any extra axes, the `run --json` fields, and error (empty when the
 * run succeeded). Cells are written from strings only, so that parsing and writing again (merge) gives the
 * same bytes.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { getPath, type Params } from '../model/params.js';
import { InputError } from '../model/resolve-params.js';
import { resolveRunParams, SUMMARY_FIELDS } from '../run/run-scenario.js';
import { findScenario } from '../scenario/scenarios.js';
import { ANALYSIS_COLUMNS, type RunOutcome } from './run-one.js';
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

/** Read a results.csv as header + string rows; checks the shape. */
export function readResultsCsv(path: string): { columns: string[]; rows: string[][] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: false }) as string[][];
  } catch (e) {
    throw new InputError(`${path}: not a valid CSV file (${(e as Error).message})`);
  }
  const [columns, ...rows] = records;
  if (columns?.[0] !== 'point' || columns[1] !== 'replicate') {
    throw new InputError(`${path}: expected a sweep results.csv (header starting with point,replicate)`);
  }
  return { columns, rows };
}
