import { describe, expect, it } from 'vitest';
import { type FleetRow, runFleet } from '../../lib/fleet/fleet.js';
import { findScenario } from '../../lib/scenario/scenarios.js';

describe('runFleet', () => {
  const scenario = findScenario('outage')!;
  const overrides = { 'fleet.hostsPerDc': 10, 'fleet.representativeHosts': 2, 'upstream.retries': 1 };
  const rows: FleetRow[] = [];
  const fleet = runFleet({ scenario, seed: 3, durationSec: 600, overrides, onRow: (r) => rows.push(r) });
  const [a, b] = fleet.dcs;

  it('runs the new client in DC A only', () => {
    expect(a!.dialErrors).toBeGreaterThan(0);
    expect(b!.dialErrors).toBe(0);
    expect(b!.peakThreads).toBe(150);
  });

  it("scales a DC's totals: the representative hosts' mean x hosts per DC", () => {
    const mean = a!.hostSummaries.reduce((s, h) => s + h.dialErrors, 0) / 2;
    expect(a!.dialErrors).toBe(Math.round(mean * 10));
    expect(a!.hostSummaries).toHaveLength(2);
  });

  it('users fare better than calls (retries), availabilities are fractions, the overall one is share-weighted', () => {
    for (const dc of fleet.dcs) {
      expect(dc.userAvailability).toBeGreaterThanOrEqual(dc.callAvailability);
      expect(dc.userAvailability).toBeLessThanOrEqual(1);
      expect(dc.callAvailability).toBeGreaterThanOrEqual(0);
    }
    expect(fleet.userAvailability).toBeCloseTo(0.5 * a!.userAvailability + 0.5 * b!.userAvailability, 12);
  });

  it('writes one row per interval, each a share-weighted mean of the two DCs', () => {
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r.tSec)).toEqual([60, 120, 180, 240, 300, 360, 420, 480, 540, 600]);
    for (const r of rows) {
      const av = (k: string) => (r[k] === '' ? 1 : Number(r[k]));
      expect(Number(r.userAvailability)).toBeCloseTo(
        0.5 * av('userAvailability:A') + 0.5 * av('userAvailability:B'),
        5,
      );
      expect(r.utc).toBe(''); // no calendar in this scenario
    }
  });

  it('is deterministic for a seed', () => {
    const again = runFleet({ scenario, seed: 3, durationSec: 600, overrides });
    expect(JSON.stringify(again)).toBe(JSON.stringify(fleet));
  });
});
