/**
 * `npm run report`: run what the post-mortem needs and write reports/postmortem.html.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createProgress } from '../lib/cli/progress.js';
import { buildPostmortem, type ReportRun } from '../lib/report/postmortem.js';
import { runScenario } from '../lib/run/run-scenario.js';
import { findScenario } from '../lib/scenario/scenarios.js';

const OUT = resolve(process.argv[2] ?? 'reports/postmortem.html');
const DURATION_SEC = 600;

const plan = [
  { label: 'baseline', scenario: 'baseline', overrides: {} },
  { label: 'outage', scenario: 'outage', overrides: {} },
  { label: 'outage + SetLimit(50)', scenario: 'outage', overrides: { concurrencyLimit: 50 } },
  { label: 'outage + random local IP', scenario: 'outage', overrides: { 'kernel.localIpMode': 'random' } },
] as const;

const started = Date.now();
const runs: ReportRun[] = [];
for (const [i, item] of plan.entries()) {
  const progress = createProgress(`[${i + 1}/${plan.length}] ${item.label}`, DURATION_SEC, 'sim s');
  const { summary } = runScenario({
    scenario: findScenario(item.scenario)!,
    durationSec: DURATION_SEC,
    overrides: item.overrides,
    onProgress: (s) => progress.update(s),
  });
  progress.stop();
  process.stderr.write(
    `[${i + 1}/${plan.length}] ${item.label}: availability ${(summary.availability * 100).toFixed(2)}%, ${summary.dialErrors} dial errors, ${summary.oomKills} OOM kills\n`,
  );
  runs.push({ label: item.label, summary });
}
const html = buildPostmortem({ generatedBy: 'outage-lab (npm run report)', runs, outage: 1, baseline: 0 });
mkdirSync(dirname(OUT), { recursive: true });
const tmp = `${OUT}.tmp-${process.pid}`;
writeFileSync(tmp, html);
renameSync(tmp, OUT);
process.stderr.write(`wrote ${OUT} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
