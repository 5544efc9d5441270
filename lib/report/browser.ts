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
}

export const CHROMIUM = '/usr/bin/chromium';

export async function checkInBrowser(htmlPath: string, screenshotPath?: string): Promise<BrowserCheck> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'outage-lab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 900 },
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
    await page.goto(url);
    let state = 'timeout';
    try {
      await page.waitForSelector('body[data-ready]', { state: 'attached', timeout: 60_000 });
      state = (await page.getAttribute('body', 'data-ready')) === '1' ? 'ready' : 'error';
    } catch {
      state = 'timeout';
    }
    const figures = await page.locator('figure[data-chart]').count();
    // Evaluated in the page (a string, so this library needs no DOM types).
    const renderedCharts = Number(
      await page.evaluate(
        "Array.from(document.querySelectorAll('figure[data-chart] .vega-embed svg')).filter((svg) => svg.querySelectorAll('path, rect, line, text').length > 0).length",
      ),
    );
    if (screenshotPath) await page.screenshot({ path: screenshotPath, fullPage: false });
    return { consoleMessages, pageErrors, requests, state, figures, renderedCharts };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
