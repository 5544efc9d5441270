/**
 * What every section of the report is built from: the report's data and functions bound to it, so that a
 * section reads as prose with its numbers drawn from the data (`f(path, format)`), never typed in.
 */
import type { Bundle } from '../assets.js';
import type { ReportData, Stats } from '../data.js';
import { type Fmt, factWriter, formatValue } from '../facts.js';
import type { FigureSpec } from '../figures.js';
import { esc } from '../html.js';

export interface RenderedFigure extends FigureSpec {
  /** The figure's static SVG (shown until the interactive chart replaces it). */
  readonly svg: string;
}

export interface Section {
  /** The section's anchor (`#id`), also the name of its module in sections/. */
  readonly id: string;
  readonly title: string;
  readonly html: string;
}

export interface SectionContext {
  readonly data: ReportData;
  /** A fact: the data's value at a dotted path, formatted and marked for the test of the prose. */
  readonly f: (path: string, fmt?: Fmt) => string;
  /** A scenario's mean of a metric over the fix comparison's replicates. */
  readonly S: (scenario: string, metric: string, fmt?: Fmt) => string;
  /** A figure of the outage week (`week.facts.<key>`). */
  readonly w: (key: string, fmt?: Fmt) => string;
  /** A figure by id: its static SVG, caption and embedded vega-lite spec. */
  readonly fig: (id: string) => string;
  /** A link to the source post-mortem. */
  readonly cite: string;
  readonly bundles: readonly Bundle[];
}

export type SectionBuilder = (ctx: SectionContext) => Section;

/** JSON for a `<script type="application/json">`: no `<` that could close the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function figureHtml(x: RenderedFigure): string {
  return `<figure id="fig-${esc(x.id)}" data-chart="${esc(x.id)}">
<div class="chart">${x.svg}</div>
<figcaption><strong>${esc(x.title)}.</strong> ${esc(x.caption)}</figcaption>
</figure>
<script type="application/json" id="fig-${esc(x.id)}-spec">${scriptJson(x.spec)}</script>`;
}

export function sectionContext(
  data: ReportData,
  figures: readonly RenderedFigure[],
  bundles: readonly Bundle[],
): SectionContext {
  const f = factWriter(data);
  const src = data.incident.source;
  return {
    data,
    f,
    S: (id, metric, fmt = 'int') => f(`scenarios.${id}.${metric}.mean`, fmt),
    w: (key, fmt = 'int') => f(`week.facts.${key}`, fmt),
    fig: (id) => {
      const x = figures.find((g) => g.id === id);
      if (!x) throw new Error(`report: no figure ${id}`);
      return figureHtml(x);
    },
    cite: `<a href="${esc(src.url)}">${esc(src.title)}</a>`,
    bundles,
  };
}

/** A mean with its interval in brackets (`12.3 [10.1, 14.5]`), or the mean alone when there is none. */
export function withCi(s: Stats | undefined, fmt: Fmt): string {
  if (!s || s.mean === null) return 'n/a';
  const m = formatValue(s.mean, fmt);
  return s.ciLow === null || s.ciHigh === null || s.ciLow === s.ciHigh
    ? m
    : `${m} [${formatValue(s.ciLow, fmt)}, ${formatValue(s.ciHigh, fmt)}]`;
}
