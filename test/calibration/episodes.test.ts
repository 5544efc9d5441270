import { describe, expect, it } from 'vitest';
import { availabilityOver, downEpisodes, medianGapMinutes } from '../../lib/calibration/episodes.js';

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
