/**
 * One writer per directory: a lock file created with O_EXCL (`wx`), holding the owner's pid, host and
 * start time. A lock whose owner is gone (same host, no such pid) is stale and taken over; a live owner
 * or one on another host (whose pids this host cannot check) is refused, naming the lock file. The lock
 * is removed by `release()` and, on SIGINT or SIGTERM, by the cleanup handler.
 */
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { release as releaseOnSignal, removeOnSignal } from './cleanup.js';

export const LOCK_NAME = '.lock';

/** A lock file that is still empty after this long was left by a writer killed while creating it. */
const EMPTY_LOCK_GRACE_MS = 5000;

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

export interface DirLock {
  readonly path: string;
  /** Remove the lock (once; later calls do nothing). */
  release(): void;
}

/**
 * Lock `dir` (which must exist). `field` names the input the directory was given as (`outDir`), for
 * messages: `outDir /x: in use by pid 123 on host h since ...`.
 */
export function lockDir(dir: string, field?: string): DirLock {
  const path = join(dir, LOCK_NAME);
  const where = field === undefined ? dir : `${field} ${dir}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new InputError(`${where}: cannot create the lock file ${path} (${code ?? 'error'})`, field);
      }
      const holder = readOwner(path);
      if (holder === 'gone') continue;
      if (holder !== 'unreadable' && holder.host === owner.host && !isAlive(holder.pid)) {
        takeOver(path, holder);
        continue;
      }
      if (holder === 'unreadable') {
        throw new InputError(
          `${where}: ${path} exists but names no owner; if no other sweep or merge uses this directory, remove it`,
          field,
        );
      }
      throw new InputError(
        `${where}: in use by pid ${holder.pid} on host ${holder.host} since ${holder.startedAt} (${path}); wait for it, or remove the lock file if that process is gone`,
        field,
      );
    }
    removeOnSignal(path);
    try {
      writeSync(fd, `${JSON.stringify(owner)}\n`);
    } finally {
      closeSync(fd);
    }
    let held = true;
    return {
      path,
      release() {
        if (!held) return;
        held = false;
        rmSync(path, { force: true });
        releaseOnSignal(path);
      },
    };
  }
  throw new InputError(`${where}: could not take the lock ${path} (other writers keep taking it)`, field);
}

function readOwner(path: string): LockOwner | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return 'gone';
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isInteger(o.pid) && typeof o.host === 'string' && typeof o.startedAt === 'string') {
      return o as LockOwner;
    }
  } catch {
    // fall through
  }
  // A writer killed between creating the file and writing its pid leaves it empty: stale after a grace.
  try {
    if (text.trim() === '' && Date.now() - statSync(path).mtimeMs > EMPTY_LOCK_GRACE_MS) {
      return { pid: -1, host: hostname(), startedAt: 'unknown' };
    }
  } catch {
    return 'gone';
  }
  return 'unreadable';
}

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by someone else). */
export function isAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove a stale lock. Renaming it first means only one of several processes that found the same stale
 * lock removes it; if the file renamed is not the stale one (another process took over in between), it is
 * put back.
 */
function takeOver(path: string, stale: LockOwner): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  const moved = readOwner(aside);
  if (moved !== 'gone' && moved !== 'unreadable' && (moved.pid !== stale.pid || moved.host !== stale.host)) {
    // Put it back unless yet another lock was created meanwhile (link fails then: EEXIST).
    try {
      linkSync(aside, path);
    } catch {
      // the next attempt reads whatever lock is there
    }
  }
  rmSync(aside, { force: true });
}
