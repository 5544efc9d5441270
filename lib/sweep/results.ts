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
import type { RunOutcome } from './run-one.js';
import { SWEEP_AXES, type SweepSpec } from './spec.js';

export type CsvRow = readonly string[];

export function resultColumns(spec: SweepSpec): string[] {
  const extra = spec.axes.map((a) => a.path).filter((p) => !(SWEEP_AXES as readonly string[]).includes(p));
  return ['point', 'replicate', ...SWEEP_AXES, ...extra, ...SUMMARY_FIELDS, 'error'];
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

const paramsBySpec = new WeakMap<SweepSpec, Params>();
function baseParams(spec: SweepSpec): Params {
  const cached = paramsBySpec.get(spec);
  if (cached) return cached;
  const params = resolveRunParams(spec.scenario, spec.params);
  paramsBySpec.set(spec, params);
  return params;
}

/** The row of one outcome, in `resultColumns` order. */
export function resultRow(spec: SweepSpec, outcome: RunOutcome): CsvRow {
  const params = baseParams(spec);
  const identity: Record<string, unknown> = {
    scenario: spec.scenario.id,
    engine: spec.engine,
    seed: outcome.seed,
    durationSec: spec.durationSec,
  };
  return resultColumns(spec).map((column) => {
    if (column === 'point') return cell(outcome.point);
    if (column === 'replicate') return cell(outcome.replicate);
    if (column === 'error') return cell(outcome.error);
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
