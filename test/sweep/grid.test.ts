import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { pointAt, pointCount, runAt, runCount } from '../../lib/sweep/grid.js';
import { parseShard, shardFromEnv, shardRuns } from '../../lib/sweep/shard.js';
import { parseSweepSpec } from '../../lib/sweep/spec.js';

const spec = parseSweepSpec({
  scenario: 'outage',
  replicates: 2,
  axes: { batchSize: [1000, 2000, 3000], poolSize: [100, 200] },
});

describe('grid', () => {
  it('crosses the axes, the last varying fastest, each point replicated', () => {
    expect(pointCount(spec)).toBe(6);
    expect(runCount(spec)).toBe(12);
    expect(pointAt(spec, 0).values).toEqual({ batchSize: 1000, poolSize: 100 });
    expect(pointAt(spec, 1).values).toEqual({ batchSize: 1000, poolSize: 200 });
    expect(pointAt(spec, 5).values).toEqual({ batchSize: 3000, poolSize: 200 });
    expect(runAt(spec, 7)).toMatchObject({
      point: 3,
      replicate: 1,
      values: { batchSize: 2000, poolSize: 200 },
    });
  });

  it('gives every run its own seed, independent of the other values on the axes', () => {
    const seeds = new Set(Array.from({ length: runCount(spec) }, (_, j) => runAt(spec, j).seed));
    expect(seeds.size).toBe(12);
    const wider = parseSweepSpec({
      scenario: 'outage',
      replicates: 2,
      axes: { batchSize: [500, 1000, 2000, 3000], poolSize: [100, 200] },
    });
    // (batchSize 1000, poolSize 200, replicate 1) is run 3 here and run 7 in `wider`: same seed.
    expect(runAt(wider, 7).values).toEqual(runAt(spec, 3).values);
    expect(runAt(wider, 7).seed).toBe(runAt(spec, 3).seed);
  });
});

describe('shards', () => {
  it('partition the runs: every run in exactly one shard, round-robin', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 20 }), (total, count) => {
        const all = Array.from({ length: count }, (_, index) => shardRuns(total, { index, count })).flat();
        expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, j) => j));
      }),
    );
    expect(shardRuns(7, { index: 1, count: 3 })).toEqual([1, 4]);
  });

  it('parses i/n and rejects the rest, naming the flag', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['4/4', '-1/4', '1', 'a/b', '0/0', '1/2/3']) {
      expect(() => parseShard(bad)).toThrow(InputError);
      expect(() => parseShard(bad)).toThrow('shard: expected i/n');
    }
  });

  it('reads the array variables of Kubernetes, Slurm and AWS Batch', () => {
    expect(shardFromEnv({})).toBeUndefined();
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '8' })).toEqual({
      index: 3,
      count: 8,
    });
    // Slurm arrays may start at 1 (--array=1-8).
    expect(
      shardFromEnv({ SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_COUNT: '8', SLURM_ARRAY_TASK_MIN: '1' }),
    ).toEqual({ index: 7, count: 8 });
    expect(shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '0', AWS_BATCH_JOB_ARRAY_SIZE: '2' })).toEqual({
      index: 0,
      count: 2,
    });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '5' }, 6)).toEqual({ index: 5, count: 6 });
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '5' })).toThrow('`shardCount`');
    expect(() => shardFromEnv({ AWS_BATCH_JOB_ARRAY_INDEX: '4', AWS_BATCH_JOB_ARRAY_SIZE: '4' })).toThrow(
      'AWS_BATCH_JOB_ARRAY_INDEX/AWS_BATCH_JOB_ARRAY_SIZE: expected i/n',
    );
  });
});

describe('a scenario axis with common random numbers', () => {
  const fixes = parseSweepSpec({
    axes: { scenario: ['outage', 'fix-pool-size'], batchSize: [5000, 17500] },
    replicates: 2,
    commonRandomNumbers: true,
  });

  it('puts the scenario axis first and takes the first scenario as the base', () => {
    expect(fixes.axes.map((a) => a.path)).toEqual(['scenario', 'batchSize']);
    expect(fixes.scenario.id).toBe('outage');
    expect(pointAt(fixes, 3).values).toEqual({ scenario: 'fix-pool-size', batchSize: 17500 });
  });

  it('gives replicate r the same seed at every point', () => {
    const seeds = (r: number) => new Set(Array.from({ length: 4 }, (_, p) => runAt(fixes, p * 2 + r).seed));
    expect(seeds(0).size).toBe(1);
    expect(seeds(1).size).toBe(1);
    expect(runAt(fixes, 0).seed).not.toBe(runAt(fixes, 1).seed);
  });

  it('rejects unknown scenario ids, naming the value', () => {
    expect(() => parseSweepSpec({ axes: { scenario: ['outage', 'fix-everything'] } })).toThrow(
      'axes.scenario[1]: expected a scenario id',
    );
  });
});
