import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registeredPaths } from '../../lib/io/cleanup.js';
import { isAlive, LOCK_NAME, lockDir } from '../../lib/io/lock.js';

const BASE = mkdtempSync(join(tmpdir(), 'io-test-'));
afterAll(() => rmSync(BASE, { recursive: true, force: true }));

const tmp = () => mkdtempSync(join(BASE, 'lock-'));

/** The pid of a process that has exited (a child that ran `true`). */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  const pid = Number(String(r.stdout).trim());
  expect(isAlive(pid)).toBe(false);
  return pid;
}

describe('lockDir(dir)', () => {
  it('creates .lock with this pid and host, refuses a second lock, and removes it on release', () => {
    const dir = tmp();
    const lock = lockDir(dir, 'outDir');
    const owner = JSON.parse(readFileSync(join(dir, LOCK_NAME), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, host: hostname() });
    expect(registeredPaths()).toContain(join(dir, LOCK_NAME));
    expect(() => lockDir(dir, 'outDir')).toThrow(
      new RegExp(`^outDir ${dir}: in use by pid ${process.pid} on host`),
    );
    lock.release();
    lock.release();
    expect(existsSync(join(dir, LOCK_NAME))).toBe(false);
    expect(registeredPaths()).not.toContain(join(dir, LOCK_NAME));
    lockDir(dir).release();
  });

  it('takes over a stale lock (same host, its pid gone)', () => {
    const dir = tmp();
    const pid = deadPid();
    writeFileSync(join(dir, LOCK_NAME), JSON.stringify({ pid, host: hostname(), startedAt: 'x' }));
    const lock = lockDir(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_NAME), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('refuses a lock held on another host (its pid cannot be checked from here), naming the file', () => {
    const dir = tmp();
    writeFileSync(join(dir, LOCK_NAME), JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: 'x' }));
    expect(() => lockDir(dir)).toThrow(`in use by pid 1 on host elsewhere since x (${join(dir, LOCK_NAME)})`);
  });

  it('refuses a lock file that names no owner, unless it is an empty file older than the grace period', () => {
    const dir = tmp();
    writeFileSync(join(dir, LOCK_NAME), 'garbage');
    expect(() => lockDir(dir)).toThrow('exists but names no owner');
    writeFileSync(join(dir, LOCK_NAME), '');
    expect(() => lockDir(dir)).toThrow('exists but names no owner');
    spawnSync('touch', ['-d', '1 minute ago', join(dir, LOCK_NAME)]);
    lockDir(dir).release();
  });

  it('names the directory when the lock cannot be created', () => {
    expect(() => lockDir('/nonexistent/dir', 'outDir')).toThrow(
      'outDir /nonexistent/dir: cannot create the lock file /nonexistent/dir/.lock (ENOENT)',
    );
  });
});
