import { describe, expect, it } from 'vitest';
import { evaluateObservations, type ObservationInputs } from '../../lib/report/observations.js';
import { rows } from '../analysis/helpers.js';

/** The means of a healthy model of the outage, changed per test. */
function inputs(over: Partial<Record<string, number | null>> = {}, timeline = rows(20)): ObservationInputs {
  const means: Record<string, number | null> = {
    'baseline.dialErrors': 0,
    'baseline.peakThreads': 150,
    'baseline.maxGcPauseMs': 1,
    'baseline.p99LatencyMs': 2,
    'outage.firstPortExhaustionSec': 60,
    'outage.peakThreads': 1500,
    'outage.maxGcPauseMs': 5,
    'outage.p99LatencyMs': 100,
    'outage.oomKills': 4,
    'outage.availability': 0.9,
    'fix-bounded-concurrency.availability': 1,
    'fix-bounded-concurrency.dialErrors': 0,
    'fix-random-local-ip.availability': 0.99,
    'fix-random-local-ip.dialErrors': 0,
    ...over,
  };
  return {
    mean: (s, m) => means[`${s}.${m}`] ?? null,
    outageRows: timeline,
    triggerSec: 30,
    observedThreadRatio: 10,
    observedUpMinutes: 30,
    windowHours: 2,
  };
}

const verdicts = (x: ObservationInputs) =>
  Object.fromEntries(evaluateObservations(x).map((o) => [o.id, o.verdict]));

describe('evaluateObservations', () => {
  it('lists O1-O10; O9 is outside a single-host model', () => {
    const v = verdicts(inputs());
    expect(Object.keys(v)).toEqual(['O1', 'O2', 'O3', 'O4', 'O5', 'O6', 'O7', 'O8', 'O9', 'O10']);
    expect(v['O9']).toBe('not modelled');
  });

  it('judges by the stated rules', () => {
    const v = verdicts(inputs());
    // 30 s after the trigger; 10x threads; GC 5x and p99 50x; one kill every 30 minutes; both fixes work.
    expect(v).toMatchObject({
      O1: 'reproduced',
      O5: 'reproduced',
      O6: 'reproduced',
      O7: 'reproduced',
      O10: 'reproduced',
    });
    const worse = verdicts(inputs({ 'outage.oomKills': 16, 'fix-random-local-ip.availability': 0.85 }));
    // 7.5 minutes between kills is outside a factor of 2 of 30; the band-aid below the outage fails O10.
    expect(worse).toMatchObject({ O7: 'not reproduced', O10: 'not reproduced' });
    expect(verdicts(inputs({ 'baseline.dialErrors': 3 }))['O1']).toBe('not reproduced');
  });

  it('reads dial error kinds, cache errors, log rate and restarts from the timeline', () => {
    const timeline = rows(20, (t) =>
      t === 5
        ? {
            'dialErr:addr-in-use': 100,
            'opErrors:post': 1,
            'opErrors:user': 1,
            'opErrors:counts': 1,
            logAttempted: 30_000,
          }
        : t === 8
          ? { restarts: 1, 'dialErr:addr-in-use': 5, timeWait: 1000 }
          : { 'ops:post': 10_000, 'ops:user': 10_000, 'ops:counts': 10_000 },
    );
    const v = verdicts(inputs({}, timeline));
    expect(v).toMatchObject({ O2: 'reproduced', O3: 'reproduced', O4: 'reproduced', O8: 'reproduced' });
    const quiet = verdicts(inputs({}, rows(20)));
    expect(quiet).toMatchObject({ O2: 'not reproduced', O3: 'not reproduced', O8: 'not reproduced' });
  });
});
