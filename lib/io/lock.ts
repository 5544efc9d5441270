/**
 * One writer per directory: a lock file holding the owner's pid, host and start time. The owner is
 * written to a temporary file first, which is then hard-linked to the lock's name (`link` fails if the
 * name exists): the lock appears whole, never empty, so a reader always sees who holds it. A lock whose
 * owner is gone (same host, no such pid) is stale and taken over; a live owner or one on another host
 * (whose pids this host cannot check) is refused, naming the lock file. The lock is removed by
 * `release()` and, on SIGINT or SIGTERM, by the cleanup handler.
 *
 * Taking over is done under a second lock, `.lock.takeover` (made the same way): its holder reads the
 * lock again and removes it only if it still names the stale owner. Nothing else removes a lock but its
 * owner, so a live lock is never removed by another process.
 */
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { tempPathFor } from './atomic-write.js';
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
    const created = createWhole(path, owner);
    if (created !== 'exists') {
      if (created !== 'created') {
        throw new InputError(`${where}: cannot create the lock file ${path} (${created})`, field);
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
    const holder = readOwner(path);
    if (holder === 'gone') continue;
    if (holder !== 'unreadable' && holder.host === owner.host && !isAlive(holder.pid)) {
      takeOver(path, holder, where, field);
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
  throw new InputError(`${where}: could not take the lock ${path} (other writers keep taking it)`, field);
}

/**
 * Create `path` holding `owner`, whole or not at all: write a temporary file, link it to `path`, remove
 * the temporary name. On success `path` is registered for removal on a signal. Returns 'exists' when
 * `path` already exists, or the error code when it cannot be created.
 */
function createWhole(path: string, owner: LockOwner): 'created' | 'exists' | string {
  const tmp = tempPathFor(path);
  removeOnSignal(tmp);
  try {
    writeFileSync(tmp, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
  } catch (e) {
    rmSync(tmp, { force: true });
    releaseOnSignal(tmp);
    return (e as NodeJS.ErrnoException).code ?? 'error';
  }
  try {
    // Registered before it exists, so that a signal right after the link leaves no lock behind.
    removeOnSignal(path);
    linkSync(tmp, path);
    return 'created';
  } catch (e) {
    releaseOnSignal(path);
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EEXIST' ? 'exists' : (code ?? 'error');
  } finally {
    rmSync(tmp, { force: true });
    releaseOnSignal(tmp);
  }
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

const sameOwner = (a: LockOwner, b: LockOwner): boolean =>
  a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

/** A takeover lock older than this was left by a process killed while taking over (it takes microseconds). */
const TAKEOVER_GRACE_MS = 5000;

/**
 * Remove the stale lock at `path`, under the takeover lock: only its holder may remove a lock it does not
 * own, and only after reading it again and finding the same stale owner. A lock created meanwhile by a
 * live process (after another takeover) is left alone. A takeover lock is never removed by anyone but its
 * holder: one left by a killed process is reported, naming it, after a grace period.
 */
function takeOver(path: string, stale: LockOwner, where: string, field: string | undefined): void {
  const guard = `${path}.takeover`;
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const created = createWhole(guard, me);
  if (created === 'exists') {
    // Another process is taking over: the next attempt finds its lock, or none.
    let ageMs = 0;
    try {
      ageMs = Date.now() - statSync(guard).mtimeMs;
    } catch {
      return;
    }
    if (ageMs > TAKEOVER_GRACE_MS) {
      throw new InputError(
        `${where}: ${guard} is ${Math.round(ageMs / 1000)} s old (left by a process killed while taking over the stale lock ${path}); if no other sweep or merge uses this directory, remove it`,
        field,
      );
    }
    return;
  }
  if (created !== 'created') return;
  try {
    const now = readOwner(path);
    if (now !== 'gone' && now !== 'unreadable' && sameOwner(now, stale)) rmSync(path, { force: true });
  } finally {
    rmSync(guard, { force: true });
    releaseOnSignal(guard);
  }
}
