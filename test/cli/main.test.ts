import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUMMARY_FIELDS } from '../../lib/run/run-scenario.js';
import { BIN, cli } from '../helpers/cli.js';

describe('outage-lab CLI', () => {
  it('scenarios --json lists baseline and outage', () => {
    const r = cli('scenarios', '--json');
    expect(r.code).toBe(0);
    const ids = (JSON.parse(r.out) as Array<{ id: string }>).map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['baseline', 'outage']));
  });

  it('params --json gives every parameter with value, unit and source', () => {
    const r = cli('params', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Array<{ path: string; value: unknown; unit: string; source: string }>;
    const pool = rows.find((p) => p.path === 'poolSize')!;
    expect(pool).toMatchObject({ value: 1000, unit: 'connections' });
    expect(pool.source).toMatch(/post-mortem/);
  });

  it('run --json prints exactly the contract fields, in order', () => {
    const r = cli('run', '--scenario', 'tiny-exhaustion', '--duration', '20s', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(s)).toEqual([...SUMMARY_FIELDS]);
    expect(s).toMatchObject({ scenario: 'tiny-exhaustion', engine: 'des', seed: 1, durationSec: 20 });
  });

  it('run --timeline writes a CSV with one row per second', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ol-'));
    const file = join(dir, 't.csv');
    const r = cli('run', '--scenario', 'tiny-exhaustion', '--duration', '5s', '--timeline', file, '--quiet');
    expect(r.code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^tSec,utc,processState,reqOk:appview-posts/);
    expect(lines).toHaveLength(6);
    expect(readdirSync(dir)).toEqual(['t.csv']);
  });

  it('report --out "" exits 2 naming --out, and writes nothing (not even beside the current directory)', () => {
    const top = mkdtempSync(join(tmpdir(), 'ol-'));
    const cwd = join(top, 'cwd');
    mkdirSync(cwd);
    const r = spawnSync(process.execPath, [BIN, 'report', '--out', '', '--quiet'], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, OUTAGE_LAB_FROM_SOURCE: '1', OUTAGE_LAB_DEBUG: '' },
    });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe('error: --out: expected an HTML file path, got ""\n');
    expect(readdirSync(top, { recursive: true })).toEqual(['cwd']);
  });

  it.each([
    [
      ['run', '--scenario', 'outage', '--pool-size', '-3'],
      'poolSize: expected an integer in [0, 1000000], got -3',
    ],
    [
      ['run', '--scenario', 'outage', '--concurrency-limit', 'lots'],
      "concurrencyLimit: expected an integer in [1, 1000000] or 'unbounded'",
    ],
    [
      ['run', '--scenario', 'outage', '--log-rate', '-1'],
      "logRate: expected a number in [0, 100000000] or 'unlimited', got -1",
    ],
    [['run', '--scenario', 'outage', '--duration', '2x'], '--duration: expected a positive duration'],
    [['run', '--scenario', 'outage', '--seed', 'abc'], '--seed: expected an integer'],
    [['run', '--scenario', 'outage', '--engine', 'quantum'], '--engine: expected one of des, fast'],
    [
      ['run', '--scenario', 'outage', '--set', 'kernel.timeWaitSec=-1'],
      'kernel.timeWaitSec: expected a number in [0, 600], got -1',
    ],
    [['run', '--scenario', 'outage', '--set', 'bogus=1'], 'bogus: unknown parameter'],
    [['run', '--scenario', 'nope'], '--scenario: expected a scenario id'],
    [['run', '--scenario', '/no/such/file.json'], 'cannot read the file'],
    [['run'], "required option '--scenario"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['calibration', '--seeds', '5-1'], '--seeds: expected a range of at most 100 seeds, low to high'],
    [['calibration', '--seeds', 'a-b'], '--seeds: expected a list like 1-5'],
    [['calibration', '--seed', '1', '--seeds', '1-2'], '--seed and --seeds: give one or the other'],
    [['calibration', '--set', 'appview.balancingPolicy=fastest'], 'appview.balancingPolicy: expected one of'],
  ])('bad input %j exits 2 with a message naming the field, no stack trace', (args, message) => {
    const r = cli(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toBe('');
  });

  it('bad input with --timeline writes no file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ol-'));
    const file = join(dir, 't.csv');
    const r = cli('run', '--scenario', 'outage', '--pool-size', 'x', '--timeline', file);
    expect(r.code).toBe(2);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an unwritable --timeline path exits 2 naming the option', () => {
    const r = cli(
      'run',
      '--scenario',
      'tiny-exhaustion',
      '--duration',
      '2s',
      '--timeline',
      '/no/such/dir/t.csv',
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('--timeline /no/such/dir/t.csv: cannot create the file');
  });

  it('run accepts a scenario file, and reports its errors with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ol-'));
    const good = join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({ id: 'mine', base: 'tiny-exhaustion', duration: '3s', params: { poolSize: 5 } }),
    );
    const ok = cli('run', '--scenario', good, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ scenario: 'mine', durationSec: 3 });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ params: { kernel: { twReuse: 7 } } }));
    const r = cli('run', '--scenario', bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain('kernel.twReuse: expected one of 0, 1, 2, got 7');
  });

  it('--help works on every command', () => {
    for (const cmd of [[], ['run'], ['params'], ['scenarios']]) {
      const r = cli(...cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: outage-lab/);
    }
  });

  it('run --duration shorter than the scenario deploys says which deploys do not happen', () => {
    const r = cli('run', '--scenario', 'as-deployed', '--engine', 'fast', '--duration', '60s', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      'note: --duration 1m ends before 3 deploy(s) of as-deployed (band-aid at 3d21h, set-limit at 5d17h, band-aid-removed at 5d20h)',
    );
  });
});
