/**
 * `outage-lab sensitivity`: the affected data center's Monday without a fix with each assumption at each
 * end of its stated range, one at a time (lib/sensitivity/monday.ts): Monday's served share, its down
 * episodes and the Monday targets M1-M4 each case meets.
 */
import { loadExpectations } from '../calibration/week.js';
import {
  MONDAY_SENSITIVITY_PARAMETERS,
  MONDAY_TARGETS,
  runMondaySensitivity,
} from '../sensitivity/monday.js';
import { table } from './format.js';
import { parseSeed, parseWorkers, pickOnly } from './options.js';
import { withProgress } from './progress.js';

export interface SensitivityOptions {
  seed?: string;
  only?: string[];
  workers?: string;
  json?: boolean;
  quiet?: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const d1 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(1));

export async function sensitivityCommand(opts: SensitivityOptions): Promise<void> {
  const seed = parseSeed(opts.seed);
  const workers = parseWorkers(opts.workers);
  const parameters = pickOnly(MONDAY_SENSITIVITY_PARAMETERS, (p) => p.path, opts.only, 'parameter');
  const result = await withProgress(
    `sensitivity (${parameters.length} parameters x 2 ends on DC A's Monday)`,
    opts.quiet ?? false,
    (onProgress) =>
      runMondaySensitivity(loadExpectations(), {
        seed,
        workers,
        parameters,
        onProgress,
      }),
  );
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const rows = [
    ['case', 'Monday served', 'episodes', 'median gap (min)', 'span (h)', 'OOM kills', ...MONDAY_TARGETS],
    ...result.cases.map((c) => [
      c.case.path === null ? 'defaults' : c.case.id,
      pct(c.row.mondayAvailability),
      String(c.row.mondayEpisodes),
      d1(c.row.medianGapMin),
      d1(c.row.spanHours),
      String(c.row.mondayOomKills),
      ...MONDAY_TARGETS.map((t) => (c.verdicts[t] ? 'ok' : 'miss')),
    ]),
  ];
  process.stdout.write(
    `DC A (${result.hosts} hosts) without a fix, Monday 00:00-21:30 UTC, seed ${result.seed}\n${table(rows)}\n`,
  );
}
