/**
 * What each fix costs, in the figures the counterfactuals table quotes: derived from the outage
 * scenario's parameters and the fixes' overrides, plus one measured figure (the share of error lines the
 * rate limit dropped).
 */
import { memcachedCapacityOpsPerSec, unloadedGetSec } from '../model/memcached.js';
import type { Params } from '../model/params.js';
import { findScenario } from '../scenario/scenarios.js';
import type { ScenarioStats } from './data.js';

export function fixCosts(
  outage: Params,
  scenarios: Readonly<Record<string, ScenarioStats>>,
): Record<string, number | null> {
  const m = outage.memcached;
  const limit = findScenario('fix-bounded-concurrency')!.overrides['concurrencyLimit'] as number;
  const poolFix = findScenario('fix-pool-size')!.overrides['poolSize'] as number;
  const logs = scenarios['fix-log-rate-limit'];
  return {
    // Idle connections the larger pool keeps per process, and their client buffers.
    poolIdleConns: poolFix,
    poolIdleBytes: poolFix * m.connBufferBytes,
    poolSlotsShare: poolFix / m.maxConns,
    // A big batch under SetLimit runs in waves of `limit` gets, each about one round trip plus service.
    limit,
    limitWaves: Math.ceil(outage.batchSize / limit),
    limitBatchSec: Math.ceil(outage.batchSize / limit) * unloadedGetSec(m),
    unboundedBatchSec: outage.batchSize / memcachedCapacityOpsPerSec(m),
    logLostFraction: logs?.logLinesAttempted.mean
      ? 1 - (logs.logLinesWritten.mean ?? 0) / logs.logLinesAttempted.mean
      : null,
    batchCap: findScenario('fix-batch-cap')!.overrides['workload.maxUrisPerRequest'] as number,
    rejectedShare: outage.workload.bigBatchFraction,
    getMultiBatchSec: outage.batchSize / m.getMultiKeysPerSec,
  };
}
