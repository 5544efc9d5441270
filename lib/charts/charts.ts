/**
 * Chart builders: pure functions from rows to vega-lite specs (`(rows, options) => TopLevelSpec`). They
 * never import vega at run time (only its types), so the library loads anywhere, including notebooks that
 * `require()` the compiled dist; rendering lives in render.ts.
 */
import type { TopLevelSpec } from 'vega-lite';
import { extent, logTicks, type QuantityScale, scaleFor } from './scales.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 10, titleFontSize: 11, grid: true, gridOpacity: 0.4 },
  legend: { labelFontSize: 10, titleFontSize: 11, orient: 'top', labelLimit: 320 },
  title: { fontSize: 13, anchor: 'start' },
} as const;

export interface TimelinePanel {
  /** Column of the rows to plot. */
  readonly field: string;
  /** Axis title, with its unit (an array for several lines). */
  readonly title: string | readonly string[];
  /**
   * The y scale: 'auto' (default) picks symlog or linear from the panel's values (scales.ts), 'linear'
   * keeps a linear axis fitted to the data (not from zero), or an explicit vega-lite scale.
   */
  readonly scale?: 'auto' | 'linear' | QuantityScale;
}

/** A panel's y scale and, for a symlog scale, its axis ticks (powers of ten). */
function panelY(rows: readonly object[], panel: TimelinePanel): Record<string, unknown> {
  if (panel.scale === 'linear') return { scale: { zero: false } };
  const values = (rows as readonly Record<string, unknown>[]).map((r) => r[panel.field]);
  const scale = panel.scale && panel.scale !== 'auto' ? panel.scale : scaleFor(values);
  return withTicks(scale, values);
}

/** `{ scale, axis }` of an encoding channel: symlog scales get ticks at powers of ten. */
function withTicks(scale: QuantityScale, values: Iterable<unknown>): Record<string, unknown> {
  const ticks = logTicks(scale, values);
  return { scale: { ...scale }, ...(ticks && { axis: { values: ticks, format: ',~r' } }) };
}

export interface TimelineChartOptions {
  readonly title: string;
  readonly panels: readonly TimelinePanel[];
  /** Field naming the series (one line per value), e.g. the run's label. Default 'run'. */
  readonly seriesField?: string;
  /** Order of the series in the legend and colors. */
  readonly series?: readonly string[];
  /** Width of each panel in px. */
  readonly width?: number;
  /** Dashed vertical rules across every panel (labelled in the first), e.g. when the trigger stops. */
  readonly markers?: readonly { readonly tSec: number; readonly label: string }[];
  readonly panelHeight?: number;
}

/**
 * Stacked small multiples over time (shared x): one panel per field, one line per series. Rows carry
 * `tSec`, the series field and the panels' fields.
 */
export function timelineChart(rows: readonly object[], options: TimelineChartOptions): TopLevelSpec {
  const series = options.seriesField ?? 'run';
  const color = {
    field: series,
    type: 'nominal' as const,
    title: null,
    ...(options.series && { scale: { domain: [...options.series] } }),
    // One series needs no legend.
    ...(options.series?.length === 1 && { legend: null }),
  };
  return {
    $schema: SCHEMA,
    title: options.title,
    data: { values: rows as Record<string, unknown>[] },
    transform: [{ calculate: 'datum.tSec / 60', as: 'tMin' }],
    vconcat: options.panels.map((panel, i) => {
      const line = {
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.2, clip: true },
        encoding: {
          x: {
            field: 'tMin',
            type: 'quantitative',
            title: i === options.panels.length - 1 ? 'minutes from start' : null,
          },
          y: { field: panel.field, type: 'quantitative', title: panel.title, ...panelY(rows, panel) },
          color,
        },
      };
      const size = { width: options.width ?? 640, height: options.panelHeight ?? 80 };
      if (!options.markers?.length) return { ...size, ...line };
      const markers = options.markers.map((m) => ({ tMin: m.tSec / 60, label: m.label }));
      return {
        ...size,
        layer: [
          line,
          {
            data: { values: markers },
            mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
            encoding: { x: { field: 'tMin', type: 'quantitative' } },
          },
          ...(i === 0
            ? [
                {
                  data: { values: markers },
                  mark: {
                    type: 'text',
                    align: 'left',
                    baseline: 'top',
                    dx: 3,
                    dy: 2,
                    fontSize: 9,
                    color: '#333',
                  },
                  encoding: {
                    x: { field: 'tMin', type: 'quantitative' },
                    y: { value: 0 },
                    text: { field: 'label' },
                  },
                },
              ]
            : []),
        ],
      };
    }),
    resolve: { scale: { x: 'shared' } },
    config: CONFIG,
  } as TopLevelSpec;
}

export interface IntervalRow {
  /** Category label (e.g. the fix). */
  readonly label: string;
  readonly mean: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
}

export interface IntervalChartOptions {
  readonly title: string;
  /** Title of the value axis, with its unit. */
  readonly valueTitle: string;
  /** Category order (top to bottom). */
  readonly order?: readonly string[];
  readonly width?: number;
  /** The value axis's scale; default chosen from the means and intervals (scales.ts). */
  readonly scale?: QuantityScale;
}

/** Means with 95% intervals, one row per category: the fix comparison. */
export function intervalChart(rows: readonly IntervalRow[], options: IntervalChartOptions): TopLevelSpec {
  const y = {
    field: 'label',
    type: 'nominal' as const,
    title: null,
    sort: options.order ? [...options.order] : null,
  };
  const values = rows.flatMap((r) => [r.mean, r.ciLow, r.ciHigh]);
  const x = withTicks(options.scale ?? scaleFor(values), values);
  return {
    $schema: SCHEMA,
    title: options.title,
    width: options.width ?? 420,
    data: { values: rows as unknown as Record<string, unknown>[] },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          y,
          x: { field: 'ciLow', type: 'quantitative', title: options.valueTitle, ...x },
          x2: { field: 'ciHigh' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 50 },
        encoding: {
          y,
          x: { field: 'mean', type: 'quantitative', title: options.valueTitle, ...x },
          tooltip: [
            { field: 'label', type: 'nominal' },
            { field: 'mean', type: 'quantitative', format: ',.4~g' },
            { field: 'ciLow', type: 'quantitative', format: ',.4~g' },
            { field: 'ciHigh', type: 'quantitative', format: ',.4~g' },
          ],
        },
      },
    ],
    config: CONFIG,
  } as TopLevelSpec;
}

export interface HeatmapOptions {
  readonly title: string;
  /** Axis fields: x, y inside each cell grid; row and column facets for the other two axes. */
  readonly x: string;
  readonly y: string;
  readonly row?: string;
  readonly column?: string;
  /** Display order of each axis's values (as text). */
  readonly order: Readonly<Record<string, readonly string[]>>;
  /** The value field and its legend title. */
  readonly value: string;
  readonly valueTitle: string;
  /** Color domain; default the data's [min, max]. */
  readonly domain?: readonly [number, number];
  /**
   * Whether a higher value is better: green for the best values, red for the worst. Default: a lower
   * value is better (errors, kills, failed requests).
   */
  readonly higherIsBetter?: boolean;
  /** The colour scale's type; default chosen from the values (symlog over orders of magnitude). */
  readonly colorScale?: QuantityScale;
  /** A categorical value instead: its categories in order and one color each. */
  readonly categories?: readonly string[];
  readonly colors?: readonly string[];
  readonly cellSize?: number;
}

/**
 * A heatmap over two axes, faceted by up to two more: the four knobs of the outage on one page. Axis
 * values are shown as text (they mix numbers and words such as 'unbounded').
 */
export function heatmapChart(rows: readonly object[], options: HeatmapOptions): TopLevelSpec {
  const cell = options.cellSize ?? 26;
  const fields = [options.x, options.y, options.row, options.column].filter((f): f is string => !!f);
  const values = (rows as readonly Record<string, unknown>[]).map((r) => {
    const out: Record<string, unknown> = { ...r };
    for (const f of fields) out[f] = String(r[f]);
    return out;
  });
  const axis = (field: string) => ({
    field,
    type: 'ordinal' as const,
    sort: options.order[field] ? [...options.order[field]!] : null,
  });
  const measured = values.map((r) => r[options.value]);
  const domain = options.domain ?? extent(measured);
  // The colour scale's type without `zero`: zero would stretch the fitted domain down to 0.
  const { zero: _zero, ...colorType } = (options.colorScale ?? scaleFor(measured)) as QuantityScale & {
    zero?: boolean;
  };
  const inner = {
    width: { step: cell },
    height: { step: cell },
    mark: { type: 'rect' },
    encoding: {
      // No grid: on a band scale its lines would run through the middle of every cell.
      x: { ...axis(options.x), title: options.x, axis: { grid: false } },
      y: { ...axis(options.y), title: options.y, axis: { grid: false } },
      color: options.categories
        ? {
            field: options.value,
            type: 'nominal',
            title: options.valueTitle,
            scale: { domain: [...options.categories], ...(options.colors && { range: [...options.colors] }) },
          }
        : {
            field: options.value,
            type: 'quantitative',
            title: options.valueTitle,
            scale: {
              ...colorType,
              scheme: 'redyellowgreen',
              // redyellowgreen runs from red (low) to green (high): turned when lower is better.
              reverse: !(options.higherIsBetter ?? false),
              ...(domain && { domain: [...domain] }),
            },
          },
      tooltip: [
        ...fields.map((f) => ({ field: f, type: 'ordinal' })),
        options.categories
          ? { field: options.value, type: 'nominal' }
          : { field: options.value, type: 'quantitative', format: ',.4~g' },
      ],
    },
  };
  const facet: Record<string, unknown> = {};
  if (options.row) facet['row'] = { ...axis(options.row), title: options.row, header: { labelAngle: 0 } };
  if (options.column) facet['column'] = { ...axis(options.column), title: options.column };
  const base = { $schema: SCHEMA, title: options.title, data: { values }, config: CONFIG };
  return (
    Object.keys(facet).length > 0 ? { ...base, facet, spec: inner } : { ...base, ...inner }
  ) as TopLevelSpec;
}

export interface BarChartOptions {
  readonly title: string;
  readonly x: string;
  readonly xTitle: string;
  readonly y: string;
  readonly yTitle: string;
  readonly color?: string;
  readonly order?: readonly string[];
  readonly width?: number;
  readonly height?: number;
}

/** Grouped bars over time or categories (per-client detection panels). */
export function barChart(rows: readonly object[], options: BarChartOptions): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 160,
    data: { values: rows as Record<string, unknown>[] },
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: options.x,
        type: 'ordinal',
        title: options.xTitle,
        sort: options.order ? [...options.order] : null,
      },
      y: { field: options.y, type: 'quantitative', title: options.yTitle },
      ...(options.color && { color: { field: options.color, type: 'nominal', title: null } }),
    },
    config: CONFIG,
  } as TopLevelSpec;
}

export interface CalendarChartOptions {
  readonly title: string;
  /** Field of the ISO UTC time of each row. */
  readonly timeField: string;
  readonly seriesField: string;
  readonly series: readonly string[];
  readonly panels: readonly (TimelinePanel & { readonly series?: readonly string[] })[];
  /** Vertical rules with labels: `{ [timeField]: iso, label }`. */
  readonly events: readonly Record<string, unknown>[];
  readonly width?: number;
  readonly panelHeight?: number;
}

/**
 * Stacked panels over calendar time (UTC), one line per series, with the events drawn as dashed rules
 * across every panel and labelled in the first. A panel may show a subset of the series.
 */
export function calendarChart(rows: readonly object[], options: CalendarChartOptions): TopLevelSpec {
  const width = options.width ?? 760;
  const height = options.panelHeight ?? 130;
  const x = {
    field: options.timeField,
    type: 'temporal',
    title: null,
    axis: { format: '%a %d', labelAngle: 0, tickCount: { interval: 'day', step: 1 } },
  };
  const rules = {
    data: { values: options.events as Record<string, unknown>[] },
    mark: { type: 'rule', strokeDash: [4, 3], color: '#666' },
    encoding: { x: { field: options.timeField, type: 'temporal' } },
  };
  // Labels alternate between the left and the right of their rules (text above or below its rotated
  // baseline), so two events close in time do not print over each other.
  const labelLayer = (side: 0 | 1) => ({
    data: { values: (options.events as Record<string, unknown>[]).filter((_, k) => k % 2 === side) },
    mark: {
      type: 'text',
      angle: 270,
      align: 'right',
      baseline: side === 0 ? 'bottom' : 'top',
      dx: -4,
      dy: side === 0 ? -2 : 2,
      fontSize: 9,
      color: '#333',
    },
    encoding: {
      x: { field: options.timeField, type: 'temporal' },
      y: { value: 0 },
      text: { field: 'label' },
    },
  });
  return {
    $schema: SCHEMA,
    title: options.title,
    data: { values: rows as Record<string, unknown>[] },
    vconcat: options.panels.map((panel, i) => ({
      width,
      height,
      layer: [
        {
          ...(panel.series && {
            transform: [{ filter: { field: options.seriesField, oneOf: [...panel.series] } }],
          }),
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.2 },
          encoding: {
            x,
            y: {
              field: panel.field,
              type: 'quantitative',
              title: panel.title,
              ...panelY(
                panel.series
                  ? (rows as readonly Record<string, unknown>[]).filter((r) =>
                      panel.series!.includes(String(r[options.seriesField])),
                    )
                  : rows,
                panel,
              ),
            },
            color: {
              field: options.seriesField,
              type: 'nominal',
              title: null,
              scale: { domain: [...options.series] },
            },
          },
        },
        rules,
        ...(i === 0 ? [labelLayer(0), labelLayer(1)] : []),
      ],
    })),
    resolve: { scale: { color: 'shared' } },
    config: CONFIG,
  } as TopLevelSpec;
}

export interface TornadoRow {
  /** The parameter (one bar pair per parameter). */
  readonly parameter: string;
  /** 'low end' or 'high end'. */
  readonly end: string;
  /** The parameter's value at that end, as text (shown in the tooltip). */
  readonly value: string;
  /** The metric at that end, and at the defaults. */
  readonly metric: number;
  readonly base: number;
}

export interface TornadoOptions {
  readonly title: string;
  readonly metricTitle: string;
  /** The parameters top to bottom (widest swing first). */
  readonly order: readonly string[];
  /** Axis format of the metric, e.g. '.0%'. */
  readonly format?: string;
  readonly width?: number;
}

/**
 * A tornado chart: per parameter (rows, widest first), a bar from the defaults' value to the value at
 * each end of the parameter's range, coloured by end, with the defaults' value as a rule.
 */
export function tornadoChart(rows: readonly TornadoRow[], options: TornadoOptions): TopLevelSpec {
  const values = rows.flatMap((r) => [r.metric, r.base]);
  const [lo, hi] = extent(values) ?? [0, 1];
  const pad = (hi - lo) * 0.05 || 0.01;
  const x = {
    type: 'quantitative',
    title: options.metricTitle,
    scale: { domain: [lo - pad, hi + pad], nice: false },
    ...(options.format && { axis: { format: options.format } }),
  };
  const y = { field: 'parameter', type: 'nominal', title: null, sort: [...options.order] };
  return {
    $schema: SCHEMA,
    title: options.title,
    width: options.width ?? 520,
    height: { step: 18 },
    data: { values: rows as unknown as Record<string, unknown>[] },
    layer: [
      {
        mark: { type: 'bar', opacity: 0.85 },
        encoding: {
          y,
          yOffset: { field: 'end', sort: ['low end', 'high end'] },
          x: { field: 'base', ...x },
          x2: { field: 'metric' },
          color: {
            field: 'end',
            type: 'nominal',
            title: 'parameter at',
            scale: { domain: ['low end', 'high end'], range: ['#4c78a8', '#e45756'] },
          },
          tooltip: [
            { field: 'parameter', type: 'nominal' },
            { field: 'end', type: 'nominal' },
            { field: 'value', type: 'nominal', title: 'value' },
            {
              field: 'metric',
              type: 'quantitative',
              title: options.metricTitle,
              format: options.format ?? '',
            },
          ],
        },
      },
      {
        mark: { type: 'rule', color: '#333', strokeDash: [4, 3] },
        encoding: { x: { aggregate: 'max', field: 'base', ...x } },
      },
    ],
    config: CONFIG,
  } as TopLevelSpec;
}
