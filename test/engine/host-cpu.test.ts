/**
 * The host's CPU in both engines (model/cpu.ts): what a burst of dials costs, what it does to normal
 * requests, and what the GC's CPU and its pauses change.
 */
import { describe, expect, it } from 'vitest';
import { runHostDes } from '../../lib/engine/des/host-sim.js';
import { runHostFast } from '../../lib/engine/fast/host-fast.js';
import type { HostRunOptions } from '../../lib/engine/host-run.js';
import type { TimelineRow } from '../../lib/metrics/timeline.js';
import { GcState } from '../../lib/model/gc.js';
import { defaultParams } from '../../lib/model/params.js';
import { applyOverrides } from '../../lib/model/resolve-params.js';

const ENGINES = { des: runHostDes, fast: runHostFast } as const;
const sum = (rows: TimelineRow[], k: keyof TimelineRow) => rows.reduce((a, r) => a + Number(r[k] ?? 0), 0);

function run(engine: keyof typeof ENGINES, options: Omit<HostRunOptions, 'onRow'>) {
  const rows: TimelineRow[] = [];
  const summary = ENGINES[engine]({ ...options, onRow: (r) => rows.push(r) });
  return { summary, rows };
}

describe.each(['des', 'fast'] as const)('the host CPU in the %s engine', (engine) => {
  // Production rates, no new client of its own: batches of 17,500 URIs at 2 s and 8 s, against the same
  // run without them. The first dials cheaply on an empty range (~15 us each) and leaves ~10,000 ports in
  // TIME_WAIT; the second starts past half the range, where every dial scans half of it (2.6 ms of kernel
  // CPU) and then every one fails scanning all of it (5.5 ms): more than the 16 cores can do.
  const params = applyOverrides(defaultParams(), { 'workload.newClientRatePerSec': 0 });
  const burst = run(engine, {
    params,
    seed: 1,
    durationSec: 14,
    injections: [2.005, 8.005].map((atSec) => ({ atSec, client: 'new-internal' as const, uris: 17_500 })),
  });
  const calm = run(engine, { params, seed: 1, durationSec: 14 });

  it('charges Go code and the GC in a calm run, and no kernel time beyond its few closes', () => {
    const mutator = sum(calm.rows, 'cpuMutatorSec') / 14;
    // ~20,800 requests/s x 30 us + ~44,000 ops/s x 10 us: about 1.1 cores.
    expect(mutator).toBeGreaterThan(0.9);
    expect(mutator).toBeLessThan(1.4);
    expect(sum(calm.rows, 'cpuKernelSec')).toBeLessThan(0.01);
    expect(Math.max(...calm.rows.map((r) => Number(r.runnableMax)))).toBe(0);
  });

  it("reports the run's CPU by kind in its summary: the sums of the timeline's columns", () => {
    for (const { summary, rows } of [burst, calm]) {
      expect(summary.cpuMutatorSec).toBeCloseTo(sum(rows, 'cpuMutatorSec'), 4);
      expect(summary.cpuGcSec).toBeCloseTo(sum(rows, 'cpuGcSec'), 4);
      expect(summary.cpuKernelSec).toBeCloseTo(sum(rows, 'cpuKernelSec'), 4);
    }
    // 14 s on 16 cores: at most 224 core-seconds in all; the burst's scans are most of the kernel's.
    const total = burst.summary.cpuMutatorSec + burst.summary.cpuGcSec + burst.summary.cpuKernelSec;
    expect(total).toBeLessThanOrEqual(14 * 16 + 1e-6);
    expect(burst.summary.cpuKernelSec).toBeGreaterThan(10 * calm.summary.cpuKernelSec + 10);
  });

  it('a burst on an empty range costs little; one past half the range fills the cores', () => {
    const first = burst.rows[2]!; // the interval (2, 3]
    expect(Number(first.cpuKernelSec)).toBeLessThan(1);
    const second = burst.rows[8]!; // (8, 9]
    expect(Number(second.cpuKernelSec)).toBeGreaterThan(12); // of 16 core-seconds
    expect(Number(second.cpuMutatorSec)).toBeLessThan(Number(calm.rows[8]!.cpuMutatorSec));
    expect(Number(second.runnableMax)).toBeGreaterThan(10_000);
  });

  it("slows normal requests: the burst run's p99 is many times the calm run's", () => {
    expect(calm.summary.p99LatencyMs!).toBeLessThan(5);
    // Stalled calls are abandoned at the AppView's 1 s deadline: p99 is the deadline, ~370x the calm run's.
    expect(burst.summary.p99LatencyMs!).toBeGreaterThan(100 * calm.summary.p99LatencyMs!);
    expect(burst.summary.availability).toBeLessThan(0.9);
    expect(calm.summary.availability).toBe(1);
  });
});

describe.each(['des', 'fast'] as const)('GC CPU and pauses in the %s engine', (engine) => {
  const base = defaultParams();
  const figures = (overrides: Record<string, number>) => {
    const params = applyOverrides(base, { ...overrides, 'workload.newClientRatePerSec': 0 });
    const r = run(engine, { params, seed: 2, durationSec: 60 });
    return { ...r.summary, gcCpuSec: sum(r.rows, 'cpuGcSec') };
  };
  const normal = figures({});

  it('a GC that marks for free takes no CPU; a slower one starts earlier, and both stay under GOMEMLIMIT', () => {
    const free = figures({ 'runtime.markBytesPerSecPerCore': 100 * 1024 ** 3 });
    expect(normal.gcCpuSec).toBeGreaterThan(1);
    expect(free.gcCpuSec).toBeLessThan(normal.gcCpuSec / 100);
    // The pacer's runway: what the mutator allocates during a mark at 25% starts the slow GC that much
    // earlier (the free one triggers 4 MiB short of the goal), so the slow one's peak is the lower one.
    expect(normal.peakRssBytes).toBeLessThan(free.peakRssBytes);
    expect(free.peakRssBytes).toBeLessThanOrEqual(base.runtime.memLimitBytes);
  });

  it('zero pause coefficients remove the pauses; long pauses stretch requests', () => {
    const none = figures({ 'runtime.stwBaseSec': 0, 'runtime.stwPerThreadSec': 0 });
    expect(normal.maxGcPauseMs).toBeGreaterThan(0);
    expect(none.maxGcPauseMs).toBe(0);
    if (engine === 'des') {
      // 50 ms pauses (the range allows up to 1 s): every task event in a pause waits for its end.
      const long = figures({ 'runtime.stwBaseSec': 0.05 });
      expect(long.p99LatencyMs!).toBeGreaterThan(normal.p99LatencyMs!);
    }
  });
});

describe('GcState marking without its CPU', () => {
  it('a mark phase that gets half its CPU lasts twice as long', () => {
    // 1 GiB live, 250 MiB/s per core, 4 Ps at 25%: 1 core, so 4.096 s of marking at full CPU.
    const config = {
      gogcPercent: 100,
      memLimitBytes: 0,
      gcCpuLimitFraction: 0.5,
      markBytesPerSecPerCore: 250 * 1024 ** 2,
      gomaxprocs: 4,
      stwBaseSec: 0,
      stwPerThreadSec: 0,
    };
    const mem = { liveHeapBytes: 1024 ** 3, stackBytes: 0, otherBytes: 0 };
    const markSec = (progress: number) => {
      const gc = new GcState(config);
      gc.step(0.01, 2 * 1024 ** 3, mem, 0); // the heap is past its goal: a cycle starts
      expect(gc.marking).toBe(true);
      let sec = 0;
      while (gc.marking && sec < 100) {
        gc.step(0.01, 0, mem, 0, progress);
        sec += 0.01;
      }
      return sec;
    };
    expect(markSec(1)).toBeCloseTo(4.1, 1);
    expect(markSec(0.5)).toBeCloseTo(8.2, 1);
  });
});
