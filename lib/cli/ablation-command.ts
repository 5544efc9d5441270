/**
 * `outage-lab ablation`: the affected data center's Monday without a fix, with every mechanism on and
 * with each switched off in turn (lib/calibration/ablation.ts): what is left of the outage.
 */
import { ABLATION_VARIANTS, runAblation } from '../calibration/ablation.js';
import { loadExpectations } from '../calibration/week.js';
import { table } from './format.js';
import { parseSeed, parseWorkers, pickOnly } from './options.js';
import { withProgress } from './progress.js';

export interface AblationOptions {
  seed?: string;
  only?: string[];
  workers?: string;
  json?: boolean;
  quiet?: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export async function ablationCommand(opts: AblationOptions): Promise<void> {
  const seed = parseSeed(opts.seed);
  const workers = parseWorkers(opts.workers);
  const variants = pickOnly(ABLATION_VARIANTS, (v) => v.id, opts.only, 'variant');
  const result = await withProgress(
    `ablation (${variants.length} variants of DC A's Sunday evening and Monday)`,
    opts.quiet ?? false,
    (onProgress) =>
      runAblation(loadExpectations(), {
        seed,
        workers,
        variants,
        onProgress,
      }),
  );
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const rows = [
    [
      'switched off',
      'Monday served',
      'down episodes',
      'longest (min)',
      'OOM kills',
      'dial errors',
      'peak threads',
    ],
    ...result.rows.map((r) => [
      r.off,
      pct(r.mondayAvailability),
      String(r.mondayEpisodes),
      r.longestEpisodeMinutes.toFixed(0),
      String(r.mondayOomKills),
      r.dialErrors.toLocaleString('en-US'),
      String(r.peakThreads),
    ]),
  ];
  process.stdout.write(
    `DC A (${result.hosts} hosts) without a fix, Monday 00:00-21:30 UTC, seed ${result.seed}\n${table(rows)}\n`,
  );
}
