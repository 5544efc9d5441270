/**
 * Timeline rows to CSV (RFC 4180 via csv-stringify), streamed into a temporary file that is renamed into
 * place only when the run succeeds: a failed run leaves no half-written file.
 */
import { closeSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { tempPathFor } from '../io/atomic-write.js';
import { release, removeOnSignal } from '../io/cleanup.js';
import { TIMELINE_COLUMNS, type TimelineRow } from './timeline.js';

export function timelineCsv(rows: readonly TimelineRow[]): string {
  return stringify(rows as TimelineRow[], { header: true, columns: [...TIMELINE_COLUMNS] });
}

export class TimelineCsvWriter<Row extends Record<string, number | string> = TimelineRow> {
  private readonly tmpPath: string;
  private fd: number;
  private buffered: Row[] = [];
  private wroteHeader = false;

  constructor(
    readonly path: string,
    private readonly columns: readonly string[] = TIMELINE_COLUMNS,
  ) {
    // A device or pipe (/dev/stdout, a FIFO) is written directly: there is no file to replace atomically.
    this.direct = isSpecialFile(path);
    this.tmpPath = this.direct ? path : tempPathFor(path);
    // Registered before it exists, so that a signal during the open leaves nothing either.
    if (!this.direct) removeOnSignal(this.tmpPath);
    this.fd = openSync(this.tmpPath, 'w');
  }

  private readonly direct: boolean;

  write(row: Row): void {
    this.buffered.push(row);
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
