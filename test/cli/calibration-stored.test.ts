import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { storedVerdicts } from '../../lib/cli/calibration-command.js';
import { seedVerdictsKey, VERDICT_SEEDS } from '../../lib/report/sensitivity.js';
import { fleetResultsKey } from '../../lib/report/week.js';

// A root of its own with the repository's expectations (the test runs from the repository's root, whose
// data/expectations.json is the one `calibration` reads).
const roots: string[] = [];
function root(): string {
  const dir = mkdtempSync(join(tmpdir(), 'calib-stored-'));
  roots.push(dir);
  mkdirSync(join(dir, 'data', 'cache'), { recursive: true });
  copyFileSync(join(process.cwd(), 'data', 'expectations.json'), join(dir, 'data', 'expectations.json'));
  return dir;
}
afterEach(() => {
  for (const d of roots.splice(0)) rmSync(d, { recursive: true, force: true });
});

const verdict = (id: string, seed: number) => ({
  id,
  observation: '',
  check: '',
  measured: `seed ${seed}`,
  figures: {},
  verdict: 'reproduced',
});

function writeSeeds(dir: string, key: string): void {
  const bySeed = VERDICT_SEEDS.map((seed) => ({ seed, results: [verdict('O1', seed)] }));
  writeFileSync(
    join(dir, 'data', 'cache', 'seeds.json'),
    JSON.stringify({ key, origin: 'cache', seeds: VERDICT_SEEDS, bySeed }),
  );
}

describe('calibration: the report stored verdicts', () => {
  it('seeds.json with the current key gives a seed its stored verdicts; a seed it lacks, none', () => {
    const dir = root();
    writeSeeds(dir, seedVerdictsKey(dir, VERDICT_SEEDS));
    expect(storedVerdicts(3, dir)?.map((o) => o.measured)).toEqual(['seed 3']);
    expect(storedVerdicts(9, dir)).toBeUndefined();
  });

  it('a stale key (another model or expectations) is not used', () => {
    const dir = root();
    writeSeeds(dir, '0123456789abcdef');
    expect(storedVerdicts(3, dir)).toBeUndefined();
  });

  it("week.json holds the week's seed", () => {
    const dir = root();
    writeFileSync(
      join(dir, 'data', 'cache', 'week.json'),
      JSON.stringify({
        key: fleetResultsKey(dir, 7),
        seed: 7,
        origin: 'cache',
        observations: [verdict('M1', 7)],
      }),
    );
    expect(storedVerdicts(7, dir)?.map((o) => o.id)).toEqual(['M1']);
  });

  it('expectations other than the ones calibration reads: nothing stored is used', () => {
    const dir = root();
    writeFileSync(join(dir, 'data', 'expectations.json'), '{}\n');
    writeSeeds(dir, seedVerdictsKey(dir, VERDICT_SEEDS));
    expect(storedVerdicts(3, dir)).toBeUndefined();
  });
});
