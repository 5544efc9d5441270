import { describe, expect, it } from 'vitest';
import { GcState, heapGoalBytes, stwPauseSec } from '../../lib/model/gc.js';

const MB = 1e6;
const config = {
  gogcPercent: 100,
  memLimitBytes: 0,
  gcCpuLimitFraction: 0.5,
  markBytesPerSecPerCore: 100 * MB,
  gomaxprocs: 4,
  stwBaseSec: 1e-4,
  stwPerThreadSec: 1e-6,
};
const mem = { liveHeapBytes: 100 * MB, stackBytes: 20 * MB, otherBytes: 30 * MB };

describe('gc', () => {
  it('heapGoalBytes() = live + (live + stacks) x GOGC/100', () => {
    expect(heapGoalBytes(config, mem)).toBe(220 * MB);
    expect(heapGoalBytes({ ...config, gogcPercent: 50 }, mem)).toBe(160 * MB);
  });

  it('heapGoalBytes() is capped by GOMEMLIMIT minus stacks and other memory', () => {
    expect(heapGoalBytes({ ...config, memLimitBytes: 200 * MB }, mem)).toBe(150 * MB);
  });

  it('stwPauseSec() = base + per-thread coefficient x threads', () => {
    expect(stwPauseSec(config, 150)).toBeCloseTo(2.5e-4, 12);
    expect(stwPauseSec(config, 1500)).toBeCloseTo(1.6e-3, 12);
  });

  it('step(): a cycle starts at the goal, marks (live+stacks)/(rate x P x 25%), then keeps only floating garbage', () => {
    const gc = new GcState(config);
    // 119 MB of garbage: heap 219 < 220, no cycle.
    expect(gc.step(0.01, 119 * MB, mem, 150).pauseSec).toBe(0);
    // One more MB reaches the goal: cycle 1 starts with a pause; mark takes 120 MB / 100 MB/s = 1.2 s.
    expect(gc.step(0.01, 1 * MB, mem, 150).pauseSec).toBeCloseTo(2.5e-4, 12);
    expect(gc.marking).toBe(true);
    expect(gc.cpuShare).toBe(0.25);
    let ended = -1;
    for (let i = 1; i <= 200 && ended < 0; i++) if (gc.step(0.01, 1 * MB, mem, 150).pauseSec > 0) ended = i;
    expect(ended).toBe(120);
    expect(gc.cycles).toBe(1);
    // Allocated during the mark (120 x 1 MB) survives as floating garbage.
    expect(gc.heapBytes(mem)).toBe(220 * MB);
  });

  it('step(): squeezed by GOMEMLIMIT, marking uses the CPU limiter share (50%)', () => {
    const gc = new GcState({ ...config, memLimitBytes: 200 * MB });
    gc.step(0.01, 60 * MB, mem, 10);
    expect(gc.marking).toBe(true);
    expect(gc.cpuShare).toBe(0.5);
  });
});

describe('GcState.clone', () => {
  it('copies the state and then evolves independently', () => {
    const gc = new GcState(config);
    const heapOnly = { liveHeapBytes: 100 * MB, stackBytes: 0, otherBytes: 0 };
    gc.step(0.01, 150 * MB, heapOnly, 10); // starts a cycle
    const copy = gc.clone();
    expect(copy).toEqual(gc);
    copy.step(10, 0, heapOnly, 10); // the copy finishes marking
    expect(copy.marking).toBe(false);
    expect(gc.marking).toBe(true);
    expect(gc.cycles).toBe(1);
  });
});
