import { describe, expect, it } from 'vitest';
import { GcState, gcTriggerBytes, heapGoalBytes, stwPauseSec } from '../../lib/model/gc.js';

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
  it('heapGoalBytes() = marked + (marked + stacks) x GOGC/100, marked = live + black', () => {
    expect(heapGoalBytes(config, mem)).toBe(220 * MB);
    expect(heapGoalBytes({ ...config, gogcPercent: 50 }, mem)).toBe(160 * MB);
    expect(heapGoalBytes(config, mem, 50 * MB)).toBe(320 * MB);
  });

  it('heapGoalBytes() is capped by GOMEMLIMIT minus stacks and other memory', () => {
    expect(heapGoalBytes({ ...config, memLimitBytes: 200 * MB }, mem)).toBe(150 * MB);
  });

  it('stwPauseSec() = base + per-thread coefficient x threads', () => {
    expect(stwPauseSec(config, 150)).toBeCloseTo(2.5e-4, 12);
    expect(stwPauseSec(config, 1500)).toBeCloseTo(1.6e-3, 12);
  });

  it('gcTriggerBytes(): the goal minus the runway, within 45/64 of the way and the goal minus 4 MiB', () => {
    const MiB4 = 4 * 1024 * 1024;
    // goal 220 MB, 100 MB marked: the lowest trigger is 100 + 120 x 45/64 = 184.375 MB, the highest
    // max(100 + 120 x 61/64, 220 MB - 4 MiB) = 215.805696 MB.
    expect(gcTriggerBytes(220 * MB, 100 * MB, 0)).toBe(220 * MB - MiB4);
    expect(gcTriggerBytes(220 * MB, 100 * MB, 20 * MB)).toBe(200 * MB);
    expect(gcTriggerBytes(220 * MB, 100 * MB, 120 * MB)).toBe(184.375 * MB);
    expect(gcTriggerBytes(220 * MB, 100 * MB, 1000 * MB)).toBe(184.375 * MB);
    // A small heap: 61/64 of the way is above the goal minus 4 MiB.
    expect(gcTriggerBytes(6 * MB, 2 * MB, 0)).toBe(2 * MB + (4 * MB * 61) / 64);
    // Nothing left to grow: the goal itself.
    expect(gcTriggerBytes(100 * MB, 100 * MB, 0)).toBe(100 * MB);
  });

  it('step(): a cycle starts at the trigger, marks (live+stacks)/(rate x P x 25%), then keeps only floating garbage', () => {
    const gc = new GcState(config);
    // 1 MB per 10 ms: 100 MB/s. A mark at 25% of 4 Ps scans 120 MB in 1.2 s, in which 120 MB are
    // allocated: the runway (120 MB) puts the trigger below 45/64 of the way, so at 184.375 MB. 84 MB
    // of garbage: heap 184 MB, no cycle.
    for (let i = 0; i < 84; i++) expect(gc.step(0.01, 1 * MB, mem, 150).pauseSec).toBe(0);
    // One more MB passes the trigger: cycle 1 starts with a pause.
    expect(gc.step(0.01, 1 * MB, mem, 150).pauseSec).toBeCloseTo(2.5e-4, 12);
    expect(gc.marking).toBe(true);
    expect(gc.cpuShare).toBe(0.25);
    let ended = -1;
    for (let i = 1; i <= 200 && ended < 0; i++) if (gc.step(0.01, 1 * MB, mem, 150).pauseSec > 0) ended = i;
    expect(ended).toBe(120);
    expect(gc.cycles).toBe(1);
    // Allocated during the mark (120 x 1 MB) survives as floating garbage: the heap is at the goal.
    expect(gc.heapBytes(mem)).toBeCloseTo(220 * MB, 0);
  });

  it('step(): the next goal comes from the marked heap, the live set plus what the mark allocated black', () => {
    const gc = new GcState(config);
    // Cycle 1 starts at step 85 (184.375 MB) and ends 120 steps later, at 100 MB/s throughout.
    for (let i = 0; i < 205; i++) gc.step(0.01, 1 * MB, mem, 150);
    expect(gc.cycles).toBe(1);
    expect(gc.marking).toBe(false);
    // Marked: 100 MB live + 120 MB black = 220 MB, so the goal is 220 + (220 + 20) = 460 MB. The runway is
    // still 120 MB (100 MB/s over a 1.2 s mark), so goal - runway = 340 MB, below the floor of
    // 220 + 240 x 45/64 = 388.75 MB: 168 more MB (heap 388 MB) do not start cycle 2, the 169th does.
    for (let i = 0; i < 168; i++) gc.step(0.01, 1 * MB, mem, 150);
    expect(gc.cycles).toBe(1);
    gc.step(0.01, 1 * MB, mem, 150);
    expect(gc.cycles).toBe(2);
    expect(gc.heapBytes(mem)).toBeCloseTo(389 * MB, 0);
  });

  it('step(): squeezed by GOMEMLIMIT, marking uses the CPU limiter share (50%)', () => {
    const gc = new GcState({ ...config, memLimitBytes: 200 * MB });
    gc.step(0.01, 60 * MB, mem, 10);
    expect(gc.marking).toBe(true);
    expect(gc.cpuShare).toBe(0.5);
  });
});

describe('GcState.idleSteps', () => {
  it('takes at once the steps `step` takes without a trigger: 168 after cycle 1 (the 169th starts cycle 2)', () => {
    const gc = new GcState(config);
    for (let i = 0; i < 205; i++) gc.step(0.01, 1 * MB, mem, 150);
    const stepped = gc.clone();
    for (let i = 0; i < 168; i++) stepped.step(0.01, 1 * MB, mem, 150);
    // See the test of the next goal above: 168 steps of 1 MB stay under the trigger of 388.75 MB.
    expect(gc.idleSteps(1 * MB, mem, 500)).toBe(168);
    expect(gc).toEqual(stepped);
    expect(gc.idleSteps(1 * MB, mem, 500)).toBe(0);
    gc.step(0.01, 1 * MB, mem, 150);
    expect(gc.cycles).toBe(2);
  });

  it('takes no step while marking, before the first mark, or when asked for none', () => {
    const gc = new GcState(config);
    // Before any mark the allocation rate is still being measured step by step.
    expect(gc.idleSteps(1 * MB, mem, 10)).toBe(0);
    for (let i = 0; i < 85; i++) gc.step(0.01, 1 * MB, mem, 150);
    expect(gc.marking).toBe(true);
    expect(gc.idleSteps(1 * MB, mem, 10)).toBe(0);
    for (let i = 0; i < 120; i++) gc.step(0.01, 1 * MB, mem, 150);
    expect(gc.idleSteps(1 * MB, mem, 0)).toBe(0);
    expect(gc.idleSteps(1 * MB, mem, 10)).toBe(10);
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
