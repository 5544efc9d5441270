/**
 * The report's data: everything its prose, tables and charts show, computed from runs (two sweeps and a
 * few timeline runs) and from the parameters. JSON-serialisable; the page embeds it, and a test checks
 * every number of the prose against it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  DEFAULT_DETECTION_RULES,
  type DetectionResult,
  type DetectionRules,
  detect,
} from '../analysis/detection.js';
import { RECOVERY_CLASSES, SUSTAINING_LOOPS } from '../analysis/recovery.js';
import { type CollectedRun, collectRun } from '../analysis/runs.js';
import type { WeekObservation } from '../calibration/week.js';
import type { TIMELINE_COLUMNS, TimelineRow } from '../metrics/timeline.js';
import type { Params } from '../model/params.js';
import { resolveRunParams } from '../run/run-scenario.js';
import { INCIDENT_WEEK, utcAt } from '../scenario/calendar.js';
import { findScenario } from '../scenario/scenarios.js';
import {
  CONFIDENCE_LEVEL,
  parseCell,
  type SummaryStats,
  type SweepMetric,
  summarizeResults,
} from '../sweep/aggregate.js';
import { runAt } from '../sweep/grid.js';
import { readResultsCsv } from '../sweep/results.js';
import { SWEEP_AXES, type SweepSpec } from '../sweep/spec.js';
import type { SweepManifest } from '../sweep/store.js';
import { MODEL_FINGERPRINT, PACKAGE_VERSION } from '../version.js';
import type { WeekData } from './week.js';

export type Stats = Omit<SummaryStats, 'metric'>;
export type ScenarioStats = Record<SweepMetric, Stats>;

export interface IncidentFacts {
  readonly source: { readonly title: string; readonly url: string };
  readonly triggerAt: string;
  readonly events: readonly { readonly at: string; readonly what: string; readonly source: string }[];
  readonly observed: Readonly<Record<string, number>>;
}

export interface SweepSource {
  readonly dir: string;
  readonly hash: string;
  /** 'cache' (committed results), 'runs' (data/runs from an earlier run), 'fresh' (run now), 'given'. */
  readonly origin: string;
  readonly runs: number;
  readonly replicates: number;
  readonly durationSec: number;
}

export interface TimelineEvent {
  readonly run: string;
  readonly tSec: number;
  readonly at: string;
  readonly event: string;
}

/** The sweep regime of one point (see `classifyPoint`). */
export type Regime = 'stable' | 'degraded' | 'spiral';

export interface SweepPointRow {
  readonly point: number;
  readonly batchSize: number | string;
  readonly concurrencyLimit: number | string;
  readonly poolSize: number | string;
  readonly logRate: number | string;
  readonly availability: number | null;
  readonly dialErrors: number | null;
  readonly oomKills: number | null;
  readonly regime: Regime;
}

export interface ReportData {
  readonly meta: {
    readonly version: string;
    readonly model: string;
    readonly node: string;
    readonly command: string;
    readonly sweeps: {
      readonly fixes: SweepSource;
      readonly default: SweepSource;
      readonly metastability: SweepSource;
    };
    readonly seeds: readonly number[];
    readonly timelineSeed: number;
  };
  readonly incident: IncidentFacts;
  /** Resolved parameters of the outage scenario (the figures the prose quotes). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Per scenario (baseline, outage, each fix): statistics of each metric over the replicates. */
  readonly scenarios: Readonly<Record<string, ScenarioStats>>;
  readonly scenarioOrder: readonly string[];
  readonly titles: Readonly<Record<string, string>>;
  readonly derived: Readonly<Record<string, number | null>>;
  readonly costs: Readonly<Record<string, number | null>>;
  readonly timelineEvents: readonly TimelineEvent[];
  readonly metastability: {
    readonly stopSec: number;
    readonly windowHours: number;
    readonly replicates: number;
    readonly points: number;
    readonly classes: Readonly<Record<string, number>>;
    readonly regimes: readonly Record<string, string | number>[];
    readonly boundaries: readonly Record<string, string | number>[];
    readonly loops: Readonly<Record<string, number>>;
    readonly outagePoint: Readonly<Record<string, string | number>> | null;
    readonly boundaryLow: number | null;
    readonly boundaryHigh: number | null;
  };
  readonly observations: readonly WeekObservation[];
  readonly week: WeekData & { readonly facts: Readonly<Record<string, number | string | null>> };
  readonly observationCounts: Readonly<Record<string, number>>;
  readonly detection: {
    readonly rules: Readonly<Record<string, number>>;
    readonly results: readonly DetectionResult[];
    readonly bySetup: Readonly<Record<string, DetectionResult>>;
  };
  readonly sweep: {
    readonly axes: Readonly<Record<string, readonly string[]>>;
    readonly points: readonly SweepPointRow[];
    readonly regimes: Readonly<Record<Regime, number>>;
    readonly findings: Readonly<Record<string, number | null>>;
  };
}

export interface AcquiredSweepLike {
  readonly spec: SweepSpec;
  readonly dir: string;
  readonly manifest: SweepManifest;
  readonly origin: string;
}

export interface ReportInputs {
  readonly fixes: {
    readonly spec: SweepSpec;
    readonly dir: string;
    readonly manifest: SweepManifest;
    readonly origin: string;
  };
  readonly sweep: AcquiredSweepLike;
  readonly metastability: AcquiredSweepLike;
  readonly incident: IncidentFacts;
  readonly week: WeekData;
  readonly command: string;
}

export function loadIncident(root: string): IncidentFacts {
  return JSON.parse(readFileSync(join(root, 'data', 'incident.json'), 'utf8')) as IncidentFacts;
}

/** Statistics per scenario (and metric) from a sweep over scenarios. */
export function scenarioStats(dir: string): Record<string, ScenarioStats> {
  const { columns, rows } = readResultsCsv(join(dir, 'results.csv'));
  const summary = summarizeResults(columns, rows);
  const out: Record<string, Partial<ScenarioStats>> = {};
  for (const row of summary.rows) {
    const scenario = String(row['scenario']);
    const {
      metric,
      point: _p,
      scenario: _s,
      batchSize: _b,
      concurrencyLimit: _c,
      poolSize: _ps,
      logRate: _l,
      ...stats
    } = row as Record<string, unknown>;
    out[scenario] ??= {};
    out[scenario]![metric as SweepMetric] = stats as unknown as Stats;
  }
  return out as Record<string, ScenarioStats>;
}

/**
 * A sweep point's regime, from its replicates' means: **stable** when no replicate saw a dial error;
 * **spiral** when the host was OOM-killed (at least one kill per replicate on average) and lost more than
 * 1% of user requests; **degraded** otherwise (dial errors, but the host kept serving).
 */
export function classifyPoint(
  dialErrors: number | null,
  oomKills: number | null,
  availability: number | null,
): Regime {
  if ((dialErrors ?? 0) === 0) return 'stable';
  if ((oomKills ?? 0) >= 1 && (availability ?? 1) < 0.99) return 'spiral';
  return 'degraded';
}

export function sweepPoints(dir: string): SweepPointRow[] {
  const { columns, rows } = readResultsCsv(join(dir, 'results.csv'));
  const summary = summarizeResults(columns, rows);
  const byPoint = new Map<number, Record<string, unknown>>();
  for (const row of summary.rows) {
    const p = Number(row['point']);
    const entry = byPoint.get(p) ?? Object.fromEntries(SWEEP_AXES.map((a) => [a, row[a]]));
    entry[String(row['metric'])] = row['mean'];
    byPoint.set(p, entry);
  }
  return [...byPoint.entries()].map(([point, e]) => ({
    point,
    batchSize: e['batchSize'] as number,
    concurrencyLimit: e['concurrencyLimit'] as number | string,
    poolSize: e['poolSize'] as number,
    logRate: e['logRate'] as number | string,
    availability: e['availability'] as number | null,
    dialErrors: e['dialErrors'] as number | null,
    oomKills: e['oomKills'] as number | null,
    regime: classifyPoint(
      e['dialErrors'] as number | null,
      e['oomKills'] as number | null,
      e['availability'] as number | null,
    ),
  }));
}

/** The timeline runs the report charts: the outage, the two fixes that were deployed, the baseline. */
export const TIMELINE_SCENARIOS = [
  'baseline',
  'outage',
  'fix-random-local-ip',
  'fix-bounded-concurrency',
] as const;

export function timelineRuns(spec: SweepSpec, seed: number, resolutionSec = 10): CollectedRun[] {
  return TIMELINE_SCENARIOS.map((id) =>
    collectRun(id, {
      scenario: findScenario(id)!,
      engine: spec.engine,
      durationSec: spec.durationSec,
      seed,
      resolutionSec,
    }),
  );
}

function eventsOf(runs: readonly CollectedRun[], triggerAt: Date, triggerSec: number): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  const at = (tSec: number) =>
    `${new Date(triggerAt.getTime() + (tSec - triggerSec) * 1000).toISOString().slice(0, 19)}Z`;
  for (const run of runs) {
    let firstDialError = false;
    for (const row of run.rows) {
      const t = Number(row.tSec);
      const dialErrors = Number(row['dialErr:addr-in-use']) + Number(row['dialErr:addr-not-avail']);
      if (!firstDialError && dialErrors > 0) {
        firstDialError = true;
        out.push({ run: run.label, tSec: t, at: at(t), event: 'first dial error' });
      }
      for (const e of String(row.events).split(' ').filter(Boolean)) {
        if (e === 'oom-kill' || e === 'restart') out.push({ run: run.label, tSec: t, at: at(t), event: e });
      }
    }
  }
  return out;
}

/** The outage scenario's parameters (nested, as `Params`), plus a few figures derived from them. */
function paramsFacts(p: Params): Record<string, unknown> {
  return {
    ...(structuredClone(p) as unknown as Record<string, unknown>),
    portsPerIp: p.kernel.portRangeHigh - p.kernel.portRangeLow + 1,
    batchLow: Math.round(p.batchSize * (1 - p.workload.batchSizeJitter)),
    batchHigh: Math.round(p.batchSize * (1 + p.workload.batchSizeJitter)),
  };
}

/** A CSV file as objects (numbers typed), or [] when it does not exist. */
function readCsvObjects(path: string): Record<string, string | number>[] {
  if (!existsSync(path)) return [];
  const records = parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
  return records.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, (parseCell(v) ?? '') as string | number])),
  );
}

function metastabilityData(m: AcquiredSweepLike): ReportData['metastability'] {
  const regimes = readCsvObjects(join(m.dir, 'regimes.csv'));
  const boundaries = readCsvObjects(join(m.dir, 'boundary.csv'));
  const classes = Object.fromEntries(
    RECOVERY_CLASSES.map((c) => [c, regimes.filter((r) => r['recoveryClass'] === c).length]),
  );
  const loops = Object.fromEntries(
    SUSTAINING_LOOPS.map((l) => [
      l,
      regimes.filter((r) => String(r['sustainingLoops']).split(' ').includes(l)).length,
    ]),
  );
  const isDefault = (r: Record<string, string | number>) =>
    r['concurrencyLimit'] === 'unbounded' && r['poolSize'] === 1000 && r['logRate'] === 'unlimited';
  const outage = regimes.find((r) => isDefault(r) && r['batchSize'] === 17_500);
  const edge = boundaries.find(isDefault);
  const stop = m.spec.params['workload.triggerStopSec'];
  return {
    stopSec: typeof stop === 'number' ? stop : 0,
    windowHours: m.spec.durationSec / 3600,
    replicates: m.spec.replicates,
    points: regimes.length,
    classes,
    regimes,
    boundaries,
    loops,
    outagePoint: outage ?? null,
    boundaryLow: (edge?.['low'] as number | undefined) ?? null,
    boundaryHigh: (edge?.['high'] as number | undefined) ?? null,
  };
}

/** The week's figures the prose quotes, under short names. */
function weekFacts(week: WeekData): ReportData['week'] {
  // What a host failing every call would log at the peaks of Monday and of the weekend, and what its
  // log pipe drains (parameters of the week scenario).
  const p = resolveRunParams(findScenario(week.scenarios.week)!);
  const w = p.workload;
  const getsPerSec =
    w.postRatePerSec * ((w.normalBatchMin + w.normalBatchMax) / 2) + w.userRatePerSec + w.countsRatePerSec;
  const peak = 1 + p.load.diurnalAmplitude;
  const fig = (id: string, key: string) => week.observations.find((o) => o.id === id)?.figures[key] ?? null;
  const [a, b] = week.fleets.week.dcs;
  const noFixA = week.fleets.withoutFix.dcs[0]!;
  const calendarText = (iso: string | null) => {
    if (iso === null) return null;
    const d = new Date(iso);
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
    return `${day} ${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  };
  const deployAt = (label: string) => {
    const d = findScenario(week.scenarios.week)?.deploys?.find((x) => x.label === label);
    return d ? calendarText(utcAt(INCIDENT_WEEK.startUtcSec, d.atSec)) : null;
  };
  const afterTrigger = fig('O1', 'firstDialErrorAfterTriggerSec');
  return {
    ...week,
    facts: {
      hostsPerDc: a!.hosts,
      representativeHosts: a!.representativeHosts,
      userShareA: a!.userShare,
      userAvailabilityA: a!.userAvailability,
      userAvailabilityB: b!.userAvailability,
      userAvailabilityAll: week.fleets.week.userAvailability,
      noFixUserAvailabilityA: noFixA.userAvailability,
      callAvailabilityA: a!.callAvailability,
      affectedHoursA: a!.affectedHours,
      affectedHoursB: b!.affectedHours,
      noFixAffectedHoursA: noFixA.affectedHours,
      mondayAffectedHours: fig('O9', 'mondayAffectedHours'),
      worstHourA: a!.worstHourUserAvailability,
      oomKillsA: a!.oomKills,
      noFixOomKillsA: noFixA.oomKills,
      mondayKillsPerHour: fig('O7', 'mondayKillsPerHour'),
      weekendKillsPerHour: fig('O7', 'weekendKillsPerHour'),
      upMinutes: fig('O7', 'upMinutes'),
      peakThreads: a!.peakThreads,
      threadRatio: fig('O5', 'ratio'),
      peakLogLinesPerSec: a!.peakLogLinesPerSec,
      peakOpsPerSec: a!.peakMemcachedOpsPerSec,
      bandAidOomKills: fig('O10', 'bandAidOomKills'),
      withoutFixOomKills: fig('O10', 'withoutFixOomKills'),
      bandAidUserAvailability: fig('O10', 'bandAidUserAvailability'),
      withoutFixUserAvailability: fig('O10', 'withoutFixUserAvailability'),
      firstDialErrorAfterTriggerSec: fig('O1', 'firstDialErrorAfterTriggerSec'),
      nominalGetsPerSec: getsPerSec,
      mondayPeakGetsPerSec: getsPerSec * p.load.mondayFactor * peak,
      weekendPeakGetsPerSec: getsPerSec * p.load.weekendFactor * peak,
      logDrainLinesPerSec: p.logging.pipeBytesPerSec / p.logging.lineBytes,
      mondayRekillShare: fig('O7', 'mondayRekillShare'),
      weekendRekillShare: fig('O7', 'weekendRekillShare'),
      failedRestarts: fig('O8', 'failedRestarts'),
      restarts: fig('O8', 'restarts'),
      triggerUtc: calendarText(utcAt(INCIDENT_WEEK.startUtcSec, INCIDENT_WEEK.triggerSec)),
      firstDialErrorUtc:
        afterTrigger === null
          ? null
          : calendarText(utcAt(INCIDENT_WEEK.startUtcSec, INCIDENT_WEEK.triggerSec + afterTrigger)),
      bandAidUtc: deployAt('band-aid'),
      setLimitUtc: deployAt('set-limit'),
      bandAidRemovedUtc: deployAt('band-aid-removed'),
    },
  };
}

export function buildReportData(
  inputs: ReportInputs,
  runs: readonly CollectedRun[],
  detectionRows: readonly TimelineRow[],
): ReportData {
  const scenarios = scenarioStats(inputs.fixes.dir);
  const order = inputs.fixes.spec.axes.find((a) => a.path === 'scenario')!.values.map(String);
  const outageParams = resolveRunParams(findScenario('outage')!);
  const params = paramsFacts(outageParams);
  const s = (id: string, m: SweepMetric) => scenarios[id]?.[m]?.mean ?? null;
  const points = sweepPoints(inputs.sweep.dir);
  const regimes = { stable: 0, degraded: 0, spiral: 0 };
  for (const p of points) regimes[p.regime]++;
  const bounded = points.filter((p) => p.concurrencyLimit !== 'unbounded');
  const unbounded = points.filter((p) => p.concurrencyLimit === 'unbounded');
  const smallest = (rows: SweepPointRow[]) => {
    const bad = rows.filter((p) => p.regime !== 'stable').map((p) => Number(p.batchSize));
    return bad.length === 0 ? null : Math.min(...bad);
  };
  const largestStable = (rows: SweepPointRow[]) => {
    const ok = rows.filter((p) => p.regime === 'stable').map((p) => Number(p.batchSize));
    return ok.length === 0 ? null : Math.max(...ok);
  };
  const triggerSec = outageParams.workload.triggerStartSec;
  const timelineSeed = runAt(inputs.fixes.spec, 0).seed;
  const windowH = inputs.fixes.spec.durationSec / 3600;
  const limit = findScenario('fix-bounded-concurrency')!.overrides['concurrencyLimit'] as number;
  const m = outageParams.memcached;
  const poolFix = findScenario('fix-pool-size')!.overrides['poolSize'] as number;
  const logs = scenarios['fix-log-rate-limit'];
  return {
    meta: {
      version: PACKAGE_VERSION,
      model: MODEL_FINGERPRINT,
      node: process.version,
      command: inputs.command,
      sweeps: {
        fixes: source(inputs.fixes),
        default: source(inputs.sweep),
        metastability: source(inputs.metastability),
      },
      seeds: Array.from({ length: inputs.fixes.spec.replicates }, (_, r) => runAt(inputs.fixes.spec, r).seed),
      timelineSeed,
    },
    incident: inputs.incident,
    params,
    scenarios,
    scenarioOrder: order,
    titles: Object.fromEntries(order.map((id) => [id, findScenario(id)!.title])),
    derived: {
      windowHours: windowH,
      confidence: CONFIDENCE_LEVEL,
      threadRatio: ratio(s('outage', 'peakThreads'), s('baseline', 'peakThreads')),
      lostRequestsPct: s('outage', 'availability') === null ? null : 1 - s('outage', 'availability')!,
      oomPerHour: div(s('outage', 'oomKills'), windowH),
      minutesBetweenKills: (() => {
        const k = s('outage', 'oomKills');
        return k && k > 0 ? (windowH * 60) / k : null;
      })(),
      logPerDialError: ratio(s('outage', 'logLinesAttempted'), s('outage', 'dialErrors')),
      observedThreadRatio:
        inputs.incident.observed['threadsDuring']! / inputs.incident.observed['threadsBefore']!,
      firstExhaustionAfterTriggerSec:
        s('outage', 'firstPortExhaustionSec') === null
          ? null
          : s('outage', 'firstPortExhaustionSec')! - triggerSec,
      triggerSec,
    },
    costs: {
      // Idle connections the larger pool keeps per process, and their client buffers.
      poolIdleConns: poolFix,
      poolIdleBytes: poolFix * m.connBufferBytes,
      poolSlotsShare: poolFix / m.maxConns,
      // A big batch under SetLimit runs in waves of `limit` gets, each about one round trip plus service.
      limit,
      limitWaves: Math.ceil(outageParams.batchSize / limit),
      limitBatchSec: Math.ceil(outageParams.batchSize / limit) * (m.rttMedianSec + m.serviceSec),
      unboundedBatchSec: outageParams.batchSize / (m.threads / m.serviceSec),
      logLostFraction: logs?.logLinesAttempted.mean
        ? 1 - (logs.logLinesWritten.mean ?? 0) / logs.logLinesAttempted.mean
        : null,
      batchCap: findScenario('fix-batch-cap')!.overrides['workload.maxUrisPerRequest'] as number,
      rejectedShare: outageParams.workload.bigBatchFraction,
      getMultiBatchSec: outageParams.batchSize / m.getMultiKeysPerSec,
    },
    timelineEvents: eventsOf(runs, new Date(inputs.incident.triggerAt), triggerSec),
    metastability: metastabilityData(inputs.metastability),
    ...(() => {
      const observations = inputs.week.observations;
      const count = (v: string) => observations.filter((o) => o.verdict === v).length;
      return {
        observations,
        observationCounts: {
          total: observations.length,
          reproduced: count('reproduced'),
          notReproduced: count('not reproduced'),
        },
      };
    })(),
    week: weekFacts(inputs.week),
    detection: (() => {
      const rules: DetectionRules = {
        ...DEFAULT_DETECTION_RULES,
        normalBatchMax: outageParams.workload.normalBatchMax,
      };
      const results = detect(detectionRows, triggerSec, rules);
      return { rules: { ...rules }, results, bySetup: Object.fromEntries(results.map((r) => [r.setup, r])) };
    })(),
    sweep: {
      axes: Object.fromEntries(inputs.sweep.spec.axes.map((a) => [a.path, a.values.map(String)])),
      points,
      regimes,
      findings: {
        points: points.length,
        replicates: inputs.sweep.spec.replicates,
        windowHours: inputs.sweep.spec.durationSec / 3600,
        smallestBadBatchUnbounded: smallest(unbounded),
        largestStableBatchUnbounded: largestStable(unbounded),
        boundedPoints: bounded.length,
        boundedStable: bounded.filter((p) => p.regime === 'stable').length,
        unboundedPoints: unbounded.length,
        unboundedStable: unbounded.filter((p) => p.regime === 'stable').length,
        unboundedSpiral: unbounded.filter((p) => p.regime === 'spiral').length,
      },
    },
  };
}

function source(s: ReportInputs['fixes']): SweepSource {
  return {
    dir: s.dir,
    hash: s.spec.hash,
    origin: s.origin,
    runs: s.manifest.totalRuns,
    replicates: s.spec.replicates,
    durationSec: s.spec.durationSec,
  };
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

function div(a: number | null, b: number): number | null {
  return a === null ? null : a / b;
}

/** Timeline columns the report's charts use (checked against the contract at load). */
export const REPORT_TIMELINE_COLUMNS = [
  'timeWait',
  'portsInUse',
  'dialErr:addr-in-use',
  'threads',
  'rssBytesMax',
  'heapBytesMax',
  'gcPauseMaxMs',
  'userAvailability',
  'oomKills',
  'restarts',
  'reqErr:appview-posts',
  'reqErr:appview-users',
  'reqErr:appview-counts',
  'reqErr:new-internal',
  'reqOk:new-internal',
  'logAttempted',
] as const satisfies readonly (typeof TIMELINE_COLUMNS)[number][];

/** The outage at 1-second resolution, for the detection rules (same seed and window as the timelines). */
export function detectionRun(spec: SweepSpec, seed: number): TimelineRow[] {
  return collectRun('outage', {
    scenario: findScenario('outage')!,
    engine: spec.engine,
    durationSec: spec.durationSec,
    seed,
    resolutionSec: 1,
  }).rows;
}
