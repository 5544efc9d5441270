/**
 * The kernel cost lab against the real kernel: needs Linux, root, iproute2 and Go (CI installs them and
 * runs as root). Outside CI it is skipped when it cannot run; in CI, not being able to run is a failure.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { testGoPackage } from '../../lib/lab/go-build.js';
import { runSearchCostLab } from '../../lib/lab/search-cost-lab.js';

const canRun =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  spawnSync('sh', ['-c', 'command -v ip && command -v go']).status === 0;

describe('kernel cost lab', () => {
  it('can run in CI', () => {
    if (process.env['CI'] === 'true') expect(canRun).toBe(true);
  });

  it.skipIf(!canRun)('the layout statistics the comparison uses are exact (Go tests, by hand)', () => {
    const r = testGoPackage('portcost');
    expect(r.ok, r.output).toBe(true);
  });

  it.skipIf(!canRun)(
    'the model’s search cost agrees with the kernel’s median: within 15% at 80% of the steps, within 40% at every one, 7% at the median',
    async () => {
      // Each step is timed in three windows and keeps the lowest; a comparison that misses a step measures
      // the runs holding a missed step again, up to five measurements of a run, and compares each step's
      // lowest (disturbance only adds CPU time). On a 2-core Intel Xeon VM (Linux 6.18) a full-range step
      // was seen at twice its cost in all three of three measurements (a connect at 100% in TIME_WAIT at
      // 7,263 us against the model's 3,700 us), while the same step measured 3,805 us in another run.
      // On this shared VM a neighbour can still slow a step's scans by a fifth to a half in every one of
      // three measurements (seen: a bind at 99% of the range at 3,919 us against the model's 3,248 us, the
      // lowest of three; in another run, 12 of 48 steps missed in the first measurement, 2 in the lowest of
      // three), so the test holds the bulk of the steps to the lab's 15%, every step to 40%, the median to 7%;
      // the lab itself (`outage-lab lab`) exits 1 on any step outside 15% and prints them. A wrong shape
      // or constant misses at most steps whatever is measured (the fit's tests show such misses).
      const report = await runSearchCostLab(undefined, (line) => console.log(line), 5);
      const describeRow = (r: (typeof report.rows)[number]) =>
        `${r.mode} ${r.state} ${r.targetPercent}%: kernel p50 ${r.kernel.cpuUs.p50} us, model ${r.model.cpuUs.toFixed(1)} us`;
      const outside = report.rows.filter((r) => !r.within);
      if (outside.length > 0)
        console.log(
          `steps outside 15% (lowest of ${report.measurements}):\n${outside.map(describeRow).join('\n')}`,
        );
      expect(outside.length, outside.map(describeRow).join('; ')).toBeLessThanOrEqual(
        Math.floor(0.2 * report.rows.length),
      );
      for (const r of report.rows) expect(Math.abs(r.ratio - 1), describeRow(r)).toBeLessThanOrEqual(0.4);
      // The typical step agrees much more closely than the tolerance (a wrong constant moves them all).
      const errors = report.rows.map((r) => Math.abs(r.ratio - 1)).sort((a, b) => a - b);
      expect(errors[errors.length >> 1]!).toBeLessThanOrEqual(0.07);
      const row = (mode: string, state: string, pct: number) =>
        report.rows.find((r) => r.mode === mode && r.state === state && r.targetPercent === pct)!;
      // What the kernel itself shows, independently of the model: a jump at half the range (the first
      // parity is full), and a failing dial that scans the whole range, about twice the half (random
      // probing would make it hundreds of times the half; the bounds leave room for a busy machine).
      for (const state of ['time-wait', 'established']) {
        const empty = row('bind', state, 0).kernel.cpuUs.p50;
        const half = row('bind', state, 50).kernel.cpuUs.p50;
        const full = row('bind', state, 100);
        expect(half / empty).toBeGreaterThan(20);
        expect(full.kernel.cpuUs.p50 / half).toBeGreaterThan(1.5);
        // (Seen up to 2.87 when a neighbour slowed the full-range scans in all three measurements.)
        expect(full.kernel.cpuUs.p50 / half).toBeLessThan(3.5);
        expect(Object.keys(full.errors)).toEqual(['EADDRINUSE']);
        expect(Object.keys(row('connect', state, 100).errors)).toEqual(['EADDRNOTAVAIL']);
      }
      // The search is kernel CPU: system time is (nearly) all of a failing dial's CPU time.
      expect(report.fitted.dialSysCpuFraction).toBeGreaterThan(0.9);
      const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
      expect(left).not.toContain(`outage-lab-${process.pid}`);
    },
    1_200_000,
  );
});
