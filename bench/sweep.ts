/**
 * `npm run bench -- sweep [shards]`: worker scaling and the default sweep's wall time.
 * 1. Scaling: one shard of data/sweeps/default.json (1/8 by default: 96 runs of 2 simulated hours) with 1
 *    worker, then with 2 workers; efficiency = T1 / (2 x T2) (target >= 85%).
 * 2. The whole default sweep (4 axes x 4 values x 3 replicates = 768 runs of 2 h) with 2 workers (target
 *    <= 3 min on 2 cores).
 * Runs the compiled library in dist/ (built by `npm run bench`), as the CLI does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type RunnerModule = typeof import('../lib/sweep/runner.js');
type SpecModule = typeof import('../lib/sweep/spec.js');

export async function benchSweep(args: string[]): Promise<string> {
  const runner = (await import('../dist/sweep/runner.js' as string)) as RunnerModule;
  const specs = (await import('../dist/sweep/spec.js' as string)) as SpecModule;
  const config = fileURLToPath(new URL('../data/sweeps/default.json', import.meta.url));
  const spec = specs.loadSweepSpec(config);
  const shardCount = Number(args[0] ?? 8);
  const base = mkdtempSync(join(tmpdir(), 'bench-sweep-'));
  const timed = async (label: string, workers: number, shard: { index: number; count: number }) => {
    const t0 = performance.now();
    const report = await runner.runSweep({ spec, outDir: join(base, label), workers, shard });
    const wallSec = (performance.now() - t0) / 1000;
    process.stderr.write(
      `${label}: ${report.shardRuns} runs, ${workers} worker(s), ${wallSec.toFixed(1)} s\n`,
    );
    return { wallSec, runs: report.shardRuns };
  };
  try {
    const part = { index: 0, count: shardCount };
    const one = await timed('scaling-1-worker', 1, part);
    const two = await timed('scaling-2-workers', 2, part);
    const efficiency = one.wallSec / (2 * two.wallSec);
    const full = await timed('default-2-workers', 2, { index: 0, count: 1 });
    return [
      'sweep',
      `runs=${full.runs}`,
      `wallSec=${full.wallSec.toFixed(1)}`,
      `runsPerSec=${(full.runs / full.wallSec).toFixed(2)}`,
      'target=180',
      `met=${full.wallSec <= 180}`,
      `scalingRuns=${one.runs}`,
      `t1=${one.wallSec.toFixed(1)}`,
      `t2=${two.wallSec.toFixed(1)}`,
      `efficiency=${(100 * efficiency).toFixed(0)}%`,
      `efficiencyMet=${efficiency >= 0.85}`,
    ].join(' ');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
