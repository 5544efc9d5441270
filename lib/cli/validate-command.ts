/**
 * `outage-lab validate`: the fast engine against the reference engine on the validation set
 * (lib/validate/engines.ts), a table of point x metric; exit 1 when a metric is outside the strict rule.
 */
import { InputError } from '../errors.js';
import { checkDuration } from '../run/run-scenario.js';
import { parseDuration } from '../scenario/duration.js';
import { DEFAULT_SEEDS, THRESHOLD_SEEDS, VALIDATION_POINTS } from '../validate/engines.js';
import { runValidation } from '../validate/validation-runner.js';
import { TABLE_HEADER, tableRows } from '../validate/validation-table.js';
import { PartialFailure } from './errors.js';
import { table } from './format.js';
import { parseWorkers } from './options.js';
import { withProgress } from './progress.js';

export interface ValidateOptions {
  points?: string;
  seeds?: string;
  duration?: string;
  workers?: string;
  json?: boolean;
  quiet?: boolean;
}

/** The largest `--seeds`: a bound on a mistyped count, not a measurement. */
export const MAX_SEEDS = 1000;

export function parsePoints(text: string | undefined): typeof VALIDATION_POINTS {
  if (text === undefined) return VALIDATION_POINTS;
  const ids = text.split(',').map((s) => s.trim());
  const known = VALIDATION_POINTS.map((p) => p.id);
  for (const id of ids) {
    if (!known.includes(id))
      throw new InputError(
        `--points: unknown validation point ${JSON.stringify(id)}; expected a comma-separated list of ${known.join(', ')}`,
      );
  }
  return VALIDATION_POINTS.filter((p) => ids.includes(p.id));
}

export function parseSeedCount(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SEEDS;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < 1 || n > MAX_SEEDS)
    throw new InputError(`--seeds: expected an integer in [1, ${MAX_SEEDS}], got ${JSON.stringify(text)}`);
  return n;
}

export async function validateCommand(opts: ValidateOptions): Promise<void> {
  const points = parsePoints(opts.points);
  const seeds = parseSeedCount(opts.seeds);
  let durationSec: number | undefined;
  if (opts.duration !== undefined) {
    durationSec = parseDuration(opts.duration, '--duration');
    checkDuration(durationSec);
  }
  const workers = parseWorkers(opts.workers);
  const t0 = performance.now();
  const result = await withProgress(
    `validate (${points.length} points, both engines)`,
    opts.quiet ?? false,
    (onProgress) =>
      runValidation({
        points,
        seeds,
        workers,
        onProgress,
        ...(durationSec !== undefined && { durationSec }),
      }),
  );
  const wallSec = (performance.now() - t0) / 1000;
  const outside = result.points.filter((p) => !p.within).map((p) => p.point);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...result, wallSec, within: outside.length === 0 })}\n`);
  } else {
    const metrics = result.points.flatMap((p) => p.metrics);
    const agree = metrics.filter((m) => m.within).length;
    const lines = [
      table([[...TABLE_HEADER], ...tableRows(result.points)]),
      '',
      `${agree}/${metrics.length} metrics within 5% of the reference engine; ${result.points.length - outside.length}/${result.points.length} points agree (wall ${wallSec.toFixed(0)} s)`,
    ];
    if (result.extended.length > 0)
      lines.push(`extended to ${THRESHOLD_SEEDS} seeds after an OOM kill: ${result.extended.join(', ')}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (outside.length > 0)
    throw new PartialFailure(`validate: outside the tolerance at ${outside.join(', ')}`);
}
