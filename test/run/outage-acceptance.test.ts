/**
 * The foundation's acceptance checks on the full-scale single-host scenarios (MODEL.md section 5):
 * O1 normal traffic never exhausts ports, the trigger does within seconds of a big batch; O2 bind-mode
 * errors; O3 errors on every cache type; O5 ~10x OS threads that never fall until restart; O8 a restarted
 * process fails at once while TIME_WAIT persists. These check the mechanisms, so the run uses GOMEMLIMIT at
 * 95% of the container limit (above the calibrated 93.2%) to get an OOM kill within two minutes; seed 7 is a
 * run in which the kill lands after a burst has filled the port range (the kill-timing that makes O8
 * visible). The calibrated rates are checked on the outage week (test/calibration).
 */
import { describe, expect, it } from 'vitest';
import type { TimelineRow } from '../../lib/metrics/timeline.js';
import { runScenario } from '../../lib/run/run-scenario.js';
import { findScenario } from '../../lib/scenario/scenarios.js';

const outage = findScenario('outage')!;
const num = (r: TimelineRow, k: keyof TimelineRow) => r[k] as number;

describe('outage scenario (one host, full scale)', () => {
  const rows: TimelineRow[] = [];
  const { summary } = runScenario({
    scenario: outage,
    seed: 7,
    durationSec: 120,
    // A big batch every ~20 s (half the new client's requests), so that 120 s hold several.
    overrides: { 'runtime.memLimitBytes': 0.95 * 4 * 1024 ** 3, 'workload.bigBatchFraction': 0.5 },
    onRow: (r) => rows.push(r),
  });
  const portCount = 60_999 - 32_768 + 1;

  it('O1: no dial error before the trigger; exhaustion within seconds of a big batch', () => {
    const before = rows.filter((r) => num(r, 'tSec') <= 30);
    expect(before.reduce((a, r) => a + num(r, 'dialErr:addr-in-use'), 0)).toBe(0);
    const first = summary.firstPortExhaustionSec!;
    expect(first).toBeGreaterThan(30);
    // The second above shows a burst of goroutines (a big batch) and a full port range.
    const row = rows.find((r) => num(r, 'tSec') === Math.ceil(first))!;
    expect(num(row, 'goroutinesMax')).toBeGreaterThan(10_000);
    expect(num(row, 'timeWaitMax') + num(row, 'openConns')).toBeGreaterThanOrEqual(portCount - 1000);
  });

  it('O2: every port error is bind-mode EADDRINUSE', () => {
    const inUse = rows.reduce((a, r) => a + num(r, 'dialErr:addr-in-use'), 0);
    expect(inUse).toBeGreaterThan(10_000);
    expect(rows.reduce((a, r) => a + num(r, 'dialErr:addr-not-avail'), 0)).toBe(0);
  });

  it('O3: errors on every cache type, not only posts', () => {
    for (const cache of ['post', 'user', 'counts'] as const) {
      expect(
        rows.reduce((a, r) => a + num(r, `opErrors:${cache}`), 0),
        cache,
      ).toBeGreaterThan(1000);
    }
  });

  // Not reproduced since the Go lab: a P hands off once per CPU slice while failing dials keep the cores
  // busy (runtime.saturatedHandoffSec), so a failing burst needs GOMAXPROCS x (dial time / slice) Ms, fewer
  // than the 150 a healthy process has. `it.fails` turns red when a mechanism brings the ~10x back.
  it.fails('O5: OS threads rise ~10x', () => {
    expect(summary.peakThreads).toBeGreaterThanOrEqual(8 * 150);
  });

  it('O5: OS threads never fall while the process lives', () => {
    let last = 0;
    for (const r of rows) {
      const t = num(r, 'threads');
      if (r.processState === 'up' && !String(r.events).includes('ready'))
        expect(t).toBeGreaterThanOrEqual(last);
      last = r.processState === 'up' ? t : 0;
    }
  });

  it('O8: after an OOM kill the restarted process fails at once while TIME_WAIT persists', () => {
    expect(summary.oomKills).toBeGreaterThanOrEqual(1);
    // With the host's CPU the first kill can come before the range is full (goroutines queued behind a
    // burst's dials); the check is on a restart that meets a full range. Its failing dials are as many as
    // the P gate lets into the kernel while they keep the cores busy: 16 cores / 5.5 ms ~ 2,900/s.
    const readyAt = rows.findIndex(
      (r) => String(r.events).includes('ready') && num(r, 'timeWait') > 0.9 * portCount,
    );
    expect(readyAt).toBeGreaterThan(0);
    const after = rows.slice(readyAt, readyAt + 3);
    expect(after.reduce((a, r) => a + num(r, 'dialErr:addr-in-use'), 0)).toBeGreaterThan(5000);
    // Its user requests stall behind the dials (counted failed once past the deadline or at the next
    // kill): next to nothing is served from the first second on.
    for (const r of after) expect(num(r, 'userAvailability')).toBeLessThan(0.05);
  });
});

describe('baseline and the root fix (one host, full scale)', () => {
  it('baseline: no dial errors, full availability', () => {
    const { summary } = runScenario({ scenario: findScenario('baseline')!, durationSec: 180 });
    expect(summary.dialErrors).toBe(0);
    expect(summary.firstPortExhaustionSec).toBeNull();
    expect(summary.availability).toBeGreaterThan(0.9999);
    expect(summary.peakThreads).toBe(150);
  });

  it('outage workload with --concurrency-limit 50: no dial errors', () => {
    const { summary } = runScenario({
      scenario: outage,
      durationSec: 180,
      overrides: { concurrencyLimit: 50 },
    });
    expect(summary.dialErrors).toBe(0);
    expect(summary.oomKills).toBe(0);
  });
});
