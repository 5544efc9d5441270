/**
 * HTML building blocks for the report: escaping (every interpolated string goes through `esc`) and tables.
 * The page itself, with its Content-Security-Policy, is built in postmortem.ts.
 */
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A table cell: text (escaped) or trusted HTML built from escaped parts. */
export type Cell = string | number | { readonly html: string };

export function tableHtml(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  // A column of text cells is left-aligned, its header too.
  const textColumn = header.map((_, j) => rows.some((r) => typeof r[j] === 'object'));
  const th = header
    .map((h, j) => (textColumn[j] ? `<th class="text">${esc(h)}</th>` : `<th>${esc(h)}</th>`))
    .join('');
  const td = (c: Cell) => (typeof c === 'object' ? `<td class="text">${c.html}</td>` : `<td>${esc(c)}</td>`);
  const trs = rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}
