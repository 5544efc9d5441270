import { describe, expect, it } from 'vitest';
import {
  keyed,
  NUMBER,
  NUMBER_OR_NULL,
  type RowOf,
  TEXT,
  TEXT_OR_NULL,
  TIMELINE_COLUMNS,
  TIMELINE_SCHEMA,
  uriBucketColumns,
} from '../../lib/metrics/timeline.js';
import { csvCells, timelineCsv } from '../../lib/metrics/timeline-csv.js';

describe('timeline columns', () => {
  it('keyed() makes name:id columns, ids in order and names in order within each', () => {
    expect(Object.keys(keyed(['a', 'b'], () => ({ ok: 1, err: 2 })))).toEqual([
      'ok:a',
      'err:a',
      'ok:b',
      'err:b',
    ]);
    expect(keyed(['a', 'b'], (id, i) => ({ n: `${id}${i}` }))).toEqual({ 'n:a': 'a0', 'n:b': 'b1' });
  });

  it('uriBucketColumns() names one value per bucket', () => {
    expect(uriBucketColumns((k) => k)).toEqual({ 'reqUris1-50': 0, 'reqUris51-1000': 1, 'reqUris1001+': 2 });
  });

  it('the columns are the schema in its order: time, state, clients, caches, dial errors ..., events', () => {
    expect(TIMELINE_COLUMNS).toEqual(Object.keys(TIMELINE_SCHEMA));
    expect(TIMELINE_COLUMNS.slice(0, 5)).toEqual([
      'tSec',
      'utc',
      'processState',
      'reqOk:appview-posts',
      'reqErr:appview-posts',
    ]);
    expect(TIMELINE_COLUMNS.filter((c) => c.startsWith('dialErr:'))).toEqual([
      'dialErr:addr-in-use',
      'dialErr:addr-not-avail',
      'dialErr:server-full',
      'dialErr:dial-timeout',
    ]);
    expect(TIMELINE_COLUMNS.at(-1)).toBe('events');
    expect(new Set(TIMELINE_COLUMNS).size).toBe(TIMELINE_COLUMNS.length);
  });
});

describe('the CSV writer', () => {
  const schema = { tSec: NUMBER, latencyMs: NUMBER_OR_NULL, utc: TEXT_OR_NULL, events: TEXT } as const;
  const cols = ['tSec', 'latencyMs', 'utc', 'events'] as const;

  it('prints numbers as JavaScript does and null as an empty cell', () => {
    const row: RowOf<typeof schema> = { tSec: 0.5, latencyMs: null, utc: null, events: '' };
    expect(csvCells(schema, cols, row)).toEqual(['0.5', '', '', '']);
    const later: RowOf<typeof schema> = {
      tSec: 2,
      latencyMs: 1e-7,
      utc: '2026-04-06T00:00:02Z',
      events: 'a;b',
    };
    expect(csvCells(schema, cols, later)).toEqual(['2', '1e-7', '2026-04-06T00:00:02Z', 'a;b']);
  });

  it('a timeline CSV has the columns as header and one line per row', () => {
    const zero = Object.fromEntries(TIMELINE_COLUMNS.map((c) => [c, 0]));
    const row = { ...zero, utc: null, processState: 'up', userAvailability: null, events: 'oom-kill' };
    const lines = timelineCsv([row as unknown as RowOf<typeof TIMELINE_SCHEMA>])
      .trimEnd()
      .split('\n');
    expect(lines[0]).toBe(TIMELINE_COLUMNS.join(','));
    const cells = lines[1]!.split(',');
    expect(cells).toHaveLength(TIMELINE_COLUMNS.length);
    expect(cells[TIMELINE_COLUMNS.indexOf('utc')]).toBe('');
    expect(cells[TIMELINE_COLUMNS.indexOf('userAvailability')]).toBe('');
    expect(cells[TIMELINE_COLUMNS.indexOf('processState')]).toBe('up');
    expect(cells.at(-1)).toBe('oom-kill');
  });
});
