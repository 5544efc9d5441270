/**
 * Who calls one data-plane host, how often, and with how many URIs. Every caller shares the one memcached
 * client, hence the one connection pool and the one port space (post-mortem: errors came from "all cache
 * types", not only posts).
 *
 * - appview-posts: normal GetPostRecord, batches uniform in [normalBatchMin, normalBatchMax] (1-50);
 * - appview-users, appview-counts: endpoints reading the user and interaction-counts caches, one key each;
 * - new-internal: the client deployed the week before, active between the trigger's start and stop; a
 *   fraction of its requests are big batches of ~batchSize URIs, the rest normal-sized.
 * Arrivals are Poisson processes (independent users behind the AppView).
 */
import { uniformInt } from '../random/distributions.js';
import type { Rng } from '../random/rng.js';
import type { Params } from './params.js';

export const CACHE = { post: 'post', user: 'user', counts: 'counts' } as const;
export type CacheType = (typeof CACHE)[keyof typeof CACHE];
export const CACHE_TYPES: readonly CacheType[] = Object.values(CACHE);

export const CLIENT = {
  posts: 'appview-posts',
  users: 'appview-users',
  counts: 'appview-counts',
  newClient: 'new-internal',
} as const;
export type ClientId = (typeof CLIENT)[keyof typeof CLIENT];
export const CLIENT_IDS: readonly ClientId[] = Object.values(CLIENT);

export const ENDPOINT = {
  getPostRecord: 'GetPostRecord',
  getUser: 'GetUser',
  getCounts: 'GetCounts',
} as const;
export type Endpoint = (typeof ENDPOINT)[keyof typeof ENDPOINT];

export interface ClientSpec {
  readonly id: ClientId;
  readonly endpoint: Endpoint;
  readonly cache: CacheType;
  readonly ratePerSec: number;
  /** Requests from this client count toward user-facing availability. */
  readonly userFacing: boolean;
  readonly activeFromSec: number;
  /** +Infinity when the client never stops. */
  readonly activeUntilSec: number;
}

export function clientsFrom(p: Params): ClientSpec[] {
  const always = { activeFromSec: 0, activeUntilSec: Number.POSITIVE_INFINITY };
  const stop = p.workload.triggerStopSec;
  return [
    {
      id: CLIENT.posts,
      endpoint: ENDPOINT.getPostRecord,
      cache: CACHE.post,
      ratePerSec: p.workload.postRatePerSec,
      userFacing: true,
      ...always,
    },
    {
      id: CLIENT.users,
      endpoint: ENDPOINT.getUser,
      cache: CACHE.user,
      ratePerSec: p.workload.userRatePerSec,
      userFacing: true,
      ...always,
    },
    {
      id: CLIENT.counts,
      endpoint: ENDPOINT.getCounts,
      cache: CACHE.counts,
      ratePerSec: p.workload.countsRatePerSec,
      userFacing: true,
      ...always,
    },
    {
      id: CLIENT.newClient,
      endpoint: ENDPOINT.getPostRecord,
      cache: CACHE.post,
      ratePerSec: p.workload.newClientRatePerSec,
      userFacing: false,
      activeFromSec: p.workload.triggerStartSec,
      activeUntilSec: stop === 'never' ? Number.POSITIVE_INFINITY : stop,
    },
  ];
}

/** A client's request rate under the user traffic multiplier `factor` (model/load.ts): user-facing only. */
export function clientRatePerSec(client: ClientSpec, factor: number): number {
  return client.userFacing ? client.ratePerSec * factor : client.ratePerSec;
}

/** Number of URIs (keys) in one request from `client`. */
export function drawBatchSize(rng: Rng, p: Params, client: ClientSpec): number {
  if (client.endpoint !== ENDPOINT.getPostRecord) return 1;
  const w = p.workload;
  if (client.id === CLIENT.newClient && rng.next() < w.bigBatchFraction) {
    const lo = Math.max(1, Math.round(p.batchSize * (1 - w.batchSizeJitter)));
    const hi = Math.max(lo, Math.round(p.batchSize * (1 + w.batchSizeJitter)));
    return uniformInt(rng, lo, hi);
  }
  return uniformInt(rng, w.normalBatchMin, w.normalBatchMax);
}

/** Whether the API rejects a request of `uris` URIs outright (the batch-cap fix). */
export function rejectedByCap(p: Params, uris: number): boolean {
  const cap = p.workload.maxUrisPerRequest;
  return cap !== 'unbounded' && uris > cap;
}
