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
  /** Big batches finished (ok or failed) within the run. */
  readonly bigBatches: number;
}

/** The parameter overrides that describe the lab's host (its `cores`) and load. */
export function outageOverrides(s: GoSetting, threadsBefore: number, p: Params, cores: number): Overrides {
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
    'host.cores': cores,
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

/** Seeds the model is run on; its figures are their means (the lab's batch count is fixed, the model's is Poisson). */
export const OUTAGE_REPLAY_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

export function replayScaledOutage(
  s: GoSetting,
  durationSec: number,
  threadsBefore: number,
  p: Params,
  cores: number,
): OutageReplay {
  const scenario = findScenario('outage');
  if (!scenario) throw new Error('scenario outage is missing');
  const sum = {
    peakThreads: 0,
    requestsOk: 0,
    requestsFailed: 0,
    peakTimeWait: 0,
    dials: 0,
    dialErrors: 0,
    bigBatches: 0,
  };
  for (const seed of OUTAGE_REPLAY_SEEDS) {
    const summary = runScenario({
      scenario: { ...scenario, overrides: {} },
      engine: 'des',
      seed,
      durationSec,
      overrides: outageOverrides(s, threadsBefore, p, cores),
      onRow: (row) => {
        sum.requestsOk += row[`reqOk:${CLIENT.posts}`];
        sum.requestsFailed += row[`reqErr:${CLIENT.posts}`];
        sum.dials += row.dials;
        sum.bigBatches += row[`reqOk:${CLIENT.newClient}`] + row[`reqErr:${CLIENT.newClient}`];
      },
    }).summary;
    sum.peakThreads += summary.peakThreads;
    sum.peakTimeWait += summary.peakTimeWait;
    sum.dialErrors += summary.dialErrors;
  }
  const n = OUTAGE_REPLAY_SEEDS.length;
  const mean = (x: number) => Math.round((x / n) * 10) / 10;
  return {
    peakThreads: mean(sum.peakThreads),
    requestsOk: mean(sum.requestsOk),
    requestsFailed: mean(sum.requestsFailed),
    peakTimeWait: mean(sum.peakTimeWait),
    dials: mean(sum.dials),
    dialErrors: mean(sum.dialErrors),
    bigBatches: mean(sum.bigBatches),
  };
}
