import { describe, expect, it } from 'vitest';
import {
  BindExaminedMemo,
  dialSec,
  heldPortsExamined,
  linearProbeExamined,
  type PortSearchCost,
  perPortSec,
  portsExamined,
  searchPath,
} from '../../lib/model/port-search-cost.js';

const COST: PortSearchCost = {
  fixedSec: 10e-6,
  bindTimeWaitPortSec: 100e-9,
  bindEstablishedPortSec: 300e-9,
  connectTimeWaitPortSec: 50e-9,
  connectEstablishedPortSec: 20e-9,
};

describe('linearProbeExamined', () => {
  it('linearProbeExamined(held, size) is 1/2 (1 + 1/(1-a)^2), capped at (size + 1)/2', () => {
    expect(linearProbeExamined(0, 10)).toBe(1);
    expect(linearProbeExamined(5, 10)).toBe(2.5); // a = 0.5: (1 + 4) / 2
    expect(linearProbeExamined(3, 5)).toBe(3); // a = 0.6: (1 + 6.25) / 2 = 3.625, capped at 3
    expect(linearProbeExamined(9, 10)).toBe(5.5); // a = 0.9: 50.5, capped
  });
});

describe('portsExamined', () => {
  it('portsExamined(N, usable) scans the first parity while it has room, then all of it and the second', () => {
    expect(portsExamined(28_232, 28_232)).toBe(1);
    expect(portsExamined(28_232, 14_117)).toBe(7058.5); // one port of the first parity left: capped
    expect(portsExamined(28_232, 14_116)).toBe(14_117); // first parity full: all 14,116 of it, then one
    expect(portsExamined(28_232, 0)).toBe(28_232); // nothing usable: the whole range
    // N = 10: parities of 5. 6 held: 5 + lp(1, 5) = 5 + (1 + 1/0.64)/2 = 6.28125.
    expect(portsExamined(10, 4)).toBeCloseTo(6.28125, 12);
  });

  it('portsExamined() jumps by half the range at half occupancy (the bimodal cost)', () => {
    // 12,000 of the 14,116 odd ports held (a = 0.85): (1 + 1/0.15^2)/2 = 22.7 examined.
    expect(portsExamined(28_232, 28_232 - 12_000)).toBeCloseTo(0.5 * (1 + (14_116 / 2_116) ** 2), 9);
    expect(portsExamined(28_232, 28_232 - 14_116)).toBe(14_117);
  });

  it('portsExamined(..., "connect") allocates sequentially within a parity: one port, or half + 1', () => {
    expect(portsExamined(28_232, 28_232 - 12_000, 'connect')).toBe(1);
    expect(portsExamined(28_232, 1, 'connect')).toBe(14_117);
    expect(portsExamined(28_232, 0, 'connect')).toBe(28_232);
  });
});

describe('dialSec', () => {
  it('dialSec() = fixed + held ports examined x cost per port of the path and state', () => {
    // bind, N = 10, 6 held, all TIME_WAIT: 5.28125 held ports examined x 100 ns.
    expect(dialSec(COST, 'bind', 10, 4, 1)).toBeCloseTo(10e-6 + 5.28125 * 100e-9, 15);
    // Half ESTABLISHED: 200 ns per port.
    expect(dialSec(COST, 'bind', 10, 4, 0.5)).toBeCloseTo(10e-6 + 5.28125 * 200e-9, 15);
    // connect() with 6 of 10 held: all 5 of the first parity, then one; 5 held examined x 50 ns.
    expect(dialSec(COST, 'connect', 10, 4, 1)).toBeCloseTo(10.25e-6, 15);
    // A failing connect() examines all 10 ports; bind-no-port takes the connect path too.
    expect(dialSec(COST, 'connect', 10, 0, 1)).toBeCloseTo(10.5e-6, 15);
    expect(dialSec(COST, 'bind-no-port', 10, 0, 0)).toBeCloseTo(10.2e-6, 15);
    // An empty range: the first port examined is free, nothing held is examined.
    expect(dialSec(COST, 'bind', 28_232, 28_232, 1)).toBe(10e-6);
  });

  it('searchPath() and perPortSec() pick the kernel path and blend by TIME_WAIT share', () => {
    expect(searchPath('bind')).toBe('bind');
    expect(searchPath('connect')).toBe('connect');
    expect(searchPath('bind-no-port')).toBe('connect');
    expect(perPortSec(COST, 'connect', 0.25)).toBeCloseTo(0.25 * 50e-9 + 0.75 * 20e-9, 18);
  });
});

describe('heldPortsExamined', () => {
  it('heldPortsExamined(N, usable) is portsExamined - 1 on a success, N on a failure', () => {
    // N = 10, 6 held, bind: 5 + lp(1, 5) = 6.28125 examined, the last one free.
    expect(heldPortsExamined(10, 4, 'bind')).toBe(5.28125);
    expect(heldPortsExamined(10, 10, 'bind')).toBe(0);
    expect(heldPortsExamined(10, 0, 'bind')).toBe(10);
    expect(heldPortsExamined(10, 4, 'connect')).toBe(5);
    expect(heldPortsExamined(10, 0, 'connect')).toBe(10);
  });
});

describe('BindExaminedMemo', () => {
  it('at(usable) returns heldPortsExamined(N, usable, "bind") bit for bit, for every usable count', () => {
    const memo = new BindExaminedMemo(10);
    // By hand, N = 10 (parities of 5), held = 10 - usable:
    // held 0-4: lp(held, 5) - 1 = (1 + 1/(1 - held/5)^2)/2 - 1, capped at 3 - 1 = 2.
    expect(memo.at(10)).toBe(0);
    expect(memo.at(9)).toBe(0.28125); // (1 + 1/0.64)/2 - 1
    expect(memo.at(8)).toBeCloseTo(0.5 * (1 + 1 / 0.36) - 1, 15); // 0.8889
    expect(memo.at(7)).toBe(2); // (1 + 6.25)/2 = 3.625, capped at 3
    // held 5-9: the whole first parity (5), then lp(held - 5, 5) - 1.
    expect(memo.at(5)).toBe(5);
    expect(memo.at(4)).toBe(5.28125);
    expect(memo.at(1)).toBe(7);
    expect(memo.at(0)).toBe(10); // a failure: the whole range
    for (let u = -1; u <= 12; u += 0.5) expect(memo.at(u)).toBe(heldPortsExamined(10, u, 'bind'));
  });

  it('at() on a 28,232-port range matches heldPortsExamined at every occupancy', () => {
    const memo = new BindExaminedMemo(28_232);
    for (let u = 28_232; u >= 0; u--) {
      if (memo.at(u) !== heldPortsExamined(28_232, u, 'bind')) throw new Error(`usable ${u}`);
    }
    expect(memo.size).toBe(28_232); // held 0 .. 28,231: every success
  });

  it('remembers held counts up to maxEntries and computes the others each time', () => {
    const n = 1e12; // the random-IP band-aid's range: 16.5 M addresses x 28,232 ports is this order
    const memo = new BindExaminedMemo(n, 2048);
    expect(memo.at(n - 3000)).toBe(heldPortsExamined(n, n - 3000, 'bind'));
    expect(memo.size).toBe(0); // past the limit: nothing stored
    expect(memo.at(n - 1500)).toBe(heldPortsExamined(n, n - 1500, 'bind'));
    expect(memo.size).toBe(2048); // grown to cover held 1,500, capped at the limit
    expect(memo.at(n - 10)).toBe(heldPortsExamined(n, n - 10, 'bind'));
    expect(memo.size).toBe(2048);
  });

  it('a range that is not whole is computed each time', () => {
    const memo = new BindExaminedMemo(10.5);
    expect(memo.at(4.5)).toBe(heldPortsExamined(10.5, 4.5, 'bind'));
    expect(memo.size).toBe(0);
  });
});
