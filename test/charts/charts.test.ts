/**
 * Golden tests of the chart builders: small fixed inputs, specs compared with committed files and
 * validated against the vega-lite JSON schema; and a render to SVG.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  barChart,
  calendarChart,
  heatmapChart,
  intervalChart,
  timelineChart,
} from '../../lib/charts/charts.js';
import { toSvg } from '../../lib/charts/render.js';

// The schema is an export of vega-lite ('vega-lite/vega-lite-schema.json').
const schemaPath = createRequire(import.meta.url).resolve('vega-lite/vega-lite-schema.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
// The schema uses the standard formats (uri, uri-reference, ...) and vega's own color-hex.
// ajv-formats is CommonJS with a default export: under NodeNext its callable is `.default`.
formats.default(ajv);
ajv.addFormat('color-hex', /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i);
const validate = ajv.compile(schema);

const specs = {
  timeline: timelineChart(
    [
      { run: 'a', tSec: 0, tw: 1, threads: 150 },
      { run: 'a', tSec: 10, tw: 28232, threads: 1377 },
      { run: 'b', tSec: 0, tw: 0, threads: 150 },
    ],
    {
      title: 'T',
      panels: [
        { field: 'tw', title: 'TIME_WAIT' },
        { field: 'threads', title: 'threads' },
      ],
      series: ['a', 'b'],
    },
  ),
  interval: intervalChart(
    [
      { label: 'outage', mean: 0.92, ciLow: 0.9, ciHigh: 0.95 },
      { label: 'fix', mean: 1, ciLow: 1, ciHigh: 1 },
    ],
    { title: 'I', valueTitle: 'availability', order: ['outage', 'fix'] },
  ),
  heatmap: heatmapChart(
    [
      { batchSize: 2000, poolSize: 100, concurrencyLimit: 'unbounded', logRate: 'unlimited', failed: 0 },
      { batchSize: 5000, poolSize: 100, concurrencyLimit: 'unbounded', logRate: 'unlimited', failed: 0.01 },
      { batchSize: 17500, poolSize: 100, concurrencyLimit: 'unbounded', logRate: 'unlimited', failed: 12 },
    ],
    {
      title: 'H',
      x: 'batchSize',
      y: 'poolSize',
      row: 'concurrencyLimit',
      column: 'logRate',
      order: {
        batchSize: ['2000', '5000', '17500'],
        poolSize: ['100'],
        concurrencyLimit: ['unbounded'],
        logRate: ['unlimited'],
      },
      value: 'failed',
      valueTitle: 'requests failed (%)',
    },
  ),
  calendar: calendarChart(
    [
      { utc: '2026-04-03T17:00:00Z', series: 'DC A', failedPct: 0, oomKills: 0 },
      { utc: '2026-04-03T18:00:00Z', series: 'DC A', failedPct: 0.02, oomKills: 3 },
      { utc: '2026-04-03T19:00:00Z', series: 'DC A', failedPct: 1.5, oomKills: 40 },
      { utc: '2026-04-03T17:00:00Z', series: 'DC B', failedPct: 0, oomKills: 0 },
      { utc: '2026-04-03T18:00:00Z', series: 'DC B', failedPct: 0, oomKills: 0 },
    ],
    {
      title: 'C',
      timeField: 'utc',
      seriesField: 'series',
      series: ['DC A', 'DC B'],
      panels: [
        { field: 'failedPct', title: 'user requests failed (%)' },
        { field: 'oomKills', title: 'OOM kills per hour', series: ['DC A'] },
      ],
      events: [{ utc: '2026-04-03T18:00:00Z', label: 'first-dial-error' }],
    },
  ),
  bar: barChart([{ client: 'posts', errors: 3 }], {
    title: 'B',
    x: 'client',
    xTitle: 'client',
    y: 'errors',
    yTitle: 'errors',
  }),
};

describe('chart builders', () => {
  for (const [name, spec] of Object.entries(specs)) {
    it(`${name}: valid vega-lite, equal to its golden file`, async () => {
      const ok = validate(spec);
      expect(ok, JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      await expect(`${JSON.stringify(spec, null, 2)}\n`).toMatchFileSnapshot(`./__golden__/${name}.vl.json`);
    });
  }

  it('renders to SVG with marks and titles, without a canvas', async () => {
    const svg = await toSvg(specs.timeline);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('TIME_WAIT');
    expect(svg).toContain('<path');
  });

  it('heatmapChart() fits the colour domain to the data and turns red towards the worse end', () => {
    const color = (spec: object) =>
      (spec as { spec: { encoding: { color: { scale: Record<string, unknown> } } } }).spec.encoding.color
        .scale;
    // Lower is better by default: the red-yellow-green scheme is reversed, so the highest failure is red.
    expect(color(specs.heatmap)).toEqual({
      type: 'symlog',
      constant: 0.01,
      scheme: 'redyellowgreen',
      reverse: true,
      domain: [0, 12],
    });
    const good = heatmapChart(
      [
        { x: 'a', y: 'b', v: 0.9 },
        { x: 'c', y: 'b', v: 0.99 },
      ],
      {
        title: 'G',
        x: 'x',
        y: 'y',
        order: {},
        value: 'v',
        valueTitle: 'availability',
        higherIsBetter: true,
      },
    ) as unknown as { encoding: { color: { scale: Record<string, unknown> }; x: { axis: unknown } } };
    // The domain is the data's, not stretched to zero.
    expect(good.encoding.color.scale).toEqual({
      type: 'linear',
      scheme: 'redyellowgreen',
      reverse: false,
      domain: [0.9, 0.99],
    });
    // No grid lines through the cells.
    expect(good.encoding.x.axis).toEqual({ grid: false });
  });

  it('a spec the schema rejects is caught', () => {
    expect(validate({ mark: 'nonsense', data: { values: [] } })).toBe(false);
  });
});
