/**
 * `npm run bench -- fleet [scenario]`: the outage week of the whole fleet (2 DCs x representative hosts,
 * fast engine, 6 simulated days each), wall time and simulated host-seconds per wall second.
 */
import { runFleet } from '../lib/fleet/fleet.js';
import { findScenario } from '../lib/scenario/scenarios.js';

export function benchFleet(args: string[]): string {
  const scenario = findScenario(args[0] ?? 'as-deployed')!;
  const t0 = performance.now();
  const s = runFleet({ scenario, seed: 1 });
  const wallSec = (performance.now() - t0) / 1000;
  const hosts = s.dcs.reduce((a, d) => a + d.representativeHosts, 0);
  const hostSec = hosts * s.durationSec;
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  process.stderr.write(
    `fleet ${scenario.id}: ${hosts} hosts x ${(s.durationSec / 86_400).toFixed(1)} days in ${wallSec.toFixed(1)} s; users served ${(100 * s.userAvailability).toFixed(3)}%\n`,
  );
  return `fleet scenario=${scenario.id} hosts=${hosts} days=${(s.durationSec / 86_400).toFixed(1)} wallSec=${wallSec.toFixed(1)} hostSimSecPerWallSec=${(hostSec / wallSec).toFixed(0)} rssMiB=${rssMiB.toFixed(0)}`;
}
