import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIAL_ERROR } from '../../lib/model/errors.js';
import { dialSec, type PortSearchCost } from '../../lib/model/port-search-cost.js';
import { DIAL_MODE, dialFailure, PortTable, type PortTableConfig } from '../../lib/model/port-table.js';
import { createRng } from '../../lib/random/rng.js';

const IP = 0;
const CLOSE = { activeClose: true, lingerZero: false, dataExchanged: true } as const;

function table(over: Partial<PortTableConfig> = {}): PortTable {
  return new PortTable({
    portCount: 28_232,
    timeWaitSec: 60,
    twReuse: 2,
    twReuseDelaySec: 1,
    timeWaitTimerGranularitySec: 0,
    maxTwBuckets: 1_000_000,
    portProbeSec: 0,
    dialSyscallSec: 0,
    ...over,
  });
}

describe('PortTable bind mode', () => {
  it('allocate() admits exactly 28,232 binds per local IP per 60 s, then EADDRINUSE', () => {
    const t = table();
    const rng = createRng(1);
    for (let i = 0; i < 28_232; i++) {
      expect(t.allocate(0, IP, DIAL_MODE.bind, rng).ok).toBe(true);
      t.close(0, IP, CLOSE);
    }
    expect(t.timeWaitCount).toBe(28_232);
    const fail = t.allocate(59.999, IP, DIAL_MODE.bind, rng);
    expect(fail).toMatchObject({ ok: false, error: DIAL_ERROR.addrInUse });
    // Exactly 60 s after the closes, every port is free again.
    expect(t.allocate(60, IP, DIAL_MODE.bind, rng).ok).toBe(true);
    expect(t.timeWaitCount).toBe(0);
  });

  it('allocate() in bind mode never recycles TIME_WAIT, however old', () => {
    const t = table({ portCount: 3 });
    const rng = createRng(1);
    for (let i = 0; i < 3; i++) t.allocate(0, IP, DIAL_MODE.bind, rng);
    for (let i = 0; i < 3; i++) t.close(0, IP, CLOSE);
    expect(t.allocate(30, IP, DIAL_MODE.bind, rng).ok).toBe(false);
  });

  it('ports held on one IP do not block another IP (the random-local-IP band-aid)', () => {
    const t = table({ portCount: 2 });
    const rng = createRng(1);
    t.allocate(0, 1, DIAL_MODE.bind, rng);
    t.allocate(0, 1, DIAL_MODE.bind, rng);
    expect(t.allocate(0, 1, DIAL_MODE.bind, rng).ok).toBe(false);
    expect(t.allocate(0, 2, DIAL_MODE.bind, rng).ok).toBe(true);
  });

  it('the port search scans the first parity, then all of it and the second; a failure all N', () => {
    const t = table({ portCount: 10, portProbeSec: 1e-6, dialSyscallSec: 5e-6 });
    const rng = createRng(1);
    const dial = () => {
      const r = t.allocate(0, IP, DIAL_MODE.bind, rng);
      if (r.ok) t.close(0, IP, CLOSE); // into TIME_WAIT: held, and priced at portProbeSec
      return r.syscallSec;
    };
    // Empty: the first port examined is free.
    expect(dial()).toBeCloseTo(5e-6, 12);
    for (let i = 0; i < 4; i++) dial();
    expect(t.timeWaitCount).toBe(5);
    // 5 held = the first parity: all 5 examined, then the first port of the second is free.
    expect(dial()).toBeCloseTo(10e-6, 12);
    for (let i = 0; i < 3; i++) dial();
    // 9 held: 5 + lp(4 of 5) = 5 + min(13, 3) = 8 examined, 7 of them held.
    expect(dial()).toBeCloseTo(12e-6, 12);
    // Full: all 10 probed, then failure.
    expect(dial()).toBeCloseTo(15e-6, 12);
    expect(t.dialSecAt(0)).toBeCloseTo(15e-6, 12);
    expect(t.dialSysCpuSecAt(0)).toBeCloseTo(15e-6, 12);
  });

  it('ESTABLISHED occupants cost portProbeEstablishedSec per port; dialSecAt() follows dialMode', () => {
    const t = table({
      portCount: 10,
      portProbeSec: 1e-6,
      portProbeEstablishedSec: 2e-6,
      connectPortProbeSec: 3e-6,
      connectPortProbeEstablishedSec: 4e-6,
      dialSyscallSec: 5e-6,
      dialSysCpuFraction: 0.5,
    });
    const rng = createRng(1);
    for (let i = 0; i < 10; i++) t.allocate(0, IP, DIAL_MODE.bind, rng);
    expect(t.allocate(0, IP, DIAL_MODE.bind, rng).syscallSec).toBeCloseTo(5e-6 + 10 * 2e-6, 12);
    expect(t.dialSecAt(0)).toBeCloseTo(25e-6, 12);
    expect(t.dialSysCpuSecAt(0)).toBeCloseTo(12.5e-6, 12);
    t.dialMode = DIAL_MODE.bindNoPort;
    expect(t.dialSecAt(0)).toBeCloseTo(5e-6 + 10 * 4e-6, 12);
    expect(t.allocateMany(0, IP, DIAL_MODE.connect, 3).failSyscallSec).toBeCloseTo(45e-6, 12);
  });
});

describe('PortTable connect mode', () => {
  it('tcp_tw_reuse=2 recycles a TIME_WAIT tuple older than tcp_tw_reuse_delay (1 s), not before', () => {
    const t = table({ portCount: 200 });
    const rng = createRng(2);
    for (let i = 0; i < 200; i++) t.allocate(0, IP, DIAL_MODE.connect, rng);
    for (let i = 0; i < 200; i++) t.close(0, IP, CLOSE);
    expect(t.allocate(0.5, IP, DIAL_MODE.connect, rng)).toMatchObject({
      ok: false,
      error: DIAL_ERROR.addrNotAvail,
    });
    // The kernel-lab check: 2.5 s later all 200 succeed.
    for (let i = 0; i < 200; i++) expect(t.allocate(2.5, IP, DIAL_MODE.connect, rng).ok).toBe(true);
    expect(t.timeWaitCount).toBe(0);
    expect(t.allocate(2.5, IP, DIAL_MODE.connect, rng).ok).toBe(false);
  });

  it('closed at 0.7 s, a tuple is reusable only once strictly older than 1 s', () => {
    const t = table({ portCount: 1 });
    const rng = createRng(2);
    t.allocate(0, IP, DIAL_MODE.connect, rng);
    t.close(0.7, IP, CLOSE);
    expect(t.allocate(1.7, IP, DIAL_MODE.connect, rng).ok).toBe(false);
    expect(t.allocate(1.701, IP, DIAL_MODE.connect, rng).ok).toBe(true);
  });

  it('tcp_tw_reuse=0 waits the full 60 s', () => {
    const t = table({ portCount: 10, twReuse: 0 });
    const rng = createRng(2);
    for (let i = 0; i < 10; i++) t.allocate(0, IP, DIAL_MODE.connect, rng);
    for (let i = 0; i < 10; i++) t.close(0, IP, CLOSE);
    expect(t.allocate(59, IP, DIAL_MODE.connect, rng).ok).toBe(false);
    expect(t.allocate(60, IP, DIAL_MODE.connect, rng).ok).toBe(true);
  });

  it('a connection that exchanged no data is not recycled (no peer timestamp)', () => {
    const t = table({ portCount: 1 });
    const rng = createRng(2);
    t.allocate(0, IP, DIAL_MODE.connect, rng);
    t.close(0, IP, { ...CLOSE, dataExchanged: false });
    expect(t.allocate(5, IP, DIAL_MODE.connect, rng).ok).toBe(false);
  });
});

describe('PortTable TIME_WAIT timer', () => {
  it('expirySec() rounds close + 60 s up to the next timer-wheel granule (2.048 s at HZ=250)', () => {
    const t = table({ timeWaitTimerGranularitySec: 2.048 });
    expect(t.expirySec(0)).toBeCloseTo(61.44, 9); // 60 / 2.048 = 29.3 -> granule 30
    expect(t.expirySec(1.5)).toBeCloseTo(63.488, 9);
    expect(t.expirySec(1.44)).toBeCloseTo(63.488, 9); // due exactly on a granule: the next one
  });

  it('a socket closed at 0 s is still in TIME_WAIT at 61.4 s and gone at 61.44 s', () => {
    const t = table({ portCount: 1, timeWaitTimerGranularitySec: 2.048 });
    const rng = createRng(1);
    t.allocate(0, IP, DIAL_MODE.bind, rng);
    t.close(0, IP, CLOSE);
    expect(t.allocate(61.4, IP, DIAL_MODE.bind, rng).ok).toBe(false);
    expect(t.allocate(61.44, IP, DIAL_MODE.bind, rng).ok).toBe(true);
  });
});

describe('PortTable close', () => {
  it('close() by the passive side, or with SO_LINGER 0, frees the port at once', () => {
    const t = table({ portCount: 1 });
    const rng = createRng(3);
    t.allocate(0, IP, DIAL_MODE.bind, rng);
    expect(t.close(0, IP, { ...CLOSE, activeClose: false })).toBe(false);
    t.allocate(0, IP, DIAL_MODE.bind, rng);
    expect(t.close(0, IP, { ...CLOSE, lingerZero: true })).toBe(false);
    expect(t.allocate(0, IP, DIAL_MODE.bind, rng).ok).toBe(true);
  });

  it('close() beyond tcp_max_tw_buckets skips TIME_WAIT and counts an overflow', () => {
    const t = table({ maxTwBuckets: 2 });
    const rng = createRng(3);
    for (let i = 0; i < 3; i++) t.allocate(0, IP, DIAL_MODE.bind, rng);
    expect([t.close(0, IP, CLOSE), t.close(0, IP, CLOSE), t.close(0, IP, CLOSE)]).toEqual([
      true,
      true,
      false,
    ]);
    expect(t.timeWaitCount).toBe(2);
    expect(t.timeWaitOverflows).toBe(1);
  });
});

describe('PortTable conservation', () => {
  it('held = established + TIME_WAIT never exceeds the range, and every socket is accounted for', () => {
    const op = fc.record({
      kind: fc.constantFrom('dial', 'close', 'wait'),
      ip: fc.integer({ min: 0, max: 2 }),
      dt: fc.double({ min: 0, max: 5, noNaN: true }),
      active: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(DIAL_MODE.bind, DIAL_MODE.connect),
        fc.array(op, { maxLength: 300 }),
        (mode, ops) => {
          const t = table({ portCount: 7, timeWaitSec: 4 });
          const rng = createRng(9);
          const open = [0, 0, 0];
          let now = 0;
          let timeWaitCreated = 0;
          let timeWaitExpiredOrReused = 0;
          for (const o of ops) {
            if (o.kind === 'wait') now += o.dt;
            else if (o.kind === 'dial') {
              const before = t.timeWaitCount;
              t.expire(now);
              timeWaitExpiredOrReused += before - t.timeWaitCount;
              const mid = t.timeWaitCount;
              const r = t.allocate(now, o.ip, mode, rng);
              timeWaitExpiredOrReused += mid - t.timeWaitCount;
              if (r.ok) open[o.ip]!++;
            } else if (open[o.ip]! > 0) {
              const before = t.timeWaitCount;
              t.expire(now);
              timeWaitExpiredOrReused += before - t.timeWaitCount;
              if (t.close(now, o.ip, { ...CLOSE, activeClose: o.active })) timeWaitCreated++;
              open[o.ip]!--;
            }
            for (const ip of [0, 1, 2]) expect(t.heldOn(ip)).toBeLessThanOrEqual(7);
            expect(t.establishedCount).toBe(open[0]! + open[1]! + open[2]!);
            expect(t.timeWaitCount).toBe(timeWaitCreated - timeWaitExpiredOrReused);
          }
        },
      ),
    );
  });
});

describe('the dial error rule', () => {
  it('bind() fails with EADDRINUSE, connect() autobind and IP_BIND_ADDRESS_NO_PORT with EADDRNOTAVAIL', () => {
    expect(dialFailure(DIAL_MODE.bind)).toBe(DIAL_ERROR.addrInUse);
    expect(dialFailure(DIAL_MODE.connect)).toBe(DIAL_ERROR.addrNotAvail);
    expect(dialFailure(DIAL_MODE.bindNoPort)).toBe(DIAL_ERROR.addrNotAvail);
  });
});

describe('PortTable dialSecAt', () => {
  const probes = {
    portProbeSec: 1e-6,
    portProbeEstablishedSec: 2e-6,
    connectPortProbeSec: 3e-6,
    connectPortProbeEstablishedSec: 4e-6,
    dialSyscallSec: 5e-6,
  };
  const COST: PortSearchCost = {
    fixedSec: 5e-6,
    bindTimeWaitPortSec: 1e-6,
    bindEstablishedPortSec: 2e-6,
    connectTimeWaitPortSec: 3e-6,
    connectEstablishedPortSec: 4e-6,
  };

  it('dialSecAt() prices at the counts and mode of the moment, as they change', () => {
    const t = table({ portCount: 10, ...probes });
    const rng = createRng(1);
    // Empty: nothing held is examined.
    expect(t.dialSecAt(10)).toBe(5e-6);
    for (let i = 0; i < 6; i++) t.allocate(0, IP, DIAL_MODE.bind, rng);
    // 6 ESTABLISHED: 5.28125 held examined at 2 us.
    expect(t.dialSecAt(4)).toBeCloseTo(5e-6 + 5.28125 * 2e-6, 15);
    for (let i = 0; i < 3; i++) t.close(0, IP, CLOSE);
    // 3 ESTABLISHED and 3 TIME_WAIT: 1.5 us a port.
    expect(t.dialSecAt(4)).toBeCloseTo(5e-6 + 5.28125 * 1.5e-6, 15);
    t.dialMode = DIAL_MODE.connect;
    // connect: the 5 of the first parity held, at 3.5 us a port.
    expect(t.dialSecAt(4)).toBeCloseTo(5e-6 + 5 * 3.5e-6, 15);
    t.dialMode = DIAL_MODE.bind;
    t.expire(60);
    // TIME_WAIT gone: 3 ESTABLISHED, held 3 of the first parity: lp(3, 5) - 1 = 2, at 2 us.
    expect(t.dialSecAt(7)).toBeCloseTo(5e-6 + 2 * 2e-6, 15);
  });

  it("dialSecAt() equals dialSec() at the whole table's TIME_WAIT share, bit for bit", () => {
    const op = fc.record({
      kind: fc.constantFrom('dial', 'close', 'wait', 'mode'),
      count: fc.integer({ min: 1, max: 9 }),
      dt: fc.double({ min: 0, max: 3, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const t = table({ portCount: 12, timeWaitSec: 4, ...probes });
        let now = 0;
        for (const o of ops) {
          if (o.kind === 'wait') now += o.dt;
          else if (o.kind === 'mode')
            t.dialMode = t.dialMode === DIAL_MODE.bind ? DIAL_MODE.connect : DIAL_MODE.bind;
          else if (o.kind === 'dial') t.allocateMany(now, IP, t.dialMode, o.count);
          else t.closeMany(now, IP, CLOSE, Math.min(o.count, t.establishedCount));
          const held = t.timeWaitCount + t.establishedCount;
          const share = held > 0 ? t.timeWaitCount / held : 1;
          for (let u = 0; u <= 12; u++) {
            expect(t.dialSecAt(u)).toBe(dialSec(COST, t.dialMode, 12, u, share));
          }
        }
      }),
    );
  });
});

describe('PortTable expire', () => {
  it('a cohort closed after the table emptied still expires, and ages for reuse, on time', () => {
    const t = table({ portCount: 4, timeWaitSec: 10 });
    const rng = createRng(1);
    t.allocate(0, IP, DIAL_MODE.connect, rng);
    t.close(0, IP, CLOSE);
    t.expire(10); // the first cohort is gone: nothing left in TIME_WAIT
    expect(t.timeWaitCount).toBe(0);
    expect(t.nextExpirySec()).toBe(Number.POSITIVE_INFINITY);
    t.allocate(20, IP, DIAL_MODE.connect, rng);
    t.close(20, IP, CLOSE);
    expect(t.nextExpirySec()).toBe(30);
    t.expire(21); // not yet older than the 1 s delay
    expect(t.usableOn(IP, DIAL_MODE.connect)).toBe(3);
    t.expire(21.001); // recyclable now
    expect(t.usableOn(IP, DIAL_MODE.connect)).toBe(4);
    t.expire(29.999);
    expect(t.timeWaitCount).toBe(1);
    t.expire(30);
    expect(t.timeWaitCount).toBe(0);
  });

  it('TIME_WAIT ends on time even when it is shorter than tcp_tw_reuse_delay', () => {
    const t = table({ portCount: 4, timeWaitSec: 10, twReuseDelaySec: 100 });
    const rng = createRng(1);
    t.allocate(0, IP, DIAL_MODE.bind, rng);
    t.close(0, IP, CLOSE);
    t.expire(9.999);
    expect(t.timeWaitCount).toBe(1);
    t.expire(10);
    expect(t.timeWaitCount).toBe(0);
  });

  it('the table at a time does not depend on how often expire() was called before it', () => {
    const op = fc.record({
      kind: fc.constantFrom('dial', 'close', 'wait', 'expire'),
      ip: fc.integer({ min: 0, max: 1 }),
      count: fc.integer({ min: 1, max: 4 }),
      dt: fc.double({ min: 0, max: 3, noNaN: true }),
      data: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const config = { portCount: 9, timeWaitSec: 4, timeWaitTimerGranularitySec: 0.5 };
        const often = table(config);
        const seldom = table(config);
        const open = [0, 0];
        let now = 0;
        for (const o of ops) {
          if (o.kind === 'wait') now += o.dt;
          else if (o.kind === 'expire') often.expire(now);
          else if (o.kind === 'dial') {
            const a = often.allocateMany(now, o.ip, DIAL_MODE.connect, o.count);
            const b = seldom.allocateMany(now, o.ip, DIAL_MODE.connect, o.count);
            expect(a).toEqual(b);
            open[o.ip]! += a.ok;
          } else {
            const n = Math.min(o.count, open[o.ip]!);
            const options = { ...CLOSE, dataExchanged: o.data };
            expect(often.closeMany(now, o.ip, options, n)).toBe(seldom.closeMany(now, o.ip, options, n));
            open[o.ip]! -= n;
          }
          often.expire(now);
          seldom.expire(now);
          for (const ip of [0, 1]) {
            expect(often.heldOn(ip)).toBe(seldom.heldOn(ip));
            expect(often.usableOn(ip, DIAL_MODE.connect)).toBe(seldom.usableOn(ip, DIAL_MODE.connect));
          }
          expect(often.nextExpirySec()).toBe(seldom.nextExpirySec());
        }
      }),
    );
  });
});

describe('PortTable TIME_WAIT against a list of closes', () => {
  it('timeWaitOn(ip) at any time = the sockets closed on ip whose TIME_WAIT has not ended (bind mode)', () => {
    const op = fc.record({
      kind: fc.constantFrom('dial', 'close', 'wait'),
      ip: fc.integer({ min: 0, max: 1 }),
      count: fc.integer({ min: 1, max: 4 }),
      dt: fc.double({ min: 0, max: 3, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const t = table({ portCount: 9, timeWaitSec: 4, timeWaitTimerGranularitySec: 0.5 });
        const closes: { ip: number; endSec: number; n: number }[] = [];
        const open = [0, 0];
        let now = 0;
        for (const o of ops) {
          if (o.kind === 'wait') now += o.dt;
          else if (o.kind === 'dial') open[o.ip]! += t.allocateMany(now, o.ip, DIAL_MODE.bind, o.count).ok;
          else {
            const n = Math.min(o.count, open[o.ip]!);
            t.closeMany(now, o.ip, CLOSE, n);
            open[o.ip]! -= n;
            // Ends at the first 0.5 s granule strictly after close + 4 s.
            closes.push({ ip: o.ip, endSec: (Math.floor((now + 4) / 0.5) + 1) * 0.5, n });
          }
          t.expire(now);
          for (const ip of [0, 1]) {
            const inTimeWait = closes
              .filter((c) => c.ip === ip && c.endSec > now)
              .reduce((a, c) => a + c.n, 0);
            expect(t.timeWaitOn(ip)).toBe(inTimeWait);
          }
        }
      }),
    );
  });
});
