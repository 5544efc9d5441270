/** `outage-lab report`: a thin wrapper over lib/report/command.ts. */
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { ROOT, writeReport } from '../report/command.js';
import { givenSweep } from '../report/sweeps.js';
import { loadSweepSpec } from '../sweep/spec.js';

export async function reportCommand(opts: {
  sweep?: string;
  out?: string;
  workers?: string;
  updateCache?: boolean;
  quiet?: boolean;
}): Promise<void> {
  let workers: number | undefined;
  if (opts.workers !== undefined) {
    workers = Number(opts.workers);
    if (!/^\d+$/.test(opts.workers.trim()) || workers > 1024) {
      throw new InputError(
        `--workers: expected an integer in [0, 1024], got ${JSON.stringify(opts.workers)}`,
      );
    }
  }
  // A directory given with --sweep is checked before any other sweep runs.
  if (opts.sweep !== undefined) {
    const specPath = join(ROOT, 'data', 'sweeps', 'default.json');
    givenSweep(loadSweepSpec(specPath), specPath, opts.sweep);
  }
  await writeReport({
    ...(opts.sweep !== undefined && { sweep: opts.sweep }),
    ...(opts.out !== undefined && { out: opts.out }),
    ...(workers !== undefined && { workers }),
    ...(opts.updateCache !== undefined && { updateCache: opts.updateCache }),
    ...(opts.quiet !== undefined && { quiet: opts.quiet }),
  });
}
