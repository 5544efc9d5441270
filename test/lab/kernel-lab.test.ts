/**
 * The kernel lab against the real kernel: needs Linux, root, iproute2 and memcached (CI installs them and
 * runs as root). Outside CI it is skipped when it cannot run; in CI, not being able to run is a failure.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runKernelLab } from '../../lib/lab/kernel-lab.js';

const canRun =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  spawnSync('sh', ['-c', 'command -v ip && command -v memcached']).status === 0;

describe('kernel lab', () => {
  it('can run in CI', () => {
    if (process.env['CI'] === 'true') expect(canRun).toBe(true);
  });

  it.skipIf(!canRun)(
    'model and kernel agree within 5% on peak TIME_WAIT, dial failures and recovery time, in every dial mode',
    async () => {
      const report = await runKernelLab();
      const byMode = Object.fromEntries(report.results.map((r) => [r.mode, r]));
      for (const r of report.results) {
        for (const [figure, ok] of Object.entries(r.within)) {
          expect(
            ok,
            `${r.mode} ${figure}: kernel ${JSON.stringify(r.kernel)} model ${JSON.stringify(r.model)}`,
          ).toBe(true);
        }
      }
      // What the kernel itself shows (independently of the model):
      expect(byMode['bind']!.kernelObservation.batchErrors).toEqual({ EADDRINUSE: 50 });
      expect(byMode['connect']!.kernelObservation.batchErrors).toEqual({ EADDRNOTAVAIL: 50 });
      expect(byMode['bind']!.kernel.recoverySec).toBeGreaterThan(59);
      expect(byMode['connect']!.kernel.recoverySec).toBeLessThanOrEqual(1.6);
      expect(byMode['random']!.kernel.dialFailures).toBe(0);
      expect(byMode['bind']!.kernel.peakTimeWait).toBe(180);
      // Cleanup: no namespace of ours is left behind.
      const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
      expect(left).not.toContain(`outage-lab-${process.pid}`);
    },
    180_000,
  );
});
