/**
 * Every check can fail: each is run on a variant that must fail it. Variants are small fleets (3 hosts
 * per DC) over two hours of Monday afternoon, with the expectations' windows mapped onto the short run:
 * no trigger, batches of 2,000 URIs, SetLimit(50) from the start, the band-aid from the start; and, for
 * the checks the short runs cannot reach, the check's own input perturbed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Expectations,
  evaluateWeek,
  type FleetRun,
  loadExpectations,
  runFleetWithHosts,
  type WeekObservation,
} from '../../lib/calibration/week.js';
import type { FleetRow } from '../../lib/fleet/fleet.js';
import type { Overrides } from '../../lib/model/resolve-params.js';

const START = Date.UTC(2026, 3, 6, 14) / 1000;
const HOURS = 2;
const iso = (sec: number) => new Date((START + sec) * 1000).toISOString().replace('.000Z', 'Z');
const all = { from: iso(0), to: iso(HOURS * 3600) };

/** The expectations with every window on the short run (the band-aid and fixed windows: its last half hour). */
function shortExpectations(): Expectations {
  const exp = loadExpectations();
  const tail = { from: iso(HOURS * 3600 - 1800), to: iso(HOURS * 3600) };
  return {
    ...exp,
    windows: {
      weekend: all,
      saturday: all,
      sunday: all,
      monday: all,
      week: all,
      bandAid: tail,
      fixed: tail,
    },
  };
}

function shortRun(overrides: Overrides): FleetRun {
  return runFleetWithHosts({
    scenario: {
      id: 'short-monday',
      title: 'two hours of Monday afternoon',
      description: '',
      durationSec: HOURS * 3600,
      overrides: { 'load.calendarStartUtcSec': START, 'workload.triggerStartSec': 60 },
    },
    seed: 1,
    overrides: { 'fleet.hostsPerDc': 3, ...overrides },
  });
}

const verdicts = (results: WeekObservation[]) =>
  Object.fromEntries(results.map((o) => [o.id, o.verdict === 'reproduced']));

describe('checks fail on variants that must fail them', () => {
  const exp = shortExpectations();
  let base: FleetRun;
  const v: Record<string, Record<string, boolean>> = {};
  beforeAll(() => {
    base = shortRun({});
    v.base = verdicts(evaluateWeek(exp, base, base));
    v.noTrigger = verdicts(evaluateWeek(exp, ...twice(shortRun({ 'workload.newClientRatePerSec': 0 }))));
    v.batches2000 = verdicts(evaluateWeek(exp, ...twice(shortRun({ batchSize: 2000 }))));
    v.setLimit = verdicts(evaluateWeek(exp, ...twice(shortRun({ concurrencyLimit: 50 }))));
    v.bandAid = verdicts(evaluateWeek(exp, ...twice(shortRun({ 'kernel.localIpMode': 'random' }))));
  }, 600_000);

  const twice = (r: FleetRun) => [r, r] as const;

  it('no trigger: no dial error, no storm, no thread rise, no kill, no episode', () => {
    for (const id of ['O1', 'O2', 'O3', 'O4', 'O5', 'O7', 'O8', 'O9', 'M1', 'M2', 'M3', 'M4', 'W1']) {
      expect(v.noTrigger![id], id).toBe(false);
    }
  });

  it('SetLimit(50) from the start: the ports never run out (O1, O2) and nothing goes down (M1)', () => {
    for (const id of ['O1', 'O2', 'O8', 'M1']) expect(v.setLimit![id], id).toBe(false);
  });

  it('the band-aid from the start: no bind error (O2), no restart failing at once (O8), no episode', () => {
    for (const id of ['O2', 'O8', 'M1']) expect(v.bandAid![id], id).toBe(false);
  });

  it('batches of 2,000 URIs: no down episode (M1, O9)', () => {
    for (const id of ['M1', 'O9']) expect(v.batches2000![id], id).toBe(false);
  });

  // The check's own input perturbed.
  const perturbRows = (run: FleetRun, f: (r: FleetRow) => FleetRow): FleetRun => ({
    ...run,
    rows: run.rows.map(f),
  });

  it('E1 fails when DC B loses 1% of its requests', () => {
    const run = perturbRows(base, (r) => ({ ...r, 'usersFailed:B': 0.01 * Number(r['users:B']) }));
    expect(verdicts(evaluateWeek(exp, run, run)).E1).toBe(false);
  });

  it('E2 and E3 fail with failed requests in DC A after the fixes', () => {
    const run = perturbRows(base, (r) => ({ ...r, 'usersFailed:A': 0.01 * Number(r['users:A']) }));
    const out = verdicts(evaluateWeek(exp, run, run));
    expect(out.E2).toBe(false);
    expect(out.E3).toBe(false);
  });

  it('W2 fails with a down episode longer than 10 minutes; M4 fails when the span serves nothing', () => {
    const run = perturbRows(base, (r) => ({ ...r, 'usersFailed:A': Number(r['users:A']) }));
    const out = verdicts(evaluateWeek(exp, run, run));
    expect(out.W2).toBe(false);
    expect(out.M4).toBe(false);
  });

  it('M2 and M3 fail on episodes every 4 minutes for 2 hours', () => {
    const run = perturbRows(base, (r) => {
      const minute = Math.round(r.tSec / 60);
      const down = minute % 4 !== 0;
      return { ...r, 'usersFailed:A': down ? Number(r['users:A']) : 0 };
    });
    const out = verdicts(evaluateWeek(exp, run, run));
    expect(out.M2).toBe(false); // median gap 4 min < 15
    expect(out.M3).toBe(false); // 2 h < 6 h
  });

  it('O5 fails when threads fall on a living process', () => {
    const hosts = {
      ...base.hosts,
      A: base.hosts.A.map((rows, h) =>
        h === 0
          ? rows.map((r, i) =>
              i === rows.length - 1 ? { ...r, up: true, restarts: 0, oomKills: 0, threads: 0 } : r,
            )
          : rows,
      ),
    };
    // The last row must be inside the checked window (before the band-aid): move the band-aid past it.
    const late = {
      ...exp,
      windows: { ...exp.windows, bandAid: { from: iso(HOURS * 3600 + 60), to: iso(HOURS * 3600 + 120) } },
    };
    expect(verdicts(evaluateWeek(late, { ...base, hosts }, base)).O5).toBe(false);
  });

  it('O6 fails when DC A stalls no more than DC B (DC B as DC A)', () => {
    const run = { ...base, hosts: { A: base.hosts.B, B: base.hosts.B } };
    expect(verdicts(evaluateWeek(exp, run, run)).O6).toBe(false);
  });

  it('O10 fails with dial errors in the band-aid window', () => {
    const hosts = {
      ...base.hosts,
      A: base.hosts.A.map((rows) => rows.map((r) => ({ ...r, inUse: r.inUse + 1 }))),
    };
    expect(verdicts(evaluateWeek(exp, { ...base, hosts }, base)).O10).toBe(false);
  });
});
