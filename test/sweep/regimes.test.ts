import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/model/resolve-params.js';
import { majorityClass } from '../../lib/sweep/regimes.js';
import { runSweep } from '../../lib/sweep/runner.js';
import { parseSweepSpec } from '../../lib/sweep/spec.js';

describe('majorityClass', () => {
  it('takes the most frequent class; a tie goes to the more severe', () => {
    expect(majorityClass(['stable', 'stable', 'vulnerable'])).toBe('stable');
    expect(majorityClass(['stable', 'vulnerable'])).toBe('vulnerable');
    expect(majorityClass(['metastable', 'recovers-by-restart'])).toBe('metastable');
  });
});

describe('a sweep with the recovery analysis', () => {
  it('needs the trigger to stop', () => {
    expect(() =>
      parseSweepSpec({ scenario: 'outage', analysis: ['recovery'], axes: { batchSize: [1000, 2000] } }),
    ).toThrow(InputError);
    expect(() =>
      parseSweepSpec({ scenario: 'outage', analysis: ['recovery'], axes: { batchSize: [1000, 2000] } }),
    ).toThrow('analysis: "recovery" needs the trigger to stop');
    expect(() =>
      parseSweepSpec({
        scenario: 'outage',
        params: { 'workload.triggerStopSec': 600 },
        refine: { axis: 'concurrencyLimit', steps: 2 },
        analysis: ['recovery'],
        axes: { batchSize: [1000, 2000], concurrencyLimit: ['unbounded', 50] },
      }),
    ).toThrow('refine.axis: expected a numeric axis');
  });

  it('classifies each run, writes regimes.csv, and bisects boundaries between grid values', async () => {
    // The tiny scenario with a pool large enough for its normal traffic (the default 20 is not: it fails
    // before the trigger, 'unstable'): batches of 20 URIs never exhaust its 200 ports, batches of 400 do.
    const spec = parseSweepSpec({
      name: 'tiny-regimes',
      scenario: 'tiny-exhaustion',
      duration: '90s',
      replicates: 1,
      analysis: ['recovery'],
      refine: { axis: 'batchSize', steps: 3 },
      params: { 'workload.triggerStopSec': 40, poolSize: 100 },
      axes: { batchSize: [20, 400] },
    });
    const dir = mkdtempSync(join(tmpdir(), 'regimes-'));
    await runSweep({ spec, outDir: dir, workers: 0 });
    const results = readFileSync(join(dir, 'results.csv'), 'utf8').trim().split('\n');
    expect(results[0]).toContain(
      ',recoveryClass,badSecondsAfterStop,restartsAfterStop,sustainingLoops,error',
    );
    const regimes = readFileSync(join(dir, 'regimes.csv'), 'utf8').trim().split('\n');
    expect(regimes[0]).toBe(
      'point,batchSize,recoveryClass,stable,vulnerable,recovers-by-restart,metastable,unstable,sustainingLoops',
    );
    expect(regimes[1]).toMatch(/^0,20,stable,1,0,0,0,0,/);
    expect(regimes[2]).toMatch(/^1,400,(vulnerable|recovers-by-restart|metastable),/);
    const boundary = readFileSync(join(dir, 'boundary.csv'), 'utf8').trim().split('\n');
    expect(boundary[0]).toBe('axis,gridLow,lowClass,gridHigh,highClass,low,high,runs');
    const [, gridLow, lowClass, gridHigh, , low, high, runs] = boundary[1]!.split(',');
    expect([gridLow, lowClass, gridHigh, runs]).toEqual(['20', 'stable', '400', '3']);
    // Three halvings of (20, 400]: the boundary is pinned to an interval of at most 48 URIs inside it.
    expect(Number(low)).toBeGreaterThanOrEqual(20);
    expect(Number(high)).toBeLessThanOrEqual(400);
    expect(Number(high) - Number(low)).toBeLessThanOrEqual(48);
  });
});
