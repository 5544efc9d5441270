/**
 * The fleet: two data centers of exchangeable data-plane hosts behind the AppView. DC A runs the scenario
 * as given (the new client included); DC B the same without the new client (it ran in one DC only). Each
 * DC is simulated by `fleet.representativeHosts` hosts (the fast engine, own seeds); its totals are their
 * mean scaled to `fleet.hostsPerDc`.
 *
 * Users: per timeline interval, a DC's share f of failed user-facing calls (over its representative
 * hosts) stands for the instant share over its hosts, which are out of step with each other; the
 * AppView retries a failed call up to `upstream.retries` times on other hosts, so a user request fails
 * with probability f^(retries+1) (model/load.ts), and the interval's user requests are its calls divided
 * by the retry amplification 1 + f + ... + f^retries. Users are split between DCs by `fleet.userShareDcA`.
 */
import { hashSeed } from '../engine/rng.js';
import type { TimelineRow } from '../metrics/timeline.js';
import { retryAmplification, userFailureShare } from '../model/load.js';
import type { Params } from '../model/params.js';
import { InputError, type Overrides } from '../model/resolve-params.js';
import { clientsFrom } from '../model/workload.js';
import { type RunSummary, resolveRunParams, runScenario } from '../run/run-scenario.js';
import { utcAt } from '../scenario/calendar.js';
import type { Scenario } from '../scenario/scenarios.js';

export const DCS = ['A', 'B'] as const;
export type DcId = (typeof DCS)[number];

/** Hourly user availability below this marks the hour as one with failures users notice. */
export const AFFECTED_HOUR_AVAILABILITY = 0.999;

export interface FleetRequest {
  readonly scenario: Scenario;
  readonly seed?: number;
  readonly durationSec?: number;
  readonly overrides?: Overrides;
  /** Timeline interval (default 60 s). */
  readonly resolutionSec?: number;
  readonly onRow?: (row: FleetRow) => void;
  /** Every representative host's own timeline rows, as they close. */
  readonly onHostRow?: (dc: DcId, host: number, row: TimelineRow) => void;
  /** Called with simulated seconds done over all hosts, and the total. */
  readonly onProgress?: (doneSec: number, totalSec: number) => void;
}

export interface DcSummary {
  /** Each representative host's run summary. */
  readonly hostSummaries: readonly RunSummary[];
  readonly dc: DcId;
  readonly hosts: number;
  readonly representativeHosts: number;
  readonly userShare: number;
  /** User requests served after the AppView's retries, over the run. */
  readonly userAvailability: number;
  /** User-facing data-plane calls served (retries included). */
  readonly callAvailability: number;
  /** Hours (whole intervals of 3,600 s) whose user availability was below AFFECTED_HOUR_AVAILABILITY. */
  readonly affectedHours: number;
  /** The same per UTC day ('2026-04-06': 8) when the scenario has a calendar, else per run day ('day 1'). */
  readonly affectedHoursByDay: Readonly<Record<string, number>>;
  readonly worstHourUserAvailability: number;
  /** DC totals: the representative hosts' mean x hostsPerDc. */
  readonly dialErrors: number;
  readonly oomKills: number;
  readonly restarts: number;
  readonly logLinesAttempted: number;
  /** Per process (the maximum over the representative hosts). */
  readonly peakThreads: number;
  /** DC-wide error log lines attempted per second at the busiest interval. */
  readonly peakLogLinesPerSec: number;
  /** DC-wide memcached ops per second at the busiest interval. */
  readonly peakMemcachedOpsPerSec: number;
}

export interface FleetSummary {
  readonly scenario: string;
  readonly seed: number;
  readonly durationSec: number;
  /** Over all users, both DCs weighted by their user share. */
  readonly userAvailability: number;
  /** Share of users in a DC with at least one affected hour. */
  readonly usersAffectedShare: number;
  readonly dcs: readonly DcSummary[];
}

export interface FleetRow {
  readonly tSec: number;
  /** ISO UTC time of the interval's end when the scenario has a calendar, else ''. */
  readonly utc: string;
  readonly [column: string]: number | string;
}

interface HostSeries {
  calls: Float64Array;
  failed: Float64Array;
  ops: Float64Array;
  logAttempted: Float64Array;
  oomKills: Float64Array;
  down: Float64Array;
  threads: Float64Array;
  events: string[];
}

function dcParams(scenario: Scenario, overrides: Overrides, dc: DcId): Params {
  return resolveRunParams(
    scenario,
    dc === 'A' ? overrides : { ...overrides, 'workload.newClientRatePerSec': 0 },
  );
}

/** Run the fleet: every representative host of both DCs, then the DC and user figures. */
export function runFleet(request: FleetRequest): FleetSummary {
  const seed = request.seed ?? 1;
  const overrides = request.overrides ?? {};
  const durationSec = request.durationSec ?? request.scenario.durationSec;
  const resolutionSec = request.resolutionSec ?? 60;
  if (!(resolutionSec >= 1) || !Number.isInteger(resolutionSec)) {
    throw new InputError(
      `resolutionSec: expected a whole number of seconds >= 1, got ${resolutionSec}`,
      'resolutionSec',
    );
  }
  const params = dcParams(request.scenario, overrides, 'A');
  const { hostsPerDc, representativeHosts: reps, userShareDcA } = params.fleet;
  const bins = Math.ceil(durationSec / resolutionSec);
  const userFacing = clientsFrom(params)
    .filter((c) => c.userFacing)
    .map((c) => c.id);
  const totalSec = durationSec * reps * DCS.length;
  let doneBefore = 0;
  const series: Record<DcId, HostSeries[]> = { A: [], B: [] };
  const summaries: Record<DcId, ReturnType<typeof runScenario>['summary'][]> = { A: [], B: [] };
  for (const dc of DCS) {
    const dcOverrides = dc === 'A' ? overrides : { ...overrides, 'workload.newClientRatePerSec': 0 };
    for (let h = 0; h < reps; h++) {
      const s: HostSeries = {
        calls: new Float64Array(bins),
        failed: new Float64Array(bins),
        ops: new Float64Array(bins),
        logAttempted: new Float64Array(bins),
        oomKills: new Float64Array(bins),
        down: new Float64Array(bins),
        threads: new Float64Array(bins),
        events: new Array<string>(bins).fill(''),
      };
      let bin = 0;
      const onRow = (row: TimelineRow) => {
        request.onHostRow?.(dc, h, row);
        if (bin >= bins) return;
        for (const id of userFacing) {
          const ok = Number(row[`reqOk:${id}` as keyof TimelineRow]);
          const err = Number(row[`reqErr:${id}` as keyof TimelineRow]);
          s.calls[bin]! += ok + err;
          s.failed[bin]! += err;
        }
        for (const [k, v] of Object.entries(row)) if (k.startsWith('ops:')) s.ops[bin]! += Number(v);
        s.logAttempted[bin] = Number(row.logAttempted);
        s.oomKills[bin] = Number(row.oomKills);
        s.down[bin] = row.processState === 'up' ? 0 : 1;
        s.threads[bin] = Number(row.threads);
        s.events[bin] = String(row.events);
        bin++;
      };
      const result = runScenario({
        scenario: staggered(request.scenario, h, reps, params.fleet.rolloutSec),
        engine: 'fast',
        seed: hashSeed(seed, 'fleet', dc, h),
        durationSec,
        overrides: dcOverrides,
        resolutionSec,
        onRow,
        onProgress: (sec) => request.onProgress?.(doneBefore + sec, totalSec),
      });
      doneBefore += durationSec;
      series[dc].push(s);
      summaries[dc].push(result.summary);
    }
  }
  const retries = params.upstream.retries;
  const calendar = params.load.calendarStartUtcSec;
  const scale = hostsPerDc / reps;
  // Per DC and interval: call failure share, user requests and user failures.
  const perDc = DCS.map((dc) => {
    const hosts = series[dc];
    const users = new Float64Array(bins);
    const usersFailed = new Float64Array(bins);
    let calls = 0;
    let callsFailed = 0;
    let peakLog = 0;
    let peakOps = 0;
    for (let b = 0; b < bins; b++) {
      let c = 0;
      let f = 0;
      let log = 0;
      let ops = 0;
      for (const s of hosts) {
        c += s.calls[b]!;
        f += s.failed[b]!;
        log += s.logAttempted[b]!;
        ops += s.ops[b]!;
      }
      calls += c;
      callsFailed += f;
      const share = c > 0 ? f / c : 0;
      users[b] = c / retryAmplification(retries, share);
      usersFailed[b] = users[b]! * userFailureShare(retries, share);
      const span = Math.min(resolutionSec, durationSec - b * resolutionSec);
      peakLog = Math.max(peakLog, (log * scale) / span);
      peakOps = Math.max(peakOps, (ops * scale) / span);
    }
    return { dc, users, usersFailed, calls, callsFailed, peakLog, peakOps };
  });
  const binsPerHour = Math.max(1, Math.round(3600 / resolutionSec));
  const dcSummaries: DcSummary[] = perDc.map((d) => {
    const sums = summaries[d.dc];
    const mean = (key: 'dialErrors' | 'oomKills' | 'restarts' | 'logLinesAttempted') =>
      (sums.reduce((a, s) => a + s[key], 0) / sums.length) * hostsPerDc;
    let affectedHours = 0;
    const byDay: Record<string, number> = {};
    let worst = 1;
    for (let b = 0; b + binsPerHour <= bins; b += binsPerHour) {
      let u = 0;
      let uf = 0;
      for (let k = b; k < b + binsPerHour; k++) {
        u += d.users[k]!;
        uf += d.usersFailed[k]!;
      }
      const a = u > 0 ? 1 - uf / u : 1;
      if (a < AFFECTED_HOUR_AVAILABILITY) {
        affectedHours++;
        const startSec = b * resolutionSec;
        const day =
          calendar === 'none'
            ? `day ${Math.floor(startSec / 86_400) + 1}`
            : utcAt(calendar, startSec).slice(0, 10);
        byDay[day] = (byDay[day] ?? 0) + 1;
      }
      worst = Math.min(worst, a);
    }
    const totalUsers = d.users.reduce((a, x) => a + x, 0);
    const totalFailed = d.usersFailed.reduce((a, x) => a + x, 0);
    return {
      dc: d.dc,
      hostSummaries: sums,
      hosts: hostsPerDc,
      representativeHosts: reps,
      userShare: d.dc === 'A' ? userShareDcA : 1 - userShareDcA,
      userAvailability: totalUsers > 0 ? 1 - totalFailed / totalUsers : 1,
      callAvailability: d.calls > 0 ? 1 - d.callsFailed / d.calls : 1,
      affectedHours,
      affectedHoursByDay: byDay,
      worstHourUserAvailability: worst,
      dialErrors: Math.round(mean('dialErrors')),
      oomKills: +mean('oomKills').toFixed(2),
      restarts: +mean('restarts').toFixed(2),
      logLinesAttempted: Math.round(mean('logLinesAttempted')),
      peakThreads: Math.max(...sums.map((s) => s.peakThreads)),
      peakLogLinesPerSec: Math.round(d.peakLog),
      peakMemcachedOpsPerSec: Math.round(d.peakOps),
    };
  });
  if (request.onRow) {
    for (let b = 0; b < bins; b++) {
      const tSec = Math.min(durationSec, (b + 1) * resolutionSec);
      const row: Record<string, number | string> = {
        tSec,
        utc: calendar === 'none' ? '' : utcAt(calendar, tSec),
      };
      for (const d of perDc) {
        const hosts = series[d.dc];
        const u = d.users[b]!;
        row[`userAvailability:${d.dc}`] = u > 0 ? round(1 - d.usersFailed[b]! / u, 6) : '';
        let c = 0;
        let f = 0;
        for (const s of hosts) {
          c += s.calls[b]!;
          f += s.failed[b]!;
        }
        row[`callAvailability:${d.dc}`] = c > 0 ? round(1 - f / c, 6) : '';
        row[`oomKills:${d.dc}`] = round(sumAt(hosts, 'oomKills', b) * (hostsPerDc / reps), 3);
        row[`hostsDown:${d.dc}`] = round(sumAt(hosts, 'down', b) * (hostsPerDc / reps), 3);
        row[`logLinesPerSec:${d.dc}`] = Math.round(
          (sumAt(hosts, 'logAttempted', b) * (hostsPerDc / reps)) / resolutionSec,
        );
        row[`threadsMax:${d.dc}`] = Math.max(...hosts.map((s) => s.threads[b]!));
      }
      const a = Number(row['userAvailability:A'] || 1);
      const bAvail = Number(row['userAvailability:B'] || 1);
      row['userAvailability'] = round(userShareDcA * a + (1 - userShareDcA) * bAvail, 6);
      // Annotations: deploys and the first dial error, from DC A's first representative host.
      row['events'] = series.A[0]!.events[b]!.split(';')
        .filter((e) => e.startsWith('deploy:') || e === 'first-dial-error')
        .join(';');
      request.onRow(row as FleetRow);
    }
  }
  const overall = dcSummaries.reduce((a, d) => a + d.userShare * d.userAvailability, 0);
  const affected = dcSummaries.reduce((a, d) => a + (d.affectedHours > 0 ? d.userShare : 0), 0);
  return {
    scenario: request.scenario.id,
    seed,
    durationSec,
    userAvailability: overall,
    usersAffectedShare: affected,
    dcs: dcSummaries,
  };
}

/**
 * A rolling deploy reaches the hosts of a DC one after another over `rolloutSec`: representative host
 * `h` of `reps` gets each deploy at its time plus (h + 0.5) / reps of the rollout.
 */
function staggered(scenario: Scenario, h: number, reps: number, rolloutSec: number): Scenario {
  if (!scenario.deploys || scenario.deploys.length === 0) return scenario;
  const shift = ((h + 0.5) / reps) * rolloutSec;
  return { ...scenario, deploys: scenario.deploys.map((d) => ({ ...d, atSec: d.atSec + shift })) };
}

function sumAt(hosts: HostSeries[], key: 'oomKills' | 'down' | 'logAttempted', b: number): number {
  let x = 0;
  for (const s of hosts) x += s[key][b]!;
  return x;
}

function round(x: number, digits: number): number {
  const m = 10 ** digits;
  return Math.round(x * m) / m;
}

/** The fleet timeline's columns, in CSV order. */
export const FLEET_COLUMNS = [
  'tSec',
  'utc',
  ...DCS.flatMap((dc) => [
    `userAvailability:${dc}`,
    `callAvailability:${dc}`,
    `oomKills:${dc}`,
    `hostsDown:${dc}`,
    `logLinesPerSec:${dc}`,
    `threadsMax:${dc}`,
  ]),
  'userAvailability',
  'events',
] as const;
