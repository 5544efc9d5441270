import { describe, expect, it } from 'vitest';
import { type FleetRow, runFleet } from '../../lib/fleet/fleet.js';
import { findScenario } from '../../lib/scenario/scenarios.js';

describe('runFleet (coupled hosts)', () => {
  const scenario = findScenario('outage')!;
  const overrides = { 'fleet.hostsPerDc': 6, 'upstream.retries': 1 };
  const rows: FleetRow[] = [];
  const fleet = runFleet({ scenario, seed: 3, durationSec: 600, overrides, onRow: (r) => rows.push(r) });
  const [a, b] = fleet.dcs;

  it('runs the new client in DC A only, routed to its hosts', () => {
    expect(a!.dialErrors).toBeGreaterThan(0);
    expect(a!.newClientRequests).toBeGreaterThan(0);
    expect(b!.dialErrors).toBe(0);
    expect(b!.newClientRequests).toBe(0);
    expect(b!.peakThreads).toBe(150);
  });

  it('simulates every host of a DC and sums their totals', () => {
    expect(a!.hostSummaries).toHaveLength(6);
    expect(a!.representativeHosts).toBe(6);
    expect(a!.dialErrors).toBe(a!.hostSummaries.reduce((s, h) => s + h.dialErrors, 0));
    // The new client's DC rate is its per-host rate x hosts: 0.1/s x 6 over 570 s, about 342 requests.
    expect(a!.newClientRequests).toBeGreaterThan(342 - 4 * Math.sqrt(342));
    expect(a!.newClientRequests).toBeLessThan(342 + 4 * Math.sqrt(342));
  });

  it('a coupled slice stands for the DC: its totals scaled to hostsPerDc', () => {
    const slice = runFleet({
      scenario,
      seed: 3,
      durationSec: 120,
      overrides: { ...overrides, 'fleet.representativeHosts': 2 },
    });
    const s = slice.dcs[0]!;
    expect(s.hostSummaries).toHaveLength(2);
    expect(s.dialErrors).toBe(Math.round(s.hostSummaries.reduce((x, h) => x + h.dialErrors, 0) * 3));
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
      expect(r.userAvailability).toBeCloseTo(
        0.5 * (r['userAvailability:A'] ?? 1) + 0.5 * (r['userAvailability:B'] ?? 1),
        5,
      );
      expect(r.utc).toBeNull(); // no calendar in this scenario
    }
  });

  it('a DC with every host out of rotation fails every user request', () => {
    // Every OOM kill takes the host out; with the memory limit below the idle heap no host ever serves.
    const dead = runFleet({
      scenario: findScenario('baseline')!,
      seed: 1,
      durationSec: 120,
      overrides: { 'fleet.hostsPerDc': 3, 'process.memoryLimitBytes': 1 },
    });
    expect(dead.dcs[1]!.userAvailability).toBeLessThan(0.2);
  });

  it('is deterministic for a seed', () => {
    const again = runFleet({ scenario, seed: 3, durationSec: 600, overrides });
    expect(JSON.stringify(again)).toBe(JSON.stringify(fleet));
  });
});
