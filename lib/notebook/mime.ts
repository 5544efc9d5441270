/**
 * Jupyter MIME bundles for charts and tables. A chart carries its compiled vega spec under
 * `application/vnd.vega.v5+json` (JupyterLab's built-in renderer takes vega 5 and vega-lite 3 to 5, not
 * vega-lite 6: the vega spec that vega-lite 6 compiles to is one vega 5 renders), the vega-lite spec
 * itself under `application/vnd.vegalite.v6+json` for front ends that take it, and a PNG: the picture
 * that the classic Notebook, nbconvert's HTML and GitHub show. No `text/html`: JupyterLab ranks HTML
 * above vega and would show the picture instead of the interactive chart. A table carries its HTML and
 * its rows as JSON under a type of its own that front ends ignore and tests read.
 */
import type { TopLevelSpec } from 'vega-lite';
import { compileSpec, svgToPng, toSvg } from '../charts/render.js';

export const VEGA_MIME = 'application/vnd.vega.v5+json';
export const VEGALITE_MIME = 'application/vnd.vegalite.v6+json';
export const TABLE_MIME = 'application/vnd.outage-lab.table+json';

export interface MimeBundle {
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** The vega spec of a vega-lite spec, labelled as vega 5 for the front ends' renderers. */
export async function vegaV5Spec(spec: TopLevelSpec): Promise<Record<string, unknown>> {
  const vega = (await compileSpec(spec)) as Record<string, unknown>;
  return { ...vega, $schema: 'https://vega.github.io/schema/vega/v5.json' };
}

/** A chart as a MIME bundle: interactive where the front end renders vega, a PNG elsewhere. */
export async function chartBundle(spec: TopLevelSpec, name: string): Promise<MimeBundle> {
  const svg = await toSvg(spec, name);
  const png = Buffer.from(await svgToPng(svg, 2)).toString('base64');
  const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 0);
  const title = typeof spec.title === 'string' ? spec.title : name;
  return {
    data: {
      [VEGA_MIME]: await vegaV5Spec(spec),
      [VEGALITE_MIME]: spec,
      'image/png': png,
      'text/plain': `<chart ${name}: ${title}>`,
    },
    // The PNG is rendered at twice the chart's size; shown at its size.
    metadata: width > 0 ? { 'image/png': { width: Math.round(width) } } : {},
  };
}

/** A mean with its interval (intervals.ts), shown as `mean [low, high]`. */
export interface IntervalCell {
  readonly mean: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
}

export type Cell = string | number | boolean | null | IntervalCell;

function isInterval(v: unknown): v is IntervalCell {
  return typeof v === 'object' && v !== null && 'mean' in v && 'ciLow' in v && 'ciHigh' in v;
}

export interface TableData {
  /** The table's name, for whoever reads the notebook's outputs. */
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, Cell>>[];
}

/** 1,234 for integers, four significant digits otherwise. */
export function formatCell(v: Cell): string {
  if (v === null) return '';
  if (isInterval(v)) {
    if (v.mean === null) return 'n/a';
    const m = formatCell(v.mean);
    return v.ciLow === null || v.ciHigh === null || v.ciLow === v.ciHigh
      ? m
      : `${m} [${formatCell(v.ciLow)}, ${formatCell(v.ciHigh)}]`;
  }
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Number(v.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 8 });
}

const ESC: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ESC[c]!);

export function tableHtml(table: TableData, limit = 30): string {
  const head = table.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const shown = table.rows.slice(0, limit);
  const body = shown
    .map((r) => {
      const tds = table.columns.map((c) => {
        const v = r[c] ?? null;
        const right = typeof v === 'number' || isInterval(v);
        return `<td style="text-align:${right ? 'right' : 'left'}">${esc(formatCell(v))}</td>`;
      });
      return `<tr>${tds.join('')}</tr>`;
    })
    .join('\n');
  const more =
    table.rows.length > limit ? `<p><em>${table.rows.length - limit} more rows not shown</em></p>` : '';
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>${more}`;
}

/** A table as a MIME bundle: HTML to read, and the rows as JSON. */
export function tableBundle(table: TableData, limit = 30): MimeBundle {
  return {
    data: {
      'text/html': tableHtml(table, limit),
      [TABLE_MIME]: table,
      'text/plain': `<table ${table.name}: ${table.rows.length} rows>`,
    },
    metadata: {},
  };
}

/** Rows (objects) as a table of the given columns, or of the first row's keys. */
export function tableOf(name: string, rows: readonly object[], columns?: readonly string[]): TableData {
  const cols = columns ?? Object.keys(rows[0] ?? {});
  return {
    name,
    columns: cols,
    rows: rows.map((r) =>
      Object.fromEntries(cols.map((c) => [c, toCell((r as Record<string, unknown>)[c])])),
    ),
  };
}

function toCell(v: unknown): Cell {
  if (v === undefined || v === null || v === '') return null;
  if (isInterval(v)) return v;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}
