import { describe, expect, it } from 'vitest';
import { FifoServers } from '../../lib/model/fifo-servers.js';
import {
  drawGetWorkSec,
  drawRttSec,
  drawUnqueuedGetSec,
  getMultiWorkSec,
  memcachedBusySec,
  memcachedCapacityOpsPerSec,
  replySec,
  unloadedGetSec,
} from '../../lib/model/memcached.js';
import { defaultParams } from '../../lib/model/params.js';
import { applyOverrides } from '../../lib/model/resolve-params.js';
import { drawScyllaReadSec } from '../../lib/model/scylla.js';
import { createRng } from '../../lib/random/rng.js';

const p = applyOverrides(defaultParams(), {
  'memcached.threads': 4,
  'memcached.serviceSec': 5e-6,
  'memcached.rttMedianSec': 100e-6,
  'memcached.getMultiKeysPerSec': 1_000_000,
});
const m = p.memcached;

describe('memcached: capacity and unloaded latency', () => {
  it('4 threads at 5 us a get serve 800,000 gets/s; 1,000 gets keep them busy 1.25 ms', () => {
    expect(memcachedCapacityOpsPerSec(m)).toBeCloseTo(800_000, 6);
    expect(memcachedBusySec(m, 1000)).toBeCloseTo(1.25e-3, 12);
  });

  it('a get on an idle server takes a median round trip plus a mean service: 105 us', () => {
    expect(unloadedGetSec(m)).toBeCloseTo(105e-6, 12);
  });

  it('a multi-get of 500 keys at 1 M keys/s takes 0.5 ms of one thread', () => {
    expect(getMultiWorkSec(m, 500)).toBeCloseTo(5e-4, 12);
  });
});

describe('memcached: the reply time of an op', () => {
  it('half a round trip each way around the FIFO work: two ops on one thread queue', () => {
    const one = new FifoServers(1);
    // Sent at 0 with a 200 us round trip and 100 us of work: at the server at 100 us, done at 200 us,
    // back at 300 us. The second, sent at the same instant, waits for the thread until 200 us.
    expect(replySec(one, 0, 200e-6, 100e-6)).toBeCloseTo(300e-6, 12);
    expect(replySec(one, 0, 200e-6, 100e-6)).toBeCloseTo(400e-6, 12);
    // Sent at 1 ms, after the thread is free again: no wait.
    expect(replySec(one, 1e-3, 200e-6, 100e-6)).toBeCloseTo(1.3e-3, 12);
  });
});

describe('memcached and Scylla draws', () => {
  it('an unqueued get draws the round trip first, then the work, from the same stream', () => {
    const a = createRng(7);
    const b = createRng(7);
    for (let i = 0; i < 100; i++) {
      const rtt = drawRttSec(b, m);
      expect(drawUnqueuedGetSec(a, m)).toBe(rtt + drawGetWorkSec(b, m));
    }
  });

  it('round trips have the median of the parameters, work the mean, Scylla reads their median', () => {
    const rng = createRng(3);
    const n = 40_000;
    const rtts = Float64Array.from({ length: n }, () => drawRttSec(rng, m)).sort();
    expect(rtts[n / 2]! / m.rttMedianSec).toBeGreaterThan(0.97);
    expect(rtts[n / 2]! / m.rttMedianSec).toBeLessThan(1.03);
    let work = 0;
    for (let i = 0; i < n; i++) work += drawGetWorkSec(rng, m);
    expect(work / n / m.serviceSec).toBeGreaterThan(0.97);
    expect(work / n / m.serviceSec).toBeLessThan(1.03);
    const reads = Float64Array.from({ length: n }, () => drawScyllaReadSec(rng, p.scylla)).sort();
    expect(reads[n / 2]! / p.scylla.latencyMedianSec).toBeGreaterThan(0.97);
    expect(reads[n / 2]! / p.scylla.latencyMedianSec).toBeLessThan(1.03);
  });
});
