import { describe, expect, it } from 'vitest';
import {
  availabilityOver,
  downEpisodes,
  medianGapMinutes,
  spiralFigures,
  spiralVerdicts,
} from '../../lib/calibration/episodes.js';

// Minutes 1..10: served shares 1, .4, .3, .2, 1, .1, .1, 1, .49, .49.
const served = [1, 0.4, 0.3, 0.2, 1, 0.1, 0.1, 1, 0.49, 0.49];
const rows = served.map((a, i) => ({ tSec: 60 * (i + 1), users: 100, failed: 100 * (1 - a) }));

describe('downEpisodes', () => {
  it('finds runs of at least minIntervals intervals under the threshold', () => {
    expect(downEpisodes(rows, 60, 0, 600, 0.5, 3)).toEqual([{ startSec: 60, endSec: 240, minutes: 3 }]);
    expect(downEpisodes(rows, 60, 0, 600, 0.5, 2)).toEqual([
      { startSec: 60, endSec: 240, minutes: 3 },
      { startSec: 300, endSec: 420, minutes: 2 },
      { startSec: 480, endSec: 600, minutes: 2 },
    ]);
  });
  it('keeps to its window (intervals ending in (from, to])', () => {
    expect(downEpisodes(rows, 60, 120, 600, 0.5, 2).map((e) => e.startSec)).toEqual([120, 300, 480]);
  });
});

describe('medianGapMinutes', () => {
  it('is the median of the gaps between starts: 4 and 3 min -> 3.5', () => {
    expect(medianGapMinutes(downEpisodes(rows, 60, 0, 600, 0.5, 2))).toBe(3.5);
  });
  it('is null with fewer than two episodes', () => {
    expect(medianGapMinutes([])).toBeNull();
  });
});

describe('availabilityOver', () => {
  it('weights intervals by their requests', () => {
    const r = [
      { tSec: 60, users: 300, failed: 0 },
      { tSec: 120, users: 100, failed: 100 },
    ];
    expect(availabilityOver(r, 0, 120)).toBe(0.75);
    expect(availabilityOver(r, 120, 600)).toBe(1);
  });
});

describe('spiralFigures and spiralVerdicts', () => {
  // Episodes of 2+ minutes: 60-240, 300-420, 480-600 s. Gaps 4 and 3 min; span 540 s; served over
  // (60, 600]: (.4 + .3 + .2 + 1 + .1 + .1 + 1 + .49 + .49) / 9 = 4.08 / 9.
  const episodes = downEpisodes(rows, 60, 0, 600, 0.5, 2);
  const fig = spiralFigures(rows, episodes);
  const targets: Record<string, Record<string, number>> = {
    M1: { minEpisodes: 3 },
    M2: { minGapMin: 15, maxGapMin: 60 },
    M3: { minHours: 6, maxHours: 10 },
    M4: { minAvailability: 0.4, maxAvailability: 0.9 },
  };
  it('computes the episodes, the median gap, the span and the span availability by hand', () => {
    expect(fig.episodes).toBe(3);
    expect(fig.medianGapMin).toBe(3.5);
    expect(fig.spanHours).toBeCloseTo(540 / 3600, 12);
    expect(fig.spanAvailability).toBeCloseTo(4.08 / 9, 12);
    expect(spiralFigures(rows, [])).toEqual({
      episodes: 0,
      medianGapMin: null,
      spanHours: null,
      spanAvailability: null,
    });
  });
  it('judges each target on its thresholds, and a stricter threshold fails it', () => {
    expect(spiralVerdicts((id) => targets[id]!, fig)).toEqual({ M1: true, M2: false, M3: false, M4: true });
    const stricter: Record<string, Record<string, number>> = {
      ...targets,
      M1: { minEpisodes: 4 },
      M4: { minAvailability: 0.46, maxAvailability: 0.9 },
    };
    expect(spiralVerdicts((id) => stricter[id]!, fig)).toMatchObject({ M1: false, M4: false });
    // No episode: nothing but M1's count can be judged, and all fail.
    expect(spiralVerdicts((id) => targets[id]!, spiralFigures(rows, []))).toEqual({
      M1: false,
      M2: false,
      M3: false,
      M4: false,
    });
  });
});
