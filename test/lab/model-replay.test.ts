import { describe, expect, it } from 'vitest';
import { DEFAULT_LAB, labFigures } from '../../lib/lab/experiment.js';
import { countSockets } from '../../lib/lab/kernel-driver.js';
import { withinTolerance } from '../../lib/lab/kernel-lab.js';
import { replayOnModel } from '../../lib/lab/model-replay.js';

describe('replayOnModel', () => {
  it('bind mode: 200 of 250 dials succeed, 180 enter TIME_WAIT, probes fail until the TIME_WAIT timer fires', () => {
    const obs = replayOnModel({ ...DEFAULT_LAB, mode: 'bind' });
    expect(obs.batchOk).toBe(200);
    expect(obs.batchErrors).toEqual({ EADDRINUSE: 50 });
    const f = labFigures(obs);
    expect(f.peakTimeWait).toBe(180);
    // Expiry at 61.44 s (60 s rounded up to a 2.048 s granule); probes at 0.25 + 0.5k s: first success 61.75.
    expect(f.recoverySec).toBe(61.75);
    expect(f.dialFailures).toBe(50 + 123 * 10);
  });

  it('connect mode: EADDRNOTAVAIL for the excess, then reuse once TIME_WAIT is older than 1 s', () => {
    const obs = replayOnModel({ ...DEFAULT_LAB, mode: 'connect' }, { probeTimes: [0.5, 1, 1.001] });
    expect(obs.batchErrors).toEqual({ EADDRNOTAVAIL: 50 });
    expect(obs.probes.map((p) => p.ok)).toEqual([0, 0, 10]);
  });

  it('random local IPs: no failure, every closed socket in TIME_WAIT', () => {
    const f = labFigures(replayOnModel({ ...DEFAULT_LAB, mode: 'random' }));
    expect(f).toEqual({ peakTimeWait: 230, dialFailures: 0, recoverySec: 0.25 });
  });

  it('keeps probing past the kernel’s probe times until it recovers too', () => {
    const f = labFigures(replayOnModel({ ...DEFAULT_LAB, mode: 'bind' }, { probeTimes: [0.5, 1, 1.5] }));
    expect(f.recoverySec).toBe(61.5);
  });
});

describe('lab helpers', () => {
  it('countSockets() counts client sockets by state within the port range', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:2BCB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   0        0 1 1',
      '   1: 0100207F:9C40 0100007F:2BCB 06 00000000:00000000 03:00000CB0 00000000     0        0 0 3',
      '   2: 0100207F:9C41 0100007F:2BCB 01 00000000:00000000 00:00000000 00000000     0        0 2 1',
      '   3: 0100007F:2BCB 0100207F:9C41 01 00000000:00000000 00:00000000 00000000     0        0 3 1',
      '   4: 0100207F:9D08 0100007F:2BCB 06 00000000:00000000 03:00000CB0 00000000     0        0 0 3',
    ].join('\n');
    // 0x9C40 = 40000, 0x9C41 = 40001, 0x9D08 = 40200 (outside 40000-40199), 0x2BCB = 11211 (server side).
    expect(countSockets(text, 40_000, 40_199)).toEqual({ timeWait: 1, established: 1 });
  });

  it('withinTolerance(): 5% relative, with one probe (count and interval) as the absolute floor', () => {
    const k = { peakTimeWait: 180, dialFailures: 60, recoverySec: 0.999 };
    expect(
      withinTolerance(k, { peakTimeWait: 180, dialFailures: 70, recoverySec: 1.5 }, DEFAULT_LAB),
    ).toEqual({
      peakTimeWait: true,
      dialFailures: true,
      recoverySec: false,
    });
    expect(
      withinTolerance(k, { peakTimeWait: 170, dialFailures: 60, recoverySec: null }, DEFAULT_LAB),
    ).toEqual({
      peakTimeWait: false,
      dialFailures: true,
      recoverySec: false,
    });
  });
});
