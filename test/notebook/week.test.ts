import { describe, expect, it } from 'vitest';
import { FLEET_SCHEMA, type FleetRow } from '../../lib/fleet/fleet.js';
import { fleetEvents, fleetHourly } from '../../lib/notebook/week.js';

describe('the week notebook series', () => {
  // Two hours at 30-minute rows: 2 rows per hour.
  const zero = Object.fromEntries(Object.keys(FLEET_SCHEMA).map((c) => [c, 0])) as unknown as FleetRow;
  const row = (r: Partial<FleetRow>): FleetRow => ({ ...zero, events: '', ...r });
  const rows: FleetRow[] = [
    row({ tSec: 1800, utc: '2026-04-03T17:30:00Z', 'userAvailability:A': 1, 'oomKills:A': 0 }),
    row({
      tSec: 3600,
      utc: '2026-04-03T18:00:00Z',
      'userAvailability:A': 0.98,
      'oomKills:A': 2,
      events: 'first-dial-error',
    }),
    row({
      tSec: 5400,
      utc: '2026-04-03T18:30:00Z',
      'userAvailability:A': null,
      'oomKills:A': 1,
      events: 'a;b',
    }),
    row({ tSec: 7200, utc: '2026-04-03T19:00:00Z', 'userAvailability:A': null, 'oomKills:A': 0 }),
  ];

  it('fleetHourly() averages availability per hour into failed % and sums kills', () => {
    const h = fleetHourly(rows, 'A', 'DC A');
    expect(h).toHaveLength(2);
    expect(h[0]!.failedPct).toBeCloseTo(1, 10); // 100 * (1 - (1 + 0.98) / 2)
    expect(h[0]!.oomKills).toBe(2);
    expect(h[1]).toEqual({ utc: '2026-04-03T18:30:00Z', series: 'DC A', failedPct: null, oomKills: 1 });
  });

  it('fleetEvents() splits the events column', () => {
    expect(fleetEvents(rows).map((e) => e.label)).toEqual(['first-dial-error', 'a', 'b']);
  });
});
