/**
 * The validation table as rows of text: one row per point and metric, with both means, the relative
 * difference and the verdict. The CLI prints it aligned; bench/VALIDATION.md holds it as markdown.
 */
import type { MetricAgreement, PointAgreement } from './engines.js';

export const TABLE_HEADER = [
  'point',
  'seeds',
  'metric',
  'des mean',
  'fast mean',
  'rel. diff',
  'within',
] as const;

/** Shown to 4 significant digits (shares of requests as small as 1e-6 keep their digits). */
export function formatValue(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e5 || abs < 1e-3) return x.toExponential(3);
  return String(+x.toPrecision(4));
}

export function formatRelDiff(m: MetricAgreement): string {
  if (m.relDiff === null) return 'des 0';
  return `${m.relDiff >= 0 ? '+' : ''}${(100 * m.relDiff).toFixed(1)}%`;
}

export function tableRows(points: readonly PointAgreement[]): string[][] {
  const rows: string[][] = [];
  for (const p of points) {
    for (const m of p.metrics) {
      rows.push([
        p.point,
        String(p.seeds),
        m.metric,
        formatValue(m.des),
        formatValue(m.fast),
        formatRelDiff(m),
        m.within ? 'yes' : 'NO',
      ]);
    }
    if (p.tooFewSeeds)
      rows.push([p.point, String(p.seeds), 'seeds', '-', '-', '-', 'NO (OOM kills with too few seeds)']);
  }
  return rows;
}

export function markdownTable(points: readonly PointAgreement[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(TABLE_HEADER), '|---|---:|---|---:|---:|---:|---|', ...tableRows(points).map(line)].join('\n');
}
