/**
 * The fleet: two data centers of data-plane hosts behind the AppView. DC A runs the scenario as given (the
 * new client included); DC B the same without the new client (it ran in one DC only). Each DC is its hosts
 * coupled and advanced in lockstep (coupled-dc.ts, model/appview.ts): balancing, readiness, ejection,
 * retries on other hosts from their actual state, the new client routed like any call. The DCs do not
 * share hosts or users, so they are run one after the other here, or in two worker threads
 * (`runFleetParallel`).
 *
 * Users are split between DCs by `fleet.userShareDcA`; a DC's user requests are its users' requests at the
 * nominal rates and calendar, and those failed are the ones every attempt of which failed.
 */
import {
  keyed,
  NUMBER,
  NUMBER_OR_NULL,
  type RowOf,
  type Schema,
  TEXT,
  TEXT_OR_NULL,
  type TimelineRow,
} from '../metrics/timeline.js';
import type { Params } from '../model/params.js';
import { InputError, type Overrides } from '../model/resolve-params.js';
import { resolveRunParams } from '../run/run-scenario.js';
import { utcAt } from '../scenario/calendar.js';
import type { Scenario } from '../scenario/scenarios.js';
import { type DcResult, type HostRunFigures, runCoupledDc } from './coupled-dc.js';

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
  /** Every simulated host's own timeline rows, as they close. */
  readonly onHostRow?: (dc: DcId, host: number, row: TimelineRow) => void;
  /** Called with simulated seconds done over both DCs, and the total. */
  readonly onProgress?: (doneSec: number, totalSec: number) => void;
}

export interface DcSummary {
  /** Each simulated host's run figures. */
  readonly hostSummaries: readonly HostRunFigures[];
  readonly dc: DcId;
  readonly hosts: number;
  /** Hosts simulated (all of them unless a coupled slice was asked for). */
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
  /** DC totals (over the simulated hosts, scaled to hostsPerDc for a slice). */
  readonly dialErrors: number;
  readonly oomKills: number;
  readonly restarts: number;
  readonly logLinesAttempted: number;
  /** Per process (the maximum over the hosts). */
  readonly peakThreads: number;
  /** DC-wide error log lines attempted per second at the busiest interval. */
  readonly peakLogLinesPerSec: number;
  /** DC-wide memcached ops per second at the busiest interval. */
  readonly peakMemcachedOpsPerSec: number;
  /** Hosts taken out of rotation by outlier ejection, in all. */
  readonly ejections: number;
  /** The new client's requests (first attempts), retries and requests failed after every retry. */
  readonly newClientRequests: number;
  readonly newClientRetries: number;
  readonly newClientFailed: number;
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

/**
 * The fleet timeline's columns, in CSV order, with the type of their cells: per DC its users'
 * availability (null in an interval without user requests), users and those failed, the AppView calls'
 * availability (null without calls), OOM kills, hosts down and ejected, error-log lines per second and
 * the most threads of a host; then all users' availability and the events (`;`-separated). `utc` is the
 * interval's end on the scenario's calendar, null without one.
 */
export const FLEET_SCHEMA = {
  tSec: NUMBER,
  utc: TEXT_OR_NULL,
  ...keyed(DCS, () => ({
    userAvailability: NUMBER_OR_NULL,
    users: NUMBER,
    usersFailed: NUMBER,
    callAvailability: NUMBER_OR_NULL,
    oomKills: NUMBER,
    hostsDown: NUMBER,
    hostsEjected: NUMBER,
    logLinesPerSec: NUMBER,
    threadsMax: NUMBER,
  })),
  userAvailability: NUMBER,
  events: TEXT,
} as const satisfies Schema;

export type FleetRow = RowOf<typeof FLEET_SCHEMA>;

/** A DC's parameters: DC B has no new client. */
export function dcParams(scenario: Scenario, overrides: Overrides, dc: DcId): Params {
  return resolveRunParams(
    scenario,
    dc === 'A' ? overrides : { ...overrides, 'workload.newClientRatePerSec': 0 },
  );
}

/** What a DC run needs, checked, before anything runs. */
export function fleetPlan(request: FleetRequest) {
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
  if (!(durationSec > 0) || durationSec > 30 * 86_400) {
    throw new InputError(`durationSec: expected a duration in (0 s, 30 d], got ${durationSec} s`);
  }
  const params = {
    A: dcParams(request.scenario, overrides, 'A'),
    B: dcParams(request.scenario, overrides, 'B'),
  };
  return { seed, overrides, durationSec, resolutionSec, params };
}

/** Run one DC of a fleet request (what a worker does). */
export function runFleetDc(
  request: FleetRequest,
  dc: DcId,
  onHostRow?: (host: number, row: TimelineRow) => void,
  onProgress?: (doneSec: number) => void,
): DcResult {
  const plan = fleetPlan(request);
  return runCoupledDc({
    dc,
    scenario: request.scenario,
    params: plan.params[dc],
    seed: plan.seed,
    durationSec: plan.durationSec,
    resolutionSec: plan.resolutionSec,
    ...(onHostRow && { onHostRow }),
    ...(onProgress && { onProgress }),
  });
}

/** Run the fleet: both DCs' coupled hosts, one after the other, then the DC and user figures. */
export function runFleet(request: FleetRequest): FleetSummary {
  const plan = fleetPlan(request);
  const total = plan.durationSec * DCS.length;
  const results = DCS.map((dc, k) =>
    runFleetDc(
      request,
      dc,
      request.onHostRow && ((h, row) => request.onHostRow!(dc, h, row)),
      request.onProgress && ((sec) => request.onProgress!(k * plan.durationSec + sec, total)),
    ),
  );
  return combineFleet(request, results);
}

/** The fleet's summary and rows from its two DC runs (in DCS order). */
export function combineFleet(request: FleetRequest, results: readonly DcResult[]): FleetSummary {
  const { seed, durationSec, resolutionSec, params } = plan0(request);
  const { hostsPerDc, userShareDcA } = params.fleet;
  const calendar = params.load.calendarStartUtcSec;
  const bins = Math.ceil(durationSec / resolutionSec);
  const binsPerHour = Math.max(1, Math.round(3600 / resolutionSec));
  const dcSummaries: DcSummary[] = DCS.map((dc, k) => {
    const r = results[k]!;
    const s = r.series;
    const scale = hostsPerDc / r.hosts;
    const sum = (key: 'dialErrors' | 'oomKills' | 'restarts' | 'logLinesAttempted') =>
      r.hostFigures.reduce((a, h) => a + h[key], 0) * scale;
    let peakLog = 0;
    let peakOps = 0;
    for (let b = 0; b < bins; b++) {
      const span = Math.min(resolutionSec, durationSec - b * resolutionSec);
      peakLog = Math.max(peakLog, (s.logAttempted[b]! * scale) / span);
      peakOps = Math.max(peakOps, (s.ops[b]! * scale) / span);
    }
    let affectedHours = 0;
    const byDay: Record<string, number> = {};
    let worst = 1;
    for (let b = 0; b + binsPerHour <= bins; b += binsPerHour) {
      let u = 0;
      let uf = 0;
      for (let j = b; j < b + binsPerHour; j++) {
        u += s.users[j]!;
        uf += s.usersFailed[j]!;
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
    const totalUsers = s.users.reduce((a, x) => a + x, 0);
    const totalFailed = s.usersFailed.reduce((a, x) => a + x, 0);
    const calls = s.calls.reduce((a, x) => a + x, 0);
    const callsFailed = s.callsFailed.reduce((a, x) => a + x, 0);
    return {
      dc,
      hostSummaries: r.hostFigures,
      hosts: hostsPerDc,
      representativeHosts: r.hosts,
      userShare: dc === 'A' ? userShareDcA : 1 - userShareDcA,
      userAvailability: totalUsers > 0 ? 1 - totalFailed / totalUsers : 1,
      callAvailability: calls > 0 ? 1 - callsFailed / calls : 1,
      affectedHours,
      affectedHoursByDay: byDay,
      worstHourUserAvailability: worst,
      dialErrors: Math.round(sum('dialErrors')),
      oomKills: +sum('oomKills').toFixed(2),
      restarts: +sum('restarts').toFixed(2),
      logLinesAttempted: Math.round(sum('logLinesAttempted')),
      peakThreads: Math.max(...r.hostFigures.map((h) => h.peakThreads)),
      peakLogLinesPerSec: Math.round(peakLog),
      peakMemcachedOpsPerSec: Math.round(peakOps),
      ejections: r.ejections,
      newClientRequests: r.newClient.requests,
      newClientRetries: r.newClient.retries,
      newClientFailed: r.newClient.failed,
    };
  });
  if (request.onRow) {
    for (let b = 0; b < bins; b++) {
      const tSec = Math.min(durationSec, (b + 1) * resolutionSec);
      const dcs = keyed(DCS, (_, k) => {
        const r = results[k]!;
        const s = r.series;
        const scale = hostsPerDc / r.hosts;
        const u = s.users[b]!;
        const c = s.calls[b]!;
        return {
          userAvailability: u > 0 ? round(1 - s.usersFailed[b]! / u, 6) : null,
          users: round(u * scale, 1),
          usersFailed: round(s.usersFailed[b]! * scale, 1),
          callAvailability: c > 0 ? round(1 - s.callsFailed[b]! / c, 6) : null,
          oomKills: round(s.oomKills[b]! * scale, 3),
          hostsDown: round(s.hostsDown[b]! * scale, 3),
          hostsEjected: round(s.hostsEjected[b]! * scale, 3),
          logLinesPerSec: Math.round((s.logAttempted[b]! * scale) / resolutionSec),
          threadsMax: s.threadsMax[b]!,
        };
      });
      // An empty cell (no user request in the interval) counts as served; a 0 is a DC serving nothing.
      const a = dcs['userAvailability:A'] ?? 1;
      const bAvail = dcs['userAvailability:B'] ?? 1;
      request.onRow({
        tSec,
        utc: calendar === 'none' ? null : utcAt(calendar, tSec),
        ...dcs,
        userAvailability: round(userShareDcA * a + (1 - userShareDcA) * bAvail, 6),
        events: results[0]!.series.events[b]!,
      });
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

function plan0(request: FleetRequest) {
  const p = fleetPlan(request);
  return { ...p, params: p.params.A };
}

function round(x: number, digits: number): number {
  const m = 10 ** digits;
  return Math.round(x * m) / m;
}
