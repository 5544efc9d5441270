import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { InputError } from '../../lib/model/resolve-params.js';
import { loadSweepSpec, parseSweepSpec } from '../../lib/sweep/spec.js';

const BAD = join(import.meta.dirname, '../fixtures/bad-sweeps');

describe('parseSweepSpec', () => {
  it('expands ranges: linear, log, rounded to integers for integer parameters', () => {
    const spec = parseSweepSpec({
      scenario: 'outage',
      axes: {
        poolSize: { from: 100, to: 10_000, steps: 3, scale: 'log' },
        batchSize: { from: 1000, to: 2000, steps: 3 },
        'memcached.hitRatio': { from: 0.9, to: 0.99, steps: 4 },
      },
    });
    expect(spec.axes.map((a) => a.path)).toEqual(['batchSize', 'poolSize', 'memcached.hitRatio']);
    expect(spec.axes[0]!.values).toEqual([1000, 1500, 2000]);
    expect(spec.axes[1]!.values).toEqual([100, 1000, 10_000]);
    expect(spec.axes[2]!.values).toEqual([0.9, 0.93, 0.96, 0.99]);
  });

  it('defaults: the fast engine, the scenario duration, one replicate, seed 1', () => {
    const spec = parseSweepSpec({ scenario: 'outage', axes: { batchSize: [1000] } });
    expect(spec).toMatchObject({ engine: 'fast', durationSec: 900, replicates: 1, seed: 1, name: 'sweep' });
  });

  it('hashes content: the same spec in another key order hashes the same; any change changes it', () => {
    const a = parseSweepSpec({ scenario: 'outage', replicates: 2, axes: { batchSize: [1000, 2000] } });
    const b = parseSweepSpec({ axes: { batchSize: [1000, 2000] }, replicates: 2, scenario: 'outage' });
    const c = parseSweepSpec({ scenario: 'outage', replicates: 3, axes: { batchSize: [1000, 2000] } });
    const d = parseSweepSpec({ scenario: 'outage', replicates: 2, axes: { batchSize: [1000, 2001] } });
    expect(a.hash).toBe(b.hash);
    expect(new Set([a.hash, c.hash, d.hash]).size).toBe(3);
  });

  it('accepts an inline scenario object', () => {
    const spec = parseSweepSpec({
      scenario: { base: 'outage', id: 'outage-short-tw', params: { kernel: { timeWaitSec: 30 } } },
      duration: '2h',
      axes: { poolSize: [500, 1000] },
    });
    expect(spec.scenario.id).toBe('outage-short-tw');
    expect(spec.scenario.overrides['kernel.timeWaitSec']).toBe(30);
    expect(spec.durationSec).toBe(7200);
  });

  it('loads the shipped specs', () => {
    for (const name of ['default', 'ci-small']) {
      const spec = loadSweepSpec(join(import.meta.dirname, `../../data/sweeps/${name}.json`));
      expect(spec.name).toBe(name);
    }
    const def = loadSweepSpec(join(import.meta.dirname, '../../data/sweeps/default.json'));
    expect(def.axes.map((a) => a.path)).toEqual(['batchSize', 'concurrencyLimit', 'poolSize', 'logRate']);
    for (const axis of def.axes) expect(axis.values.length).toBeGreaterThanOrEqual(4);
    expect(def.replicates).toBeGreaterThanOrEqual(3);
    expect(def.durationSec).toBe(7200);
  });
});

describe('malformed sweep specs', () => {
  const expected = JSON.parse(readFileSync(join(BAD, 'expected.json'), 'utf8')) as Record<string, string>;
  const files = readdirSync(BAD).filter((f) => f !== 'expected.json');

  it('has a corpus of at least 20 cases, each with its expected message', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s: InputError naming the field', (file, fragment) => {
    expect(() => loadSweepSpec(join(BAD, file))).toThrow(InputError);
    expect(() => loadSweepSpec(join(BAD, file))).toThrow(fragment);
  });

  describe('through the CLI: exit 2, one message, nothing written', () => {
    let stderr = '';
    afterEach(() => {
      vi.restoreAllMocks();
      stderr = '';
    });
    it.each(files)('%s', async (file) => {
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
        stderr += String(chunk);
        return true;
      });
      const out = join(mkdtempSync(join(tmpdir(), 'bad-sweep-')), 'out');
      const code = await main(['sweep', '--config', join(BAD, file), '--out', out, '--quiet']);
      expect(code).toBe(2);
      expect(stderr).toContain(expected[file]!);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  });
});
