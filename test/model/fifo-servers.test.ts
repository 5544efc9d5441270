import { describe, expect, it } from 'vitest';
import { FifoServers } from '../../lib/model/fifo-servers.js';

describe('FifoServers', () => {
  it('admit() on one server queues jobs back to back', () => {
    const s = new FifoServers(1);
    expect([s.admit(0, 2), s.admit(0, 2), s.admit(1, 2), s.admit(10, 1)]).toEqual([2, 4, 6, 11]);
  });

  it('admit() on two servers: each job takes the earliest free server', () => {
    const s = new FifoServers(2);
    expect([s.admit(0, 3), s.admit(0, 1), s.admit(0, 1), s.admit(0, 1), s.admit(0, 5)]).toEqual([
      3, 1, 2, 3, 8,
    ]);
  });

  it('busyAt() counts servers still working', () => {
    const s = new FifoServers(3);
    s.admit(0, 1);
    s.admit(0, 5);
    expect(s.busyAt(2)).toBe(1);
  });

  it('rejects zero servers', () => {
    expect(() => new FifoServers(0)).toThrow(/servers/);
  });
});
