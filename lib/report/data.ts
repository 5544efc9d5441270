/**
 * The report's data: everything its prose, tables and charts show, as a pure function of the report's
 * inputs (inputs.ts gathers them: sweeps, the week, timeline runs). JSON-serialisable; the page embeds
 * it, and a test checks every number of the prose against it.
 */
import {
  DEFAULT_DETECTION_RULES,
  type DetectionResult,
  type DetectionRules,
  detect,
} from '../analysis/detection.js';
import type { CollectedRun } from '../analysis/runs.js';
import { ABLATION_START_ISO } from '../calibration/ablation.js';
import type { WeekObservation } from '../calibration/week.js';
import type { TimelineColumn } from '../metrics/timeline.js';
import type { Params } from '../model/params.js';
import { resolveRunParams } from '../run/run-scenario.js';
import { findScenario } from '../scenario/scenarios.js';
import {
  CONFIDENCE_LEVEL,
  type SummaryStats,
  type SweepMetric,
  summarizeResults,
} from '../sweep/aggregate.js';
import { runAt } from '../sweep/grid.js';
import { MODEL_FINGERPRINT, PACKAGE_VERSION } from '../version.js';
import type { AblationData } from './ablation.js';
import { fixCosts } from './costs.js';
import type { IncidentFacts, ReportInputs, SweepInput } from './inputs.js';
import { type MetastabilityData, metastabilityData } from './metastability.js';
import {
  type SeedsReportData,
  type SensitivityReportData,
  seedsReportData,
  sensitivityReportData,
} from './sensitivity-facts.js';
import { type Regime, type SweepPointRow, sweepFindings, sweepPoints } from './sweep-points.js';
import { type WeekReportData, weekFacts } from './week-facts.js';

export type { IncidentFacts, ReportInputs } from './inputs.js';
export { classifyPoint, type Regime, type SweepPointRow } from './sweep-points.js';

export type Stats = Omit<SummaryStats, 'metric'>;
export type ScenarioStats = Record<SweepMetric, Stats>;

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
  readonly metastability: MetastabilityData;
  readonly observations: readonly WeekObservation[];
  readonly week: WeekReportData;
  /** DC A's Monday without a fix, every mechanism on and each switched off in turn (ablation.ts). */
  readonly ablation: Omit<AblationData, 'key'> & { readonly startUtc: string; readonly endUtc: string };
  /** Every check over five seeds, and DC A's Monday at the ends of each assumption's range. */
  readonly seeds: SeedsReportData;
  readonly sensitivity: SensitivityReportData;
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

/** Statistics per scenario (and metric) from a sweep over scenarios. */
export function scenarioStats(results: SweepInput['results']): Record<string, ScenarioStats> {
  const summary = summarizeResults(results.columns, results.rows);
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

function eventsOf(runs: readonly CollectedRun[], triggerAt: Date, triggerSec: number): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  const at = (tSec: number) =>
    `${new Date(triggerAt.getTime() + (tSec - triggerSec) * 1000).toISOString().slice(0, 19)}Z`;
  for (const run of runs) {
    let firstDialError = false;
    for (const row of run.rows) {
      const t = row.tSec;
      const dialErrors = row['dialErr:addr-in-use'] + row['dialErr:addr-not-avail'];
      if (!firstDialError && dialErrors > 0) {
        firstDialError = true;
        out.push({ run: run.label, tSec: t, at: at(t), event: 'first dial error' });
      }
      for (const e of row.events.split(';').filter(Boolean)) {
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

export function buildReportData(inputs: ReportInputs): ReportData {
  const scenarios = scenarioStats(inputs.fixes.results);
  const order = inputs.fixes.spec.axes.find((a) => a.path === 'scenario')!.values.map(String);
  const outageParams = resolveRunParams(findScenario('outage')!);
  const params = paramsFacts(outageParams);
  const s = (id: string, m: SweepMetric) => scenarios[id]?.[m]?.mean ?? null;
  const points = sweepPoints(inputs.sweep.results);
  const { regimes, findings } = sweepFindings(points);
  const triggerSec = outageParams.workload.triggerStartSec;
  const timelineSeed = runAt(inputs.fixes.spec, 0).seed;
  const windowH = inputs.fixes.spec.durationSec / 3600;
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
    costs: fixCosts(outageParams, scenarios),
    timelineEvents: eventsOf(inputs.runs, new Date(inputs.incident.triggerAt), triggerSec),
    metastability: metastabilityData(inputs.metastability, outageParams),
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
    ablation: (({ key: _key, ...rest }) => {
      const startSec = Date.parse(ABLATION_START_ISO) / 1000;
      const utc = (sec: number) =>
        new Date(sec * 1000).toISOString().replace(':00.000Z', ' UTC').replace('T', ' ');
      return { ...rest, startUtc: utc(startSec), endUtc: utc(startSec + rest.durationSec) };
    })(inputs.ablation),
    seeds: seedsReportData(inputs.seeds),
    sensitivity: sensitivityReportData(inputs.sensitivity),
    detection: (() => {
      const rules: DetectionRules = {
        ...DEFAULT_DETECTION_RULES,
        normalBatchMax: outageParams.workload.normalBatchMax,
      };
      const results = detect(inputs.detectionRows, triggerSec, rules);
      return { rules: { ...rules }, results, bySetup: Object.fromEntries(results.map((r) => [r.setup, r])) };
    })(),
    sweep: {
      axes: Object.fromEntries(inputs.sweep.spec.axes.map((a) => [a.path, a.values.map(String)])),
      points,
      regimes,
      findings: {
        ...findings,
        replicates: inputs.sweep.spec.replicates,
        windowHours: inputs.sweep.spec.durationSec / 3600,
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
] as const satisfies readonly TimelineColumn[];
