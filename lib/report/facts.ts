/**
 * Numbers in the report's prose: each is read from the report's data by a path and written as
 * `<span class="n" data-key="path" data-fmt="fmt">text</span>`, so a test can check that every number in
 * the text is the data's value, formatted. Nothing in the prose is a typed number.
 */
import { esc } from './html.js';

export const FORMATS = {
  /** 1,234 */
  int: (v: number) => Math.round(v).toLocaleString('en-US'),
  /** 95% (v is a fraction) */
  pct0: (v: number) => `${Math.round(100 * v)}%`,
  /** 12.3% (v is a fraction) */
  pct1: (v: number) => `${(100 * v).toFixed(1)}%`,
  /** 99.98% */
  pct2: (v: number) => `${(100 * v).toFixed(2)}%`,
  /** 1.2 */
  d1: (v: number) => v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  /** 1.23 */
  d2: (v: number) => v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  /** 9.2x */
  x1: (v: number) => `${v.toFixed(1)}x`,
  /** 3.8 GiB */
  gib: (v: number) => `${(v / 2 ** 30).toFixed(1)} GiB`,
  /** 64 MiB */
  mib: (v: number) => `${Math.round(v / 2 ** 20).toLocaleString('en-US')} MiB`,
  /** 37 ms (v in seconds) */
  ms: (v: number) => `${Math.round(v * 1000).toLocaleString('en-US')} ms`,
  /** minutes, 1 decimal */
  min1: (v: number) => (v / 60).toFixed(1),
  /** hours, 1 decimal */
  h1: (v: number) => (v / 3600).toFixed(1),
  /** as written (dates, ids) */
  text: (v: number) => String(v),
} as const;

export type Fmt = keyof typeof FORMATS;

export function formatValue(value: unknown, fmt: Fmt): string {
  if (value === null || value === undefined) return 'n/a';
  if (fmt === 'text') return String(value);
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value);
  return FORMATS[fmt](value);
}

/** The value at a dotted path (`fixes.outage.availability.mean`); array indices are path parts. */
export function valueAt(data: unknown, path: string): unknown {
  let cur: unknown = data;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** A formatter of facts bound to the report's data: `f('fixes.outage.oomKills.mean', 'd1')`. */
export function factWriter(data: unknown): (path: string, fmt?: Fmt) => string {
  return (path, fmt = 'int') => {
    const value = valueAt(data, path);
    if (value === undefined) throw new Error(`report: no value at ${path}`);
    return `<span class="n" data-key="${esc(path)}" data-fmt="${fmt}">${esc(formatValue(value, fmt))}</span>`;
  };
}
