/**
 * The reference engine on one host at production rates: ~42k memcached ops/s of normal traffic plus the
 * new client's big batches (the outage scenario), for a 10-minute window by default.
 * `npm run bench -- des [seconds] [scenario]`.
 */
import { runScenario } from '../lib/run/run-scenario.js';
import { findScenario } from '../lib/scenario/scenarios.js';

export function benchDes(args: string[]): string {
  const durationSec = Number(args[0] ?? 600);
  const id = args[1] ?? 'outage';
  const scenario = findScenario(id);
  if (!scenario) throw new Error(`unknown scenario ${id}`);
  const t0 = performance.now();
  const r = runScenario({ scenario, durationSec, seed: 1 });
  const wall = (performance.now() - t0) / 1000;
  const mem = process.memoryUsage().rss;
  process.stderr.write(`${JSON.stringify(r.summary)}\n`);
  return `des scenario=${id} simSec=${durationSec} wallSec=${wall.toFixed(2)} events=${r.events} eventsPerSec=${Math.round(r.events / wall)} simSecPerWallSec=${(durationSec / wall).toFixed(1)} rssMiB=${Math.round(mem / 2 ** 20)}`;
}
