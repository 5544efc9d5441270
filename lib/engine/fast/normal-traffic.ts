/**
 * What the aggregate engine needs to know of normal traffic without simulating each request, derived
 * from the same parameters and distributions as the reference engine:
 * - latency templates: the distribution of a request's latency on a healthy host (per client), by Monte
 *   Carlo over the model's own draws (round trips, server work, misses to Scylla and the set after);
 * - the pool's working set: how many connections normal traffic keeps open.
 */
import { exponential, logNormalByMedian, uniformInt } from '../../engine/distributions.js';
import type { Rng } from '../../engine/rng.js';
import { LatencyHistogram } from '../../metrics/latency-histogram.js';
import { FifoServers } from '../../model/fifo-servers.js';
import type { Params } from '../../model/params.js';
import { type ClientSpec, ENDPOINT } from '../../model/workload.js';

/** Requests drawn per template: enough for ~2% precision at p99; batches cost one draw set per URI. */
const TEMPLATE_SAMPLES = 20_000;
const TEMPLATE_URIS = 200_000;

function opSec(p: Params, rng: Rng): number {
  const m = p.memcached;
  return logNormalByMedian(rng, m.rttMedianSec, m.rttP99OverMedian) + exponential(rng, 1 / m.serviceSec);
}

/**
 * A request of `uris` gets issued together: they queue at memcached's threads (FIFO), as in the reference
 * engine; a miss adds Scylla and then a set.
 */
function requestSec(p: Params, uris: number, rng: Rng): number {
  const m = p.memcached;
  const server = new FifoServers(m.threads);
  let latency = 0;
  for (let u = 0; u < uris; u++) {
    const rtt = logNormalByMedian(rng, m.rttMedianSec, m.rttP99OverMedian);
    let t = server.admit(rtt / 2, exponential(rng, 1 / m.serviceSec)) + rtt / 2;
    if (rng.next() >= m.hitRatio) {
      t += logNormalByMedian(rng, p.scylla.latencyMedianSec, p.scylla.latencyP99OverMedian) + opSec(p, rng);
    }
    latency = Math.max(latency, t);
  }
  return latency;
}

export function latencyTemplate(p: Params, client: ClientSpec, rng: Rng): LatencyHistogram {
  const h = new LatencyHistogram();
  const meanUris =
    client.endpoint === ENDPOINT.getPostRecord
      ? (p.workload.normalBatchMin + p.workload.normalBatchMax) / 2
      : 1;
  const samples = Math.max(4000, Math.min(TEMPLATE_SAMPLES, Math.floor(TEMPLATE_URIS / meanUris)));
  for (let i = 0; i < samples; i++) {
    const uris =
      client.endpoint === ENDPOINT.getPostRecord
        ? uniformInt(rng, p.workload.normalBatchMin, p.workload.normalBatchMax)
        : 1;
    h.record(requestSec(p, uris, rng));
  }
  return h;
}

export interface WorkingSet {
  /** Mean memcached ops in flight (Little's law). */
  readonly meanInFlight: number;
  /** Connections a warm pool holds for normal traffic (capped by poolSize). */
  readonly conns: number;
}

/**
 * Little's law gives the mean ops in flight; the pool grows to the peak, which a batch of up to
 * normalBatchMax URIs on top of the background sets: mean + the largest batch + 4 standard deviations.
 */
export function workingSetConns(p: Params): WorkingSet {
  const w = p.workload;
  const opSecMean = p.memcached.rttMedianSec + p.memcached.serviceSec;
  const postOps = w.postRatePerSec * ((w.normalBatchMin + w.normalBatchMax) / 2);
  const opsPerSec = (postOps + w.userRatePerSec + w.countsRatePerSec) * (1 + (1 - p.memcached.hitRatio));
  const meanInFlight = opsPerSec * opSecMean;
  const conns = Math.min(
    p.poolSize,
    Math.ceil(meanInFlight + w.normalBatchMax + 4 * Math.sqrt(meanInFlight + 1)),
  );
  return { meanInFlight, conns };
}
