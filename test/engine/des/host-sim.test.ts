import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HostSnapshot, runHostDes } from '../../../lib/engine/des/host-sim.js';
import type { TimelineRow } from '../../../lib/metrics/timeline.js';
import { timelineCsv } from '../../../lib/metrics/timeline-csv.js';
import { defaultParams } from '../../../lib/model/params.js';
import { applyOverrides } from '../../../lib/model/resolve-params.js';
import { CLIENT } from '../../../lib/model/workload.js';

/** A quiet host: no Poisson traffic, every get hits, fast memcached; requests come only from injections. */
const QUIET = {
  'workload.postRatePerSec': 0,
  'workload.userRatePerSec': 0,
  'workload.countsRatePerSec': 0,
  'workload.newClientRatePerSec': 0,
  'memcached.hitRatio': 1,
  'memcached.rttP99OverMedian': 1,
} as const;

function quiet(extra: Record<string, unknown> = {}) {
  return applyOverrides(defaultParams(), { ...QUIET, ...extra });
}

function rowsOf(run: (onRow: (r: TimelineRow) => void) => void): TimelineRow[] {
  const rows: TimelineRow[] = [];
  run((r) => rows.push(r));
  return rows;
}

describe('runHostDes traces', () => {
  it('one batch of n URIs on a warm pool of m idle conns (all hits): n-m sockets enter TIME_WAIT and free exactly 60 s later', () => {
    const m = 40;
    const n = 100;
    const rows = rowsOf((onRow) =>
      runHostDes({
        params: quiet({ poolSize: m, 'kernel.timeWaitTimerGranularitySec': 0 }),
        seed: 1,
        durationSec: 70,
        onRow,
        injections: [
          { atSec: 0.5, client: CLIENT.posts, uris: m }, // warms the pool: m dials, m kept idle
          { atSec: 2.5, client: CLIENT.posts, uris: n },
        ],
      }),
    );
    const at = (t: number) => rows.find((r) => r.tSec === t)!;
    expect(at(1)).toMatchObject({ dials: m, idleConns: m, timeWait: 0 });
    expect(at(3)).toMatchObject({ dials: n - m, idleConns: m, timeWait: n - m, openConns: m });
    // Closed at ~2.5001 s: still there at 62 s, gone at 63 s.
    expect(at(62).timeWait).toBe(n - m);
    expect(at(63).timeWait).toBe(0);
  });

  it('bind mode: a batch bigger than the port range fails the excess with EADDRINUSE, and those errors are logged', () => {
    const rows = rowsOf((onRow) =>
      runHostDes({
        params: quiet({ poolSize: 0, 'kernel.portRangeLow': 40_000, 'kernel.portRangeHigh': 40_099 }),
        seed: 1,
        durationSec: 3,
        onRow,
        injections: [{ atSec: 0.5, client: CLIENT.newClient, uris: 150 }],
      }),
    );
    const r = rows[0]!;
    expect(r.dials).toBe(150);
    expect(r['dialErr:addr-in-use']).toBe(50);
    expect(r['opErrors:post']).toBe(50);
    expect(r.logAttempted).toBe(50);
    expect(r.timeWait).toBe(100);
    expect(r['reqErr:new-internal']).toBe(1);
  });

  it('connect mode with tcp_tw_reuse=2 recycles TIME_WAIT after 1 s; bind mode does not', () => {
    const run = (dialMode: string) =>
      rowsOf((onRow) =>
        runHostDes({
          params: quiet({
            poolSize: 0,
            'kernel.dialMode': dialMode,
            'kernel.portRangeLow': 40_000,
            'kernel.portRangeHigh': 40_099,
          }),
          seed: 1,
          durationSec: 4,
          onRow,
          injections: [
            { atSec: 0.5, client: CLIENT.newClient, uris: 100 },
            { atSec: 2.5, client: CLIENT.newClient, uris: 100 },
          ],
        }),
      );
    expect(run('connect')[2]!['dialErr:addr-not-avail']).toBe(0);
    expect(run('bind')[2]!['dialErr:addr-in-use']).toBe(100);
  });

  it('SetLimit(k) bounds the concurrent conns a big batch needs: no exhaustion', () => {
    const rows = rowsOf((onRow) =>
      runHostDes({
        params: quiet({
          poolSize: 50,
          concurrencyLimit: 50,
          'kernel.portRangeLow': 40_000,
          'kernel.portRangeHigh': 40_099,
        }),
        seed: 1,
        durationSec: 3,
        onRow,
        injections: [{ atSec: 0.5, client: CLIENT.newClient, uris: 5000 }],
      }),
    );
    expect(rows[0]!.dials).toBe(50);
    expect(rows[0]!['dialErr:addr-in-use']).toBe(0);
    expect(rows[0]!['reqOk:new-internal']).toBe(1);
  });

  it('random local IPs (the band-aid) never run out of ports', () => {
    const rows = rowsOf((onRow) =>
      runHostDes({
        params: quiet({
          poolSize: 0,
          'kernel.localIpMode': 'random',
          'kernel.portRangeLow': 40_000,
          'kernel.portRangeHigh': 40_009,
        }),
        seed: 1,
        durationSec: 2,
        onRow,
        injections: [{ atSec: 0.5, client: CLIENT.newClient, uris: 2000 }],
      }),
    );
    expect(rows[0]!['dialErr:addr-in-use']).toBe(0);
    expect(rows[0]!.timeWait).toBe(2000);
  });

  it('SO_LINGER 0 closes without TIME_WAIT', () => {
    const rows = rowsOf((onRow) =>
      runHostDes({
        params: quiet({ poolSize: 0, 'kernel.soLingerZero': true }),
        seed: 1,
        durationSec: 2,
        onRow,
        injections: [{ atSec: 0.5, client: CLIENT.newClient, uris: 500 }],
      }),
    );
    expect(rows[0]!.timeWait).toBe(0);
    expect(rows[0]!.dials).toBe(500);
  });

  it('GetMulti fetches a whole batch over one connection', () => {
    const rows = rowsOf((onRow) =>
      runHostDes({
        params: quiet({ poolSize: 0, 'memcached.getMulti': true }),
        seed: 1,
        durationSec: 2,
        onRow,
        injections: [{ atSec: 0.5, client: CLIENT.newClient, uris: 17_500 }],
      }),
    );
    expect(rows[0]).toMatchObject({ dials: 1, 'ops:post': 17_500, timeWait: 1, 'reqOk:new-internal': 1 });
  });

  it('a process past maxThreads dies of thread exhaustion and restarts', () => {
    const rows = rowsOf((onRow) =>
      runHostDes({
        params: quiet({
          poolSize: 0,
          'runtime.baseThreads': 50,
          'runtime.maxThreads': 60,
          // Hand-off at the sysmon tick: the 0.13 ms dials here count as slow.
          'runtime.saturatedHandoffSec': 20e-6,
          // Held ports cost the same to scan in either state: the 100 connected goroutines wait for a P
          // behind the queued dials before their ops (model/cpu.ts), so their ports are still
          // ESTABLISHED when the failing dials scan them.
          'kernel.portProbeSec': 1e-6,
          'kernel.portProbeEstablishedSec': 1e-6,
          'kernel.portRangeLow': 40_000,
          'kernel.portRangeHigh': 40_099,
        }),
        seed: 1,
        durationSec: 8,
        onRow,
        injections: [{ atSec: 0.5, client: CLIENT.newClient, uris: 5000 }],
      }),
    );
    expect(rows[0]!.events).toBe('first-dial-error;thread-exhaustion;restart');
    expect(rows.some((r) => String(r.events).includes('ready'))).toBe(true);
  });

  it('memcached at maxConns refuses: the server closes, so no TIME_WAIT on our side', () => {
    const rows = rowsOf((onRow) =>
      runHostDes({
        params: quiet({ poolSize: 0, 'memcached.maxConns': 10 }),
        seed: 1,
        durationSec: 2,
        onRow,
        injections: [{ atSec: 0.5, client: CLIENT.newClient, uris: 30 }],
      }),
    );
    expect(rows[0]!['dialErr:server-full']).toBe(20);
    expect(rows[0]!.timeWait).toBe(10);
  });
});

describe('runHostDes conservation', () => {
  it('sockets = pool connections; requests arrived = finished + in flight; goroutines = handlers + tasks', () => {
    const arb = fc.record({
      poolSize: fc.integer({ min: 0, max: 50 }),
      limit: fc.oneof(fc.constant('unbounded' as const), fc.integer({ min: 1, max: 40 })),
      ports: fc.integer({ min: 20, max: 400 }),
      batch: fc.integer({ min: 50, max: 800 }),
      dialMode: fc.constantFrom('bind', 'connect', 'bind-no-port'),
      memLimitMiB: fc.integer({ min: 208, max: 224 }),
      seed: fc.integer({ min: 0, max: 1000 }),
    });
    let sawRestart = false;
    let sawExhaustion = false;
    fc.assert(
      fc.property(arb, (a) => {
        const params = applyOverrides(defaultParams(), {
          batchSize: a.batch,
          poolSize: a.poolSize,
          concurrencyLimit: a.limit,
          'kernel.dialMode': a.dialMode,
          'kernel.portRangeLow': 40_000,
          'kernel.portRangeHigh': 40_000 + a.ports - 1,
          'workload.postRatePerSec': 5,
          'workload.userRatePerSec': 30,
          'workload.countsRatePerSec': 30,
          'workload.newClientRatePerSec': 1,
          'runtime.baseLiveHeapBytes': 200 * 1024 ** 2,
          'runtime.memLimitBytes': 200 * 1024 ** 2,
          'runtime.nonHeapBytes': 1024 ** 2,
          'process.memoryLimitBytes': a.memLimitMiB * 1024 ** 2,
        });
        const snaps: HostSnapshot[] = [];
        const stats = runHostDes({ params, seed: a.seed, durationSec: 20, onCheck: (s) => snaps.push(s) });
        sawRestart ||= stats.restarts > 0;
        sawExhaustion ||= stats.firstPortExhaustionSec !== null;
        for (const s of snaps) {
          expect(s.establishedSockets).toBe(s.poolOpen);
          expect(s.requestsArrived).toBe(s.requestsFinished + s.requestsInFlight);
          expect(s.goroutines).toBe(s.requestsInFlight + s.liveTasks);
          expect(s.timeWaitSockets + s.establishedSockets).toBeLessThanOrEqual(a.ports);
          expect(s.poolIdle).toBeLessThanOrEqual(a.poolSize);
        }
      }),
      { numRuns: 25 },
    );
    // The generated cases must cover the interesting paths, or the invariants prove little.
    expect(sawRestart).toBe(true);
    expect(sawExhaustion).toBe(true);
  });
});

describe('runHostDes determinism', () => {
  it('same params and seed -> identical summary and timeline bytes; another seed differs', () => {
    const params = applyOverrides(defaultParams(), {
      batchSize: 400,
      'kernel.portRangeLow': 40_000,
      'kernel.portRangeHigh': 40_499,
      'workload.postRatePerSec': 20,
      'workload.userRatePerSec': 200,
      'workload.countsRatePerSec': 200,
      'workload.newClientRatePerSec': 1,
    });
    const once = (seed: number) => {
      const rows: TimelineRow[] = [];
      const summary = runHostDes({ params, seed, durationSec: 30, onRow: (r) => rows.push(r) });
      return { summary: JSON.stringify(summary), csv: timelineCsv(rows) };
    };
    const a = once(7);
    const b = once(7);
    expect(b.summary).toBe(a.summary);
    expect(b.csv).toBe(a.csv);
    expect(once(8).csv).not.toBe(a.csv);
  });
});
