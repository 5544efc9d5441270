import { describe, expect, it } from 'vitest';
import type { AblationRow } from '../../lib/calibration/ablation.js';
import type { ReportData } from '../../lib/report/data.js';
import { factWriter } from '../../lib/report/facts.js';
import { ablationSection } from '../../lib/report/sections/ablation.js';
import type { SectionContext } from '../../lib/report/sections/context.js';

const row = (id: string, off: string, mondayAvailability: number, episodes = 0): AblationRow => ({
  id,
  off,
  mondayAvailability,
  mondayEpisodes: episodes,
  longestEpisodeMinutes: episodes * 4,
  medianGapMin: null,
  spanHours: null,
  spanAvailability: null,
  mondayOomKills: 10,
  dialErrors: 1000,
  peakThreads: 150,
});

function render(rows: AblationRow[]): string {
  const data = {
    ablation: {
      origin: 'cache',
      scenario: 'outage-week',
      seed: 1,
      hosts: 24,
      durationSec: 91_800,
      startUtc: '2026-04-05 20:00 UTC',
      endUtc: '2026-04-06 21:30 UTC',
      rows,
    },
  };
  const f = factWriter(data);
  const ctx = { data: data as unknown as ReportData, f } as unknown as SectionContext;
  return ablationSection(ctx).html;
}

const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

describe('ablationSection', () => {
  it('names the removal that helps most, those that change nothing and those that make it worse', () => {
    const html = render([
      row('all-on', 'nothing', 0.6, 8),
      row('no-a', 'mechanism A', 0.95, 1),
      row('no-b', 'mechanism B', 0.6004, 8),
      row('no-c', 'mechanism C', 0.5, 12),
      row('no-trigger', 'the trigger', 1),
    ]);
    const t = text(html);
    expect(t).toContain(
      'Switching off mechanism A helps most: Monday goes to 95.00% served, with 1 down episodes',
    );
    expect(t).toContain('less than a tenth of a point: mechanism B.');
    expect(t).toContain('makes Monday worse, not better: mechanism C.');
    expect(t).toContain("DC A's users get 60.00% of Monday's requests, in 8 down episodes");
    expect(t).toContain('they get 100.00%');
    expect(html).toContain('data-key="ablation.rows.1.mondayAvailability"');
  });

  it('says so when no removal helps', () => {
    const t = text(
      render([
        row('all-on', 'nothing', 0.99),
        row('no-a', 'mechanism A', 0.9901),
        row('no-trigger', 'the trigger', 1),
      ]),
    );
    expect(t).toContain('No single mechanism switched off raises');
    expect(t).not.toContain('helps most');
  });
});
