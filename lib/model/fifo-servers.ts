/**
 * A first-come-first-served queue in front of c identical servers, computed by the workload vector
 * (Kiefer and Wolfowitz): each job arriving at time t with a known service time s starts at
 * max(t, earliest time a server frees) on that server. Completion is known on arrival, so the simulation
 * needs one event per job instead of three. Used for memcached worker threads, Scylla, and the log fd.
 */
export class FifoServers {
  // Min-heap of the times at which each server becomes free.
  private readonly freeAt: Float64Array;

  constructor(readonly servers: number) {
    if (!Number.isInteger(servers) || servers < 1)
      throw new RangeError(`servers must be >= 1, got ${servers}`);
    this.freeAt = new Float64Array(servers);
  }

  /** Earliest time a server is free. */
  earliestFreeSec(): number {
    return this.freeAt[0]!;
  }

  /** Admit a job arriving at `arrivalSec` needing `serviceSec`; returns its completion time. */
  admit(arrivalSec: number, serviceSec: number): number {
    const start = Math.max(arrivalSec, this.freeAt[0]!);
    const end = start + serviceSec;
    this.replaceTop(end);
    return end;
  }

  /** Jobs waiting or in service at `nowSec` cannot be counted from the vector; busy servers can. */
  busyAt(nowSec: number): number {
    let busy = 0;
    for (let i = 0; i < this.servers; i++) if (this.freeAt[i]! > nowSec) busy++;
    return busy;
  }

  /** Forget all work (the owning process died). */
  reset(nowSec: number): void {
    this.freeAt.fill(nowSec);
  }

  private replaceTop(value: number): void {
    const heap = this.freeAt;
    const n = this.servers;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && heap[r]! < heap[l]! ? r : l;
      if (heap[c]! >= value) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = value;
  }
}
