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
    'the model’s search cost is within 15% of the kernel’s median at every occupancy, mode and state',
    async () => {
      // Each step is timed over about a second, one after the other. On a shared VM a neighbour can slow
      // the kernel's scan by a fifth for a second or two (seen once at a full range: 4,853 us against a
      // fit of 3,939 us, in a run whose other steps agreed), so a run that misses is measured again, up to
      // ATTEMPTS runs in all, and one run must agree at every step. A wrong shape or constant misses in
      // every run (the fit's tests show such misses on recorded data).
      const ATTEMPTS = 3;
      let report = await runSearchCostLab();
      const misses: string[] = [];
      for (let attempt = 1; !report.allWithin && attempt < ATTEMPTS; attempt++) {
        misses.push(
          ...report.rows
            .filter((r) => !r.within)
            .map(
              (r) =>
                `run ${attempt}: ${r.mode} ${r.state} ${r.targetPercent}%: kernel p50 ${r.kernel.cpuUs.p50} us, model ${r.model.cpuUs.toFixed(1)} us`,
            ),
        );
        console.log(
          `kernel cost lab: run ${attempt} missed at ${report.rows.filter((r) => !r.within).length} steps; measuring again`,
        );
        report = await runSearchCostLab();
      }
      if (misses.length > 0) console.log(misses.join('\n'));
      for (const r of report.rows) {
        expect(
          r.within,
          `${r.mode} ${r.state} ${r.targetPercent}%: kernel p50 ${r.kernel.cpuUs.p50} us, model ${r.model.cpuUs} us (earlier runs: ${misses.join('; ') || 'none'})`,
        ).toBe(true);
      }
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
        expect(full.kernel.cpuUs.p50 / half).toBeLessThan(2.8);
        expect(Object.keys(full.errors)).toEqual(['EADDRINUSE']);
        expect(Object.keys(row('connect', state, 100).errors)).toEqual(['EADDRNOTAVAIL']);
      }
      // The search is kernel CPU: system time is (nearly) all of a failing dial's CPU time.
      expect(report.fitted.dialSysCpuFraction).toBeGreaterThan(0.9);
      const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
      expect(left).not.toContain(`outage-lab-${process.pid}`);
    },
    900_000,
  );
});
