/**
 * What the aggregate engine needs to know of normal traffic without simulating each request, derived
 * from the same parameters and distributions as the reference engine:
 * - latency templates: the distribution of a request's latency on a healthy host (per client), by Monte
 *   Carlo over the model's own draws (round trips, server work, misses to Scylla and the set after);
 * - the pool's working set: how many connections normal traffic keeps open.
 */
import { LatencyHistogram } from '../../metrics/latency-histogram.js';
import { FifoServers } from '../../model/fifo-servers.js';
import { drawGetWorkSec, drawRttSec, drawUnqueuedGetSec, replySec } from '../../model/memcached.js';
import type { Params } from '../../model/params.js';
import { drawScyllaReadSec } from '../../model/scylla.js';
import { type ClientSpec, ENDPOINT } from '../../model/workload.js';
import { exponential, uniformInt } from '../../random/distributions.js';
import { createRng, hashSeed, type Rng } from '../../random/rng.js';

/** Requests drawn per template: enough for ~2% precision at p99; batches cost one draw set per URI. */
const TEMPLATE_SAMPLES = 12_000;
const TEMPLATE_URIS = 120_000;

/**
 * A request of `uris` gets issued together: they queue at memcached's threads (FIFO), as in the reference
 * engine; a miss adds Scylla and then a set.
 */
function requestSec(p: Params, uris: number, rng: Rng): number {
  const m = p.memcached;
  const server = new FifoServers(m.threads);
  let latency = 0;
  for (let u = 0; u < uris; u++) {
    const rtt = drawRttSec(rng, m);
    let t = replySec(server, 0, rtt, drawGetWorkSec(rng, m));
    if (rng.next() >= m.hitRatio) t += drawScyllaReadSec(rng, p.scylla) + drawUnqueuedGetSec(rng, m);
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

export interface PoolChurn {
  /** Mean memcached ops in flight. */
  readonly meanInFlight: number;
  /** Most connections normal traffic had open at once (the pool's working set, before the cap). */
  readonly peakConns: number;
  /** Dials per second a warm pool of `poolSize` still makes at concurrency peaks above it: each such
   * connection is closed on release (the pool is full), into TIME_WAIT. */
  readonly churnDialsPerSec: number;
}

/**
 * Normal traffic against a warm pool, op by op, for a short window: the same arrivals, batch sizes,
 * round trips, server queue and miss path as the reference engine. It measures what the aggregate
 * engine cannot see in counts: how many connections the traffic needs at its peaks and, when the pool
 * keeps fewer idle, how many dials (and closes into TIME_WAIT) that churn costs per second.
 */
export function simulateNormalPool(
  p: Params,
  clients: readonly ClientSpec[],
  rng: Rng,
  windowSec = 3,
): PoolChurn {
  const m = p.memcached;
  const server = new FifoServers(m.threads);
  // Each client's arrivals are already in time order; merge them so the server admits ops in order.
  const streams = clients
    .filter((c) => c.userFacing && c.ratePerSec > 0)
    .map((c) => {
      const times: number[] = [];
      const uris: number[] = [];
      for (let t = exponential(rng, c.ratePerSec); t < windowSec; t += exponential(rng, c.ratePerSec)) {
        times.push(t);
        uris.push(
          c.endpoint === ENDPOINT.getPostRecord
            ? uniformInt(rng, p.workload.normalBatchMin, p.workload.normalBatchMax)
            : 1,
        );
      }
      return { times, uris, next: 0 };
    });
  const starts: number[] = [];
  const ends: number[] = [];
  for (;;) {
    let pick = -1;
    for (let k = 0; k < streams.length; k++) {
      const s = streams[k]!;
      if (
        s.next < s.times.length &&
        (pick < 0 || s.times[s.next]! < streams[pick]!.times[streams[pick]!.next]!)
      )
        pick = k;
    }
    if (pick < 0) break;
    const s = streams[pick]!;
    const t = s.times[s.next]!;
    const uris = s.uris[s.next++]!;
    for (let u = 0; u < uris; u++) {
      const rtt = drawRttSec(rng, m);
      const end = replySec(server, t, rtt, drawGetWorkSec(rng, m));
      starts.push(t);
      ends.push(end);
      if (rng.next() >= m.hitRatio) {
        const setStart = end + drawScyllaReadSec(rng, p.scylla);
        starts.push(setStart);
        ends.push(setStart + drawUnqueuedGetSec(rng, m));
      }
    }
  }
  // Sweep the op intervals in time order with a gomemcache pool: take idle or dial; give back or close.
  // Which op starts or ends does not matter to the pool, only the order: merge sorted starts and ends.
  const st = Float64Array.from(starts).sort();
  const en = Float64Array.from(ends).sort();
  const warmup = Math.min(1, windowSec / 5);
  let inFlight = 0;
  let peak = 0;
  let idle = 0;
  let closes = 0;
  let area = 0;
  let last = 0;
  let i = 0;
  let j = 0;
  while (i < st.length || j < en.length) {
    const isStart = i < st.length && (j >= en.length || st[i]! <= en[j]!);
    const t = isStart ? st[i++]! : en[j++]!;
    area += inFlight * (t - last);
    last = t;
    if (isStart) {
      inFlight++;
      if (inFlight > peak) peak = inFlight;
      if (idle > 0) idle--;
    } else {
      inFlight--;
      if (idle < p.poolSize) idle++;
      else if (t >= warmup) closes++;
    }
  }
  return {
    meanInFlight: last > 0 ? area / last : 0,
    peakConns: peak,
    churnDialsPerSec: closes / Math.max(1e-9, windowSec - warmup),
  };
}

/** The short window of `simulateNormalPool`, and the long one taken when the pool is near the peaks. */
const CHURN_SHORT_WINDOW_SEC = 3;
export const CHURN_WINDOW_SEC = 30;

/**
 * The pool's working set and churn. A short window finds the peaks; when the pool keeps fewer than twice
 * the short window's peak idle, the churn comes from rare peaks above it, which a few seconds sample
 * poorly (pool 100 at the outage's rates, three seeds of the pass: 0, 19 and 21 dials/s from 3 s
 * windows, 12, 17 and 12 from 30 s ones; the reference engine makes 15-19 per second), so it is measured
 * over the long window instead.
 */
export function normalPoolChurn(p: Params, clients: readonly ClientSpec[]): PoolChurn {
  const short = simulateNormalPool(p, clients, createRng(hashSeed('pool-churn')), CHURN_SHORT_WINDOW_SEC);
  if (p.poolSize >= 2 * short.peakConns) return short;
  return simulateNormalPool(p, clients, createRng(hashSeed('pool-churn')), CHURN_WINDOW_SEC);
}

export interface NormalTrafficProfile {
  /** Healthy latency per client (in the clients' order). Shared: read, never modify. */
  readonly templates: readonly LatencyHistogram[];
  readonly pool: PoolChurn;
}

const profiles = new Map<string, NormalTrafficProfile>();
const MAX_PROFILES = 32;

/**
 * The latency templates and the pool's working set for these parameters. Both are numerical integrals
 * (Monte Carlo over the model's draws), not random events of a run: they use fixed seeds, so their small
 * sampling error is the same in every run (it does not pose as variance between replicates), and runs
 * that share the parameters they depend on (memcached, Scylla, normal workload, pool size: most points
 * of a sweep) share the work. A pure function of its inputs; the cache only saves time.
 */
export function normalTrafficProfile(p: Params, clients: readonly ClientSpec[]): NormalTrafficProfile {
  const key = JSON.stringify([p.memcached, p.scylla, p.workload, p.poolSize, clients]);
  const cached = profiles.get(key);
  if (cached) return cached;
  const templateRng = createRng(hashSeed('latency-template'));
  const profile: NormalTrafficProfile = {
    templates: clients.map((c) => latencyTemplate(p, c, templateRng)),
    pool: normalPoolChurn(p, clients),
  };
  if (profiles.size >= MAX_PROFILES) profiles.delete(profiles.keys().next().value!);
  profiles.set(key, profile);
  return profile;
}
