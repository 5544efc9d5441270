/**
 * `outage-lab report` (and `npm run report`): gather the report's inputs (reusing cached sweep results),
 * render the page, and write it atomically with its data and chart specs; then open it in headless
 * Chromium when installed, for a screenshot. Prints progress, where it wrote, and how long it took.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { isDirectory } from '../io/paths.js';
import { CHROMIUM, checkInBrowser } from '../report/browser.js';
import { loadReportInputs, ROOT } from '../report/inputs.js';
import { renderReport } from '../report/render-report.js';
import { givenSweep } from '../report/sweeps.js';
import { loadSweepSpec } from '../sweep/spec.js';
import { createProgress, type Progress } from './progress.js';

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

/**
 * The page's path, absolute. Its charts and data go beside it, so an empty path (the current directory)
 * or a directory would scatter them into the parent directory: refused before anything runs.
 */
function checkOut(path: string): string {
  if (path.trim() === '')
    throw new InputError(`out: expected an HTML file path, got ${JSON.stringify(path)}`, 'out');
  if (/[/\\]$/.test(path) || isDirectory(path))
    throw new InputError(`out ${path}: is a directory; expected an HTML file path`, 'out');
  return resolve(path);
}

export async function writeReport(options: ReportOptions): Promise<{ path: string; wallSec: number }> {
  const started = performance.now();
  const out = checkOut(options.out ?? join('reports', 'postmortem.html'));
  const quiet = options.quiet ?? false;
  const log = (line: string) => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
  const bars = new Map<string, Progress>();
  const inputs = await loadReportInputs({
    ...(options.sweep !== undefined && { sweep: options.sweep }),
    ...(options.workers !== undefined && { workers: options.workers }),
    ...(options.updateCache !== undefined && { updateCache: options.updateCache }),
    log,
    onProgress: (task, done, total, unit) => {
      let bar = bars.get(task);
      if (!bar) {
        bar = createProgress(task, total, unit, quiet);
        bars.set(task, bar);
      }
      bar.update(done);
    },
    onTaskEnd: (task) => {
      bars.get(task)?.stop();
      bars.delete(task);
    },
  });
  const { data, figures, html } = await renderReport(inputs);
  const chartsDir = join(dirname(out), 'charts');
  mkdirSync(chartsDir, { recursive: true });
  for (const fig of figures) {
    writeFileSync(join(chartsDir, `${fig.id}.vl.json`), `${JSON.stringify(fig.spec, null, 2)}\n`);
  }
  log(`charts: ${figures.length} rendered; specs in ${chartsDir}`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileAtomic(out, html);
  writeFileAtomic(join(dirname(out), 'postmortem-data.json'), `${JSON.stringify(data, null, 2)}\n`);
  if (options.screenshot !== false && existsSync(CHROMIUM)) {
    const png = `${out.replace(/\.html$/, '')}.png`;
    const check = await checkInBrowser(out, { screenshotPath: png });
    const problems = check.consoleMessages.length + check.pageErrors.length + check.requests.length;
    log(
      `browser: ${check.renderedCharts}/${check.figures} charts rendered, ${problems} console errors or requests; screenshot ${png}`,
    );
  }
  const wallSec = (performance.now() - started) / 1000;
  log(`wrote ${out} (${(html.length / 2 ** 20).toFixed(1)} MiB) in ${wallSec.toFixed(1)} s`);
  return { path: out, wallSec };
}

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
