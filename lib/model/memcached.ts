/**
 * The memcached server as both engines and the report see it (MODEL.md section 2, memcached): `threads`
 * worker threads serve gets FIFO, each taking an exponential service time of mean `serviceSec`; a get
 * costs one loopback round trip (log-normal by its median and p99/median), half on the way in, half on
 * the way out; a multi-get of k keys takes k / `getMultiKeysPerSec` of one thread. The draws are made in
 * the order the engines have always made them (round trip first, then the server's work).
 */
import { exponential, logNormalByMedian } from '../random/distributions.js';
import type { Rng } from '../random/rng.js';
import type { FifoServers } from './fifo-servers.js';
import type { Params } from './params.js';

type Memcached = Params['memcached'];

/** Gets per second when every worker thread is busy: `threads / serviceSec`. */
export function memcachedCapacityOpsPerSec(m: Memcached): number {
  return m.threads / m.serviceSec;
}

/** How long memcached's threads, all busy, take to serve `ops` gets. */
export function memcachedBusySec(m: Memcached, ops: number): number {
  return ops / memcachedCapacityOpsPerSec(m);
}

/** A get on an idle server: the median round trip plus the mean service time. */
export function unloadedGetSec(m: Memcached): number {
  return m.rttMedianSec + m.serviceSec;
}

/** One loopback round trip to memcached. */
export function drawRttSec(rng: Rng, m: Memcached): number {
  return logNormalByMedian(rng, m.rttMedianSec, m.rttP99OverMedian);
}

/** A single get's work on a server thread. */
export function drawGetWorkSec(rng: Rng, m: Memcached): number {
  return exponential(rng, 1 / m.serviceSec);
}

/** A multi-get's work on a server thread: its keys at `getMultiKeysPerSec`. */
export function getMultiWorkSec(m: Memcached, keys: number): number {
  return keys / m.getMultiKeysPerSec;
}

/**
 * When the reply to an op sent at `sentSec` arrives: it reaches the server half a round trip later,
 * queues FIFO for a thread (`threads`, admitted in arrival order), and comes back half a round trip after
 * its work is done.
 */
export function replySec(threads: FifoServers, sentSec: number, rttSec: number, workSec: number): number {
  return threads.admit(sentSec + rttSec / 2, workSec) + rttSec / 2;
}

/** A get that does not queue: a round trip plus its work, drawn in that order. */
export function drawUnqueuedGetSec(rng: Rng, m: Memcached): number {
  return drawRttSec(rng, m) + drawGetWorkSec(rng, m);
}
