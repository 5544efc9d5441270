/** `outage-lab report`: a thin wrapper over lib/report/command.ts. */
import { InputError } from '../model/resolve-params.js';
import { writeReport } from '../report/command.js';

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
  await writeReport({
    ...(opts.sweep !== undefined && { sweep: opts.sweep }),
    ...(opts.out !== undefined && { out: opts.out }),
    ...(workers !== undefined && { workers }),
    ...(opts.updateCache !== undefined && { updateCache: opts.updateCache }),
    ...(opts.quiet !== undefined && { quiet: opts.quiet }),
  });
}
