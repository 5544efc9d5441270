import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intervalChart } from '../../lib/charts/charts.js';
import { saveChart, show } from '../../lib/notebook/display.js';

describe('notebook display', () => {
  it('saveChart() writes the vega-lite spec as .vl.json, creating the directory', () => {
    const spec = intervalChart([{ label: 'a', mean: 1, ciLow: 0, ciHigh: 2 }], {
      title: 'I',
      valueTitle: 'v',
    });
    const path = saveChart(spec, join(mkdtempSync(join(tmpdir(), 'vl-')), 'charts', 'i.vl.json'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(spec);
  });

  it('show() outside a notebook kernel says so', () => {
    expect(() => show({ data: {}, metadata: {} })).toThrow('show: not running in a tslab notebook kernel');
  });
});
