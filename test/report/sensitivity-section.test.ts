import { describe, expect, it } from 'vitest';
import type { ReportData } from '../../lib/report/data.js';
import { factWriter } from '../../lib/report/facts.js';
import type { SectionContext } from '../../lib/report/sections/context.js';
import { sensitivitySection } from '../../lib/report/sections/sensitivity.js';
import type { SensitivityCaseRow } from '../../lib/report/sensitivity-facts.js';

const caseRow = (id: string, served: number, met: string): SensitivityCaseRow => ({
  id,
  path: id === 'default' ? null : id.split('=')[0]!,
  end: id === 'default' ? null : 'low',
  label: id === 'default' ? 'the defaults' : id.replace('=', ' = '),
  mondayAvailability: served,
  mondayEpisodes: 7,
  medianGapMin: 12,
  spanHours: 20,
  mondayOomKills: 100,
  verdicts: { M1: met.includes('M1'), M2: false, M3: false, M4: false },
  met,
});

function render(loadHigh: number, turned: boolean): string {
  const base = caseRow('default', 0.33, 'M1');
  const data = {
    seeds: {
      origin: 'cache',
      seeds: [1, 2],
      seedCount: 2,
      checks: [
        {
          id: 'O1',
          observation: 'ports',
          passes: 2,
          of: 2,
          perSeed: [
            { seed: 1, ok: true, measured: 'a' },
            { seed: 2, ok: true, measured: 'b' },
          ],
        },
        {
          id: 'M1',
          observation: 'episodes',
          passes: 1,
          of: 2,
          perSeed: [
            { seed: 1, ok: true, measured: '7' },
            { seed: 2, ok: false, measured: '3' },
          ],
        },
      ],
      passEvery: 1,
      passNone: 0,
      split: 1,
      total: 2,
      splitIds: 'M1',
    },
    sensitivity: {
      origin: 'cache',
      seed: 1,
      hosts: 24,
      caseCount: 3,
      parameterCount: 1,
      cases: [base, caseRow('load.mondayFactor=1', 0.34, turned ? 'none' : 'M1')],
      swings: [
        { path: 'load.mondayFactor', lowValue: 1, highValue: 1.3, low: 0.34, high: loadHigh, base: 0.33 },
      ],
      base,
      widest: {
        path: 'load.mondayFactor',
        lowValue: 1,
        highValue: 1.3,
        low: 0.34,
        high: loadHigh,
        base: 0.33,
      },
      turned: turned ? [{ id: 'load.mondayFactor=1', label: 'load.mondayFactor = 1', targets: 'M1' }] : [],
      minServed: 0.3,
      maxServed: 0.34,
      allFour: 0,
    },
  };
  const f = factWriter(data);
  const ctx = { data: data as unknown as ReportData, f, fig: (id: string) => `<figure>${id}</figure>` };
  return sensitivitySection(ctx as unknown as SectionContext).html;
}

const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

describe('sensitivitySection', () => {
  it('tells the seed table, the widest swing, the load and the turned verdicts from the data', () => {
    const t = text(render(0.3, true));
    expect(t).toContain(
      '1 of the 2 checks pass on every seed and 0 on none, and 1 on some seeds but not all: M1.',
    );
    expect(t).toContain(
      'Monday goes to 34.00% served at its low end (1) and to 30.00% at its high end (1.3)',
    );
    expect(t).toContain('moves Monday by less than five points');
    expect(t).toContain(
      "These cases turn a Monday verdict against the defaults': load.mondayFactor = 1 (M1).",
    );
    expect(render(0.3, true)).toContain('<figure>sensitivity-tornado</figure>');
  });
  it('says so when the load matters and when no case turns a verdict', () => {
    const t = text(render(0.6, false));
    expect(t).toContain('The load moves Monday by five points or more');
    expect(t).toContain("No case turns any of Monday's verdicts");
    expect(t).not.toContain('These cases turn');
  });
});
