import { describe, expect, it } from 'vitest';
import { analyzeRecovery } from '../../lib/analysis/recovery.js';
import { collectRun } from '../../lib/analysis/runs.js';
import { findScenario } from '../../lib/scenario/scenarios.js';
import { rows } from './helpers.js';

const opts = { stopSec: 15, downtimeAvailability: 0.5, recoveryWindowSec: 10 };
const bad = { 'dialErr:addr-in-use': 5 };

describe('analyzeRecovery on constructed timelines', () => {
  it('stable: no bad second at all', () => {
    expect(analyzeRecovery(rows(60), opts)).toMatchObject({ recoveryClass: 'stable', recoverySec: null });
  });

  it('vulnerable: bad from 10 s to 20 s, the trigger stops at 15 s: recovers 5 s after the stop', () => {
    const r = analyzeRecovery(
      rows(60, (t) => (t > 10 && t <= 20 ? bad : {})),
      opts,
    );
    expect(r).toMatchObject({
      recoveryClass: 'vulnerable',
      recoverySec: 5,
      badSecondsAfterStop: 5,
      restartsAfterStop: 0,
    });
  });

  it('a second below the downtime availability is bad too; an idle second (no requests) is not', () => {
    const r = analyzeRecovery(
      rows(60, (t) => (t === 16 ? { userAvailability: 0.4 } : t === 17 ? { userAvailability: null } : {})),
      opts,
    );
    expect(r).toMatchObject({ recoveryClass: 'vulnerable', recoverySec: 1, badSecondsAfterStop: 1 });
  });

  it('recovers-by-restart: bad until a restart at 30 s, then good', () => {
    const r = analyzeRecovery(
      rows(60, (t) =>
        t <= 28 && t > 5
          ? { ...bad, timeWait: 200 }
          : t === 29
            ? { processState: 'down' }
            : t === 30
              ? { restarts: 1 }
              : {},
      ),
      opts,
    );
    // Row 30 (29 s to 30 s) has the restart and is good: the recovery starts at 29 s, 14 s after the stop.
    expect(r).toMatchObject({ recoveryClass: 'recovers-by-restart', recoverySec: 14, restartsAfterStop: 1 });
  });

  it('metastable: still bad at the end; loops named', () => {
    const r = analyzeRecovery(
      rows(60, (t) =>
        t <= 5
          ? {}
          : t === 30
            ? { ...bad, restarts: 1, timeWait: 28_000, threads: 150 }
            : { ...bad, threads: 1377, opTimeouts: 3, logQueueMax: 100 },
      ),
      opts,
    );
    expect(r.recoveryClass).toBe('metastable');
    expect(r.recoverySec).toBeNull();
    expect(r.badSecondsAfterStop).toBe(45);
    expect(r.loops).toEqual(['timeWaitAcrossRestart', 'threadRatchet', 'timeoutChurn', 'logBacklog']);
  });

  it('agrees with the summary recoverySec on real runs (both engines)', () => {
    const tiny = findScenario('tiny-exhaustion')!;
    for (const engine of ['des', 'fast'] as const) {
      const run = collectRun('tiny', {
        scenario: tiny,
        engine,
        durationSec: 120,
        seed: 4,
        overrides: { 'workload.triggerStopSec': 40 },
      });
      const r = analyzeRecovery(run.rows, { stopSec: 40, downtimeAvailability: 0.5, recoveryWindowSec: 60 });
      expect(r.recoverySec, engine).toBe(run.summary.recoverySec);
    }
  });
});

describe('unstable hosts', () => {
  it('fail before the trigger starts: unstable, whatever happens after', () => {
    const r = analyzeRecovery(
      rows(60, (t) => (t === 3 ? { 'dialErr:addr-in-use': 1 } : {})),
      { ...opts, startSec: 5 },
    );
    expect(r.recoveryClass).toBe('unstable');
  });
});
