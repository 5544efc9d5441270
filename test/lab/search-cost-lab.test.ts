/**
 * The kernel cost lab against the real kernel: needs Linux, root, iproute2 and Go (CI installs them and
 * runs as root). Outside CI it is skipped when it cannot run; in CI, not being able to run is a failure.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { testGoPackage } from '../../lib/lab/go-build.js';
import { searchCostCiFailures } from '../../lib/lab/search-cost-fit.js';
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
    'the kernel’s search cost has the model’s shape, within the factors CI holds a shared VM to',
    async () => {
      // Each step is timed in three windows and keeps the lowest; a comparison that misses a step measures
      // the runs holding a missed step again, up to three measurements of a run, and compares each step's
      // lowest (disturbance only adds CPU time). The lab itself (`outage-lab lab`) exits 1 on any step
      // outside 15% and prints them; on the shared VMs CI runs on, the kernel's cost per examined port is
      // not constant (SEARCH_COST_CI says what was measured), so this test holds the lab to
      // SEARCH_COST_CI, whose own tests show what fails it (a random-probe kernel, a step 3x off, half
      // the steps 40% off the shape, a dial that is not kernel time).
      const report = await runSearchCostLab(undefined, (line) => console.log(line), 3);
      const outside = report.rows.filter((r) => !r.within);
      if (outside.length > 0)
        console.log(
          `steps outside 15% (lowest of ${report.measurements}):\n${outside
            .map(
              (r) =>
                `${r.mode} ${r.state} ${r.targetPercent}%: kernel p50 ${r.kernel.cpuUs.p50} us, model ${r.model.cpuUs.toFixed(1)} us`,
            )
            .join('\n')}`,
        );
      const failures = searchCostCiFailures(report);
      expect(failures, failures.join('; ')).toEqual([]);
      const row = (mode: string, state: string, pct: number) =>
        report.rows.find((r) => r.mode === mode && r.state === state && r.targetPercent === pct)!;
      // A full range fails in bind() with EADDRINUSE and in connect() with EADDRNOTAVAIL.
      for (const state of ['time-wait', 'established']) {
        expect(Object.keys(row('bind', state, 100).errors)).toEqual(['EADDRINUSE']);
        expect(Object.keys(row('connect', state, 100).errors)).toEqual(['EADDRNOTAVAIL']);
      }
      const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
      expect(left).not.toContain(`outage-lab-${process.pid}`);
    },
    1_200_000,
  );
});
