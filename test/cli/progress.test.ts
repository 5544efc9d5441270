import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from '../../lib/cli/progress.js';

describe('createProgress(label, total, unit) without a terminal', () => {
  afterEach(() => vi.restoreAllMocks());

  function lines(updates: readonly number[], total: number): string[] {
    const out: string[] = [];
    let now = 1_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const isTTY = process.stderr.isTTY;
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    try {
      const p = createProgress('calibration: week (1/2)', total, '% of the fleet');
      for (const done of updates) {
        now += 10_000;
        p.update(done);
      }
      p.stop();
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
    }
    return out;
  }

  it('prints done/total, the percentage and the ETA every 5 s', () => {
    // 25 of 100 after 10 s: 30 s to go.
    expect(lines([25], 100)).toEqual([
      'calibration: week (1/2): 25/100 % of the fleet (25%), 10 s elapsed, ETA 30 s\n',
    ]);
  });

  it('clamps a count past the total: never above 100% nor a negative ETA', () => {
    expect(lines([4068], 100)).toEqual([
      'calibration: week (1/2): 100/100 % of the fleet (100%), 10 s elapsed, ETA 0 s\n',
    ]);
    expect(lines([-3], 100)[0]).toContain(': 0/100 % of the fleet (0%)');
  });
});
