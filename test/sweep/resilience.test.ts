/**
 * Sweeps that cannot lose or mix results: each numbered case of the sweep-resilience list reproduced
 * (resume with nothing left, merge into a foreign directory, bad merge inputs, checked run files, two
 * sweeps into one directory, report --sweep inputs, the worker cap), and kill -9 at 5 moments followed by
 * --resume with identical bytes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { lockDir } from '../../lib/io/lock.js';
import { createRng } from '../../lib/random/rng.js';
import { givenSweep } from '../../lib/report/sweeps.js';
import { loadResultsTable } from '../../lib/sweep/aggregate.js';
import { mergeSweeps } from '../../lib/sweep/merge.js';
import { runSweep } from '../../lib/sweep/runner.js';
import { loadSweepSpec, parseSweepSpec } from '../../lib/sweep/spec.js';
import { planWorkers, WORKER_BYTES } from '../../lib/sweep/workers.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/outage-lab.js');
const CI_SMALL = join(ROOT, 'data/sweeps/ci-small.json');
const spec = loadSweepSpec(CI_SMALL);
const made: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'resilience-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
const read = (path: string): string => readFileSync(path, 'utf8');
const results = (dir: string): string => read(join(dir, 'results.csv'));
const manifestOf = (dir: string) => JSON.parse(read(join(dir, 'manifest.json')));
const runFiles = (dir: string): string[] =>
  existsSync(join(dir, 'runs')) ? readdirSync(join(dir, 'runs')).filter((f) => /^\d+\.json$/.test(f)) : [];

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, OUTAGE_LAB_FROM_SOURCE: '1', CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = start(args);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let reference = '';
let refDir = '';
const shardDirs: string[] = [];
beforeAll(async () => {
  refDir = join(tmp(), 'ref');
  await runSweep({ spec, outDir: refDir, workers: 0 });
  reference = results(refDir);
  const base = tmp();
  for (const index of [0, 1]) {
    const dir = join(base, `shard-${index}`);
    await runSweep({ spec, outDir: dir, workers: 0, shard: { index, count: 2 } });
    shardDirs.push(dir);
  }
});

describe('1. --resume with nothing left to do finishes', () => {
  it('on a finished sweep: exit 0, the same results.csv, the manifest still complete', async () => {
    const dir = join(tmp(), 'done');
    cpSync(refDir, dir, { recursive: true });
    const r = await cli(['sweep', '--config', CI_SMALL, '--out', dir, '--resume', '--workers', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('32 runs (0 run now, 32 already done)');
    expect(results(dir)).toBe(reference);
    expect(manifestOf(dir)).toMatchObject({ status: 'complete', completed: 32 });
    expect(() => mergeSweeps([dir], join(tmp(), 'm'))).not.toThrow();
  });

  it('on an empty shard (--shard 40/50 of 32 runs): exit 0, a header-only results.csv, complete', async () => {
    const dir = join(tmp(), 'empty');
    for (const extra of [[], ['--resume']]) {
      const r = await cli(['sweep', '--config', CI_SMALL, '--shard', '40/50', '--out', dir, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      expect(results(dir)).toBe(`${reference.split('\n')[0]}\n`);
      expect(manifestOf(dir)).toMatchObject({ status: 'complete', shardRuns: 0, completed: 0 });
    }
  });
});

describe('2. merge into a directory that holds another sweep', () => {
  it('is refused and leaves that directory as it was', async () => {
    const other = parseSweepSpec({ ...(spec.source as object), name: 'other', replicates: 1 });
    const m = join(tmp(), 'm');
    await runSweep({ spec: other, outDir: m, workers: 0 });
    const before = readdirSync(m).sort();
    const bytes = results(m);
    const runsBefore = runFiles(m);
    expect(() => mergeSweeps(shardDirs, m)).toThrow(/^outDir .*: holds another sweep \("other"/);
    expect(results(m)).toBe(bytes);
    expect(readdirSync(m).sort()).toEqual(before);
    expect(runFiles(m)).toEqual(runsBefore);
    const r = await cli(['merge', ...shardDirs, '--out', m]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --out .*: holds another sweep/);
  });

  it('is refused into a non-empty directory that holds no sweep', () => {
    const m = tmp();
    writeFileSync(join(m, 'notes.txt'), 'mine');
    expect(() => mergeSweeps(shardDirs, m)).toThrow(
      'the directory is not empty and holds no sweep (notes.txt)',
    );
    expect(readdirSync(m)).toEqual(['notes.txt']);
  });

  it('into a directory of the same sweep gives the same bytes', () => {
    const m = join(tmp(), 'm');
    mergeSweeps(shardDirs, m);
    mergeSweeps(shardDirs, m);
    expect(results(m)).toBe(reference);
  });
});

/** A copy of the two shards with shard 0's results.csv rewritten by `edit` (lines, header first). */
function editedShards(edit: (lines: string[]) => string[]): string[] {
  const base = tmp();
  const dirs = shardDirs.map((d, i) => {
    const copy = join(base, `s${i}`);
    cpSync(d, copy, { recursive: true });
    return copy;
  });
  const path = join(dirs[0]!, 'results.csv');
  writeFileSync(path, `${edit(read(path).trimEnd().split('\n')).join('\n')}\n`);
  return dirs;
}

describe('3. merge checks every row of every shard', () => {
  const col = (name: string) => reference.split('\n')[0]!.split(',').indexOf(name);
  const setCell = (line: string, name: string, value: string) => {
    const cells = line.split(',');
    cells[col(name)] = value;
    return cells.join(',');
  };
  it.each([
    [
      'a row copied over another',
      (l: string[]) => [l[0]!, l[1]!, l[1]!, ...l.slice(3)],
      'lines 2 and 3 are both point 0, replicate 0',
    ],
    [
      'a row relabelled',
      (l: string[]) => [l[0]!, setCell(l[1]!, 'point', '1'), ...l.slice(2)],
      'lines 2 and 3 are both point 1, replicate 0',
    ],
    ['a row dropped', (l: string[]) => [l[0]!, ...l.slice(2)], '1 of 16 runs missing (point 0 replicate 0)'],
    [
      'a row of the other shard',
      (l: string[]) => [l[0]!, setCell(l[1]!, 'replicate', '1'), ...l.slice(2)],
      'point 0, replicate 1 is not a run of shard 0/2',
    ],
    [
      'availability=abc',
      (l: string[]) => l.map((x, i) => (i === 0 ? x : setCell(x, 'availability', 'abc'))),
      'line 2: availability: expected a number or empty, got "abc"',
    ],
    [
      'a point outside the grid',
      (l: string[]) => [l[0]!, `99${l[1]!}`, ...l.slice(2)],
      'point 990, replicate 0 is outside the grid',
    ],
    [
      'a non-integer replicate',
      (l: string[]) => [l[0]!, setCell(l[1]!, 'replicate', '0.5'), ...l.slice(2)],
      'replicate: expected a non-negative integer, got "0.5"',
    ],
    [
      'an unknown engine',
      (l: string[]) => [l[0]!, setCell(l[1]!, 'engine', 'turbo'), ...l.slice(2)],
      'engine: expected one of des, fast',
    ],
    [
      'a bad axis value',
      (l: string[]) => [l[0]!, setCell(l[1]!, 'poolSize', '-5'), ...l.slice(2)],
      'poolSize: expected an integer in [0, 1000000], got "-5"',
    ],
    ['a ragged row', (l: string[]) => [l[0]!, `${l[1]!},extra`, ...l.slice(2)], 'not a valid CSV file'],
    [
      'no error column',
      (l: string[]) => l.map((x) => x.replace(/,[^,]*$/, '')),
      'header point,replicate,...,error',
    ],
  ])('refuses %s, naming the file', (_what, edit, message) => {
    const dirs = editedShards(edit);
    const out = join(tmp(), 'm');
    expect(() => mergeSweeps(dirs, out)).toThrow(InputError);
    expect(() => mergeSweeps(dirs, out)).toThrow(`${join(dirs[0]!, 'results.csv')}: `);
    expect(() => mergeSweeps(dirs, out)).toThrow(message);
    expect(existsSync(join(out, 'results.csv'))).toBe(false);
  });
});

describe('4. run files are checked when read', () => {
  async function killedCopy(): Promise<string> {
    const dir = join(tmp(), 'k');
    cpSync(refDir, dir, { recursive: true });
    rmSync(join(dir, 'results.csv'));
    return dir;
  }

  it('an edited value is found (digest), named, and the run done again', async () => {
    const dir = await killedCopy();
    const file = join(dir, 'runs', '0000003.json');
    writeFileSync(file, read(file).replace(/"availability":[0-9.e-]+/, '"availability":0.5'));
    const r = await cli(['sweep', '--config', CI_SMALL, '--out', dir, '--resume', '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${file}: its content does not match its digest`);
    expect(r.stderr).toContain('(1 run now, 31 already done)');
    expect(results(dir)).toBe(reference);
  });

  it('a truncated file is named and done again (no internal error)', async () => {
    const dir = await killedCopy();
    const file = join(dir, 'runs', '0000007.json');
    writeFileSync(file, read(file).slice(0, 40));
    const r = await cli(['sweep', '--config', CI_SMALL, '--out', dir, '--resume', '--workers', '0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${file}: not valid JSON`);
    expect(results(dir)).toBe(reference);
  });

  it('a run file of another sweep (another scenario and duration) is refused, naming it', async () => {
    const other = parseSweepSpec({ ...(spec.source as object), scenario: 'outage', duration: '30s' });
    const otherDir = join(tmp(), 'other');
    await runSweep({ spec: other, outDir: otherDir, workers: 0 });
    const dir = await killedCopy();
    const file = join(dir, 'runs', '0000005.json');
    cpSync(join(otherDir, 'runs', '0000005.json'), file);
    const r = await cli(['sweep', '--config', CI_SMALL, '--out', dir, '--resume']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: ${file}: a run of another sweep (spec hash ${other.hash}, this sweep ${spec.hash}); remove it or use another output directory\n`,
    );
    expect(existsSync(join(dir, 'results.csv'))).toBe(false);
  });

  it('a run file renamed to another run is refused', async () => {
    const dir = await killedCopy();
    cpSync(join(dir, 'runs', '0000001.json'), join(dir, 'runs', '0000002.json'));
    await expect(runSweep({ spec, outDir: dir, workers: 0, resume: true })).rejects.toThrow(
      /0000002\.json: holds run 1 .*not run 2/,
    );
  });
});

describe('5. one sweep per output directory', () => {
  it('a locked directory is refused, naming the pid that holds it', async () => {
    const dir = tmp();
    const lock = lockDir(dir);
    await expect(runSweep({ spec, outDir: dir, workers: 0 })).rejects.toThrow(
      `outDir ${dir}: in use by pid ${process.pid}`,
    );
    lock.release();
  });

  it('of two sweeps started into one --out at the same moment, one runs and the other exits 2', async () => {
    const dir = join(tmp(), 'both');
    const args = ['sweep', '--config', CI_SMALL, '--out', dir, '--workers', '1', '--quiet'];
    const [a, b] = await Promise.all([cli(args), cli(args)]);
    expect([a.code, b.code].sort()).toEqual([0, 2]);
    expect((a.code === 2 ? a : b).stderr).toMatch(
      /error: --out .*: (in use by pid \d+|the directory already holds a sweep)/,
    );
    expect(results(dir)).toBe(reference);
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'results.csv', 'runs', 'summary.csv']);
  });

  it('--out "" is refused (it would write into the current directory)', async () => {
    const r = await cli(['sweep', '--config', CI_SMALL, '--out', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --out: expected a directory path, got ""\n');
    expect(() => mergeSweeps(shardDirs, '')).toThrow('outDir: expected a directory path');
  });
});

describe('7. report --sweep checks the results, not only the manifest', () => {
  const specPath = join(ROOT, 'data/sweeps/default.json');
  const defaultSpec = loadSweepSpec(specPath);
  /** The committed default sweep, relabelled with this model's spec hash, with results.csv edited. */
  function given(edit: (lines: string[]) => string[]): string {
    const dir = join(tmp(), 'given');
    cpSync(join(ROOT, 'data/cache/default'), dir, { recursive: true });
    const m = manifestOf(dir);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...m, specHash: defaultSpec.hash }));
    const lines = results(dir).trimEnd().split('\n');
    writeFileSync(join(dir, 'results.csv'), `${edit(lines).join('\n')}\n`);
    return dir;
  }

  it('accepts the whole grid', () => {
    expect(
      givenSweep(
        defaultSpec,
        specPath,
        given((l) => l),
      ).origin,
    ).toBe('given');
  });

  it('refuses results.csv cut to 49 of 768 rows', async () => {
    const dir = given((l) => l.slice(0, 50));
    const r = await cli(['report', '--sweep', dir, '--out', join(tmp(), 'r.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --sweep ${join(dir, 'results.csv')}: 719 of 768 runs missing`);
  });

  it('refuses availability=abc in every row', async () => {
    const at = reference.split('\n')[0]!.split(',').indexOf('availability');
    const dir = given((l) =>
      l.map((x, i) =>
        i === 0
          ? x
          : x
              .split(',')
              .map((c, j) => (j === at ? 'abc' : c))
              .join(','),
      ),
    );
    const r = await cli(['report', '--sweep', dir, '--out', join(tmp(), 'r.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 2: availability: expected a number or empty, got "abc"');
  });

  it('loadResultsTable checks the rows against the manifest', () => {
    const dir = given((l) => [...l, l[1]!]);
    expect(() => loadResultsTable(dir)).toThrow('lines 2 and 770 are both point 0, replicate 0');
  });
});

describe('9. --workers is capped by the machine', () => {
  it('planWorkers: by cores, by memory, and 0 stays 0', () => {
    const gib = 2 ** 30;
    expect(planWorkers(1000, { cores: 2, memoryBytes: 24 * gib })).toEqual({
      requested: 1000,
      workers: 2,
      cappedBy: 'cores',
    });
    // 1 GiB, half of it for workers: floor(512 MiB / 85 MiB) = 6.
    expect(Math.floor((0.5 * gib) / WORKER_BYTES)).toBe(6);
    expect(planWorkers(64, { cores: 32, memoryBytes: gib })).toEqual({
      requested: 64,
      workers: 6,
      cappedBy: 'memory',
    });
    expect(planWorkers(2, { cores: 8, memoryBytes: gib })).toEqual({
      requested: 2,
      workers: 2,
      cappedBy: null,
    });
    expect(planWorkers(0, { cores: 8, memoryBytes: gib })).toEqual({
      requested: 0,
      workers: 0,
      cappedBy: null,
    });
    expect(planWorkers(5, { cores: 8, memoryBytes: 1 })).toMatchObject({ workers: 1, cappedBy: 'memory' });
  });

  it('--workers 1000 starts at most one thread per core, and the manifest records what ran', async () => {
    const dir = join(tmp(), 'w');
    const r = await cli(['sweep', '--config', CI_SMALL, '--out', dir, '--workers', '1000']);
    expect(r.code, r.stderr).toBe(0);
    const cap = planWorkers(1000).workers;
    expect(r.stderr).toContain(`--workers 1000: starting at most ${cap} (capped by this machine's`);
    expect(manifestOf(dir).timings).toMatchObject({ workers: cap, workersRequested: 1000 });
    expect(results(dir)).toBe(reference);
  });
});

describe('kill -9 at 5 moments, then --resume', () => {
  it('gives the same bytes as an uninterrupted sweep', async () => {
    const dir = join(tmp(), 'killed');
    const rng = createRng(17);
    // Four moments during the runs (after k of 32 run files, k drawn at random), then one after the last.
    const during = new Set<number>();
    while (during.size < 4) during.add(1 + Math.floor(rng.next() * 31));
    const moments = [...during].sort((a, b) => a - b).concat(32);
    expect(moments).toHaveLength(5);
    const landed: Array<{ files: number; status: string }> = [];
    for (const k of moments) {
      const child = start([
        'sweep',
        '--config',
        CI_SMALL,
        '--out',
        dir,
        '--resume',
        '--workers',
        '1',
        '--quiet',
      ]);
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      await waitForRunFiles(dir, k);
      child.kill('SIGKILL');
      const code = await exited;
      expect(code).toBeNull();
      landed.push({ files: runFiles(dir).length, status: manifestOf(dir).status });
    }
    // The last kill came after the last run file and before the sweep finished.
    expect(landed.at(-1)).toEqual({ files: 32, status: 'running' });
    expect(landed.map((l) => l.files).every((n, i, a) => i === 0 || n >= a[i - 1]!)).toBe(true);
    const r = await cli(['sweep', '--config', CI_SMALL, '--out', dir, '--resume', '--workers', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(results(dir)).toBe(reference);
    expect(read(join(dir, 'summary.csv'))).toBe(read(join(refDir, 'summary.csv')));
    expect(manifestOf(dir)).toMatchObject({ status: 'complete', completed: 32 });
    expect(readdirSync(join(dir, 'runs')).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'results.csv', 'runs', 'summary.csv']);
  }, 120_000);
});

/** Resolve as soon as `dir/runs` holds at least `count` run files (inotify, so within milliseconds). */
async function waitForRunFiles(dir: string, count: number): Promise<void> {
  const runs = join(dir, 'runs');
  const deadline = Date.now() + 60_000;
  while (!existsSync(runs)) {
    if (Date.now() > deadline) throw new Error('no runs/ directory');
    await new Promise((r) => setTimeout(r, 5));
  }
  if (runFiles(dir).length >= count) return;
  await new Promise<void>((resolve, reject) => {
    const watcher = watch(runs, () => {
      if (runFiles(dir).length >= count) {
        watcher.close();
        clearTimeout(timer);
        resolve();
      }
    });
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`fewer than ${count} run files after 60 s`));
    }, 60_000);
  });
}

describe('a sweep killed before or while it wrote its files', () => {
  it('starts again in a directory holding only an empty runs/ and a dead writer’s temporary files', async () => {
    const dir = join(tmp(), 'early');
    mkdirSync(join(dir, 'runs'), { recursive: true });
    writeFileSync(join(dir, 'manifest.json.tmp-999999-1'), '{"half');
    writeFileSync(join(dir, 'results.csv.tmp-999999-2'), 'point,');
    await runSweep({ spec, outDir: dir, workers: 0 });
    expect(results(dir)).toBe(reference);
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'results.csv', 'runs', 'summary.csv']);
  });
});

describe('6. a sweep interrupted by SIGINT or SIGTERM', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s removes its lock and temporary files; --resume then finishes',
    async (signal) => {
      const dir = join(tmp(), 'sig');
      const child = start(['sweep', '--config', CI_SMALL, '--out', dir, '--workers', '1', '--quiet']);
      const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, sig) => r(sig)));
      await waitForRunFiles(dir, 4);
      child.kill(signal);
      expect(await exited).toBe(signal);
      const left = [...readdirSync(dir), ...readdirSync(join(dir, 'runs'))];
      expect(left.filter((n) => n.includes('.tmp-') || n === '.lock')).toEqual([]);
      expect(manifestOf(dir).status).toBe('running');
      const r = await cli(['sweep', '--config', CI_SMALL, '--out', dir, '--resume']);
      expect(r.code, r.stderr).toBe(0);
      expect(results(dir)).toBe(reference);
    },
  );
});

describe('checked results of a spec with an inline scenario', () => {
  it('merge accepts the inline scenario id and gives the single-machine bytes', async () => {
    const inline = parseSweepSpec({
      name: 'inline',
      scenario: { id: 'my-tiny', base: 'tiny-exhaustion', params: { poolSize: 10 } },
      duration: '20s',
      axes: { batchSize: [100, 300] },
      replicates: 2,
    });
    const base = tmp();
    await runSweep({ spec: inline, outDir: join(base, 'single'), workers: 0 });
    for (const index of [0, 1]) {
      await runSweep({
        spec: inline,
        outDir: join(base, `s${index}`),
        workers: 0,
        shard: { index, count: 2 },
      });
    }
    mergeSweeps([join(base, 's0'), join(base, 's1')], join(base, 'm'));
    expect(results(join(base, 'm'))).toBe(results(join(base, 'single')));
    expect(results(join(base, 'm'))).toContain(',my-tiny,');
    expect(loadResultsTable(join(base, 'm')).numRows()).toBe(4);
  });
});
