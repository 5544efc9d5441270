/**
 * Whole files or none: write to a temporary name in the same directory, then rename over the target
 * (rename is atomic within a file system). The temporary file is removed on failure and on SIGINT or
 * SIGTERM (cleanup.ts), so an interrupted writer leaves neither a half-written target nor litter.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { release, removeOnSignal } from './cleanup.js';

let serial = 0;

/** A temporary name next to `path`, unique within this process: `<path>.tmp-<pid>-<n>`. */
export function tempPathFor(path: string): string {
  serial += 1;
  return `${path}.tmp-${process.pid}-${serial}`;
}

/** True for names made by tempPathFor (a writer's leftovers, safe to remove when that writer is gone). */
export function isTempName(name: string): boolean {
  return /\.tmp-\d+(-\d+)?$/.test(name);
}

/** Write `text` to `path` atomically. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = tempPathFor(path);
  removeOnSignal(tmp);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    release(tmp);
  }
}
