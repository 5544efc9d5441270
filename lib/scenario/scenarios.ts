/**
 * Named scenarios: data, not code. Each is a set of parameter overrides on the defaults (one host of the
 * affected data center) plus a default duration. Scenario files (JSON) have the same shape.
 */
import type { Deploy } from '../model/deploys.js';
import type { Overrides } from '../model/resolve-params.js';
import { INCIDENT_WEEK } from './calendar.js';

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
  /** Configuration changes during the run, in time order (model/deploys.ts). */
  readonly deploys?: readonly Deploy[];
}

/** The outage's trigger: the new client from 30 s on (shared by the outage and every fix). */
const OUTAGE_OVERRIDES: Overrides = { 'workload.triggerStartSec': 30 };

interface FixDef {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly overrides: Overrides;
}

/**
 * Each fix of the post-mortem's list, alone, on the outage scenario (same trigger, same duration): the
 * comparison the report makes. Values are the fix as one would deploy it; sweeps explore the rest.
 */
export const FIXES: readonly FixDef[] = [
  {
    id: 'fix-bounded-concurrency',
    title: 'Fix: bounded concurrency (errgroup SetLimit 50)',
    description: 'The root-cause fix: GetPostRecord runs at most 50 URI goroutines per request.',
    overrides: { concurrencyLimit: 50 },
  },
  {
    id: 'fix-random-local-ip',
    title: 'Fix: a random local IP per dial (the band-aid)',
    description:
      'Each memcached dial binds a random address of 127.0.0.0/8-sized space, so (local IP, port) tuples no longer run out.',
    overrides: { 'kernel.localIpMode': 'random' },
  },
  {
    id: 'fix-bind-no-port',
    title: 'Fix: IP_BIND_ADDRESS_NO_PORT',
    description:
      'bind() defers the port choice to connect(), which may share a port across destinations and reuse TIME_WAIT.',
    overrides: { 'kernel.dialMode': 'bind-no-port' },
  },
  {
    id: 'fix-pool-size',
    title: 'Fix: a larger idle pool (MaxIdleConns 20,000)',
    description:
      'The pool keeps enough idle connections for a whole big batch, so none is closed into TIME_WAIT.',
    overrides: { poolSize: 20_000 },
  },
  {
    id: 'fix-log-rate-limit',
    title: 'Fix: rate-limited error logs (100 lines/s)',
    description:
      'Cache errors are logged at most 100 lines/s per process; the rest are dropped before formatting.',
    overrides: { logRate: 100 },
  },
  {
    id: 'fix-batch-cap',
    title: 'Fix: a batch-size cap at the API (1,000 URIs)',
    description: 'GetPostRecord rejects requests of more than 1,000 URIs before doing any work.',
    overrides: { 'workload.maxUrisPerRequest': 1000 },
  },
  {
    id: 'fix-getmulti',
    title: 'Fix: GetMulti batching',
    description:
      'A request fetches its URIs with one multi-get on one connection instead of one get per URI.',
    overrides: { 'memcached.getMulti': true },
  },
  {
    id: 'fix-memory-limits',
    title: 'Fix: saner GOGC / GOMEMLIMIT',
    description:
      'GOGC 100 and GOMEMLIMIT at 80% of the 4 GiB container limit (3.2 GiB), leaving room for spikes.',
    overrides: { 'runtime.gogcPercent': 100, 'runtime.memLimitBytes': 3.2 * 1024 ** 3 },
  },
  {
    id: 'fix-tw-reuse',
    title: 'Fix: connect() without a fixed local address, tcp_tw_reuse=1',
    description:
      'Dials let connect() pick the port, and the kernel reuses TIME_WAIT tuples for outgoing connections.',
    overrides: { 'kernel.dialMode': 'connect', 'kernel.twReuse': 1 },
  },
  {
    id: 'fix-so-linger',
    title: 'Fix: SO_LINGER 0 on close',
    description: 'Closing a connection sends RST and skips TIME_WAIT altogether.',
    overrides: { 'kernel.soLingerZero': true },
  },
];

/** The outage on the incident's calendar (Friday to Wednesday), with the weekly load shape. */
const WEEK_OVERRIDES: Overrides = {
  'load.calendarStartUtcSec': INCIDENT_WEEK.startUtcSec,
  'workload.triggerStartSec': INCIDENT_WEEK.triggerSec,
};

/** The week-long scenarios: the outage left alone, and the fixes as they were deployed. */
export const WEEK_SCENARIOS: readonly Scenario[] = [
  {
    id: 'outage-week',
    title: 'The outage week, left alone (Friday 2026-04-03 to Wednesday 04-08)',
    description:
      'One host of the affected data center on the real calendar: the new client from Friday 22:16 UTC, weekend and Monday load, no fix deployed.',
    durationSec: INCIDENT_WEEK.durationSec,
    overrides: WEEK_OVERRIDES,
  },
  {
    id: 'as-deployed',
    title: 'The outage week as it happened: band-aid Monday, SetLimit Wednesday, band-aid removed',
    description:
      'outage-week with the deploys: a random local IP per dial on Monday, errgroup SetLimit(50) on Wednesday, then the band-aid rolled back.',
    durationSec: INCIDENT_WEEK.durationSec,
    overrides: WEEK_OVERRIDES,
    deploys: [
      { atSec: INCIDENT_WEEK.bandAidSec, label: 'band-aid', overrides: { 'kernel.localIpMode': 'random' } },
      { atSec: INCIDENT_WEEK.setLimitSec, label: 'set-limit', overrides: { concurrencyLimit: 50 } },
      {
        atSec: INCIDENT_WEEK.bandAidRemovedSec,
        label: 'band-aid-removed',
        overrides: { 'kernel.localIpMode': 'fixed' },
      },
    ],
  },
];

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
    overrides: OUTAGE_OVERRIDES,
  },
  {
    id: 'outage-trigger-stops',
    title: 'Outage, then the new client stops',
    description:
      'The outage scenario with the new client stopped after 30 minutes: does the host recover on its own (recoverySec)?',
    durationSec: 3600,
    overrides: { ...OUTAGE_OVERRIDES, 'workload.triggerStopSec': 1800 },
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
  ...FIXES.map((f) => ({ ...f, durationSec: 900, overrides: { ...OUTAGE_OVERRIDES, ...f.overrides } })),
  ...WEEK_SCENARIOS,
];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
