import { describe, expect, it } from 'vitest';
import { GO_EXPERIMENT, goSettings } from '../../lib/lab/go-experiments.js';
import { gcDialsObject, runnableInMark } from '../../lib/lab/go-lab.js';
import { defaultParams } from '../../lib/model/params.js';

const setting = goSettings({ outageSec: 30, experiments: [GO_EXPERIMENT.gcDials] })[0]!;

/**
 * A gc-dials result line as the Go program prints it: 2,000 failing dials costing 20 s of system CPU,
 * three marks alone of 0.3 core-seconds each, and one of 10 s in the burst charged 10 P-seconds (one
 * of the 4 Ps all along).
 */
function result(burstAfterMarkSec: number) {
  return {
    figures: {
      alone: [0.15, 0.16, 0.17].map((markWallSec) => ({ startSec: 0, markWallSec, gcPSec: markWallSec })),
      aloneUserCpuSec: 0.9,
      during: { startSec: 0.3, markWallSec: 10, gcPSec: 10 },
      burstAfterMarkSec,
      dials: 2000,
      dialErrors: 2000,
      errors: { EADDRINUSE: 2000 },
      liveBytes: 128 * 2 ** 20,
      window: { threadsBefore: 6, peakThreads: 45, wallSec: 11, sysCpuSec: 20 },
    },
  };
}

describe('Go lab gc-dials', () => {
  const p = defaultParams();

  it('reads the mark and the P share, and replays the burst with a mark of the lab cost alone', () => {
    const o = gcDialsObject(setting, result(0.5), p, 2);
    const d = o.details;
    // 10 P-seconds over 10 s x 4 Ps; the mark's CPU alone 0.9 / 3 = 0.3 core-seconds, over 10 s
    expect(d['gcPShare']).toBe(0.25);
    expect(d['markCoreSecAlone']).toBe(0.3);
    expect((d['markCores'] as { lab: number }).lab).toBe(0.03);
    expect(d['aloneMarkWallSec']).toEqual([0.15, 0.16, 0.17]);
    // The replay: 2,000 dials of 10 ms (20 s / 2,000) on 2 cores keep them busy for about 10 s. The one
    // dedicated worker (GOMAXPROCS 4) keeps its P and, among the burst's 40 Ms, gets 2 cores / 40 = 0.05
    // cores: the mark's 0.3 core-seconds take 6 s, all inside the burst (the lab's took 10 s at 0.03).
    const mark = d['markWallSec'] as { lab: number; model: number };
    expect(mark.lab).toBe(10);
    expect(mark.model).toBeCloseTo(6, 1);
    expect(mark.model).toBeLessThan(o.model.wallSec!);
    expect((d['markCores'] as { model: number }).model).toBeCloseTo(0.05, 2);
    const inBurst = d['markCoreSecInBurst'] as { lab: number | null; model: number };
    expect(inBurst.lab).toBe(0.3);
    expect(inBurst.model).toBeCloseTo(0.3, 6);
    expect(o.checks['markCoreSecInBurst']).toBe(true);
    expect(o.checks['markWallSec']).toBe(false);
    expect(o.agrees).toBe(false);
  });

  it('does not compare the mark CPU in the burst when the burst ended before the mark', () => {
    const o = gcDialsObject(setting, result(-0.2), p, 2);
    expect((o.details['markCoreSecInBurst'] as { lab: number | null }).lab).toBeNull();
    expect(o.checks).not.toHaveProperty('markCoreSecInBurst');
    expect(o.checks).toHaveProperty('markWallSec');
  });
});

describe('gc-dials runnable threads inside the mark', () => {
  it('averages the samples inside the mark, less the sampler, into a thread share of the cores', () => {
    const samples = [
      { tSec: 0.1, runnable: 3 }, // before the mark
      { tSec: 0.5, runnable: 41 },
      { tSec: 0.9, runnable: 21 },
      { tSec: 2, runnable: 100 }, // after it
    ];
    // Inside [0.3, 1.0]: 40 and 20 besides the sampler, mean 30; 2 cores / 30 = 0.0667 a thread; a mark
    // at 0.03 cores got 0.45 of that.
    expect(runnableInMark(samples, 0.3, 1, 2, 0.03)).toEqual({
      samples: 2,
      samplesDue: 35,
      mean: 30,
      evenShareCores: 0.06667,
      markCoresOverEvenShare: 0.45,
    });
    // Fewer runnable threads than cores: a whole core each.
    expect(runnableInMark([{ tSec: 0.5, runnable: 2 }], 0, 1, 2, 0.5).evenShareCores).toBe(1);
  });

  it('says so when no sample fell inside the mark', () => {
    expect(runnableInMark(undefined, 0, 1, 2, 0.03)).toEqual({
      samples: 0,
      samplesDue: 50,
      mean: null,
      evenShareCores: null,
      markCoresOverEvenShare: null,
    });
    const o = gcDialsObject(setting, result(0.5), defaultParams(), 2);
    expect((o.details['runnableInMark'] as { samples: number }).samples).toBe(0);
  });
});
