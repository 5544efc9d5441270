import { describe, expect, it } from 'vitest';
import type { AblationRow } from '../../lib/calibration/ablation.js';
import { loadExpectations } from '../../lib/calibration/week.js';
import {
  caseLabel,
  MONDAY_SENSITIVITY_PARAMETERS,
  type MondaySensitivityResult,
  mondaySwings,
  mondayVerdicts,
  turnedTargets,
} from '../../lib/sensitivity/monday.js';
import { sensitivityCases } from '../../lib/sensitivity/sensitivity.js';

const exp = loadExpectations();

const row = (
  id: string,
  served: number,
  episodes: number,
  gap: number | null,
  span: number | null,
): AblationRow => ({
  id,
  off: id,
  mondayAvailability: served,
  mondayEpisodes: episodes,
  longestEpisodeMinutes: 10,
  medianGapMin: gap,
  spanHours: span,
  spanAvailability: span === null ? null : served,
  mondayOomKills: 5,
  dialErrors: 0,
  peakThreads: 150,
});

/** Two parameters: mondayFactor's ends move Monday by 0.2 and 0.1, cores' by 0.05 and 0.45. */
function result(): MondaySensitivityResult {
  const cases = sensitivityCases([
    { path: 'load.mondayFactor', low: 1, high: 1.3 },
    { path: 'host.cores', low: 8, high: 64, linked: ['runtime.gomaxprocs'] },
  ]);
  const rows: Record<string, AblationRow> = {
    default: row('default', 0.5, 8, 30, 8),
    'load.mondayFactor=1': row('load.mondayFactor=1', 0.7, 2, 90, 1),
    'load.mondayFactor=1.3': row('load.mondayFactor=1.3', 0.4, 9, 25, 9),
    'host.cores=8': row('host.cores=8', 0.45, 8, 30, 8),
    'host.cores=64': row('host.cores=64', 0.95, 6, 20, 7),
  };
  return {
    seed: 1,
    hosts: 24,
    durationSec: 91_800,
    startUtcSec: 0,
    cases: cases.map((c) => ({
      case: c,
      value: c.path === null ? null : (c.overrides[c.path] as number),
      row: rows[c.id]!,
      verdicts: mondayVerdicts(exp, rows[c.id]!),
    })),
  };
}

describe('the Monday sensitivity', () => {
  it('covers the calibration parameters that act on Monday and the host physics, within their bounds', () => {
    const paths = MONDAY_SENSITIVITY_PARAMETERS.map((p) => p.path);
    expect(paths).not.toContain('load.weekendFactor');
    expect(paths).toEqual(expect.arrayContaining(['load.mondayFactor', 'kernel.portProbeSec', 'host.cores']));
    const cases = sensitivityCases(MONDAY_SENSITIVITY_PARAMETERS);
    const cores = cases.find((c) => c.id === 'host.cores=64')!;
    expect(cores.overrides['runtime.gomaxprocs']).toBe(64);
    expect(caseLabel(cores)).toBe('host.cores = 64 (and 1 linked)');
    expect(caseLabel(cases[0]!)).toBe('the defaults');
  });

  it("judges M1-M4 by the calibration's thresholds, and a case that misses fails them", () => {
    // Defaults: 8 episodes, 30 min apart, over 8 h, 50% served: all four met.
    expect(mondayVerdicts(exp, row('x', 0.5, 8, 30, 8))).toEqual({ M1: true, M2: true, M3: true, M4: true });
    // 2 episodes, 90 min apart, over 1 h, 70% served: M1-M3 miss, M4 holds.
    expect(mondayVerdicts(exp, row('x', 0.7, 2, 90, 1))).toEqual({
      M1: false,
      M2: false,
      M3: false,
      M4: true,
    });
  });

  it('ranks the swings by the distance between their ends and names the turned verdicts', () => {
    const r = result();
    const swings = mondaySwings(r, 'mondayAvailability');
    expect(swings.map((s) => s.path)).toEqual(['host.cores', 'load.mondayFactor']);
    expect(swings[0]).toEqual({
      path: 'host.cores',
      lowValue: 8,
      highValue: 64,
      low: 0.45,
      high: 0.95,
      base: 0.5,
    });
    expect(swings[1]).toMatchObject({ lowValue: 1, highValue: 1.3, low: 0.7, high: 0.4 });
    expect(turnedTargets(r)).toEqual([
      { id: 'load.mondayFactor=1', targets: ['M1', 'M2', 'M3'] },
      { id: 'host.cores=64', targets: ['M4'] },
    ]);
  });
});
