/**
 * Agreement of the aggregate engine with the reference engine on a validation set: scenario points that
 * span the four axes, baseline, outage and fixes, and points on both sides of the exhaustion threshold.
 * Both engines run the same points with the same seeds; seeds differ in their random draws between
 * engines, so the comparison is of means over seeds: a metric agrees when the means differ by at most
 * 5% of the reference mean, or by the metric's absolute floor (for values near zero), or by twice the
 * standard error of the difference (run-to-run noise that more seeds would shrink).
 */
import { mean, standardDeviation } from '../metrics/stats.js';
import type { Overrides } from '../model/resolve-params.js';
import type { RunSummary } from '../run/run-scenario.js';
import { runScenario } from '../run/run-scenario.js';
import { findScenario } from '../scenario/scenarios.js';

export interface ValidationPoint {
  readonly id: string;
  readonly scenario: string;
  readonly overrides: Overrides;
}

export const VALIDATION_POINTS: readonly ValidationPoint[] = [
  { id: 'baseline', scenario: 'baseline', overrides: {} },
  { id: 'outage', scenario: 'outage', overrides: {} },
  { id: 'limit-50', scenario: 'outage', overrides: { concurrencyLimit: 50 } },
  { id: 'limit-2000', scenario: 'outage', overrides: { concurrencyLimit: 2000 } },
  { id: 'pool-100', scenario: 'outage', overrides: { poolSize: 100 } },
  { id: 'pool-5000', scenario: 'outage', overrides: { poolSize: 5000 } },
  { id: 'lograte-1000', scenario: 'outage', overrides: { logRate: 1000 } },
  { id: 'batch-5000', scenario: 'outage', overrides: { batchSize: 5000 } },
  { id: 'batch-10000', scenario: 'outage', overrides: { batchSize: 10_000 } },
  { id: 'random-ip', scenario: 'outage', overrides: { 'kernel.localIpMode': 'random' } },
  { id: 'connect-twreuse', scenario: 'outage', overrides: { 'kernel.dialMode': 'connect' } },
  { id: 'so-linger-0', scenario: 'outage', overrides: { 'kernel.soLingerZero': true } },
  { id: 'getmulti', scenario: 'outage', overrides: { 'memcached.getMulti': true } },
];

export const VALIDATED_METRICS = [
  'peakTimeWait',
  'dialErrors',
  'firstPortExhaustionSec',
  'peakThreads',
  'oomKills',
  'availability',
  'p99LatencyMs',
] as const;
export type ValidatedMetric = (typeof VALIDATED_METRICS)[number];

/** Relative tolerance, and the absolute floor per metric for values near zero. */
export const TOLERANCE = {
  relative: 0.05,
  absolute: {
    peakTimeWait: 50,
    dialErrors: 500,
    firstPortExhaustionSec: 5,
    peakThreads: 5,
    oomKills: 0.5,
    availability: 0.002,
    p99LatencyMs: 0.1,
  } satisfies Record<ValidatedMetric, number>,
} as const;

export interface MetricAgreement {
  readonly metric: ValidatedMetric;
  readonly des: number | null;
  readonly fast: number | null;
  /** (fast - des) / des, or null when des is 0 or missing. */
  readonly relDiff: number | null;
  readonly stdErr: number;
  readonly within: boolean;
}

export interface PointAgreement {
  readonly point: string;
  readonly seeds: number;
  readonly metrics: readonly MetricAgreement[];
}

/** null values (e.g. never exhausted) are taken as the run's duration for firstPortExhaustionSec. */
function value(s: RunSummary, metric: ValidatedMetric): number {
  const v = s[metric];
  if (v === null) return metric === 'firstPortExhaustionSec' ? s.durationSec : 0;
  return v;
}

export function agreement(
  des: readonly RunSummary[],
  fast: readonly RunSummary[],
  metric: ValidatedMetric,
): MetricAgreement {
  const a = des.map((s) => value(s, metric));
  const b = fast.map((s) => value(s, metric));
  const ma = mean(a);
  const mb = mean(b);
  const se = Math.sqrt(
    (a.length > 1 ? standardDeviation(a) ** 2 / a.length : 0) +
      (b.length > 1 ? standardDeviation(b) ** 2 / b.length : 0),
  );
  const diff = Math.abs(mb - ma);
  const within = diff <= Math.max(TOLERANCE.relative * Math.abs(ma), TOLERANCE.absolute[metric], 2 * se);
  return {
    metric,
    des: ma,
    fast: mb,
    relDiff: ma !== 0 ? (mb - ma) / Math.abs(ma) : null,
    stdErr: se,
    within,
  };
}

export function runPoint(
  point: ValidationPoint,
  engine: 'des' | 'fast',
  seed: number,
  durationSec: number,
): RunSummary {
  const scenario = findScenario(point.scenario);
  if (!scenario) throw new Error(`validation point ${point.id}: unknown scenario ${point.scenario}`);
  return runScenario({ scenario, engine, seed, durationSec, overrides: point.overrides }).summary;
}

export function comparePoint(
  point: ValidationPoint,
  seeds: readonly number[],
  durationSec: number,
): PointAgreement {
  const des = seeds.map((s) => runPoint(point, 'des', s, durationSec));
  const fast = seeds.map((s) => runPoint(point, 'fast', s, durationSec));
  return {
    point: point.id,
    seeds: seeds.length,
    metrics: VALIDATED_METRICS.map((m) => agreement(des, fast, m)),
  };
}
