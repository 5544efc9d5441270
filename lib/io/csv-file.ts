/**
 * CSV input files (RFC 4180, csv-parse) as a header and string rows, with the checks every reader needs:
 * the file can be read and parses, the header is non-empty with distinct names, and every row has one
 * cell per column. What the cells mean is for the caller to check (sweep/results.ts for results.csv).
 */
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';
import { inputName, readTextFile } from './read-text.js';

export interface CsvTable {
  readonly columns: string[];
  readonly rows: string[][];
}

export function readCsvFile(path: string, field?: string): CsvTable {
  const where = inputName(path, field);
  const text = readTextFile(path, field);
  return parseCsv(text, where, field);
}

/** Parse CSV text; `where` prefixes messages (a file name). */
export function parseCsv(text: string, where: string, field?: string): CsvTable {
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: false, bom: false }) as string[][];
  } catch (e) {
    throw new InputError(`${where}: not a valid CSV file (${(e as Error).message})`, field);
  }
  const [columns, ...rows] = records;
  if (!columns || columns.length === 0 || columns.every((c) => c === '')) {
    throw new InputError(`${where}: empty file; expected a header line`, field);
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new InputError(`${where}: column "${c}" appears twice in the header`, field);
    seen.add(c);
  }
  return { columns, rows };
}
