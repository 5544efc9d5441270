import { describe, expect, it } from 'vitest';
import { ErrorLog } from '../../lib/model/logging.js';
import { createRng } from '../../lib/random/rng.js';

const base = { sampleFraction: 1, lineBytes: 500, pipeBytesPerSec: 1000 } as const;

describe('ErrorLog', () => {
  it('offer() with no limit: one writer, lines complete back to back at the pipe rate', () => {
    const log = new ErrorLog({ ...base, logRate: 'unlimited' });
    const rng = createRng(1);
    expect([log.offer(0, rng), log.offer(0, rng), log.offer(0.2, rng)]).toEqual([0.5, 1, 1.5]);
    expect(log.queued).toBe(3);
    log.lineWritten();
    expect([log.attempted, log.written, log.queued]).toEqual([3, 1, 2]);
  });

  it('offer() with logRate r lets a burst of r lines through, then r per second', () => {
    const log = new ErrorLog({ ...base, logRate: 2, pipeBytesPerSec: 1e9 });
    const rng = createRng(1);
    const at0 = [0, 0, 0].map(() => log.offer(0, rng) >= 0);
    expect(at0).toEqual([true, true, false]);
    expect(log.offer(0.4, rng)).toBe(-1); // 0.8 tokens
    expect(log.offer(0.5, rng)).toBeGreaterThan(0); // 1 token
    expect(log.attempted).toBe(5);
    expect(log.accepted).toBe(3);
  });

  it('logRate 0 drops every line', () => {
    const log = new ErrorLog({ ...base, logRate: 0 });
    expect(log.offer(5, createRng(1))).toBe(-1);
  });

  it('sampleFraction keeps about that share of lines', () => {
    const log = new ErrorLog({ ...base, logRate: 'unlimited', sampleFraction: 0.1, pipeBytesPerSec: 1e12 });
    const rng = createRng(3);
    for (let i = 0; i < 20_000; i++) log.offer(i, rng);
    expect(log.accepted / log.attempted).toBeCloseTo(0.1, 2);
  });

  it('reset() loses the queued lines and frees the writer', () => {
    const log = new ErrorLog({ ...base, logRate: 'unlimited' });
    const rng = createRng(1);
    log.offer(0, rng);
    log.offer(0, rng);
    log.reset(0.1);
    expect(log.queued).toBe(0);
    expect(log.offer(0.1, rng)).toBeCloseTo(0.6, 12);
  });
});
