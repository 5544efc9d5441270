/**
 * `outage-lab fleet`: both data centers of a scenario (coupled hosts on the fast engine) and the
 * users behind the AppView: per-DC and overall user availability, DC totals, and a fleet timeline.
 */
import { FLEET_SCHEMA, type FleetRow, type FleetSummary } from '../fleet/fleet.js';
import { parseAssignments } from '../model/resolve-params.js';
import { resolveRunParams } from '../run/run-scenario.js';
import { parseDuration } from '../scenario/duration.js';
import { resolveScenario } from '../scenario/scenario-file.js';
import { table } from './format.js';
import { runOffThread } from './off-thread.js';
import { parseSeed } from './options.js';
import { noteDeploysBeyond, openTimelineCsv, streamed } from './output.js';
import { createProgress } from './progress.js';

export interface FleetOptions {
  scenario: string;
  duration?: string;
  seed?: string;
  set?: string[];
  timeline?: string;
  resolution?: string;
  json?: boolean;
  quiet?: boolean;
}

export async function fleetCommand(opts: FleetOptions): Promise<void> {
  const scenario = resolveScenario(opts.scenario);
  const seed = parseSeed(opts.seed);
  const durationSec =
    opts.duration === undefined ? scenario.durationSec : parseDuration(opts.duration, '--duration');
  const resolutionSec = opts.resolution === undefined ? 60 : parseDuration(opts.resolution, '--resolution');
  const overrides = parseAssignments(opts.set ?? []);
  // Validate everything before any output is created.
  noteDeploysBeyond(scenario, durationSec, opts.quiet ?? false);
  const params = resolveRunParams(scenario, overrides);
  const writer = opts.timeline !== undefined ? openTimelineCsv(opts.timeline, FLEET_SCHEMA) : undefined;
  const slice = params.fleet.representativeHosts;
  const hosts = 2 * (slice === 'all' ? params.fleet.hostsPerDc : slice);
  const progress = createProgress(
    `fleet ${scenario.id} (${hosts} hosts)`,
    durationSec * hosts,
    'host-s',
    opts.quiet ?? false,
  );
  const summary = await streamed(writer, progress, () =>
    runOffThread<FleetRow>(
      {
        kind: 'fleet',
        request: { scenario, seed, durationSec, overrides, resolutionSec },
        timeline: writer !== undefined,
      },
      {
        ...(writer && { onRow: (row: FleetRow) => writer.write(row) }),
        onProgress: (done) => progress.update(done),
      },
    ),
  );
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  process.stdout.write(`${formatFleet(summary)}\n`);
  if (opts.timeline) process.stdout.write(`timeline: ${opts.timeline}\n`);
}

const pct = (x: number) => `${(100 * x).toFixed(4)} %`;

export function formatFleet(s: FleetSummary): string {
  const head = table([
    ['scenario', s.scenario],
    ['seed', String(s.seed)],
    ['durationSec', String(s.durationSec)],
    ['userAvailability', pct(s.userAvailability)],
    ['usersAffectedShare', String(s.usersAffectedShare)],
  ]);
  const fields = [
    'hosts',
    'userShare',
    'userAvailability',
    'callAvailability',
    'affectedHours',
    'worstHourUserAvailability',
    'dialErrors',
    'oomKills',
    'restarts',
    'logLinesAttempted',
    'peakThreads',
    'peakLogLinesPerSec',
    'peakMemcachedOpsPerSec',
    'ejections',
    'newClientRequests',
    'newClientRetries',
    'newClientFailed',
  ] as const;
  const rows = [
    ['', ...s.dcs.map((d) => `DC ${d.dc}`)],
    ...fields.map((f) => [
      f,
      ...s.dcs.map((d) => {
        const v = d[f];
        return f.endsWith('Availability') ? pct(v) : String(v);
      }),
    ]),
    [
      'affectedHoursByDay',
      ...s.dcs.map(
        (d) =>
          Object.entries(d.affectedHoursByDay)
            .map(([day, h]) => `${day}: ${h}`)
            .join(', ') || '-',
      ),
    ],
  ];
  return `${head}\n\n${table(rows)}`;
}
