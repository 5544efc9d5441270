/**
 * Open a report in headless Chromium (Debian's /usr/bin/chromium through playwright-core): record console
 * errors and warnings, page errors and every request that is not the file itself, wait for the charts,
 * count them, and save a screenshot. Used by the browser test and by `npm run report` for the README's
 * screenshot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BrowserCheck {
  readonly consoleMessages: readonly string[];
  readonly pageErrors: readonly string[];
  readonly requests: readonly string[];
  /** 'ready', 'error' or 'timeout'. */
  readonly state: string;
  readonly figures: number;
  /** Interactive (vega-embed) SVG charts with at least one mark. */
  readonly renderedCharts: number;
  /** The page's width in CSS px. */
  readonly viewportWidth: number;
  /** Images drawn (decoded, non-empty) and images that failed to load. */
  readonly images: number;
  readonly brokenImages: number;
  /**
   * Problems of the causal-chain diagram's layout: a label that leaves its box (its rectangle not inside
   * the box's, or text cut off), or two boxes that overlap. Empty when it reads cleanly.
   */
  readonly chainProblems: readonly string[];
}

export interface BrowserOptions {
  /** Where to save a screenshot (PNG) of the top of the page. */
  readonly screenshotPath?: string;
  /** Viewport width in CSS px (default 1100). */
  readonly viewportWidth?: number;
  /**
   * What to wait for: 'charts' (default: the report sets `body[data-ready]` once every chart is drawn)
   * or 'load' (any page, e.g. a notebook's HTML export: the load event).
   */
  readonly waitFor?: 'charts' | 'load';
}

/** Run in the page: each chain box's labels must lie inside it, and no two boxes may overlap. */
const MEASURE_CHAIN = `(() => {
  const problems = [];
  const boxes = Array.from(document.querySelectorAll('.chain .chain-box'));
  const rects = boxes.map((b) => b.getBoundingClientRect());
  boxes.forEach((box, i) => {
    const r = rects[i];
    // (The box's own scroll size would count its arrow, drawn outside it on purpose.)
    box.querySelectorAll(':scope > span').forEach((label) => {
      if (label.scrollWidth > label.clientWidth + 1) {
        problems.push('label "' + label.textContent + '" is cut off in box ' + (i + 1));
      }
      const range = document.createRange();
      range.selectNodeContents(label);
      for (const t of Array.from(range.getClientRects())) {
        if (t.left < r.left - 0.5 || t.right > r.right + 0.5 || t.top < r.top - 0.5 || t.bottom > r.bottom + 0.5) {
          problems.push('label "' + label.textContent + '" leaves box ' + (i + 1));
          break;
        }
      }
    });
    for (let j = 0; j < i; j++) {
      const q = rects[j];
      if (r.left < q.right - 0.5 && q.left < r.right - 0.5 && r.top < q.bottom - 0.5 && q.top < r.bottom - 0.5) {
        problems.push('boxes ' + (j + 1) + ' and ' + (i + 1) + ' overlap');
      }
    }
  });
  if (boxes.length === 0) problems.push('no causal chain on the page');
  return JSON.stringify(problems);
})()`;

export const CHROMIUM = '/usr/bin/chromium';

export async function checkInBrowser(htmlPath: string, options: BrowserOptions = {}): Promise<BrowserCheck> {
  const viewportWidth = options.viewportWidth ?? 1100;
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'outage-lab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: viewportWidth, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const consoleMessages: string[] = [];
  const pageErrors: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(htmlPath).href;
  try {
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleMessages.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      requests.push(u);
      return route.abort();
    });
    await page.goto(url, { waitUntil: 'load' });
    let state = 'loaded';
    if ((options.waitFor ?? 'charts') === 'charts') {
      try {
        await page.waitForSelector('body[data-ready]', { state: 'attached', timeout: 60_000 });
        state = (await page.getAttribute('body', 'data-ready')) === '1' ? 'ready' : 'error';
      } catch {
        state = 'timeout';
      }
    }
    const [images, brokenImages] = JSON.parse(
      String(
        await page.evaluate(
          'JSON.stringify([Array.from(document.images).filter((i) => i.complete && i.naturalWidth > 0).length, Array.from(document.images).filter((i) => !i.complete || i.naturalWidth === 0).length])',
        ),
      ),
    ) as [number, number];
    const figures = await page.locator('figure[data-chart]').count();
    // Evaluated in the page (a string, so this library needs no DOM types).
    const renderedCharts = Number(
      await page.evaluate(
        "Array.from(document.querySelectorAll('figure[data-chart] .vega-embed svg')).filter((svg) => svg.querySelectorAll('path, rect, line, text').length > 0).length",
      ),
    );
    const chainProblems =
      (options.waitFor ?? 'charts') === 'charts'
        ? (JSON.parse(String(await page.evaluate(MEASURE_CHAIN))) as string[])
        : [];
    if (options.screenshotPath) await page.screenshot({ path: options.screenshotPath, fullPage: false });
    return {
      consoleMessages,
      pageErrors,
      requests,
      state,
      figures,
      renderedCharts,
      viewportWidth,
      images,
      brokenImages,
      chainProblems,
    };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
