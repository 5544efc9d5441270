import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTempName, tempPathFor, writeFileAtomic } from '../../lib/io/atomic-write.js';
import { registeredPaths } from '../../lib/io/cleanup.js';

const BASE = mkdtempSync(join(tmpdir(), 'io-test-'));
afterAll(() => rmSync(BASE, { recursive: true, force: true }));

const ROOT = join(import.meta.dirname, '../..');

describe('writeFileAtomic(path, text)', () => {
  it('writes the file whole and leaves no temporary file or registration', () => {
    const dir = mkdtempSync(join(BASE, 'atomic-'));
    writeFileAtomic(join(dir, 'a.txt'), 'hello');
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('hello');
    expect(readdirSync(dir)).toEqual(['a.txt']);
    expect(registeredPaths()).toEqual([]);
  });

  it('removes its temporary file when the rename fails', () => {
    const dir = mkdtempSync(join(BASE, 'atomic-'));
    // The target is a non-empty directory: rename fails after the temporary file was written.
    writeFileAtomic(join(dir, 'sub'), 'x');
    expect(() => writeFileAtomic(dir, 'y')).toThrow();
    expect(readdirSync(dir)).toEqual(['sub']);
  });

  it('names temporary files so that they can be recognised', () => {
    expect(isTempName(tempPathFor('/x/results.csv'))).toBe(true);
    expect(isTempName('results.csv')).toBe(false);
  });
});

/** Start `run` or `fleet` with a timeline, signal it once the temporary file exists, list what is left. */
async function interrupt(command: string[], signal: NodeJS.Signals) {
  const dir = mkdtempSync(join(BASE, 'signal-'));
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/outage-lab.js'), ...command, '--timeline', join(dir, 't.csv'), '--quiet'],
    { env: { ...process.env, OUTAGE_LAB_FROM_SOURCE: '1' }, stdio: 'ignore' },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  const deadline = Date.now() + 30_000;
  let seen: string[] = [];
  while (Date.now() < deadline && !seen.some((n) => n.includes('.tmp-'))) {
    await new Promise((r) => setTimeout(r, 20));
    seen = readdirSync(dir);
  }
  // Let the run get going: rows are being written when the signal arrives.
  await new Promise((r) => setTimeout(r, 1500));
  child.kill(signal);
  const result = await exited;
  return { seen, left: readdirSync(dir), ...result };
}

describe('an interrupted timeline', () => {
  it.each([
    [['run', '--scenario', 'outage', '--duration', '2h'], 'SIGINT'],
    [['run', '--scenario', 'outage', '--duration', '2h'], 'SIGTERM'],
    [['fleet', '--scenario', 'outage-week', '--resolution', '1s'], 'SIGINT'],
    [['fleet', '--scenario', 'outage-week', '--resolution', '1s'], 'SIGTERM'],
  ] as const)('%j on %s leaves no temporary file and dies of the signal', async (command, signal) => {
    const r = await interrupt([...command], signal);
    expect(r.seen.some((n) => n.includes('.tmp-'))).toBe(true);
    expect(r.left).toEqual([]);
    expect(r.signal).toBe(signal);
  });
});
