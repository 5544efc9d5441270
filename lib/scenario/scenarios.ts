/**
 * Named scenarios: data, not code. Each is a set of parameter overrides on the defaults (one host of the
 * affected data center) plus a default duration. Scenario files (JSON) have the same shape.
 */
import type { Overrides } from '../model/resolve-params.js';

export const SCENARIO_ID = {
  baseline: 'baseline',
  outage: 'outage',
  tiny: 'tiny-exhaustion',
} as const;
export type ScenarioId = (typeof SCENARIO_ID)[keyof typeof SCENARIO_ID];

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly durationSec: number;
  /** Overrides by dotted path, applied on the defaults. */
  readonly overrides: Overrides;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: SCENARIO_ID.baseline,
    title: 'Baseline: the week before',
    description:
      'One data-plane host with normal traffic only (batches of 1-50 URIs); the new client is not deployed.',
    durationSec: 600,
    overrides: { 'workload.newClientRatePerSec': 0 },
  },
  {
    id: SCENARIO_ID.outage,
    title: 'Outage: the new client on an unbounded GetPostRecord',
    description:
      'One host of the affected data center: normal traffic plus the new client (big batches of ~17,500 URIs, no concurrency limit), from 30 s on.',
    durationSec: 900,
    overrides: { 'workload.triggerStartSec': 30 },
  },
  {
    id: SCENARIO_ID.tiny,
    title: 'Tiny: exhaustion by hand',
    description:
      'A scaled-down host for tests and by-hand checks: 200 ports, light traffic, one big batch of 300 URIs every ~5 s.',
    durationSec: 120,
    overrides: {
      batchSize: 300,
      poolSize: 20,
      'kernel.portRangeLow': 40_000,
      'kernel.portRangeHigh': 40_199,
      'workload.postRatePerSec': 20,
      'workload.userRatePerSec': 50,
      'workload.countsRatePerSec': 50,
      'workload.newClientRatePerSec': 0.2,
      'workload.bigBatchFraction': 1,
      'workload.batchSizeJitter': 0,
      'workload.triggerStartSec': 10,
      'runtime.baseLiveHeapBytes': 200 * 1024 ** 2,
      'runtime.memLimitBytes': 400 * 1024 ** 2,
      'process.memoryLimitBytes': 512 * 1024 ** 2,
    },
  },
];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
