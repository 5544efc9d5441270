/**
 * scaled-outage replayed on the reference engine: one host with the Go lab's load (normal requests of
 * 1-50 URIs, one big batch per `batchEverySec`), its GOMAXPROCS, memcached threads and connection limit,
 * pool, timeout, the default port range, and the same fix. The model draws its own arrivals (Poisson at
 * the lab's mean rates), so counts are compared with the count tolerance.
 */
import type { Params } from '../model/params.js';
import type { Overrides } from '../model/resolve-params.js';
import { CLIENT } from '../model/workload.js';
import { runScenario } from '../run/run-scenario.js';
import { findScenario } from '../scenario/scenarios.js';
import { type GoSetting, OUTAGE_LOAD } from './go-experiments.js';
import { MEMCACHED_MAX_CONNS, MEMCACHED_THREADS } from './go-runner.js';

export interface OutageReplay {
  readonly peakThreads: number;
  readonly requestsOk: number;
  readonly requestsFailed: number;
  readonly peakTimeWait: number;
  readonly dials: number;
  readonly dialErrors: number;
}

/** The parameter overrides that describe the lab's host and load. */
export function outageOverrides(s: GoSetting, threadsBefore: number, p: Params): Overrides {
  const L = OUTAGE_LOAD;
  const flags = s.flags;
  return {
    'workload.postRatePerSec': L.normalRatePerSec,
    'workload.userRatePerSec': 0,
    'workload.countsRatePerSec': 0,
    'workload.newClientRatePerSec': 1 / L.batchEverySec,
    'workload.bigBatchFraction': 1,
    batchSize: L.batchSize,
    'workload.batchSizeJitter': 1 / 7,
    'workload.triggerStartSec': 0,
    'workload.upstreamDeadlineSec': L.deadlineSec,
    concurrencyLimit: flags.includes('-set-limit') ? L.setLimit : 'unbounded',
    poolSize: L.maxIdleConns,
    'kernel.localIpMode': flags.includes('random') ? 'random' : 'fixed',
    'runtime.gomaxprocs': s.gomaxprocs,
    'runtime.baseThreads': Math.max(1, threadsBefore),
    'memcached.threads': MEMCACHED_THREADS,
    'memcached.maxConns': MEMCACHED_MAX_CONNS,
    'memcached.hitRatio': L.hitRatio,
    'memcached.timeoutSec': 0.5,
    'scylla.latencyMedianSec': L.scyllaSec,
    'scylla.latencyP99OverMedian': 1,
    'logging.lineBytes': L.lineBytes,
    'logging.pipeBytesPerSec': 16 * 1024 * 1024,
    'upstream.retries': 0,
    // The lab process has no container limit and no GOMEMLIMIT.
    'runtime.memLimitBytes': 0,
    'runtime.baseLiveHeapBytes': 0,
    'process.memoryLimitBytes': Math.max(p.process.memoryLimitBytes, 64 * 1024 ** 3),
  };
}

export function replayScaledOutage(
  s: GoSetting,
  durationSec: number,
  threadsBefore: number,
  p: Params,
): OutageReplay {
  const scenario = findScenario('outage');
  if (!scenario) throw new Error('scenario outage is missing');
  let ok = 0;
  let failed = 0;
  let dials = 0;
  const summary = runScenario({
    scenario: { ...scenario, overrides: {} },
    engine: 'des',
    seed: 1,
    durationSec,
    overrides: outageOverrides(s, threadsBefore, p),
    onRow: (row) => {
      ok += Number(row[`reqOk:${CLIENT.posts}`]) || 0;
      failed += Number(row[`reqErr:${CLIENT.posts}`]) || 0;
      dials += Number(row['dials']) || 0;
    },
  }).summary;
  return {
    peakThreads: summary.peakThreads,
    requestsOk: ok,
    requestsFailed: failed,
    peakTimeWait: summary.peakTimeWait,
    dials,
    dialErrors: summary.dialErrors,
  };
}
