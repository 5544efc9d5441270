/**
 * The notebooks run headless with the project's tslab kernel (scripts/run-notebook.py, as
 * `npm run notebooks` does): every cell must succeed, the outputs must hold the tables and charts, and
 * injected parameters must change what they should.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const NOTEBOOKS = readdirSync(join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'));

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}
interface Notebook {
  cells: {
    cell_type: string;
    metadata: { tags?: string[] };
    source: string | string[];
    outputs?: Output[];
  }[];
}

const text = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join('') : (v ?? ''));

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

function outputs(nb: Notebook): { html: string[]; stdout: string } {
  const html: string[] = [];
  let stdout = '';
  for (const cell of nb.cells) {
    for (const o of cell.outputs ?? []) {
      if (o.data?.['text/html']) html.push(text(o.data['text/html']));
      if (o.output_type === 'stream' && o.name === 'stdout') stdout += text(o.text);
    }
  }
  return { html, stdout };
}

function line(stdout: string, tag: string): unknown {
  const found = stdout.split('\n').find((l) => l.startsWith(`${tag} `));
  if (!found) throw new Error(`no ${tag} line in the notebook's output`);
  return JSON.parse(found.slice(tag.length + 1));
}

describe('notebooks', () => {
  const out = mkdtempSync(join(tmpdir(), 'notebooks-'));
  let all: { code: number; stderr: string };

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

  it('has the five notebooks, each with a cell tagged parameters', () => {
    expect(NOTEBOOKS.sort()).toEqual([
      '01-reproduce-the-outage.ipynb',
      '02-the-fixes.ipynb',
      '03-parameter-sweeps.ipynb',
      '04-metastability.ipynb',
      '05-the-week.ipynb',
    ]);
    for (const f of NOTEBOOKS) {
      const nb = read(join(ROOT, 'notebooks', f));
      expect(
        nb.cells.filter((c) => c.metadata.tags?.includes('parameters')),
        f,
      ).toHaveLength(1);
    }
  });

  it('executes every notebook headless with no cell error, writing .ipynb and .html', () => {
    expect(all.stderr).not.toContain('FAIL');
    expect(all.code).toBe(0);
    for (const f of NOTEBOOKS) {
      const stem = f.replace(/\.ipynb$/, '');
      expect(readdirSync(out)).toEqual(expect.arrayContaining([`${stem}.ipynb`, `${stem}.html`]));
    }
  });

  it('shows tables (arquero HTML) and charts (SVG) in every notebook', () => {
    for (const f of NOTEBOOKS) {
      const { html } = outputs(read(join(out, f)));
      expect(
        html.some((h) => h.includes('<table')),
        `${f}: table`,
      ).toBe(true);
      expect(
        html.some((h) => h.includes('<svg') && h.includes('<path')),
        `${f}: chart`,
      ).toBe(true);
      // The HTML export keeps the SVG (nbconvert 6 strips image/svg+xml outputs, not HTML ones).
      const exported = readFileSync(join(out, f.replace(/\.ipynb$/, '.html')), 'utf8');
      expect(exported).toContain('<svg');
    }
    const outage = line(outputs(read(join(out, '01-reproduce-the-outage.ipynb'))).stdout, 'SUMMARY') as {
      dialErrors: number;
      peakThreads: number;
    };
    expect(outage.dialErrors).toBeGreaterThan(0);
    expect(outage.peakThreads).toBeGreaterThan(1000);
    const detection = line(outputs(read(join(out, '01-reproduce-the-outage.ipynb'))).stdout, 'DETECTION') as [
      string,
      number | null,
      number | null,
    ][];
    expect(detection.map(([setup]) => setup)).toEqual([
      'per-endpoint',
      'per-client',
      'per-client-histograms',
      'error-logs',
    ]);
    expect(detection[1]![2]).not.toBeNull();
    expect(detection[0]![2]).toBeNull();
    const classes = line(outputs(read(join(out, '04-metastability.ipynb'))).stdout, 'CLASSES') as [
      string,
      string,
    ][];
    expect(classes).toHaveLength(4);
    for (const [, c] of classes) {
      expect(['stable', 'vulnerable', 'recovers-by-restart', 'metastable', 'unstable']).toContain(c);
    }
  });

  it('injects parameters after the parameters cell, and they change the result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notebooks-p-'));
    const r = await runNotebooks([
      '--out',
      dir,
      '-p',
      'durationSec=300',
      '-p',
      'batchSize=2000',
      'notebooks/01-reproduce-the-outage.ipynb',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const nb = read(join(dir, '01-reproduce-the-outage.ipynb'));
    const at = nb.cells.findIndex((c) => c.metadata.tags?.includes('parameters'));
    expect(nb.cells[at + 1]!.metadata.tags).toEqual(['injected-parameters']);
    expect(text(nb.cells[at + 1]!.source)).toContain('batchSize = 2000;');
    const s = line(outputs(nb).stdout, 'SUMMARY') as { durationSec: number; dialErrors: number };
    expect(s.durationSec).toBe(300);
    // Batches of 2,000 URIs never exhaust the range (the default 17,500 does).
    expect(s.dialErrors).toBe(0);
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
