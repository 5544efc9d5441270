/**
 * The report's page shell: the head with its Content-Security-Policy (only the inlined scripts, by hash;
 * no network), the style sheet, the table of contents, the sections, the embedded data and the script
 * that turns each figure's static SVG into an interactive vega-embed chart.
 */
import { createHash } from 'node:crypto';
import type { Bundle } from './assets.js';
import { CHAIN_STYLE } from './causal-chain.js';
import { esc } from './html.js';
import { type Section, scriptJson } from './sections/context.js';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

export const STYLE = `
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { font-size: 1.3rem; margin-top: 2.4rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .88rem; } td, th { padding: .25rem .55rem; border-bottom: 1px solid #eee; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; } td.text, th.text { text-align: left; }
.note, figcaption { color: #555; font-size: .88rem; } figure { margin: 1.5rem 0; overflow-x: auto; }
.chart svg { max-width: 100%; height: auto; } nav ol { columns: 2; font-size: .9rem; }
code { font-size: .88em; background: #f4f4f6; padding: 0 .2em; border-radius: 3px; }
.verdict-reproduced { color: #1a7f37; } .verdict-not-reproduced { color: #cf222e; } .verdict-not-modelled { color: #555; }
.regime-stable { color: #1a7f37; } .regime-degraded { color: #9a6700; } .regime-spiral { color: #cf222e; }
${CHAIN_STYLE}`;

export const INIT = `(function () {
  var figures = document.querySelectorAll('figure[data-chart]');
  var pending = [];
  figures.forEach(function (fig) {
    var spec = JSON.parse(document.getElementById(fig.id + '-spec').textContent);
    var target = fig.querySelector('.chart');
    pending.push(vegaEmbed(target, spec, { actions: false, renderer: 'svg' }));
  });
  Promise.all(pending).then(function () { document.body.dataset.ready = '1'; }, function (e) {
    console.error('chart failed: ' + e);
    document.body.dataset.ready = 'error';
  });
})();`;

export interface PageOptions {
  readonly title: string;
  /** The page's heading and the note under it (trusted HTML). */
  readonly heading: string;
  readonly intro: string;
  readonly sections: readonly Section[];
  /** Embedded as `<script type="application/json" id="report-data">`. */
  readonly data: unknown;
  readonly bundles: readonly Bundle[];
}

export function page(options: PageOptions): string {
  const { sections } = options;
  const nav = `<nav><ol>${sections.map((s) => `<li><a href="#${s.id}">${esc(s.title)}</a></li>`).join('')}</ol></nav>`;
  const body = `<h1>${options.heading}</h1>
<p class="note">${options.intro}</p>
${nav}
${sections.map((s) => `<section id="${s.id}">\n<h2>${esc(s.title)}</h2>\n${s.html}\n</section>`).join('\n')}
<script type="application/json" id="report-data">${scriptJson(options.data)}</script>`;
  const scripts = [...options.bundles.map((b) => b.code), INIT];
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map((s) => `'sha256-${sha256(s)}'`).join(' ')} 'unsafe-eval'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body>
</html>
`;
}
