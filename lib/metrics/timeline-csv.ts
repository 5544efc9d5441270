/**
 * Timeline rows to CSV (RFC 4180 via csv-stringify), streamed into a temporary file that is renamed into
 * place only when the run succeeds: a failed run leaves no half-written file. The one place where a
 * typed row becomes text: each cell is printed by its column's type (numbers as JavaScript prints them,
 * null as an empty cell).
 */
import { closeSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { tempPathFor } from '../io/atomic-write.js';
import { release, removeOnSignal } from '../io/cleanup.js';
import { type RowOf, type Schema, TIMELINE_SCHEMA, type TimelineRow } from './timeline.js';

/** A row's cells as text, in the schema's column order. */
export function csvCells<S extends Schema>(schema: S, columns: readonly (keyof S & string)[], row: RowOf<S>) {
  return columns.map((c) => (schema[c] as { format(v: unknown): string }).format(row[c]));
}

export function timelineCsv(rows: readonly TimelineRow[]): string {
  const columns = Object.keys(TIMELINE_SCHEMA) as (keyof typeof TIMELINE_SCHEMA)[];
  return stringify(
    rows.map((r) => csvCells(TIMELINE_SCHEMA, columns, r)),
    { header: true, columns },
  );
}

export class TimelineCsvWriter<S extends Schema = typeof TIMELINE_SCHEMA> {
  private readonly tmpPath: string;
  private fd: number;
  private buffered: string[][] = [];
  private wroteHeader = false;
  private readonly columns: readonly (keyof S & string)[];

  constructor(
    readonly path: string,
    private readonly schema: S = TIMELINE_SCHEMA as unknown as S,
  ) {
    this.columns = Object.keys(schema) as (keyof S & string)[];
    // A device or pipe (/dev/stdout, a FIFO) is written directly: there is no file to replace atomically.
    this.direct = isSpecialFile(path);
    this.tmpPath = this.direct ? path : tempPathFor(path);
    // Registered before it exists, so that a signal during the open leaves nothing either.
    if (!this.direct) removeOnSignal(this.tmpPath);
    this.fd = openSync(this.tmpPath, 'w');
  }

  private readonly direct: boolean;

  write(row: RowOf<S>): void {
    this.buffered.push(csvCells(this.schema, this.columns, row));
    if (this.buffered.length >= 1000) this.flush();
  }

  /** Flush, close and move the file into place. */
  commit(): void {
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
    if (!this.direct) {
      renameSync(this.tmpPath, this.path);
      release(this.tmpPath);
    }
  }

  /** Close and delete the temporary file. */
  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    if (!this.direct) {
      rmSync(this.tmpPath, { force: true });
      release(this.tmpPath);
    }
  }

  private flush(): void {
    if (this.buffered.length === 0 && this.wroteHeader) return;
    const text = stringify(this.buffered, { header: !this.wroteHeader, columns: [...this.columns] });
    writeSync(this.fd, text);
    this.wroteHeader = true;
    this.buffered = [];
  }
}

function isSpecialFile(path: string): boolean {
  try {
    return !statSync(path).isFile();
  } catch {
    return false;
  }
}
