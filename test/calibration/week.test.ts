/**
 * The calibration on the outage week (as deployed and without a fix, seed 1), read from the week's
 * results (data/runs or the committed data/cache/week.json when their key matches the model, else run
 * now: a few minutes). The verdicts are what the coupled fleet computes today: the misses are listed
 * with the figure that misses, and `outage-lab calibration` reports them the same way.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadExpectations, type WeekObservation } from '../../lib/calibration/week.js';
import { acquireWeek } from '../../lib/report/week.js';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Checks the model does not pass today, and why (README "Status", bench/RESULTS.md and the report say
 * the same). With the constants the labs measured and the host's CPU (model/cpu.ts):
 * - O5, O6: a P is handed off only as fast as the next M gets a core, later still while port scans queue
 *   on the cores, so failing dials queue goroutines for a P instead of adding Ms (150 threads), and STW
 *   pauses do not grow with idle Ms (the Go lab);
 * - O7: a host past half its port range saturates its cores on the next batch, goroutines pile up behind
 *   the P gate and it is OOM-killed within seconds, then crash-loops while its range stays full: a kill
 *   every ~7 minutes, not ~30;
 * - O8: most restarts come up while the range still has free ports (the kill came before it filled), so
 *   only 270 of 15,003 fail at once;
 * - O3, O4: a failing host is mostly down or crash-looping; its ops wait for a P instead of failing and
 *   logging;
 * - M2-M4, W1, W2: with big batches a tenth of the new client's requests (the low end of that range),
 *   DC A goes down and comes back all day (M1 passes: 107 Monday episodes of 3-35 min), but from Friday
 *   night on and as much at the weekend as on Monday (48.5% served each weekend day): episodes 9.5 min
 *   apart, over 21.0 h, 39.0% served over their span (M4 wants 40-90%); the weekend's 0.7x load does not
 *   spare it.
 * O9 and O10 pass since the CPU model: half the users (DC A) fail, and the band-aid ends it. O2 passes
 * at this seed (1,851 failed dials/s DC-wide at the busiest minute, only EADDRINUSE).
 */
const MISSES = ['O3', 'O4', 'O5', 'O6', 'O7', 'O8', 'M2', 'M3', 'M4', 'W1', 'W2'];

describe('the outage week against the expectations', () => {
  const exp = loadExpectations();
  let results: readonly WeekObservation[] = [];
  beforeAll(async () => {
    results = (await acquireWeek(ROOT)).observations;
  }, 1_800_000);

  it('evaluates every observation and target of the expectations file', () => {
    expect(results.map((o) => o.id)).toEqual([
      ...exp.observations.map((o) => o.id),
      ...exp.targets.map((o) => o.id),
    ]);
  });

  for (const id of [...exp.observations.map((o) => o.id), ...exp.targets.map((o) => o.id)]) {
    const miss = MISSES.includes(id);
    it(`${id}: ${miss ? 'not reproduced (a known miss)' : 'reproduced'}`, () => {
      const r = results.find((x) => x.id === id)!;
      expect(r.verdict, r.measured).toBe(miss ? 'not reproduced' : 'reproduced');
    });
  }
});

describe('loadExpectations', () => {
  it('names the field that is wrong', async () => {
    const { writeFileSync, mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'expect-'));
    const bad = JSON.parse(readFileSync('data/expectations.json', 'utf8'));
    bad.windows.monday.from = 'Monday';
    writeFileSync(join(dir, 'e.json'), JSON.stringify(bad));
    expect(() => loadExpectations(join(dir, 'e.json'))).toThrow(/windows\.monday\.from/);
  });
  it('requires each target to carry its quote', async () => {
    const { writeFileSync, mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'expect-'));
    const bad = JSON.parse(readFileSync('data/expectations.json', 'utf8'));
    delete bad.targets[0].quote;
    writeFileSync(join(dir, 'e.json'), JSON.stringify(bad));
    expect(() => loadExpectations(join(dir, 'e.json'))).toThrow(/targets\.0\.quote/);
  });
});
