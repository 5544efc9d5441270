import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../lib/engine/scheduler.js';

describe('Scheduler', () => {
  it('run() dispatches events up to endSec in order and leaves now at endSec', () => {
    const s = new Scheduler();
    const seen: Array<[number, number]> = [];
    s.at(3, 1);
    s.at(1, 2);
    s.at(5, 3);
    const n = s.run(4, { handle: (kind) => seen.push([s.now, kind]) });
    expect(n).toBe(2);
    expect(seen).toEqual([
      [1, 2],
      [3, 1],
    ]);
    expect(s.now).toBe(4);
    expect(s.pending).toBe(1);
  });

  it('events scheduled during dispatch at the same time run in the same call', () => {
    const s = new Scheduler();
    const seen: number[] = [];
    s.at(1, 0, 0);
    s.run(1, {
      handle: (_k, arg) => {
        seen.push(arg);
        if (arg < 3) s.after(0, 0, arg + 1);
      },
    });
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('at() refuses the past, NaN and bad priorities', () => {
    const s = new Scheduler();
    s.run(10, { handle() {} });
    expect(() => s.at(9, 0)).toThrow(/cannot schedule at 9 s: now is 10 s/);
    expect(() => s.at(Number.NaN, 0)).toThrow(/cannot schedule/);
    expect(() => s.at(11, 0, 0, 256)).toThrow(/priority/);
    expect(() => s.at(11, 0, 0, 1.5)).toThrow(/priority/);
  });
});
