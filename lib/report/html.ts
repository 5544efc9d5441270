/**
 * HTML building blocks for the report: escaping (every interpolated string goes through `esc`) and the
 * self-contained page shell with a Content-Security-Policy that forbids any network request.
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

export const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1rem 0; } td, th { padding: .25rem .6rem; border-bottom: 1px solid #eee; text-align: right; }
th:first-child, td:first-child { text-align: left; } .note { color: #555; font-size: .9rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
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
