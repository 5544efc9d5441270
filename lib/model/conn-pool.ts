/**
 * The memcached client's connection pool, with gomemcache's semantics (memcache/memcache.go):
 * - one free list per server address, used LIFO (`getFreeConn` takes the most recently returned);
 * - no cap on open connections: when the free list is empty the client dials;
 * - on release (`putFreeConn`), a connection beyond `MaxIdleConns` is closed, the client closing first;
 * - on a timeout or I/O error the connection is closed, not returned.
 * Connections are numbered; each remembers its local IP and whether data has flowed on it.
 */
export const RELEASE = { kept: 'kept', closed: 'closed' } as const;
export type ReleaseOutcome = (typeof RELEASE)[keyof typeof RELEASE];

export class ConnPool {
  private idle = new Int32Array(64);
  private idleCount = 0;
  private ipOf = new Float64Array(64);
  private usedOf = new Uint8Array(64);
  private freeIds: number[] = [];
  private nextId = 0;
  /** Open connections (idle + in use). */
  openCount = 0;

  constructor(readonly maxIdle: number) {}

  get idleConns(): number {
    return this.idleCount;
  }

  /** Pop the most recently returned idle connection, or -1 when the caller must dial. */
  acquire(): number {
    return this.idleCount > 0 ? this.idle[--this.idleCount]! : -1;
  }

  /** Register a freshly dialed connection on local IP `ip`; returns its id (in use by the caller). */
  open(ip: number): number {
    const id = this.freeIds.pop() ?? this.nextId++;
    if (id >= this.ipOf.length) this.grow(id);
    this.ipOf[id] = ip;
    this.usedOf[id] = 0;
    this.openCount++;
    return id;
  }

  ipOfConn(id: number): number {
    return this.ipOf[id]!;
  }

  /** Mark that a request and reply went over the connection (it now carries TCP timestamps). */
  markUsed(id: number): void {
    this.usedOf[id] = 1;
  }

  wasUsed(id: number): boolean {
    return this.usedOf[id] === 1;
  }

  /** Return a healthy connection: kept idle if below maxIdle, else the caller must close it. */
  release(id: number): ReleaseOutcome {
    if (this.idleCount < this.maxIdle) {
      if (this.idleCount === this.idle.length) {
        const bigger = new Int32Array(this.idle.length * 2);
        bigger.set(this.idle);
        this.idle = bigger;
      }
      this.idle[this.idleCount++] = id;
      return RELEASE.kept;
    }
    this.forget(id);
    return RELEASE.closed;
  }

  /** The connection is being closed (error, timeout, or excess on release): drop it. */
  forget(id: number): void {
    this.openCount--;
    this.freeIds.push(id);
  }

  /** Ids of every idle connection (for closing them all when the process dies); empties the free list. */
  drainIdle(): number[] {
    const ids = Array.from(this.idle.subarray(0, this.idleCount));
    this.idleCount = 0;
    return ids;
  }

  private grow(id: number): void {
    let size = this.ipOf.length;
    while (size <= id) size *= 2;
    const ip = new Float64Array(size);
    ip.set(this.ipOf);
    const used = new Uint8Array(size);
    used.set(this.usedOf);
    this.ipOf = ip;
    this.usedOf = used;
  }
}
