/**
 * `npm run bench -- regimes`: the regime-map sweep (data/sweeps/metastability.json: 72 points x 2
 * replicates of one simulated hour, each classified after the trigger stops) with 2 workers, then the
 * bisection of the boundaries along the batch size (in the main thread). Runs the compiled library.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type RunnerModule = typeof import('../lib/sweep/runner.js');
type SpecModule = typeof import('../lib/sweep/spec.js');

export async function benchRegimes(): Promise<string> {
  const runner = (await import('../dist/sweep/runner.js' as string)) as RunnerModule;
  const specs = (await import('../dist/sweep/spec.js' as string)) as SpecModule;
  const spec = specs.loadSweepSpec(
    fileURLToPath(new URL('../data/sweeps/metastability.json', import.meta.url)),
  );
  const dir = join(mkdtempSync(join(tmpdir(), 'bench-regimes-')), 'out');
  let refineRuns = 0;
  let gridDoneAt = 0;
  const t0 = performance.now();
  try {
    const report = await runner.runSweep({
      spec,
      outDir: dir,
      workers: 2,
      onProgress: (done, total) => {
        if (done === total && gridDoneAt === 0) gridDoneAt = performance.now();
      },
      onRefine: () => {
        refineRuns++;
      },
    });
    const total = (performance.now() - t0) / 1000;
    const grid = (gridDoneAt - t0) / 1000;
    const boundaries = readFileSync(join(dir, 'boundary.csv'), 'utf8').trim().split('\n').length - 1;
    return [
      'regimes',
      `gridRuns=${report.shardRuns}`,
      `gridWallSec=${grid.toFixed(1)}`,
      `refineRuns=${refineRuns}`,
      `refineWallSec=${(total - grid).toFixed(1)}`,
      `boundaries=${boundaries}`,
      `totalWallSec=${total.toFixed(1)}`,
    ].join(' ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
