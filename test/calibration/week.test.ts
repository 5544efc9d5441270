/**
 * The calibration: every observation of the post-mortem (data/expectations.json) against the outage
 * week run as a fleet, as deployed and without a fix (about a minute on one core).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  evaluateWeek,
  loadExpectations,
  runWeekFleet,
  type WeekObservation,
} from '../../lib/calibration/week.js';

describe('the outage week reproduces O1-O10', () => {
  const exp = loadExpectations();
  let results: WeekObservation[] = [];
  beforeAll(() => {
    results = evaluateWeek(exp, runWeekFleet(exp.scenarios.week), runWeekFleet(exp.scenarios.withoutFix));
  }, 300_000);

  it('evaluates all ten observations of the expectations file', () => {
    expect(results.map((o) => o.id)).toEqual(exp.observations.map((o) => o.id));
  });

  for (const o of exp.observations) {
    it(`${o.id}: ${o.observation}`, () => {
      const r = results.find((x) => x.id === o.id)!;
      expect(r.verdict, r.measured).toBe('reproduced');
    });
  }
});

describe('loadExpectations', () => {
  it('names the field that is wrong', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'expect-'));
    const bad = JSON.parse((await import('node:fs')).readFileSync('data/expectations.json', 'utf8'));
    bad.windows.monday.from = 'Monday';
    writeFileSync(join(dir, 'e.json'), JSON.stringify(bad));
    expect(() => loadExpectations(join(dir, 'e.json'))).toThrow(/windows\.monday\.from/);
  });
});
