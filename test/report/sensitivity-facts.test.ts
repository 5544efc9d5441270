import { describe, expect, it } from 'vitest';
import type { AblationRow } from '../../lib/calibration/ablation.js';
import type { WeekObservation } from '../../lib/calibration/week.js';
import type { MondaySensitivityData, SeedVerdictsData } from '../../lib/report/sensitivity.js';
import { seedsReportData, sensitivityReportData } from '../../lib/report/sensitivity-facts.js';
import { sensitivityCases } from '../../lib/sensitivity/sensitivity.js';

const obs = (id: string, ok: boolean): WeekObservation => ({
  id,
  observation: `${id} text`,
  check: '',
  measured: ok ? 'fine' : 'off',
  figures: {},
  verdict: ok ? 'reproduced' : 'not reproduced',
});

describe('seedsReportData', () => {
  it('counts the checks that pass on every seed, on none, and on some', () => {
    const stored: SeedVerdictsData = {
      key: 'k',
      origin: 'cache',
      seeds: [1, 2, 3],
      bySeed: [
        { seed: 1, results: [obs('O1', true), obs('M1', true), obs('O5', false)] },
        { seed: 2, results: [obs('O1', true), obs('M1', false), obs('O5', false)] },
        { seed: 3, results: [obs('O1', true), obs('M1', true), obs('O5', false)] },
      ],
    };
    const d = seedsReportData(stored);
    expect(d.checks.map((c) => [c.id, c.passes, c.of])).toEqual([
      ['O1', 3, 3],
      ['M1', 2, 3],
      ['O5', 0, 3],
    ]);
    expect([d.passEvery, d.passNone, d.split, d.total, d.splitIds]).toEqual([1, 1, 1, 3, 'M1']);
    expect(d.checks[1]!.perSeed[1]).toEqual({ seed: 2, ok: false, measured: 'off' });
  });
});

describe('sensitivityReportData', () => {
  const row = (id: string, served: number, episodes: number): AblationRow => ({
    id,
    off: id,
    mondayAvailability: served,
    mondayEpisodes: episodes,
    longestEpisodeMinutes: 5,
    medianGapMin: 30,
    spanHours: 8,
    spanAvailability: 0.5,
    mondayOomKills: 3,
    dialErrors: 0,
    peakThreads: 150,
  });
  it('tabulates the cases, the widest swing, the turned verdicts and the range of Monday served', () => {
    const cases = sensitivityCases([{ path: 'load.mondayFactor', low: 1, high: 1.3 }]);
    const rows = [
      row('default', 0.5, 8),
      row('load.mondayFactor=1', 0.6, 2),
      row('load.mondayFactor=1.3', 0.45, 9),
    ];
    const all = { M1: true, M2: true, M3: true, M4: true };
    const stored: MondaySensitivityData = {
      key: 'k',
      origin: 'cache',
      seed: 1,
      hosts: 24,
      durationSec: 1,
      startUtcSec: 0,
      cases: cases.map((c, i) => ({
        case: c,
        value: c.path === null ? null : (c.overrides[c.path] as number),
        row: rows[i]!,
        verdicts: i === 1 ? { ...all, M1: false } : all,
      })),
    };
    const d = sensitivityReportData(stored);
    expect(d.base.mondayAvailability).toBe(0.5);
    expect([d.minServed, d.maxServed, d.allFour, d.caseCount, d.parameterCount]).toEqual([
      0.45, 0.6, 2, 3, 1,
    ]);
    expect(d.widest).toMatchObject({ path: 'load.mondayFactor', low: 0.6, high: 0.45, base: 0.5 });
    expect(d.turned).toEqual([{ id: 'load.mondayFactor=1', label: 'load.mondayFactor = 1', targets: 'M1' }]);
    expect(d.cases[1]!.met).toBe('M2, M3, M4');
  });
});
