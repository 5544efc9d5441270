/**
 * The calibration targets: the post-mortem's observations O1-O10 and its size targets (Monday's down
 * episodes M1-M4, the weekend W1-W2, elsewhere E1-E3; data/expectations.json, each with the sentence it
 * interprets), checked against the week-long scenarios run as a coupled fleet: `as-deployed` (the outage
 * week with the band-aid on Monday and SetLimit on Wednesday) and `outage-week` (the same week with no
 * fix, on the same seeds, to see what the band-aid changed). Thresholds live in the expectations file,
 * the rules here; every check's input is a figure the model computes, and verdicts are never asserted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { DcResult } from '../fleet/coupled-dc.js';
import {
  combineFleet,
  DCS,
  type DcId,
  type FleetRequest,
  type FleetRow,
  type FleetSummary,
  runFleetDc,
} from '../fleet/fleet.js';
import type { TimelineRow } from '../metrics/timeline.js';
import { InputError, type Overrides } from '../model/resolve-params.js';
import { resolveRunParams } from '../run/run-scenario.js';
import { utcAt } from '../scenario/calendar.js';
import { findScenario } from '../scenario/scenarios.js';
import {
  availabilityOver,
  downEpisodes,
  spiralFigures,
  spiralVerdicts,
  type UserInterval,
} from './episodes.js';

const Window = z.object({ from: z.iso.datetime(), to: z.iso.datetime() });
const ExpectationsSchema = z.object({
  source: z.object({ title: z.string(), url: z.string() }),
  scenarios: z.object({ week: z.string(), withoutFix: z.string() }),
  windows: z.object({
    weekend: Window,
    saturday: Window,
    sunday: Window,
    monday: Window,
    bandAid: Window,
    fixed: Window,
    week: Window,
  }),
  episode: z.object({
    underAvailability: z.number().min(0).max(1),
    minMinutes: z.number().int().min(1),
    dipAvailability: z.number().min(0).max(1),
  }),
  observations: z
    .array(
      z.object({
        id: z.string().regex(/^O([1-9]|10)$/),
        observation: z.string(),
        quote: z.string(),
        check: z.string(),
        thresholds: z.record(z.string(), z.number()),
      }),
    )
    .length(10),
  targets: z.array(
    z.object({
      id: z.string().regex(/^[MWE][1-9]$/),
      target: z.string(),
      quote: z.string(),
      check: z.string(),
      thresholds: z.record(z.string(), z.number()),
    }),
  ),
});
export type Expectations = z.infer<typeof ExpectationsSchema>;

export function loadExpectations(path = join(process.cwd(), 'data', 'expectations.json')): Expectations {
  const parsed = ExpectationsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${path}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** The few columns of a host's timeline the checks read. */
export interface HostRow {
  readonly tSec: number;
  readonly up: boolean;
  readonly restarts: number;
  readonly oomKills: number;
  readonly threads: number;
  readonly timeWait: number;
  readonly inUse: number;
  readonly notAvail: number;
  readonly cacheErrors: readonly [number, number, number];
  readonly ops: number;
  /** Memcached ops per cache type (post, user, counts). */
  readonly cacheOps: readonly [number, number, number];
  readonly logAttempted: number;
  readonly postLatencyMs: number | null;
}

export interface FleetRun {
  readonly summary: FleetSummary;
  readonly rows: readonly FleetRow[];
  readonly hosts: Readonly<Record<DcId, HostRow[][]>>;
  /** Run time of the calendar's start (Unix seconds) and of the trigger. */
  readonly calendarStartUtcSec: number;
  readonly triggerSec: number;
  readonly userShareDcA: number;
}

/** The columns of a host's timeline row the checks read. */
export function compactHostRow(row: TimelineRow): HostRow {
  return {
    tSec: row.tSec,
    up: row.processState === 'up',
    restarts: row.restarts,
    oomKills: row.oomKills,
    threads: row.threads,
    timeWait: row.timeWait,
    inUse: row['dialErr:addr-in-use'],
    notAvail: row['dialErr:addr-not-avail'],
    cacheErrors: [row['opErrors:post'], row['opErrors:user'], row['opErrors:counts']],
    ops: row['ops:post'] + row['ops:user'] + row['ops:counts'],
    cacheOps: [row['ops:post'], row['ops:user'], row['ops:counts']],
    logAttempted: row.logAttempted,
    postLatencyMs: row['latencyMs:appview-posts'],
  };
}

/** A week-long scenario as a fleet request (the scenario must have a calendar). */
export function weekFleetRequest(scenarioId: string, seed: number, overrides: Overrides): FleetRequest {
  const scenario = findScenario(scenarioId);
  if (!scenario) throw new InputError(`scenarios: unknown scenario "${scenarioId}"`);
  const params = resolveRunParams(scenario, overrides);
  if (params.load.calendarStartUtcSec === 'none') {
    throw new InputError(`scenarios: "${scenarioId}" has no calendar (load.calendarStartUtcSec)`);
  }
  return { scenario, seed, overrides };
}

function weekRun(request: FleetRequest, results: readonly DcResult[], hosts: Record<DcId, HostRow[][]>) {
  const rows: FleetRow[] = [];
  const summary = combineFleet({ ...request, onRow: (r) => rows.push(r) }, results);
  const params = resolveRunParams(request.scenario, request.overrides);
  return {
    summary,
    rows,
    hosts,
    calendarStartUtcSec: params.load.calendarStartUtcSec as number,
    triggerSec: params.workload.triggerStartSec,
    userShareDcA: params.fleet.userShareDcA,
  };
}

/** Run one week-long scenario as a fleet, keeping the fleet rows and each host's compact rows. */
export function runWeekFleet(
  scenarioId: string,
  seed = 1,
  onProgress?: (doneSec: number, totalSec: number) => void,
  overrides: Overrides = {},
): FleetRun {
  return runFleetWithHosts(weekFleetRequest(scenarioId, seed, overrides), onProgress);
}

/** Any fleet request on a calendar, as the checks read it (fleet rows and each host's compact rows). */
export function runFleetWithHosts(
  request: FleetRequest,
  onProgress?: (doneSec: number, totalSec: number) => void,
): FleetRun {
  const hosts: Record<DcId, HostRow[][]> = { A: [], B: [] };
  const total = 2 * request.scenario.durationSec;
  const results = DCS.map((dc, k) =>
    runFleetDc(
      request,
      dc,
      (h, r) => {
        hosts[dc][h] ??= [];
        hosts[dc][h].push(compactHostRow(r));
      },
      onProgress && ((sec) => onProgress(k * request.scenario.durationSec + sec, total)),
    ),
  );
  return weekRun(request, results, hosts);
}

/** A job of the week worker: one DC of a week-long fleet run. */
export interface WeekDcJob {
  readonly scenarioId: string;
  readonly seed: number;
  readonly overrides: Overrides;
  readonly dc: DcId;
}

function spawnWeekWorker(job: WeekDcJob): Worker {
  const jsUrl = new URL('./week-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return new Worker(jsUrl, { workerData: job });
  const tsUrl = jsUrl.href.replace(/\.js$/, '.ts');
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(tsUrl)}); })`;
  return new Worker(boot, { eval: true, workerData: job });
}

/**
 * `runWeekFleet` with its two data centers in two worker threads (the same result: each DC's run is a
 * function of the request and the DC alone).
 */
export async function runWeekFleetParallel(
  scenarioId: string,
  seed = 1,
  onProgress?: (doneSec: number, totalSec: number) => void,
  overrides: Overrides = {},
): Promise<FleetRun> {
  const request = weekFleetRequest(scenarioId, seed, overrides);
  const total = 2 * request.scenario.durationSec;
  const done = [0, 0];
  const outs = await Promise.all(
    DCS.map(
      (dc, k) =>
        new Promise<{ result: DcResult; hostRows: HostRow[][] }>((resolve, reject) => {
          const worker = spawnWeekWorker({ scenarioId, seed, overrides, dc });
          worker.on('message', (m: { progress?: number; result?: DcResult; hostRows?: HostRow[][] }) => {
            if (m.progress !== undefined) {
              done[k] = m.progress;
              onProgress?.(done[0]! + done[1]!, total);
            } else {
              resolve({ result: m.result!, hostRows: m.hostRows! });
              void worker.terminate();
            }
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0) reject(new Error(`week worker for DC ${dc} exited with code ${code}`));
          });
        }),
    ),
  );
  return weekRun(
    request,
    outs.map((o) => o.result),
    { A: outs[0]!.hostRows, B: outs[1]!.hostRows },
  );
}

export type Verdict = 'reproduced' | 'not reproduced';

export interface WeekObservation {
  readonly id: string;
  readonly observation: string;
  readonly check: string;
  /** The model's figures, as text. */
  readonly measured: string;
  /** The same figures as numbers (for the report and the closing note). */
  readonly figures: Readonly<Record<string, number | null>>;
  readonly verdict: Verdict;
}

const fmt = (v: number | null, digits = 0): string =>
  v === null || !Number.isFinite(v)
    ? 'n/a'
    : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * One seed's calibration: both weeks (as deployed and without a fix) at once, four data-center runs in
 * worker threads (the affected DC's two runs take most of the time and go side by side), then judged.
 * `onProgress` gets the share done (0-1).
 */
export async function calibrateSeed(
  exp: Expectations,
  seed: number,
  overrides: Overrides = {},
  onProgress?: (share: number) => void,
): Promise<WeekObservation[]> {
  const runs = [exp.scenarios.week, exp.scenarios.withoutFix];
  const done = [0, 0];
  const [week, withoutFix] = await Promise.all(
    runs.map((id, j) =>
      runWeekFleetParallel(
        id,
        seed,
        (d, total) => {
          done[j] = d / total;
          onProgress?.((done[0]! + done[1]!) / 2);
        },
        overrides,
      ),
    ),
  );
  return evaluateWeek(exp, week!, withoutFix!);
}

/** Evaluate O1-O10 on the two week runs. */
export function evaluateWeek(exp: Expectations, week: FleetRun, withoutFix: FleetRun): WeekObservation[] {
  const t = (iso: string) => Date.parse(iso) / 1000 - week.calendarStartUtcSec;
  const win = (w: { from: string; to: string }) => [t(w.from), t(w.to)] as const;
  const [weekendFrom, weekendTo] = win(exp.windows.weekend);
  const [mondayFrom, mondayTo] = win(exp.windows.monday);
  const [bandFrom, bandTo] = win(exp.windows.bandAid);
  const [fixedFrom, fixedTo] = win(exp.windows.fixed);
  const A = week.hosts.A;
  const B = week.hosts.B;
  const within = (r: HostRow, from: number, to: number) => r.tSec > from && r.tSec <= to;
  const sumHosts = (hosts: HostRow[][], f: (r: HostRow) => number, from = 0, to = Number.POSITIVE_INFINITY) =>
    hosts.reduce((a, rows) => a + rows.reduce((b, r) => b + (within(r, from, to) ? f(r) : 0), 0), 0);
  const dcA = week.summary.dcs.find((d) => d.dc === 'A')!;
  const dcB = week.summary.dcs.find((d) => d.dc === 'B')!;
  const th = (id: string) => exp.observations.find((o) => o.id === id)!.thresholds;
  const intervalSec = week.rows.length > 1 ? week.rows[1]!.tSec - week.rows[0]!.tSec : 60;
  const scaleA = dcA.hosts / dcA.representativeHosts;
  const ep = exp.episode;
  const episodesOf = (run: FleetRun, dc: DcId, from: number, to: number) =>
    downEpisodes(userIntervals(run, dc), intervalSec, from, to, ep.underAvailability, ep.minMinutes);
  const out: WeekObservation[] = [];
  const add = (id: string, measured: string, figures: Record<string, number | null>, ok: boolean) => {
    const o = exp.observations.find((x) => x.id === id)!;
    out.push({
      id,
      observation: o.observation,
      check: o.check,
      measured,
      figures,
      verdict: ok ? 'reproduced' : 'not reproduced',
    });
  };

  // O1
  const bErrors = dcB.hostSummaries.reduce((a, s) => a + s.dialErrors, 0);
  const firsts = dcA.hostSummaries
    .map((s) => s.firstPortExhaustionSec)
    .filter((x): x is number => x !== null);
  const afterTrigger = firsts.length > 0 ? Math.min(...firsts) - week.triggerSec : null;
  add(
    'O1',
    `DC B: ${fmt(bErrors)} dial errors all week; DC A: first dial error ${fmt(afterTrigger, 1)} s after the trigger`,
    { dcBDialErrors: bErrors, firstDialErrorAfterTriggerSec: afterTrigger },
    bErrors === 0 && afterTrigger !== null && afterTrigger < th('O1').maxSecAfterTrigger!,
  );
  // O2
  const inUse = sumHosts(A, (r) => r.inUse, 0, bandFrom);
  const notAvail = sumHosts(A, (r) => r.notAvail, 0, bandFrom);
  const inUseShare = inUse + notAvail > 0 ? inUse / (inUse + notAvail) : null;
  const peakDialErrorsPerSec = peakPerSec(A, (r) => r.inUse + r.notAvail, intervalSec, 0, bandFrom) * scaleA;
  add(
    'O2',
    `${fmt(inUse)} EADDRINUSE and ${fmt(notAvail)} EADDRNOTAVAIL on DC A's hosts before the band-aid; busiest minute ${fmt(peakDialErrorsPerSec)} failed dials/s DC-wide`,
    { addrInUse: inUse, addrNotAvail: notAvail, inUseShare, peakDialErrorsPerSec },
    inUseShare !== null &&
      inUseShare >= th('O2').minShare! &&
      peakDialErrorsPerSec >= th('O2').minDialErrorsPerSec!,
  );
  // O3: every cache type impacted, each at its own busiest minute (DC-wide failed share of its ops).
  const caches = [0, 1, 2].map((k) => sumHosts(A, (r) => r.cacheErrors[k]!));
  const worstShares = [0, 1, 2].map((k) => {
    const errors = new Map<number, number>();
    const ops = new Map<number, number>();
    for (const rows of A) {
      for (const r of rows) {
        errors.set(r.tSec, (errors.get(r.tSec) ?? 0) + r.cacheErrors[k]!);
        ops.set(r.tSec, (ops.get(r.tSec) ?? 0) + r.cacheOps[k]!);
      }
    }
    let worst = 0;
    for (const [t, e] of errors) {
      const all = e + (ops.get(t) ?? 0);
      if (all > 0) worst = Math.max(worst, e / all);
    }
    return worst;
  });
  add(
    'O3',
    `op errors: post ${fmt(caches[0]!)}, user ${fmt(caches[1]!)}, counts ${fmt(caches[2]!)}; at each cache's worst minute DC A failed ${worstShares.map((x) => `${fmt(100 * x, 1)}%`).join(', ')} of its ops`,
    {
      postErrors: caches[0]!,
      userErrors: caches[1]!,
      countsErrors: caches[2]!,
      minWorstFailedShare: Math.min(...worstShares),
    },
    worstShares.every((x) => x >= th('O3').minFailedShare!),
  );
  // O4
  let peakRatio = 0;
  for (const rows of A)
    for (const r of rows) if (r.ops > 0) peakRatio = Math.max(peakRatio, r.logAttempted / r.ops);
  let fleetPeakLog = 0;
  for (const r of week.rows) {
    fleetPeakLog = Math.max(fleetPeakLog, r['logLinesPerSec:A'] + r['logLinesPerSec:B']);
  }
  add(
    'O4',
    `fleet-wide busiest minute: ${fmt(fleetPeakLog)} error lines/s attempted; a DC A host's busiest interval logged an error for ${fmt(100 * peakRatio)}% of its memcached ops (DC A peak ${fmt(dcA.peakMemcachedOpsPerSec)} ops/s over ${fmt(dcA.hosts)} hosts)`,
    {
      peakLogToOpsRatio: peakRatio,
      dcPeakLogLinesPerSec: dcA.peakLogLinesPerSec,
      fleetPeakLogLinesPerSec: fleetPeakLog,
    },
    fleetPeakLog >= th('O4').minLinesPerSec! && peakRatio >= th('O4').minRatio!,
  );
  // O5
  const healthy = dcB.peakThreads;
  const ratio = dcA.peakThreads / healthy;
  let fell = false;
  for (const rows of A) {
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1]!;
      const b = rows[i]!;
      if (
        a.up &&
        b.up &&
        b.restarts === 0 &&
        b.oomKills === 0 &&
        b.threads < a.threads &&
        b.tSec <= bandFrom
      ) {
        fell = true;
      }
    }
  }
  const f5 = th('O5');
  add(
    'O5',
    `${fmt(healthy)} -> ${fmt(dcA.peakThreads)} threads (${fmt(ratio, 1)}x; observed ${fmt(f5.observedRatio!)}x)${fell ? ', falling between restarts' : ', never falling while a process lives'}`,
    { healthyThreads: healthy, peakThreads: dcA.peakThreads, ratio },
    ratio / f5.observedRatio! <= f5.maxFactor! && f5.observedRatio! / ratio <= f5.maxFactor! && !fell,
  );
  // O6
  const gcA = Math.max(...dcA.hostSummaries.map((s) => s.maxGcPauseMs ?? 0));
  const gcB = Math.max(...dcB.hostSummaries.map((s) => s.maxGcPauseMs ?? 0));
  const latMax = (hosts: HostRow[][]) =>
    hosts.reduce((m, rows) => rows.reduce((x, r) => Math.max(x, r.postLatencyMs ?? 0), m), 0);
  const latA = latMax(A);
  const latB = latMax(B);
  const gcRatio = gcB > 0 ? gcA / gcB : null;
  const latRatio = latB > 0 ? latA / latB : null;
  add(
    'O6',
    `longest GC pause ${fmt(gcA, 2)} ms vs ${fmt(gcB, 2)} ms (${fmt(gcRatio, 1)}x); worst minute's mean post latency ${fmt(latA, 1)} ms vs ${fmt(latB, 1)} ms (${fmt(latRatio, 1)}x)`,
    { gcPauseRatio: gcRatio, latencyRatio: latRatio },
    gcRatio !== null && gcRatio >= th('O6').minRatio! && latRatio !== null && latRatio >= th('O6').minRatio!,
  );
  // O7
  const f7 = th('O7');
  const killRate = (from: number, to: number) =>
    sumHosts(A, (r) => r.oomKills, from, to) / A.length / ((to - from) / 3600);
  const monday = killRate(mondayFrom, mondayTo);
  const weekend = killRate(weekendFrom, weekendTo);
  // Kills of a process that had served less than 10 minutes since its restart: the spiral's re-kills.
  const rekills = (from: number, to: number) => {
    let all = 0;
    let early = 0;
    for (const rows of A) {
      let restartedAt = Number.NEGATIVE_INFINITY;
      for (const r of rows) {
        if (r.oomKills > 0 && within(r, from, to)) {
          all += r.oomKills;
          if (r.tSec - restartedAt < 600) early += r.oomKills;
        }
        if (r.restarts > 0) restartedAt = r.tSec;
      }
    }
    return all > 0 ? early / all : null;
  };
  const mondayRekills = rekills(mondayFrom, mondayTo);
  const weekendRekills = rekills(weekendFrom, weekendTo);
  const upMinutes = monday > 0 ? 60 / monday : null;
  add(
    'O7',
    `Monday: ${fmt(monday, 2)} OOM kills per host-hour, one every ${fmt(upMinutes, 0)} min (observed about ${fmt(f7.observedUpMinutes!)}), ${fmt(mondayRekills === null ? null : 100 * mondayRekills)}% of them within 10 min of a restart; weekend: ${fmt(weekend, 2)} per host-hour, ${fmt(weekendRekills === null ? null : 100 * weekendRekills)}% within 10 min of a restart`,
    {
      mondayKillsPerHour: monday,
      weekendKillsPerHour: weekend,
      upMinutes,
      mondayRekillShare: mondayRekills,
      weekendRekillShare: weekendRekills,
    },
    upMinutes !== null &&
      upMinutes / f7.observedUpMinutes! <= f7.maxFactor! &&
      f7.observedUpMinutes! / upMinutes <= f7.maxFactor! &&
      weekend <= f7.maxWeekendShare! * monday,
  );
  // O8
  let restarts = 0;
  let failed = 0;
  for (const rows of A) {
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r.restarts === 0 || r.tSec > bandFrom) continue;
      restarts++;
      if (rows.slice(i, i + 2).some((x) => x.inUse + x.notAvail > 0 && x.timeWait > 0)) failed++;
    }
  }
  add(
    'O8',
    `${fmt(failed)} of ${fmt(restarts)} restarts on DC A's hosts before the band-aid failed at once`,
    { restarts, failedRestarts: failed },
    restarts > 0 && failed / restarts >= th('O8').minShare!,
  );
  // O9
  const f9 = th('O9');
  const mondayEpisodes = episodesOf(week, 'A', mondayFrom, mondayTo);
  const usersA = userIntervals(week, 'A');
  const spiral = spiralFigures(usersA, mondayEpisodes);
  const mondaySpanHours = spiral.spanHours ?? 0;
  const bEpisodes = episodesOf(week, 'B', 0, Number.POSITIVE_INFINITY);
  const aAny = episodesOf(week, 'A', 0, Number.POSITIVE_INFINITY).length > 0;
  const usersAffected = (aAny ? week.userShareDcA : 0) + (bEpisodes.length > 0 ? 1 - week.userShareDcA : 0);
  add(
    'O9',
    `DC A: ${fmt(mondayEpisodes.length)} down episodes on Monday over ${fmt(mondaySpanHours, 1)} h (observed about ${fmt(f9.observedMondayHours!)}); DC B: ${fmt(bEpisodes.length)} all week; users affected ${fmt(100 * usersAffected)}%`,
    {
      mondayEpisodes: mondayEpisodes.length,
      mondaySpanHours,
      dcBEpisodes: bEpisodes.length,
      usersAffectedShare: usersAffected,
      mondayAffectedHours: dcA.affectedHoursByDay[exp.windows.monday.from.slice(0, 10)] ?? 0,
    },
    mondaySpanHours >= f9.minMondayHours! &&
      bEpisodes.length === 0 &&
      usersAffected >= f9.minUsersAffected! &&
      usersAffected <= f9.maxUsersAffected!,
  );
  // O10
  const wA = week.hosts.A;
  const nA = withoutFix.hosts.A;
  const kills = (hosts: HostRow[][], from: number, to: number) =>
    sumHosts(hosts, (r) => r.oomKills, from, to);
  const dialErrors = (hosts: HostRow[][], from: number, to: number) =>
    sumHosts(hosts, (r) => r.inUse + r.notAvail, from, to);
  const userAvail = (run: FleetRun, from: number, to: number) => {
    let sum = 0;
    let n = 0;
    for (const r of run.rows) {
      const a = r['userAvailability:A'];
      if (r.tSec > from && r.tSec <= to && a !== null) {
        sum += a;
        n++;
      }
    }
    return n > 0 ? sum / n : null;
  };
  const bandKills = kills(wA, bandFrom, bandTo);
  const noFixKills = kills(nA, bandFrom, bandTo);
  const bandErrors = dialErrors(wA, bandFrom, bandTo);
  const bandAvail = userAvail(week, bandFrom, bandTo);
  const noFixAvail = userAvail(withoutFix, bandFrom, bandTo);
  const fixedKills = kills(wA, fixedFrom, fixedTo);
  const fixedErrors = dialErrors(wA, fixedFrom, fixedTo);
  add(
    'O10',
    `band-aid (Monday 21:30 to Wednesday 17:00, DC A's ${fmt(wA.length)} hosts): ${fmt(bandErrors)} dial errors, ${fmt(bandKills)} OOM kills vs ${fmt(noFixKills)} without it, user availability ${fmt(bandAvail === null ? null : 100 * bandAvail, 3)}% vs ${fmt(noFixAvail === null ? null : 100 * noFixAvail, 3)}%; after SetLimit: ${fmt(fixedErrors)} dial errors, ${fmt(fixedKills)} OOM kills`,
    {
      bandAidDialErrors: bandErrors,
      bandAidOomKills: bandKills,
      withoutFixOomKills: noFixKills,
      bandAidUserAvailability: bandAvail,
      withoutFixUserAvailability: noFixAvail,
      fixedDialErrors: fixedErrors,
      fixedOomKills: fixedKills,
    },
    bandErrors === 0 &&
      (noFixKills === 0 ? bandKills === 0 : bandKills <= th('O10').maxKillShare! * noFixKills) &&
      bandAvail !== null &&
      noFixAvail !== null &&
      bandAvail >= noFixAvail &&
      fixedErrors === 0 &&
      fixedKills === 0,
  );
  // The size targets.
  const tt = (id: string) => exp.targets.find((o) => o.id === id)?.thresholds ?? {};
  const addTarget = (id: string, measured: string, figures: Record<string, number | null>, ok: boolean) => {
    const o = exp.targets.find((x) => x.id === id);
    if (!o) return;
    out.push({
      id,
      observation: o.target,
      check: o.check,
      measured,
      figures,
      verdict: ok ? 'reproduced' : 'not reproduced',
    });
  };
  const first = mondayEpisodes[0];
  const last = mondayEpisodes[mondayEpisodes.length - 1];
  const minutes = mondayEpisodes.map((e) => e.minutes);
  const met = spiralVerdicts(tt, spiral);
  addTarget(
    'M1',
    `${fmt(mondayEpisodes.length)} down episodes in DC A on Monday${minutes.length > 0 ? ` (${fmt(Math.min(...minutes))} to ${fmt(Math.max(...minutes))} min long)` : ''}`,
    { episodes: spiral.episodes },
    met.M1,
  );
  addTarget(
    'M2',
    `median gap between episode starts: ${fmt(spiral.medianGapMin, 1)} min`,
    { medianGapMin: spiral.medianGapMin },
    met.M2,
  );
  addTarget(
    'M3',
    first && last
      ? `first episode ${utcAt(week.calendarStartUtcSec, first.startSec).slice(11, 16)} UTC, last ends ${utcAt(week.calendarStartUtcSec, last.endSec).slice(11, 16)} UTC: ${fmt(mondaySpanHours, 1)} h`
      : 'no Monday episode',
    { spanHours: spiral.spanHours },
    met.M3,
  );
  const spanAvail = spiral.spanAvailability;
  addTarget(
    'M4',
    `DC A served ${fmt(spanAvail === null ? null : 100 * spanAvail, 1)}% of its users' requests over the episodes' span`,
    { spanAvailability: spanAvail },
    met.M4,
  );
  const days = [
    ['Saturday', win(exp.windows.saturday)],
    ['Sunday', win(exp.windows.sunday)],
  ] as const;
  const dayFigures = days.map(([name, [from, to]]) => {
    const inDay = week.rows.filter((r) => r.tSec > from && r.tSec <= to);
    const avail = (r: FleetRow) => r['userAvailability:A'] ?? 1;
    const log = (r: FleetRow) => r['logLinesPerSec:A'];
    const dips = inDay.filter((r) => avail(r) < ep.dipAvailability);
    const sorted = inDay.map(log).sort((a, b) => a - b);
    const median = sorted.length > 0 ? sorted[sorted.length >> 1]! : 0;
    const dipLog = dips.length > 0 ? dips.reduce((a, r) => a + log(r), 0) / dips.length : 0;
    const episodes = episodesOf(week, 'A', from, to);
    return {
      name,
      dipMinutes: (dips.length * intervalSec) / 60,
      logRatio: dips.length > 0 ? dipLog / Math.max(median, 1) : null,
      availability: availabilityOver(usersA, from, to),
      longestEpisodeMin: episodes.reduce((a, e) => Math.max(a, e.minutes), 0),
    };
  });
  addTarget(
    'W1',
    dayFigures
      .map(
        (d) =>
          `${d.name}: ${fmt(d.dipMinutes)} min under ${fmt(100 * ep.dipAvailability)}%, their error lines ${fmt(d.logRatio, 1)}x the day's median minute`,
      )
      .join('; '),
    Object.fromEntries(
      dayFigures.flatMap((d) => [
        [`${d.name.toLowerCase()}DipMinutes`, d.dipMinutes],
        [`${d.name.toLowerCase()}LogRatio`, d.logRatio],
      ]),
    ),
    dayFigures.every(
      (d) =>
        d.dipMinutes >= tt('W1').minDipMinutes! && d.logRatio !== null && d.logRatio >= tt('W1').minLogRatio!,
    ),
  );
  addTarget(
    'W2',
    dayFigures
      .map(
        (d) =>
          `${d.name}: ${fmt(100 * d.availability, 2)}% served, longest down episode ${fmt(d.longestEpisodeMin)} min`,
      )
      .join('; '),
    Object.fromEntries(
      dayFigures.flatMap((d) => [
        [`${d.name.toLowerCase()}Availability`, d.availability],
        [`${d.name.toLowerCase()}LongestEpisodeMin`, d.longestEpisodeMin],
      ]),
    ),
    dayFigures.every(
      (d) =>
        d.longestEpisodeMin <= tt('W2').maxEpisodeMinutes! && d.availability >= tt('W2').minDayAvailability!,
    ),
  );
  const [weekFrom, weekTo] = win(exp.windows.week);
  const bWeek = availabilityOver(userIntervals(week, 'B'), weekFrom, weekTo);
  addTarget(
    'E1',
    `DC B served ${fmt(100 * bWeek, 4)}% of its users' requests over the week`,
    { dcBAvailability: bWeek },
    bWeek >= tt('E1').minAvailability!,
  );
  const bandA = availabilityOver(usersA, bandFrom, bandTo);
  addTarget(
    'E2',
    `DC A served ${fmt(100 * bandA, 4)}% in the band-aid window`,
    { bandAidAvailability: bandA },
    bandA >= tt('E2').minAvailability!,
  );
  const fixedFailed = usersA.reduce(
    (a, r) => a + (r.tSec > fixedFrom && r.tSec <= fixedTo ? r.failed : 0),
    0,
  );
  addTarget(
    'E3',
    `${fmt(fixedFailed)} failed user requests in DC A after SetLimit`,
    { fixedFailedRequests: fixedFailed },
    fixedFailed <= tt('E3').maxFailedRequests!,
  );
  return out;
}

/** A DC's users per fleet interval. */
export function userIntervals(run: FleetRun, dc: DcId): UserInterval[] {
  return run.rows.map((r) => ({
    tSec: r.tSec,
    users: r[`users:${dc}`],
    failed: r[`usersFailed:${dc}`],
  }));
}

/** The busiest interval's per-second rate of a host-row count summed over a DC's hosts. */
function peakPerSec(
  hosts: readonly HostRow[][],
  f: (r: HostRow) => number,
  intervalSec: number,
  from: number,
  to: number,
): number {
  const byBin = new Map<number, number>();
  for (const rows of hosts) {
    for (const r of rows) {
      if (r.tSec <= from || r.tSec > to) continue;
      byBin.set(r.tSec, (byBin.get(r.tSec) ?? 0) + f(r));
    }
  }
  let peak = 0;
  for (const v of byBin.values()) peak = Math.max(peak, v / intervalSec);
  return peak;
}
