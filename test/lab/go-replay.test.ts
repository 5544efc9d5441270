import { describe, expect, it } from 'vitest';
import {
  type DialBurstInput,
  replayDialBurst,
  replayGcCpu,
  replayGcPauseMs,
  replayLogging,
} from '../../lib/lab/go-replay.js';

/** Cores enough that the dials' kernel work never queues (the hand-off stays the configured one). */
const ampleCores = { cores: 64, tickSec: 0.01 };
const BURST: DialBurstInput = {
  gomaxprocs: 2,
  goroutines: 4,
  dialSec: 1e-3,
  sysmonTickSec: 20e-6,
  handoffSec: 0.5e-3,
  threadsBefore: 3,
  ...ampleCores,
};
const burst = (o: Partial<DialBurstInput>) => replayDialBurst({ ...BURST, ...o });

describe('replayDialBurst', () => {
  it('replayDialBurst(2 Ps, 4 slow dials) hands each P off once per hand-off period', () => {
    // t=0: goroutines 0,1 take the Ps; t=0.5 ms: both handed off (2 blocked), 2,3 take the Ps;
    // t=1 ms: 0,1 return, 2,3 handed off (2 blocked); t=1.5 ms: 2,3 return.
    const r = burst({});
    expect(r.peakBlocked).toBe(2);
    // sysmon + 2 Ps + 2 blocked
    expect(r.peakThreads).toBe(5);
    expect(r.lastReturnSec).toBeCloseTo(1.5e-3, 12);
    // 4 ms of kernel work served on 64 cores within the first tick
    expect(r.cpuWallSec).toBeCloseTo(4e-3 / 64, 12);
  });

  it('replayDialBurst with a GC mark: dials holding every P leave it no CPU until they return', () => {
    // 2 Ps, 2 cores, 10 ms ticks, 4 dials of 10 ms with a 20 ms hand-off (none handed off): 0,1 hold the
    // Ps over 0-10 ms, 2,3 over 10-20 ms. The mark needs 10 ms of CPU and wants 0.25 x 2 = 0.5 cores.
    // Ticks at 10 and 20 ms: every P held, the GC gets nothing; at 30 and 40 ms it gets 5 ms each.
    const held = { gomaxprocs: 2, goroutines: 4, dialSec: 0.01, handoffSec: 0.02, cores: 2, tickSec: 0.01 };
    const r = burst({ ...held, mark: { atSec: 0, coreSec: 0.01 } });
    expect(r.markWallSec).toBeCloseTo(0.04, 12);
    expect(r.markCoreSecInBurst).toBe(0);
    // The burst's kernel work (40 ms on 2 cores) is served by the end of the 20 ms tick.
    expect(r.cpuWallSec).toBeCloseTo(0.02, 12);
    // No dials: the mark gets its 0.5 cores from the first tick.
    const free = burst({ ...held, goroutines: 0, mark: { atSec: 0, coreSec: 0.01 } });
    expect(free.markWallSec).toBeCloseTo(0.02, 12);
    expect(free.markCoreSecInBurst).toBe(0);
    // Two dials, one per P: the Ps are held over 0-10 ms only; the ticks at 20 and 30 ms serve the mark.
    const two = burst({ ...held, goroutines: 2, mark: { atSec: 0, coreSec: 0.01 } });
    expect(two.markWallSec).toBeCloseTo(0.03, 12);
    expect(two.markCoreSecInBurst).toBe(0);
    // One dial holds one of the two Ps over 0-10 ms: the other P is free, so the mark gets its 5 ms in
    // that step (inside the burst) and the rest at 20 ms.
    const one = burst({ ...held, goroutines: 1, mark: { atSec: 0, coreSec: 0.01 } });
    expect(one.markCoreSecInBurst).toBeCloseTo(0.005, 12);
    expect(one.markWallSec).toBeCloseTo(0.02, 12);
    // A mark that starts mid-step asks for the part of the step after its start: from 5 ms, 2.5 ms at
    // the 10 ms tick, then 5 ms a tick, the last 2.5 ms at 30 ms: done 25 ms after it started.
    const late = burst({ ...held, goroutines: 0, mark: { atSec: 0.005, coreSec: 0.01 } });
    expect(late.markWallSec).toBeCloseTo(0.025, 12);
    expect(burst({}).markWallSec).toBeNull();
    // A mark that could never start or end is refused, not looped on.
    expect(() => burst({ mark: { atSec: Number.NaN, coreSec: 0.01 } })).toThrow(/mark.atSec must be >= 0/);
    expect(() => burst({ mark: { atSec: 0, coreSec: 0 } })).toThrow(/mark.coreSec > 0/);
  });

  it('replayDialBurst(dials shorter than the hand-off) adds no thread', () => {
    const r = burst({ dialSec: 10e-6 });
    expect(r.peakBlocked).toBe(0);
    expect(r.peakThreads).toBe(3);
    expect(r.lastReturnSec).toBeCloseTo(20e-6, 12);
  });

  it('replayDialBurst: the blocked count per P is about d / hand-off, whatever the burst size', () => {
    const run = (goroutines: number) =>
      burst({ gomaxprocs: 4, goroutines, dialSec: 6e-3, handoffSec: 1e-3, threadsBefore: 1 });
    // Each P: one goroutine enters every 1 ms and stays 6 ms, handed off after 1 ms: 5 blocked per P.
    expect(run(500).peakBlocked).toBe(20);
    expect(run(2000).peakBlocked).toBe(20);
    expect(run(2000).peakThreads).toBe(1 + 4 + 20);
  });

  it('replayDialBurst on one core: the kernel work queued ahead lengthens the hand-off, so a dial keeps its P', () => {
    // 1 P, 1 core, 1 ms ticks, dials of 4.5 ms, hand-off 1.2 ms when the core is free.
    // t=0: g0 dials, handed off at 1.2 ms. Tick at 1 ms: 1 ms of its 4.5 served, 3.5 ms queued.
    // t=1.2 ms: g1 takes the P; the hand-off would come after 1.2 + 3.5 = 4.7 ms > 4.5, so g1 keeps its P
    // until 5.7 ms (no second blocked M). g0 returns at 4.5 ms. t=5.7 ms: g2 dials (queue 4 ms at the 5 ms
    // tick: hand-off 5.2 ms, kept), returns at 10.2 ms. The core serves 13.5 ms of work by 13.5 ms.
    const oneCore = { gomaxprocs: 1, goroutines: 3, dialSec: 4.5e-3, handoffSec: 1.2e-3, threadsBefore: 2 };
    const r = burst({ ...oneCore, cores: 1, tickSec: 1e-3 });
    expect(r.peakBlocked).toBe(1);
    // sysmon + the P's M + g0's blocked M
    expect(r.peakThreads).toBe(3);
    expect(r.lastReturnSec).toBeCloseTo(10.2e-3, 12);
    expect(r.cpuWallSec).toBeCloseTo(13.5e-3, 12);
    // The same burst with the cores never queued: g1 is handed off too.
    expect(burst(oneCore).peakBlocked).toBeGreaterThan(1);
  });
});

describe('replayLogging', () => {
  it('replayLogging(1,000 lines at 1 ms each) takes 1 s and one blocked writer', () => {
    const r = replayLogging({
      gomaxprocs: 2,
      lines: 1000,
      lineBytes: 400,
      pipeBytesPerSec: 400_000,
      sysmonTickSec: 20e-6,
      threadsBefore: 2,
    });
    expect(r.wallSec).toBeCloseTo(1, 9);
    expect(r.linesWritten).toBe(1000);
    // sysmon + 2 Ps + the writer in write(2); the 999 others wait as goroutines.
    expect(r.peakThreads).toBe(4);
  });

  it('replayLogging never goes below the threads the process already had', () => {
    const r = replayLogging({
      gomaxprocs: 2,
      lines: 10,
      lineBytes: 400,
      pipeBytesPerSec: 400_000,
      sysmonTickSec: 20e-6,
      threadsBefore: 9,
    });
    expect(r.peakThreads).toBe(9);
  });
});

describe('GC replays', () => {
  it('replayGcPauseMs(100 us + 1 us x 100 threads) = 0.2 ms', () => {
    expect(replayGcPauseMs({ stwBaseSec: 100e-6, stwPerThreadSec: 1e-6 }, 100)).toBeCloseTo(0.2, 12);
  });

  it('replayGcCpu: 100 MB live, 100 MB/s allocated, 0.8 s marks at 25% of the Ps every ~2 s -> 0.1 of the CPU', () => {
    const MB = 1e6;
    const r = replayGcCpu({
      config: {
        gogcPercent: 100,
        memLimitBytes: 0,
        gcCpuLimitFraction: 0.5,
        markBytesPerSecPerCore: 250 * MB,
        gomaxprocs: 2,
        stwBaseSec: 0,
        stwPerThreadSec: 0,
      },
      liveHeapBytes: 100 * MB,
      stackBytes: 0,
      allocBytesPerSec: 100 * MB,
      durationSec: 10,
      stepSec: 0.01,
    });
    // A mark scans 100 MB at 250 MB/s x 2 Ps x 25%: 0.8 s, in which 80 MB are allocated (the runway).
    // Cycle 1 starts at the trigger's floor, 100 + 100 x 45/64 = 170.3 MB (0.71 s). Then the marked heap
    // is 180 MB (live + black), the goal 360 MB, the trigger its floor, 306.6 MB: 1.27 s of allocation
    // and a 0.8 s mark, a cycle every ~2.07 s: 5 in 10 s (the last ends at 9.79 s), 4 s at 25% = 0.1.
    expect(r.cycles).toBe(5);
    expect(r.cpuFraction).toBeCloseTo(0.1, 6);
  });
});
