/**
 * scaled-outage replayed on the reference engine: one host with the Go lab's load (normal requests of
 * 1-50 URIs, one big batch per `batchEverySec`), its GOMAXPROCS, memcached threads and connection limit,
 * pool, timeout, the default port range, and the same fix. The big batches come at the lab's times
 * (`firstBatchSec`, then every `batchEverySec`), each of the lab driver's size (uniform within 1/7 of
 * `batchSize`, drawn per seed); the normal requests are Poisson at the lab's rate, so counts are compared
 * with the count tolerance.
 */
import type { Injection } from '../engine/host-run.js';
import type { Params } from '../model/params.js';
import type { Overrides } from '../model/resolve-params.js';
import { CLIENT } from '../model/workload.js';
import { createRng, hashSeed } from '../random/rng.js';
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
  /** System CPU: the kernel work the host's CPU served (core-seconds, cpu.ts). */
  readonly sysCpuSec: number;
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
    // The big batches are injected at the lab's times (labBatches).
    'workload.newClientRatePerSec': 0,
    batchSize: L.batchSize,
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

/**
 * The lab driver's big batches over a run of `durationSec`: at `firstBatchSec`, then every
 * `batchEverySec`, each of batchSize x (1 + u/7) URIs for u uniform in [-1, 1) (lab/go/src/getpostrecords,
 * experiments.go), u drawn from the seed.
 */
export function labBatches(durationSec: number, seed: number): Injection[] {
  const L = OUTAGE_LOAD;
  const rng = createRng(hashSeed('lab-batches', seed));
  const out: Injection[] = [];
  for (let t = L.firstBatchSec; t < durationSec; t += L.batchEverySec) {
    out.push({
      atSec: t,
      client: CLIENT.newClient,
      uris: Math.floor(L.batchSize * (1 + (rng.next() * 2 - 1) / 7)),
    });
  }
  return out;
}

/** Seeds the model is run on; its figures are their means (normal arrivals and batch sizes differ per seed). */
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
    sysCpuSec: 0,
    bigBatches: 0,
  };
  for (const seed of OUTAGE_REPLAY_SEEDS) {
    const summary = runScenario({
      scenario: { ...scenario, overrides: {} },
      engine: 'des',
      seed,
      durationSec,
      overrides: outageOverrides(s, threadsBefore, p, cores),
      injections: labBatches(durationSec, seed),
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
    sum.sysCpuSec += summary.cpuKernelSec;
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
    sysCpuSec: mean(sum.sysCpuSec),
    bigBatches: mean(sum.bigBatches),
  };
}
