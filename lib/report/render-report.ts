/**
 * From the report's inputs to the page: the data (pure), the figures' vega-lite specs (pure), their
 * static SVGs (vega's headless renderer) and the HTML. Writes nothing; the CLI's `report` command saves
 * the results.
 */
import { toSvg } from '../charts/render.js';
import { vegaBundles } from './assets.js';
import { buildReportData, type ReportData } from './data.js';
import { reportFigures } from './figures.js';
import type { ReportInputs } from './inputs.js';
import { buildPostmortem, type RenderedFigure } from './postmortem.js';

export interface RenderedReport {
  readonly data: ReportData;
  readonly figures: readonly RenderedFigure[];
  readonly html: string;
}

export async function renderReport(inputs: ReportInputs): Promise<RenderedReport> {
  const data = buildReportData(inputs);
  const figures: RenderedFigure[] = [];
  for (const fig of reportFigures(data, inputs.runs)) {
    figures.push({ ...fig, svg: await toSvg(fig.spec, `fig-${fig.id}`) });
  }
  return { data, figures, html: buildPostmortem(data, figures, vegaBundles()) };
}
