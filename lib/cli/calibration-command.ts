/**
 * `outage-lab calibration`: the post-mortem's observations O1-O10 and its size targets
 * (data/expectations.json) checked against the outage week run as a coupled fleet, as deployed and
 * without a fix, on one seed or several (each DC in its own worker thread). Exit 1 if any check fails on
 * any seed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calibrateSeed, loadExpectations, type WeekObservation } from '../calibration/week.js';
import { InputError } from '../errors.js';
import { readJsonFile } from '../io/json-file.js';
import { parseAssignments } from '../model/resolve-params.js';
import { ROOT } from '../report/inputs.js';
import { type SeedVerdictsData, seedVerdictsKey, VERDICT_SEEDS } from '../report/sensitivity.js';
import { fleetResultsKey, type WeekData } from '../report/week.js';
import { PartialFailure } from './errors.js';
import { table } from './format.js';
import { parseSeed } from './options.js';
import { createProgress } from './progress.js';

export interface CalibrationOptions {
  seed?: string;
  seeds?: string;
  set?: string[];
  json?: boolean;
  quiet?: boolean;
  /** Run the weeks even where stored results of the same model, seed and expectations exist. */
  fresh?: boolean;
}

/**
 * The verdicts of `seed` stored by the report (data/runs, then data/cache: the week's seed in week.json,
 * seeds 1-5 in seeds.json), when their key matches the model, fleet and calibration code, expectations
 * and seed now, and the expectations read here are the ones they were computed with; else undefined.
 */
export function storedVerdicts(seed: number, root = ROOT): WeekObservation[] | undefined {
  const expectations = join(root, 'data', 'expectations.json');
  const here = join(process.cwd(), 'data', 'expectations.json');
  if (!existsSync(here) || !readFileSync(here).equals(readFileSync(expectations))) return undefined;
  const find = <T extends { key: string }>(name: string, key: string): T | undefined => {
    for (const path of [
      join(root, 'data', 'runs', `${name}-${key}.json`),
      join(root, 'data', 'cache', `${name}.json`),
    ]) {
      if (!existsSync(path)) continue;
      const json = readJsonFile(path) as T;
      if (json && json.key === key) return json;
    }
    return undefined;
  };
  const week = find<WeekData>('week', fleetResultsKey(root, seed));
  if (week && week.seed === seed) return [...week.observations];
  const seeds = find<SeedVerdictsData>('seeds', seedVerdictsKey(root, VERDICT_SEEDS));
  const bySeed = seeds?.bySeed.find((s) => s.seed === seed);
  return bySeed ? [...bySeed.results] : undefined;
}

/** '1-5' or '1,3,7' or '4': the seeds, in order, without repeats. */
export function parseSeeds(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new InputError(`--seeds: expected a list like 1-5 or 1,3,7, got ${JSON.stringify(text)}`);
    const from = parseSeed(m[1]!);
    const to = m[2] === undefined ? from : parseSeed(m[2]);
    if (to < from || to - from > 99) {
      throw new InputError(
        `--seeds: expected a range of at most 100 seeds, low to high, got ${JSON.stringify(part)}`,
      );
    }
    for (let s = from; s <= to; s++) if (!out.includes(s)) out.push(s);
  }
  return out;
}

export async function calibrationCommand(opts: CalibrationOptions): Promise<void> {
  if (opts.seed !== undefined && opts.seeds !== undefined) {
    throw new InputError('--seed and --seeds: give one or the other');
  }
  const seeds = opts.seeds !== undefined ? parseSeeds(opts.seeds) : [parseSeed(opts.seed)];
  const overrides = parseAssignments(opts.set ?? []);
  const exp = loadExpectations();
  const bySeed: Array<{ seed: number; results: WeekObservation[] }> = [];
  const progress = createProgress(
    `calibration (${seeds.length} seed${seeds.length > 1 ? 's' : ''} x 2 weeks)`,
    100,
    '%',
    opts.quiet ?? false,
  );
  try {
    for (const [i, seed] of seeds.entries()) {
      // Stored verdicts stand in for a run only on the default parameters.
      const stored = opts.fresh || Object.keys(overrides).length > 0 ? undefined : storedVerdicts(seed);
      const results =
        stored ??
        (await calibrateSeed(exp, seed, overrides, (share) =>
          progress.update((100 * (i + share)) / seeds.length),
        ));
      if (stored && !opts.quiet)
        process.stderr.write(`seed ${seed}: the report's stored results (--fresh to run)\n`);
      bySeed.push({ seed, results });
      progress.update((100 * (i + 1)) / seeds.length);
    }
  } finally {
    progress.stop();
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(bySeed)}\n`);
  else {
    const ids = bySeed[0]!.results.map((o) => o.id);
    const rows: string[][] = [['', 'passes', ...bySeed.map((s) => `seed ${s.seed}`)]];
    for (const id of ids) {
      const per = bySeed.map((s) => s.results.find((o) => o.id === id)!);
      const passes = per.filter((o) => o.verdict === 'reproduced').length;
      rows.push([
        id,
        `${passes}/${per.length}`,
        ...per.map((o) => `${o.verdict === 'reproduced' ? 'ok' : 'MISS'}: ${o.measured}`),
      ]);
    }
    process.stdout.write(`${table(rows)}\n`);
  }
  const failed = new Set<string>();
  for (const s of bySeed) for (const o of s.results) if (o.verdict !== 'reproduced') failed.add(o.id);
  if (failed.size > 0) {
    const total = bySeed[0]!.results.length;
    throw new PartialFailure(
      `${failed.size} of ${total} checks not reproduced on every seed: ${[...failed].join(', ')}. ${missNote(failed)}`,
    );
  }
}

/**
 * What the misses say about the model, with the host's CPU (model/cpu.ts) in place: the mechanism each
 * miss points to.
 */
function missNote(failed: Set<string>): string {
  const spiral = ['M1', 'M2', 'M3', 'M4', 'O9'].filter((id) => failed.has(id));
  const weekend = ['W1', 'W2'].filter((id) => failed.has(id));
  const storm = ['O3', 'O4'].filter((id) => failed.has(id));
  const threads = ['O5', 'O6'].filter((id) => failed.has(id));
  const kills = ['O7', 'O8', 'O10'].filter((id) => failed.has(id));
  const parts: string[] = [];
  if (failed.has('O2')) {
    parts.push(
      "O2: the hosts are OOM-killed behind the scans past half their port range more often than their ranges run out, so failed binds stay under the check's rate at the busiest minute",
    );
  }
  if (threads.length > 0) {
    parts.push(
      `${threads.join(', ')}: a P is handed off only as fast as the next M gets a core (the Go lab), later still while the cores are queued with port scans, so failing dials queue goroutines for a P instead of adding Ms: no thread rise, and pauses that do not grow with idle Ms (the Go lab)`,
    );
  }
  if (kills.length > 0) {
    parts.push(
      `${kills.join(', ')}: a host past half its port range saturates its cores on the next batch; goroutines pile up behind the P gate and it is OOM-killed within seconds, often before its range is full, and crash-loops: kills every few minutes, not every ~30, and most restarts find a few free ports`,
    );
  }
  if (storm.length > 0) {
    parts.push(
      `${storm.join(', ')}: a failing host is mostly down or crash-looping, and its ops wait for a P rather than failing and logging`,
    );
  }
  if (spiral.length > 0 || weekend.length > 0) {
    parts.push(
      `${[...spiral, ...weekend].join(', ')}: DC A goes down and comes back from the first batches on, as much at the weekend as on Monday: in the model the spiral is set by the new client's batches and TIME_WAIT, not by the user load, so the weekend's lower traffic does not spare it and Monday's does not make it worse; what would tie it to the load (memory headroom that only Monday's traffic uses up, a deadline that sheds work a loaded host cannot finish) is the missing mechanism`,
    );
  }
  return parts.join('; ');
}
