import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('lets one takeover at a time remove a stale lock; a takeover lock left behind is reported, never removed', () => {
    const dir = tmp();
    const lockPath = join(dir, LOCK_NAME);
    const stale = JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: 'x' });
    writeFileSync(lockPath, stale);
    // Another process is taking over right now: this one does not remove the stale lock itself.
    writeFileSync(
      `${lockPath}.takeover`,
      JSON.stringify({ pid: process.pid, host: hostname(), startedAt: 'y' }),
    );
    expect(() => lockDir(dir, 'outDir')).toThrow('other writers keep taking it');
    expect(readFileSync(lockPath, 'utf8')).toBe(stale);
    // Left by a process killed while taking over: named, and left for a person to remove.
    spawnSync('touch', ['-d', '1 minute ago', `${lockPath}.takeover`]);
    expect(() => lockDir(dir, 'outDir')).toThrow(
      `outDir ${dir}: ${lockPath}.takeover is 60 s old (left by a process killed while taking over the stale lock ${lockPath})`,
    );
    expect(readdirSync(dir).sort()).toEqual([LOCK_NAME, `${LOCK_NAME}.takeover`]);
    rmSync(`${lockPath}.takeover`);
    lockDir(dir).release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('four processes racing for one lock, leaving it stale every third time: one holder at a time, never an empty lock', async () => {
    const dir = tmp();
    const script = join(import.meta.dirname, '../fixtures/lock-stress.ts');
    const dead = String(deadPid());
    const runs = Array.from(
      { length: 4 },
      () =>
        new Promise<string>((done, fail) => {
          const child = spawn(process.execPath, ['--import', 'tsx', script, dir, '2000', dead], {
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let out = '';
          child.stdout.on('data', (chunk) => (out += chunk));
          child.on('error', fail);
          child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`exit ${code}`))));
        }),
    );
    const counts = (await Promise.all(runs)).map(
      (out) => JSON.parse(out) as { held: number; noOwner: number; doubleHolder: number; other: number },
    );
    for (const c of counts) expect(c).toMatchObject({ noOwner: 0, doubleHolder: 0, other: 0 });
    expect(counts.reduce((sum, c) => sum + c.held, 0)).toBeGreaterThan(100);
    // No temporary or takeover files left; at most the last (stale) lock.
    expect(readdirSync(dir).filter((name) => name !== LOCK_NAME)).toEqual([]);
  }, 60_000);

  it('names the directory when the lock cannot be created', () => {
    expect(() => lockDir('/nonexistent/dir', 'outDir')).toThrow(
      'outDir /nonexistent/dir: cannot create the lock file /nonexistent/dir/.lock (ENOENT)',
    );
  });
});
