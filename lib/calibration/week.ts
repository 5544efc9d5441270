/**
 * The calibration targets: the post-mortem's observations O1-O10 (data/expectations.json), each checked
 * against the week-long scenarios run as a fleet: `as-deployed` (the outage week with the band-aid on
 * Monday and SetLimit on Wednesday) and `outage-week` (the same week with no fix, on the same seeds, to
 * see what the band-aid changed). Thresholds live in the expectations file, the rules here; verdicts are
 * computed, never asserted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type DcId, type FleetRow, type FleetSummary, runFleet } from '../fleet/fleet.js';
import type { TimelineRow } from '../metrics/timeline.js';
import { InputError } from '../model/resolve-params.js';
import { resolveRunParams } from '../run/run-scenario.js';
import { findScenario } from '../scenario/scenarios.js';

const Window = z.object({ from: z.iso.datetime(), to: z.iso.datetime() });
const ExpectationsSchema = z.object({
  source: z.object({ title: z.string(), url: z.string() }),
  scenarios: z.object({ week: z.string(), withoutFix: z.string() }),
  windows: z.object({ weekend: Window, monday: Window, bandAid: Window, fixed: Window }),
  observations: z
    .array(
      z.object({
        id: z.string().regex(/^O([1-9]|10)$/),
        observation: z.string(),
        check: z.string(),
        thresholds: z.record(z.string(), z.number()),
      }),
    )
    .length(10),
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

const num = (v: unknown): number => (v === '' || v === undefined ? 0 : Number(v));

function compact(row: TimelineRow): HostRow {
  const latency = row['latencyMs:appview-posts'];
  return {
    tSec: num(row.tSec),
    up: row.processState === 'up',
    restarts: num(row.restarts),
    oomKills: num(row.oomKills),
    threads: num(row.threads),
    timeWait: num(row.timeWait),
    inUse: num(row['dialErr:addr-in-use']),
    notAvail: num(row['dialErr:addr-not-avail']),
    cacheErrors: [num(row['opErrors:post']), num(row['opErrors:user']), num(row['opErrors:counts'])],
    ops: num(row['ops:post']) + num(row['ops:user']) + num(row['ops:counts']),
    logAttempted: num(row.logAttempted),
    postLatencyMs: latency === '' ? null : Number(latency),
  };
}

/** Run one week-long scenario as a fleet, keeping the fleet rows and each host's compact rows. */
export function runWeekFleet(
  scenarioId: string,
  seed = 1,
  onProgress?: (doneSec: number, totalSec: number) => void,
): FleetRun {
  const scenario = findScenario(scenarioId);
  if (!scenario) throw new InputError(`scenarios: unknown scenario "${scenarioId}"`);
  const params = resolveRunParams(scenario);
  if (params.load.calendarStartUtcSec === 'none') {
    throw new InputError(`scenarios: "${scenarioId}" has no calendar (load.calendarStartUtcSec)`);
  }
  const rows: FleetRow[] = [];
  const hosts: Record<DcId, HostRow[][]> = { A: [], B: [] };
  const summary = runFleet({
    scenario,
    seed,
    onRow: (r) => rows.push(r),
    onHostRow: (dc, h, r) => {
      hosts[dc][h] ??= [];
      hosts[dc][h].push(compact(r));
    },
    ...(onProgress && { onProgress }),
  });
  return {
    summary,
    rows,
    hosts,
    calendarStartUtcSec: params.load.calendarStartUtcSec,
    triggerSec: params.workload.triggerStartSec,
    userShareDcA: params.fleet.userShareDcA,
  };
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
  add(
    'O2',
    `${fmt(inUse)} EADDRINUSE and ${fmt(notAvail)} EADDRNOTAVAIL on DC A's hosts before the band-aid`,
    { addrInUse: inUse, addrNotAvail: notAvail },
    inUseShare !== null && inUseShare >= th('O2').minShare!,
  );
  // O3
  const caches = [0, 1, 2].map((k) => sumHosts(A, (r) => r.cacheErrors[k]!));
  add(
    'O3',
    `op errors: post ${fmt(caches[0]!)}, user ${fmt(caches[1]!)}, counts ${fmt(caches[2]!)}`,
    { postErrors: caches[0]!, userErrors: caches[1]!, countsErrors: caches[2]! },
    caches.every((c) => c > 0),
  );
  // O4
  let peakRatio = 0;
  for (const rows of A)
    for (const r of rows) if (r.ops > 0) peakRatio = Math.max(peakRatio, r.logAttempted / r.ops);
  add(
    'O4',
    `busiest interval: ${fmt(100 * peakRatio)}% of a host's memcached ops logged an error; DC A peaks at ${fmt(dcA.peakLogLinesPerSec)} error lines/s over ${fmt(dcA.peakMemcachedOpsPerSec)} ops/s (60-s means over ${fmt(dcA.hosts)} hosts)`,
    { peakLogToOpsRatio: peakRatio, dcPeakLogLinesPerSec: dcA.peakLogLinesPerSec },
    peakRatio >= th('O4').minRatio!,
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
    Math.max(...hosts.flatMap((rows) => rows.map((r) => r.postLatencyMs ?? 0)));
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
  const mondayKey = exp.windows.monday.from.slice(0, 10);
  const mondayHours = dcA.affectedHoursByDay[mondayKey] ?? 0;
  add(
    'O9',
    `DC A: ${fmt(mondayHours)} affected hours on Monday (observed about ${fmt(f9.observedMondayHours!)}), ${fmt(dcA.affectedHours)} in the week, worst hour ${fmt(100 * dcA.worstHourUserAvailability, 2)}% of user requests served; DC B: ${fmt(dcB.affectedHours)} affected hours; users affected ${fmt(100 * week.summary.usersAffectedShare)}%`,
    {
      mondayAffectedHours: mondayHours,
      dcAAffectedHours: dcA.affectedHours,
      dcBAffectedHours: dcB.affectedHours,
      usersAffectedShare: week.summary.usersAffectedShare,
    },
    mondayHours >= f9.minMondayHours! &&
      mondayHours <= f9.maxMondayHours! &&
      dcB.affectedHours === 0 &&
      week.summary.usersAffectedShare === week.userShareDcA,
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
      if (r.tSec > from && r.tSec <= to && r['userAvailability:A'] !== '') {
        sum += Number(r['userAvailability:A']);
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
  return out;
}
