import { describe, expect, it } from 'vitest';
import { ABLATION_VARIANTS, ablationRow, ablationWindows } from '../../lib/calibration/ablation.js';
import { loadExpectations } from '../../lib/calibration/week.js';
import type { DcResult } from '../../lib/fleet/coupled-dc.js';
import { resolveRunParams } from '../../lib/run/run-scenario.js';
import { findScenario } from '../../lib/scenario/scenarios.js';

const exp = loadExpectations();

/** A DC result of `bins` minutes with 100 user requests a minute and the given failures per minute. */
function dc(failedPerMinute: (minute: number) => number, bins: number, kills: Record<number, number> = {}) {
  const f = Float64Array.from({ length: bins }, (_, i) => failedPerMinute(i));
  const zeros = () => new Float64Array(bins);
  const oomKills = zeros();
  for (const [i, k] of Object.entries(kills)) oomKills[Number(i)] = k;
  return {
    dc: 'A',
    hosts: 2,
    series: {
      users: Float64Array.from({ length: bins }, () => 100),
      usersFailed: f,
      calls: zeros(),
      callsFailed: zeros(),
      ops: zeros(),
      logAttempted: zeros(),
      oomKills,
      hostsDown: zeros(),
      hostsEjected: zeros(),
      threadsMax: zeros(),
      events: [],
    },
    hostFigures: [
      {
        availability: 1,
        dialErrors: 5,
        firstPortExhaustionSec: null,
        peakThreads: 150,
        oomKills: 1,
        restarts: 1,
        logLinesAttempted: 0,
        maxGcPauseMs: null,
      },
      {
        availability: 1,
        dialErrors: 7,
        firstPortExhaustionSec: null,
        peakThreads: 180,
        oomKills: 2,
        restarts: 2,
        logLinesAttempted: 0,
        maxGcPauseMs: null,
      },
    ],
    newClient: { requests: 0, retries: 0, failed: 0 },
    ejections: 0,
    panicSec: 0,
  } satisfies DcResult;
}

describe('ablation', () => {
  it('ablationWindows() starts on Sunday 20:00 UTC with the trigger on and ends with the Monday window', () => {
    const w = ablationWindows(exp);
    expect(w.monday).toEqual([4 * 3600, 25.5 * 3600]); // Monday 00:00 and 21:30 UTC
    expect(w.durationSec).toBe(25.5 * 3600);
    expect(w.start).toEqual({
      'load.calendarStartUtcSec': Date.UTC(2026, 3, 5, 20) / 1000,
      'workload.triggerStartSec': 0,
    });
  });

  it('every variant names parameters that exist, with values inside their ranges', () => {
    const scenario = findScenario('outage-week')!;
    const { start } = ablationWindows(exp);
    for (const v of ABLATION_VARIANTS)
      expect(() => resolveRunParams(scenario, { ...start, ...v.overrides })).not.toThrow();
    expect(new Set(ABLATION_VARIANTS.map((v) => v.id)).size).toBe(ABLATION_VARIANTS.length);
  });

  it('ablationRow() counts Monday episodes, availability and kills by hand', () => {
    const bins = 25.5 * 60;
    const monday0 = 4 * 60; // the first Monday minute is bin 240 (ending at 14,460 s)
    // Sunday minutes 100-109 fully down (not Monday); Monday minutes 0-3 at 30% served (one 4-minute
    // episode), minute 10-11 at 10% (2 minutes: too short), minutes 20-24 at 40% (a 5-minute episode).
    const failed = (i: number) => {
      const m = i - monday0;
      if (i >= 100 && i < 110) return 100;
      if (m >= 0 && m < 4) return 70;
      if (m >= 10 && m < 12) return 90;
      if (m >= 20 && m < 25) return 60;
      return 0;
    };
    const row = ablationRow(ABLATION_VARIANTS[0]!, dc(failed, bins, { 50: 3, 300: 2, 301: 1 }), exp);
    expect(row.mondayEpisodes).toBe(2);
    expect(row.longestEpisodeMinutes).toBe(5);
    const mondayMinutes = 21.5 * 60;
    expect(row.mondayAvailability).toBeCloseTo(1 - (4 * 70 + 2 * 90 + 5 * 60) / (100 * mondayMinutes), 12);
    expect(row.mondayOomKills).toBe(3);
    expect(row.dialErrors).toBe(12);
    expect(row.peakThreads).toBe(180);
  });
});
