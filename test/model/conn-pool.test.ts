import { describe, expect, it } from 'vitest';
import { ConnPool, RELEASE } from '../../lib/model/conn-pool.js';

describe('ConnPool', () => {
  it('acquire() is LIFO: the most recently returned connection comes back first', () => {
    const pool = new ConnPool(10);
    const a = pool.open(0);
    const b = pool.open(0);
    const c = pool.open(0);
    pool.release(a);
    pool.release(b);
    pool.release(c);
    expect([pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()]).toEqual([c, b, a, -1]);
  });

  it('release() keeps at most maxIdle idle connections and closes the rest', () => {
    const pool = new ConnPool(2);
    const ids = [pool.open(0), pool.open(0), pool.open(0), pool.open(0)];
    expect(ids.map((id) => pool.release(id))).toEqual([
      RELEASE.kept,
      RELEASE.kept,
      RELEASE.closed,
      RELEASE.closed,
    ]);
    expect(pool.idleConns).toBe(2);
    expect(pool.openCount).toBe(2);
  });

  it('maxIdle 0 closes every released connection (no reuse at all)', () => {
    const pool = new ConnPool(0);
    expect(pool.release(pool.open(0))).toBe(RELEASE.closed);
    expect(pool.acquire()).toBe(-1);
  });

  it('remembers each connection’s local IP and whether data flowed, across id reuse', () => {
    const pool = new ConnPool(5);
    const a = pool.open(7);
    expect(pool.ipOfConn(a)).toBe(7);
    expect(pool.wasUsed(a)).toBe(false);
    pool.markUsed(a);
    expect(pool.wasUsed(a)).toBe(true);
    pool.forget(a);
    const b = pool.open(9);
    expect(b).toBe(a);
    expect(pool.wasUsed(b)).toBe(false);
    expect(pool.ipOfConn(b)).toBe(9);
  });

  it('drainIdle() returns and empties the idle list; open count is conserved', () => {
    const pool = new ConnPool(100);
    const ids = Array.from({ length: 150 }, (_, i) => pool.open(i));
    for (const id of ids) pool.release(id);
    expect(pool.openCount).toBe(100);
    expect(pool.drainIdle()).toHaveLength(100);
    expect(pool.idleConns).toBe(0);
  });
});
