/**
 * The notebooks run headless with the project's tslab kernel (scripts/run-notebook.py, as
 * `npm run notebooks` does): every cell must succeed; the outputs must hold tables (HTML with their rows
 * as JSON) and charts (a vega bundle with a PNG), read here from the executed notebooks' structured
 * outputs, never from lines printed for a test; injected parameters must change what they should.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_MIME, type TableData, VEGA_MIME, VEGALITE_MIME } from '../../lib/notebook/mime.js';
import { checkInBrowser } from '../../lib/report/browser.js';
import { FIXES } from '../../lib/scenario/scenarios.js';

const ROOT = join(import.meta.dirname, '../..');
const NOTEBOOKS = readdirSync(join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'));

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
interface Notebook {
  cells: {
    cell_type: string;
    metadata: { tags?: string[] };
    source: string | string[];
    outputs?: Output[];
  }[];
}

const text = (v: unknown): string => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');

function runNotebooks(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/python3',
      [join(ROOT, 'scripts/run-notebook.py'), ...args],
      {
        cwd: ROOT,
        env: { ...process.env, JUPYTER_PATH: join(ROOT, 'jupyter'), PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      },
      (error, _stdout, stderr) => resolve({ code: error ? ((error.code as number) ?? 1) : 0, stderr }),
    );
  });
}

function read(path: string): Notebook {
  return JSON.parse(readFileSync(path, 'utf8')) as Notebook;
}

function displays(nb: Notebook): Record<string, unknown>[] {
  return nb.cells.flatMap((c) =>
    (c.outputs ?? []).filter((o) => o.output_type === 'display_data').map((o) => o.data ?? {}),
  );
}

/** The notebook's tables by name (the JSON rows each table output carries). */
function tables(nb: Notebook): Map<string, TableData> {
  const out = new Map<string, TableData>();
  for (const d of displays(nb)) {
    const t = d[TABLE_MIME] as TableData | undefined;
    if (t) out.set(t.name, t);
  }
  return out;
}

function table(nb: Notebook, name: string): TableData {
  const t = tables(nb).get(name);
  if (!t) throw new Error(`no table ${name} in the notebook's outputs (has ${[...tables(nb).keys()]})`);
  return t;
}

function row(t: TableData, key: string, value: string): Record<string, unknown> {
  const r = t.rows.find((x) => x[key] === value);
  if (!r) throw new Error(`table ${t.name}: no row with ${key} = ${value}`);
  return r as Record<string, unknown>;
}

const mean = (cell: unknown): number => (cell as { mean: number }).mean;

function streams(nb: Notebook, name: 'stdout' | 'stderr'): string {
  return nb.cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o) => o.output_type === 'stream' && o.name === name)
    .map((o) => text(o.text))
    .join('');
}

describe('notebooks', () => {
  const out = mkdtempSync(join(tmpdir(), 'notebooks-'));
  let all: { code: number; stderr: string };
  const nb = (f: string) => read(join(out, f));

  beforeAll(async () => {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
      },
    );
    all = await runNotebooks(['--out', out, ...NOTEBOOKS.map((f) => join('notebooks', f))]);
  }, 600_000);

  it('has the five notebooks, each with one cell tagged parameters', () => {
    expect(NOTEBOOKS.sort()).toEqual([
      '01-reproduce-the-outage.ipynb',
      '02-the-fixes.ipynb',
      '03-parameter-sweeps.ipynb',
      '04-metastability.ipynb',
      '05-the-week.ipynb',
    ]);
    for (const f of NOTEBOOKS) {
      const cells = read(join(ROOT, 'notebooks', f)).cells.filter((c) =>
        c.metadata.tags?.includes('parameters'),
      );
      expect(cells, f).toHaveLength(1);
    }
  });

  it('takes the four knobs (and seed, duration, engine where they apply) as parameters', () => {
    const declared = (f: string) =>
      [
        ...text(
          read(join(ROOT, 'notebooks', f)).cells.find((c) => c.metadata.tags?.includes('parameters'))?.source,
        ).matchAll(/^let (\w+)/gm),
      ].map((m) => m[1]);
    const knobs = ['batchSize', 'concurrencyLimit', 'poolSize', 'logRate', 'set'];
    for (const f of ['01-reproduce-the-outage.ipynb', '02-the-fixes.ipynb', '04-metastability.ipynb']) {
      expect(declared(f), f).toEqual(expect.arrayContaining([...knobs, 'seed', 'durationSec', 'engine']));
    }
    expect(declared('05-the-week.ipynb')).toEqual(expect.arrayContaining([...knobs, 'seed']));
    expect(declared('02-the-fixes.ipynb')).toContain('fixId');
    expect(declared('03-parameter-sweeps.ipynb')).toEqual(
      expect.arrayContaining(['config', 'metric', ...knobs.slice(0, 4)]),
    );
  });

  it("leaves every knob at null, the model's default, never a copy of today's default", () => {
    for (const f of NOTEBOOKS) {
      const source = text(
        read(join(ROOT, 'notebooks', f)).cells.find((c) => c.metadata.tags?.includes('parameters'))?.source,
      );
      for (const knob of ['batchSize', 'concurrencyLimit', 'poolSize', 'logRate']) {
        expect(source, `${f}: ${knob}`).toMatch(new RegExp(`^let ${knob}: [^=]*\\| null = null;$`, 'm'));
      }
    }
  });

  it('executes every notebook headless with no cell error, writing .ipynb and .html', () => {
    expect(all.stderr).not.toContain('FAIL');
    expect(all.code).toBe(0);
    for (const f of NOTEBOOKS) {
      const stem = f.replace(/\.ipynb$/, '');
      expect(readdirSync(out)).toEqual(expect.arrayContaining([`${stem}.ipynb`, `${stem}.html`]));
      expect(streams(nb(f), 'stderr'), f).toBe('');
    }
  });

  it('shows tables and interactive charts with a picture in every notebook, and no lines for programs', () => {
    for (const f of NOTEBOOKS) {
      const d = displays(nb(f));
      const t = d.filter((x) => x[TABLE_MIME]);
      expect(t.length, `${f}: tables`).toBeGreaterThan(0);
      for (const x of t) expect(text(x['text/html'])).toContain('<table');
      const charts = d.filter((x) => x[VEGA_MIME]);
      expect(charts.length, `${f}: charts`).toBeGreaterThan(0);
      for (const c of charts) {
        expect((c[VEGA_MIME] as { $schema: string }).$schema).toBe(
          'https://vega.github.io/schema/vega/v5.json',
        );
        expect((c[VEGALITE_MIME] as { $schema: string }).$schema).toMatch(/vega-lite\/v6/);
        expect(Buffer.from(text(c['image/png']), 'base64').subarray(1, 4).toString()).toBe('PNG');
        // No text/html: JupyterLab would prefer it to the interactive chart.
        expect(c['text/html']).toBeUndefined();
      }
      // The HTML export shows the picture.
      const exported = readFileSync(join(out, f.replace(/\.ipynb$/, '.html')), 'utf8');
      expect(exported, f).toContain('<img src="data:image/png;base64,');
      // Whatever a notebook prints is prose, not a tagged line for a program (`POINTS 16`, `CLASSES ...`).
      expect(streams(nb(f), 'stdout'), f).not.toMatch(/^[A-Z]{3,} \S/m);
    }
  });

  it('the HTML exports open in headless Chromium with every chart picture drawn and no console error', async () => {
    for (const f of NOTEBOOKS) {
      const html = join(out, f.replace(/\.ipynb$/, '.html'));
      const check = await checkInBrowser(html, { waitFor: 'load' });
      expect(check.consoleMessages, f).toEqual([]);
      expect(check.pageErrors, f).toEqual([]);
      expect(check.requests, f).toEqual([]);
      expect(check.brokenImages, f).toBe(0);
      expect(check.images, f).toBe(displays(nb(f)).filter((d) => d['image/png']).length);
    }
  }, 300_000);

  it('01 shows the outage against the baseline and the fix', () => {
    const n = nb('01-reproduce-the-outage.ipynb');
    const intervals = table(n, 'intervals');
    expect(intervals.rows.map((r) => r['scenario'])).toEqual([
      'baseline',
      'outage',
      'fix-bounded-concurrency',
    ]);
    expect(mean(row(intervals, 'scenario', 'outage')['dial errors'])).toBeGreaterThan(0);
    expect(mean(row(intervals, 'scenario', 'baseline')['dial errors'])).toBe(0);
    expect(mean(row(intervals, 'scenario', 'fix-bounded-concurrency')['dial errors'])).toBe(0);
    expect(mean(row(intervals, 'scenario', 'outage')['requests failed (%)'])).toBeGreaterThan(
      mean(row(intervals, 'scenario', 'baseline')['requests failed (%)']),
    );
    const summary = table(n, 'summary');
    expect(Number(row(summary, 'scenario', 'outage')['peak TIME_WAIT'])).toBeGreaterThan(0);
    const detection = table(n, 'detection');
    expect(detection.rows.map((r) => r['setup'])).toEqual([
      'per-endpoint',
      'per-client',
      'per-client-histograms',
      'error-logs',
    ]);
    expect(row(detection, 'setup', 'per-client')['cause named (s)']).not.toBeNull();
    expect(row(detection, 'setup', 'per-endpoint')['cause named (s)']).toBeNull();
    expect(table(n, 'overrides').rows).toEqual([{ path: '(none)', value: 'every parameter at its default' }]);
  });

  it('02 compares every fix with the outage', () => {
    const intervals = table(nb('02-the-fixes.ipynb'), 'intervals');
    expect(intervals.rows.map((r) => r['scenario'])).toEqual([
      'baseline',
      'outage',
      ...FIXES.map((f) => f.id),
    ]);
    const failed = (id: string) => mean(row(intervals, 'scenario', id)['requests failed (%)']);
    expect(failed('fix-bounded-concurrency')).toBeLessThan(failed('outage'));
    expect(table(nb('02-the-fixes.ipynb'), 'summary').rows.map((r) => r['scenario'])).toEqual([
      'baseline',
      'outage',
      'fix-random-local-ip',
    ]);
  });

  it('03 reads the committed default sweep and sorts its table by the metric, worst first', () => {
    const n = nb('03-parameter-sweeps.ipynb');
    expect(streams(n, 'stdout')).toContain('from the committed cache');
    const means = table(n, 'summary').rows.map((r) => Number(r['mean']));
    expect(means.length).toBeGreaterThan(12);
    expect(means).toEqual([...means].sort((a, b) => a - b));
  });

  it('04 classifies each batch size and marks the stop on its chart', () => {
    const n = nb('04-metastability.ipynb');
    const recovery = table(n, 'recovery');
    expect(recovery.rows.length).toBeGreaterThanOrEqual(2);
    for (const r of recovery.rows) {
      expect(['stable', 'vulnerable', 'recovers-by-restart', 'metastable', 'unstable']).toContain(r['class']);
    }
    const spec = JSON.stringify(displays(n).find((d) => d[VEGALITE_MIME])?.[VEGALITE_MIME]);
    expect(spec).toContain('"trigger stops"');
    expect(spec).toContain('dial errors / 1 s');
  });

  it('05 runs the week with and without the fixes', () => {
    const dcs = table(nb('05-the-week.ipynb'), 'data centers');
    expect(dcs.rows.map((r) => `${r['scenario']} ${r['dc']}`)).toEqual([
      'as-deployed A',
      'as-deployed B',
      'outage-week A',
      'outage-week B',
    ]);
  });

  it('injects parameters after the parameters cell, silently, and they change the result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notebooks-p-'));
    const r = await runNotebooks([
      '--out',
      dir,
      '-p',
      'durationSec=300',
      '-p',
      'replicates=2',
      '-p',
      'batchSize=2000',
      'notebooks/01-reproduce-the-outage.ipynb',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const n = read(join(dir, '01-reproduce-the-outage.ipynb'));
    const at = n.cells.findIndex((c) => c.metadata.tags?.includes('parameters'));
    expect(n.cells[at + 1]!.metadata.tags).toEqual(['injected-parameters']);
    expect(text(n.cells[at + 1]!.source)).toContain('batchSize = 2000;');
    expect(n.cells[at + 1]!.outputs).toEqual([]);
    expect(table(n, 'overrides').rows).toEqual([{ path: 'batchSize', value: '2000' }]);
    // Batches of 2,000 URIs never exhaust the range (the default does).
    expect(mean(row(table(n, 'intervals'), 'scenario', 'outage')['dial errors'])).toBe(0);
  }, 300_000);

  it('03 shows the slice of the sweep at the knobs given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notebooks-slice-'));
    const r = await runNotebooks([
      '--out',
      dir,
      '-p',
      'poolSize=1000',
      '-p',
      'concurrencyLimit=unbounded',
      'notebooks/03-parameter-sweeps.ipynb',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const n = read(join(dir, '03-parameter-sweeps.ipynb'));
    const rows = table(n, 'summary').rows;
    // The default sweep crosses 4 batch sizes and 4 log rates at each pool size and limit.
    expect(rows).toHaveLength(16);
    for (const x of rows) {
      expect(String(x['poolSize'])).toBe('1000');
      expect(String(x['concurrencyLimit'])).toBe('unbounded');
    }
    // The heatmap's cells (objects with a value and a pool size) are those of the slice too.
    const cells: Record<string, unknown>[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if ('value' in o && 'poolSize' in o) cells.push(o);
        else Object.values(o).forEach(walk);
      }
    };
    walk(displays(n).find((d) => d[VEGALITE_MIME])?.[VEGALITE_MIME]);
    expect(cells).toHaveLength(16);
    expect(new Set(cells.map((c) => `${c['poolSize']} ${c['concurrencyLimit']}`))).toEqual(
      new Set(['1000 unbounded']),
    );
  }, 300_000);

  it('rejects a parameter the notebook does not declare (exit 2)', async () => {
    const r = await runNotebooks(['-p', 'nope=1', 'notebooks/01-reproduce-the-outage.ipynb']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('-p nope: not a parameter of notebooks/01-reproduce-the-outage.ipynb');
  });

  it('fails (exit 1) on a cell error, printing it, and still writes the partial notebook', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notebooks-bad-'));
    const bad = join(dir, 'bad.ipynb');
    const cell = (source: string) => ({
      cell_type: 'code',
      metadata: {},
      source,
      outputs: [],
      execution_count: null,
    });
    writeFileSync(
      bad,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
        cells: [cell('let n: number = 1;'), cell('n = "text";'), cell('console.log("after");')],
      }),
    );
    const r = await runNotebooks(['--out', dir, bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAIL ${bad}`);
    expect(r.stderr).toMatch(/not assignable to type 'number'/);
    expect(readdirSync(dir)).toContain('bad.html');
  }, 120_000);
});
