/**
 * Scylla as the data plane sees it on a cache miss: a read whose latency is log-normal by its median and
 * p99/median (MODEL.md section 1: memcached get, then Scylla on a miss), at most `maxInFlight` at once.
 */
import { logNormalByMedian } from '../random/distributions.js';
import type { Rng } from '../random/rng.js';
import type { Params } from './params.js';

/** One read from Scylla. */
export function drawScyllaReadSec(rng: Rng, s: Params['scylla']): number {
  return logNormalByMedian(rng, s.latencyMedianSec, s.latencyP99OverMedian);
}
