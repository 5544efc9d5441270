/**
 * `npm run bench -- validate [durationSec] [seeds]`: the full validation table of the aggregate engine
 * against the reference engine (lib/validate/engines.ts) on two worker threads; `outage-lab validate`
 * runs the same table with its options.
 */
import { VALIDATION_POINTS } from '../lib/validate/engines.js';
import { runValidation } from '../lib/validate/validation-runner.js';
import { markdownTable } from '../lib/validate/validation-table.js';

export async function benchValidate(args: string[]): Promise<string> {
  const durationSec = args[0] === undefined ? undefined : Number(args[0]);
  const seeds = Number(args[1] ?? 6);
  const t0 = performance.now();
  const result = await runValidation({
    points: VALIDATION_POINTS,
    seeds,
    workers: 2,
    ...(durationSec !== undefined && { durationSec }),
  });
  process.stderr.write(`${markdownTable(result.points)}\n`);
  const metrics = result.points.flatMap((p) => p.metrics);
  const agree = metrics.filter((m) => m.within).length;
  const wall = (performance.now() - t0) / 1000;
  return `validate points=${result.points.length} seeds=${seeds} durationSec=${durationSec ?? 'per-point'} agree=${agree}/${metrics.length} pointsAgree=${result.points.filter((p) => p.within).length} wallSec=${wall.toFixed(0)}`;
}
