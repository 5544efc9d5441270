import { describe, expect, it } from 'vitest';
import {
  dialSec,
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
