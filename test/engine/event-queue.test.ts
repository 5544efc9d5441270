import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../lib/engine/event-queue.js';

function drain(q: EventQueue): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  while (q.size > 0) {
    out.push([q.topTime(), q.topArg()]);
    q.pop();
  }
  return out;
}

describe('EventQueue', () => {
  it('pop() returns events by time, then priority, then insertion order', () => {
    const q = new EventQueue(2);
    q.push(2, 0, 0, 0);
    q.push(1, 0, 1, 5);
    q.push(1, 0, 2, 0);
    q.push(1, 0, 3, 5);
    q.push(1, 0, 4, 0);
    expect(drain(q)).toEqual([
      [1, 2],
      [1, 4],
      [1, 1],
      [1, 3],
      [2, 0],
    ]);
  });

  it('peekTime() is +Infinity when empty', () => {
    expect(new EventQueue().peekTime()).toBe(Number.POSITIVE_INFINITY);
  });

  it('matches a stable sort for any sequence of pushes and pops', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ t: fc.integer({ min: 0, max: 20 }), p: fc.integer({ min: 0, max: 3 }) }),
            fc.constant(null),
          ),
        ),
        (ops) => {
          const q = new EventQueue(1);
          const model: Array<{ t: number; p: number; seq: number }> = [];
          let seq = 0;
          for (const op of ops) {
            if (op === null) {
              if (model.length === 0) continue;
              model.sort((a, b) => a.t - b.t || a.p - b.p || a.seq - b.seq);
              const first = model.shift()!;
              expect([q.topTime(), q.topArg()]).toEqual([first.t, first.seq]);
              q.pop();
            } else {
              q.push(op.t, 0, seq, op.p);
              model.push({ ...op, seq: seq++ });
            }
          }
          expect(q.size).toBe(model.length);
        },
      ),
    );
  });
});
