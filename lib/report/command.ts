/**
 * `outage-lab report` (and `npm run report`): acquire the two sweeps (reusing cached results), run the
 * timeline runs, render the charts, and write the post-mortem atomically. Prints progress, where it
 * wrote, and how long it took.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toSvg } from '../charts/render.js';
import { createProgress } from '../cli/progress.js';
import { runAt } from '../sweep/grid.js';
import { writeFileAtomic } from '../sweep/store.js';
import { vegaBundles } from './assets.js';
import { CHROMIUM, checkInBrowser } from './browser.js';
import { buildReportData, detectionRun, loadIncident, timelineRuns } from './data.js';
import { reportFigures } from './figures.js';
import { buildPostmortem, type RenderedFigure } from './postmortem.js';
import { acquireSweep, updateCache } from './sweeps.js';
import { acquireWeek } from './week.js';

export interface ReportOptions {
  /** Results of the default sweep (e.g. merged shards) instead of cached or fresh ones. */
  readonly sweep?: string;
  readonly out?: string;
  readonly workers?: number;
  readonly updateCache?: boolean;
  readonly quiet?: boolean;
  /** Open the page in headless Chromium (when installed) and save a screenshot next to it. Default true. */
  readonly screenshot?: boolean;
}

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function writeReport(options: ReportOptions): Promise<{ path: string; wallSec: number }> {
  const started = performance.now();
  const out = resolve(options.out ?? join('reports', 'postmortem.html'));
  const log = (line: string) => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  const acquire = async (name: string, given?: string) => {
    let progress: ReturnType<typeof createProgress> | undefined;
    try {
      const s = await acquireSweep(join(ROOT, 'data', 'sweeps', `${name}.json`), {
        root: ROOT,
        ...(given !== undefined && { given }),
        ...(options.workers !== undefined && { workers: options.workers }),
        log,
        onProgress: (done, total) => {
          progress ??= createProgress(`sweep ${name}`, total, 'runs', options.quiet ?? false);
          progress.update(done);
        },
      });
      log(`sweep ${name}: ${s.manifest.totalRuns} runs (${s.origin}: ${s.dir})`);
      return s;
    } finally {
      progress?.stop();
    }
  };
  const fixes = await acquire('fixes');
  const sweep = await acquire('default', options.sweep);
  const metastability = await acquire('metastability');
  if (options.updateCache) {
    for (const s of [fixes, sweep, metastability]) log(`cache updated: ${updateCache(ROOT, s)}`);
  }
  const incident = loadIncident(ROOT);
  let weekProgress: ReturnType<typeof createProgress> | undefined;
  const week = (() => {
    try {
      return acquireWeek(ROOT, {
        log,
        updateCache: options.updateCache ?? false,
        onProgress: (done, total) => {
          weekProgress ??= createProgress('week fleets', total, 'host-s', options.quiet ?? false);
          weekProgress.update(done);
        },
      });
    } finally {
      weekProgress?.stop();
    }
  })();
  log(`week: O1-O10 on ${week.scenarios.week} and ${week.scenarios.withoutFix} (${week.origin})`);
  const inputs = {
    fixes,
    sweep,
    metastability,
    incident,
    week,
    command: 'npm ci && npm run report',
  };
  const seed = runAt(fixes.spec, 0).seed;
  log(
    `timelines: ${fixes.spec.durationSec / 3600} h of baseline, outage and the two deployed fixes (seed ${seed})`,
  );
  const runs = timelineRuns(fixes.spec, seed);
  const data = buildReportData(inputs, runs, detectionRun(fixes.spec, seed));
  const specs = reportFigures(data, runs);
  const chartsDir = join(dirname(out), 'charts');
  mkdirSync(chartsDir, { recursive: true });
  const figures: RenderedFigure[] = [];
  for (const fig of specs) {
    figures.push({ ...fig, svg: await toSvg(fig.spec, `fig-${fig.id}`) });
    writeFileSync(join(chartsDir, `${fig.id}.vl.json`), `${JSON.stringify(fig.spec, null, 2)}\n`);
  }
  log(`charts: ${figures.length} rendered; specs in ${chartsDir}`);
  const html = buildPostmortem(data, figures, vegaBundles());
  mkdirSync(dirname(out), { recursive: true });
  writeFileAtomic(out, html);
  writeFileAtomic(join(dirname(out), 'postmortem-data.json'), `${JSON.stringify(data, null, 2)}\n`);
  if (options.screenshot !== false && existsSync(CHROMIUM)) {
    const png = `${out.replace(/\.html$/, '')}.png`;
    const check = await checkInBrowser(out, png);
    const problems = check.consoleMessages.length + check.pageErrors.length + check.requests.length;
    log(
      `browser: ${check.renderedCharts}/${check.figures} charts rendered, ${problems} console errors or requests; screenshot ${png}`,
    );
  }
  const wallSec = (performance.now() - started) / 1000;
  log(`wrote ${out} (${(html.length / 2 ** 20).toFixed(1)} MiB) in ${wallSec.toFixed(1)} s`);
  return { path: out, wallSec };
}
