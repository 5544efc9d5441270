import { describe, expect, it, vi } from 'vitest';
import { downSecond } from '../../../lib/engine/fast/down-second.js';
import { runHostFast } from '../../../lib/engine/fast/host-fast.js';
import type { TimelineRow } from '../../../lib/metrics/timeline.js';
import { resolveRunParams } from '../../../lib/run/run-scenario.js';
import { findScenario } from '../../../lib/scenario/scenarios.js';

// The real `downSecond`, counted: how many seconds it took in one pass.
const taken = vi.hoisted(() => ({ seconds: 0 }));
vi.mock('../../../lib/engine/fast/down-second.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../lib/engine/fast/down-second.js')>();
  return {
    downSecond: (...args: Parameters<typeof real.downSecond>) => {
      const ok = real.downSecond(...args);
      if (ok) taken.seconds++;
      return ok;
    },
  };
});

describe('downSecond', () => {
  // The outage scenario's 15 minutes at seed 1: six OOM kills, the later ones restarted after a back-off,
  // so the process is down for whole seconds at a time (and some seconds start or end a down stretch).
  const params = resolveRunParams(findScenario('outage')!);
  const run = (downSeconds: boolean) => {
    const rows: TimelineRow[] = [];
    const summary = runHostFast({
      params,
      seed: 1,
      durationSec: 900,
      downSeconds,
      onRow: (r) => rows.push(r),
    });
    return { rows, summary };
  };
  const before = taken.seconds;
  const stepped = run(false);
  const steppedTaken = taken.seconds - before;
  const onePass = run(true);
  const onePassTaken = taken.seconds - before - steppedTaken;

  it('is taken for the down seconds when on, never when off', () => {
    expect(stepped.summary.oomKills).toBeGreaterThanOrEqual(2);
    expect(steppedTaken).toBe(0);
    // Seconds that close with the process down: the one-pass path takes those it was down all through
    // (not the kill's own second).
    const downRows = stepped.rows.filter((r) => r.processState === 'down').length;
    expect(downRows).toBeGreaterThan(0);
    expect(onePassTaken).toBeGreaterThan(0);
    expect(onePassTaken).toBeLessThanOrEqual(downRows);
  });

  it('leaves the same timeline rows, second by second, and the same summary as 100 single steps', () => {
    expect(onePass.rows.length).toBe(900);
    expect(onePass.rows).toEqual(stepped.rows);
    expect(onePass.summary).toEqual(stepped.summary);
  });

  it('books step by step, in the same order, when the counters are not whole numbers', async () => {
    // A quarter of a failed request booked first on both hosts: batching would no longer be exact.
    const { FastHost } = await import('../../../lib/engine/fast/host-fast.js');
    const runWithQuarter = (downSeconds: boolean) => {
      const rows: TimelineRow[] = [];
      const host = new FastHost({
        params,
        seed: 1,
        durationSec: 900,
        downSeconds,
        onRow: (r) => rows.push(r),
      });
      host.metrics.requestsDone(0, 0, 0.25, true);
      expect(host.metrics.failuresAddExactly(1)).toBe(false);
      const summary = host.run();
      return { rows, summary };
    };
    const start = taken.seconds;
    const a = runWithQuarter(false);
    const b = runWithQuarter(true);
    expect(taken.seconds - start).toBe(onePassTaken);
    expect(b.rows).toEqual(a.rows);
    expect(b.summary).toEqual(a.summary);
    expect(b.summary).not.toEqual(stepped.summary);
  });

  it('declines a second in which the process is up, and changes nothing', async () => {
    const { FastHost } = await import('../../../lib/engine/fast/host-fast.js');
    const host = new FastHost({ params, seed: 1, durationSec: 10 });
    expect(host.lifecycle.serving).toBe(true);
    expect(downSecond(host, 0, 100)).toBe(false);
    const fresh = new FastHost({ params, seed: 1, durationSec: 10 });
    expect(host.rng.nextUint32()).toBe(fresh.rng.nextUint32());
  });
});
