/**
 * `outage-lab calibration`: the post-mortem's observations O1-O10 (data/expectations.json) checked
 * against the outage week run as a fleet, as deployed and without a fix. Exit 1 if any is not reproduced.
 */
import { evaluateWeek, loadExpectations, runWeekFleet } from '../calibration/week.js';
import { PartialFailure } from './errors.js';
import { table } from './format.js';
import { parseSeed } from './options.js';
import { createProgress } from './progress.js';

export function calibrationCommand(opts: { seed?: string; json?: boolean; quiet?: boolean }): void {
  const seed = parseSeed(opts.seed);
  const exp = loadExpectations();
  const runs = [exp.scenarios.week, exp.scenarios.withoutFix];
  const [first, second] = runs.map((id, i) => {
    // Progress in percent of the fleet's host-seconds (the total is known only once the run starts).
    const progress = createProgress(
      `calibration: ${id} (${i + 1}/2)`,
      100,
      '% of the fleet',
      opts.quiet ?? false,
    );
    try {
      return runWeekFleet(id, seed, (done, total) => progress.update((100 * done) / total));
    } finally {
      progress.stop();
    }
  });
  const results = evaluateWeek(exp, first!, second!);
  if (opts.json) process.stdout.write(`${JSON.stringify(results)}\n`);
  else {
    process.stdout.write(
      `${table([['', 'verdict', 'measured'], ...results.map((o) => [o.id, o.verdict, o.measured])])}\n`,
    );
  }
  const failed = results.filter((o) => o.verdict !== 'reproduced');
  if (failed.length > 0) {
    throw new PartialFailure(
      `${failed.length} of ${results.length} observations not reproduced: ${failed.map((o) => o.id).join(', ')}`,
    );
  }
}
