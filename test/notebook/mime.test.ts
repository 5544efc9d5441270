import { describe, expect, it } from 'vitest';
import { timelineChart } from '../../lib/charts/charts.js';
import {
  chartBundle,
  formatCell,
  TABLE_MIME,
  tableBundle,
  tableOf,
  VEGA_MIME,
  VEGALITE_MIME,
} from '../../lib/notebook/mime.js';

describe('notebook MIME bundles', () => {
  it('formatCell() writes integers with separators, others to four significant digits, intervals in brackets', () => {
    expect(formatCell(1234567)).toBe('1,234,567');
    expect(formatCell(0.0061664)).toBe('0.006166');
    expect(formatCell(3.99612)).toBe('3.996');
    expect(formatCell(null)).toBe('');
    expect(formatCell({ mean: 2, ciLow: 1.5, ciHigh: 2.5 })).toBe('2 [1.5, 2.5]');
    expect(formatCell({ mean: 0, ciLow: 0, ciHigh: 0 })).toBe('0');
    expect(formatCell({ mean: null, ciLow: null, ciHigh: null })).toBe('n/a');
  });

  it('tableBundle() carries HTML and the rows as JSON', () => {
    const t = tableOf('t', [{ a: 1, b: 'x<y', c: undefined }], ['a', 'b', 'c']);
    expect(t).toEqual({ name: 't', columns: ['a', 'b', 'c'], rows: [{ a: 1, b: 'x<y', c: null }] });
    const b = tableBundle(t);
    expect(b.data[TABLE_MIME]).toBe(t);
    expect(b.data['text/html']).toContain('<td style="text-align:left">x&lt;y</td>');
    expect(b.data['text/html']).toContain('<th>a</th><th>b</th><th>c</th>');
  });

  it('chartBundle() gives a vega 5 spec, the vega-lite spec and a PNG shown at the chart size, no HTML', async () => {
    const spec = timelineChart(
      [
        { run: 'a', tSec: 0, v: 1 },
        { run: 'a', tSec: 10, v: 3 },
      ],
      { title: 'T', panels: [{ field: 'v', title: 'v' }], series: ['a'], width: 200 },
    );
    const b = await chartBundle(spec, 'test');
    expect((b.data[VEGA_MIME] as { $schema: string }).$schema).toBe(
      'https://vega.github.io/schema/vega/v5.json',
    );
    expect(b.data[VEGALITE_MIME]).toBe(spec);
    expect(Buffer.from(String(b.data['image/png']), 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(b.data['text/html']).toBeUndefined();
    const width = (b.metadata['image/png'] as { width: number }).width;
    expect(width).toBeGreaterThan(200);
    expect(width).toBeLessThan(400);
  });
});
