/**
 * `npm run bench -- fleet [scenario] [--serial]`: the outage week of the coupled fleet (2 DCs x
 * fleet.hostsPerDc hosts, fast engine, 6 simulated days), each DC in its own worker thread (or one after
 * the other with --serial): wall time and simulated host-seconds per wall second.
 */
import { runWeekFleet, runWeekFleetParallel } from '../lib/calibration/week.js';

export async function benchFleet(args: string[]): Promise<string> {
  const serial = args.includes('--serial');
  const scenarioId = args.find((a) => !a.startsWith('--')) ?? 'as-deployed';
  const t0 = performance.now();
  const run = serial ? runWeekFleet(scenarioId, 1) : await runWeekFleetParallel(scenarioId, 1);
  const wallSec = (performance.now() - t0) / 1000;
  const s = run.summary;
  const hosts = s.dcs.reduce((a, d) => a + d.representativeHosts, 0);
  const hostSec = hosts * s.durationSec;
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  process.stderr.write(
    `fleet ${scenarioId}: ${hosts} coupled hosts x ${(s.durationSec / 86_400).toFixed(1)} days in ${wallSec.toFixed(1)} s (${serial ? '1 thread' : '2 worker threads'}); users served ${(100 * s.userAvailability).toFixed(3)}%\n`,
  );
  return `fleet scenario=${scenarioId} hosts=${hosts} days=${(s.durationSec / 86_400).toFixed(1)} threads=${serial ? 1 : 2} wallSec=${wallSec.toFixed(1)} hostSimSecPerWallSec=${(hostSec / wallSec).toFixed(0)} rssMiB=${rssMiB.toFixed(0)}`;
}
