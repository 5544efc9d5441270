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
 * Checks the model does not pass today, and why (bench/RESULTS.md and the report say the same):
 * - O3: the user and counts caches fail at most a few % of their ops at their worst minute (the source: "all
 *   memcached behavior was impacted");
 * - O4: the error log peaks at tens of thousands of lines/s fleet-wide, not millions: a failing host is
 *   mostly down (not logging), where the source's hosts kept attempting every op;
 * - M3: Monday's episodes span under 6 hours (from the load peak to the band-aid);
 * - W1: no weekend dip: at weekend load no host fails enough for users to see it.
 * The mechanism all four point to is the host CPU model (cores, run queue: a host that is up but
 * saturated keeps failing and logging, and a lower load can tip it), not built yet.
 */
const MISSES = ['O3', 'O4', 'M3', 'W1'];

describe('the outage week against the expectations', () => {
  const exp = loadExpectations();
  let results: readonly WeekObservation[] = [];
  beforeAll(() => {
    results = acquireWeek(ROOT).observations;
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
