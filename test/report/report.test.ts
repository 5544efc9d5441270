/**
 * The post-mortem, built from the committed sweep results and fresh timeline runs: its numbers are the
 * data's, it escapes what it interpolates, it is self-contained, and it renders in a real browser.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../lib/cli/report-command.js';
import { checkInBrowser } from '../../lib/report/browser.js';
import { buildReportData, classifyPoint, type ReportData, type ReportInputs } from '../../lib/report/data.js';
import { type Fmt, FORMATS, factWriter, formatValue, valueAt } from '../../lib/report/facts.js';
import { loadReportInputs, ROOT } from '../../lib/report/inputs.js';
import { buildPostmortem, type RenderedFigure } from '../../lib/report/postmortem.js';
import { renderReport } from '../../lib/report/render-report.js';
import { SweepStore } from '../../lib/sweep/store.js';

describe('facts', () => {
  it('format values', () => {
    expect(FORMATS.int(1234567.4)).toBe('1,234,567');
    expect(FORMATS.pct2(0.92449)).toBe('92.45%');
    expect(FORMATS.x1(9.18)).toBe('9.2x');
    expect(FORMATS.gib(3.8 * 2 ** 30)).toBe('3.8 GiB');
    expect(FORMATS.ms(0.0371)).toBe('37 ms');
    expect(formatValue(null, 'int')).toBe('n/a');
  });

  it('read values by path and mark them', () => {
    const f = factWriter({ a: { b: [0, 0.5] } });
    expect(f('a.b.1', 'pct1')).toBe('<span class="n" data-key="a.b.1" data-fmt="pct1">50.0%</span>');
    expect(() => f('a.c')).toThrow('no value at a.c');
  });
});

describe('sweep regimes', () => {
  it('classifies points by dial errors, OOM kills and availability', () => {
    expect(classifyPoint(0, 0, 1)).toBe('stable');
    expect(classifyPoint(10, 0, 0.999)).toBe('degraded');
    expect(classifyPoint(10, 0.5, 0.95)).toBe('degraded');
    expect(classifyPoint(10, 3, 0.95)).toBe('spiral');
    expect(classifyPoint(10, 3, 0.995)).toBe('degraded');
  });
});

describe('the post-mortem', () => {
  let data: ReportData;
  let html: string;
  let figures: RenderedFigure[];
  let path: string;

  let inputs: ReportInputs;

  beforeAll(async () => {
    inputs = await loadReportInputs({ workers: 2 });
    const rendered = await renderReport(inputs);
    data = rendered.data;
    figures = [...rendered.figures];
    html = rendered.html;
    const out = join(mkdtempSync(join(tmpdir(), 'report-')), 'postmortem.html');
    path = (await writeReport({ out, quiet: true, screenshot: false })).path;
  }, 600_000);

  it('uses committed sweep results that match the current model (else run `npm run report -- --update-cache`)', () => {
    for (const name of ['fixes', 'default', 'metastability']) {
      const manifest = new SweepStore(join(ROOT, 'data/cache', name)).readManifest();
      const spec = data.meta.sweeps[name as 'fixes' | 'default' | 'metastability'];
      expect(manifest?.specHash, `data/cache/${name} is stale`).toBe(spec.hash);
      expect(['cache', 'runs']).toContain(spec.origin);
    }
    expect(data.week.origin, 'data/cache/week.json is stale').toMatch(/^(cache|runs)$/);
    expect(data.ablation.origin, 'data/cache/ablation.json is stale').toMatch(/^(cache|runs)$/);
    expect(data.seeds.origin, 'data/cache/seeds.json is stale').toMatch(/^(cache|runs)$/);
    expect(data.sensitivity.origin, 'data/cache/sensitivity.json is stale').toMatch(/^(cache|runs)$/);
  });

  it('builds its data as a pure function of the inputs (twice, the same JSON)', () => {
    expect(JSON.stringify(buildReportData(inputs))).toBe(JSON.stringify(data));
  });

  it('has every section of the canon', () => {
    for (const id of [
      'summary',
      'impact',
      'observations',
      'timeline',
      'causes',
      'ablation',
      'sensitivity',
      'detection',
      'resolution',
      'counterfactuals',
      'sweep',
      'actions',
      'lessons',
      'appendix',
    ]) {
      expect(html).toContain(`<section id="${id}">`);
    }
  });

  it('every number in the prose is the data’s value, formatted', () => {
    const embedded = JSON.parse(
      (/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '').replace(
        /\\u003c/g,
        '<',
      ),
    );
    const spans = [
      ...html.matchAll(/<span class="n" data-key="([^"]+)" data-fmt="([^"]+)">([^<]*)<\/span>/g),
    ];
    expect(spans.length).toBeGreaterThan(60);
    for (const [, key, fmt, text] of spans) {
      const value = valueAt(embedded, key!);
      expect(value, key).not.toBeUndefined();
      expect(text!.replace(/&#39;/g, "'"), key).toBe(formatValue(value, fmt as Fmt));
      // The embedded data is the data the report was built from.
      expect(value).toEqual(valueAt(JSON.parse(JSON.stringify(data)), key!));
    }
  });

  it('has no number in its prose that does not come from the data', () => {
    const prose = [...html.matchAll(/<(p|li)\b[^>]*>(.*?)<\/\1>/gs)].map((m) => m[2]!);
    expect(prose.length).toBeGreaterThan(20);
    const offending = prose
      .map((p) =>
        p
          .replace(/<span class="n"[^>]*>[^<]*<\/span>/g, '')
          .replace(/<code>.*?<\/code>/gs, '')
          .replace(/<a [^>]*>.*?<\/a>/gs, '')
          .replace(/<[^>]+>/g, ''),
      )
      .filter((text) => /\d/.test(text))
      .map((text) => text.match(/.{0,40}\d.{0,40}/s)?.[0]);
    expect(offending).toEqual([]);
  });

  it('escapes hostile strings', () => {
    const hostile = '<script>alert("x")</script>';
    const evil: ReportData = {
      ...data,
      incident: { ...data.incident, events: [{ at: hostile, what: hostile, source: hostile }] },
      meta: { ...data.meta, command: hostile },
    };
    const page = buildPostmortem(evil, figures, []).replace(
      /<script type="application\/json"[^>]*>.*?<\/script>/gs,
      '',
    );
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('is self-contained: a CSP with no network, no external references, bundles inline', () => {
    expect(html).toMatch(/Content-Security-Policy" content="default-src &#39;none&#39;/);
    const markup = html.replace(/<script\b[^>]*>.*?<\/script>/gs, '');
    const external = [...markup.matchAll(/\s(?:src|href)="([^"#][^"]*)"/g)].map((m) => m[1]);
    expect(external.filter((u) => u !== data.incident.source.url)).toEqual([]);
    expect(html).toContain('vegaEmbed');
  });

  it('writes the same bytes as buildPostmortem (writeReport is a thin shell)', () => {
    // Only where the sweeps came from may differ (the first build may have run them, the second reuses).
    const origin = (page: string) =>
      page.replace(/"origin":"\w+"/g, '"origin":"?"').replace(/\((fresh|runs|cache|given)\)/g, '(?)');
    expect(origin(readFileSync(path, 'utf8'))).toBe(origin(html));
  });

  it('renders in headless Chromium: no console errors, no requests, every chart non-empty', async () => {
    const shot = join(mkdtempSync(join(tmpdir(), 'report-shot-')), 'postmortem.png');
    const check = await checkInBrowser(path, { screenshotPath: shot });
    expect(check.consoleMessages).toEqual([]);
    expect(check.pageErrors).toEqual([]);
    expect(check.requests).toEqual([]);
    expect(check.state).toBe('ready');
    expect(check.figures).toBe(10);
    expect(check.renderedCharts).toBe(check.figures);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);

  it('the chain measurement catches a label that leaves its box', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-chain-'));
    const bad = join(dir, 'bad.html');
    writeFileSync(
      bad,
      '<!doctype html><body data-ready="1"><ol class="chain"><li class="chain-box" style="width:40px;white-space:nowrap;display:block"><span style="display:block">TIME_WAIT fills the range</span></li></ol></body>',
    );
    const check = await checkInBrowser(bad, { viewportWidth: 800 });
    expect(check.chainProblems.length).toBeGreaterThan(0);
  }, 120_000);

  for (const width of [1280, 800]) {
    it(`lays out the causal chain at ${width} px: every label inside its box, no boxes overlapping`, async () => {
      const check = await checkInBrowser(path, { viewportWidth: width });
      expect(check.viewportWidth).toBe(width);
      expect(check.chainProblems).toEqual([]);
    }, 120_000);
  }
});
