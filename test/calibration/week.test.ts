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
 * the same). With the constants the labs measured (the kernel's port-search cost; the Go lab's hand-off
 * of Ps paced by the CPU, 1 ms, and STW pauses that do not grow with idle Ms):
 * - O5, O6: a failing dial storm adds tens of threads, not thousands (the Go lab: 22-76 threads for
 *   bursts of 500-2,000 failing dials), so the threads stay at 150 and GC pauses do not grow;
 * - O7, O9, O10, M1-M4: without the threads' memory a host of DC A is OOM-killed about once every
 *   70 minutes on Monday, too seldom and too far out of step for the coupled hosts to fall together:
 *   no down episode, so no spiral for the band-aid to end;
 * - O3, O4: a failing host is mostly down (not logging) or failing only the new client's batches;
 * - W1: no weekend dip.
 * The mechanism all of these point to is the host's CPU (cores, run queue): the Go lab shows a burst of
 * failing dials displacing 99% of the process's request work, which no engine models yet.
 */
const MISSES = ['O3', 'O4', 'O5', 'O6', 'O7', 'O9', 'O10', 'M1', 'M2', 'M3', 'M4', 'W1'];

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
