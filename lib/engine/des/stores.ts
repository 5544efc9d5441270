/**
 * Slot stores for the reference engine's entities, in typed arrays (no object per request or goroutine).
 * A slot is reused after it is freed; the engine guarantees no event still refers to a freed slot.
 */

type Column = Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | Float64Array<ArrayBuffer>;

/** A copy of `a` with room for `n` entries. */
function widen<T extends Column>(a: T, n: number): T {
  const b = new (a.constructor as new (length: number) => T)(n);
  b.set(a);
  return b;
}

/** Slot bookkeeping shared by the stores: a free list, a high-water mark, doubling capacity. */
abstract class SlotStore {
  private free: number[] = [];
  private next = 0;
  inUse = 0;

  /** Highest slot ever used + 1 (for scanning live entries when the process dies). */
  get highWater(): number {
    return this.next;
  }

  alloc(): number {
    const id = this.free.pop() ?? this.next++;
    if (id >= this.capacity()) this.grow(this.capacity() * 2);
    this.inUse++;
    this.onAlloc(id);
    return id;
  }

  release(id: number): void {
    this.onRelease(id);
    this.inUse--;
    this.free.push(id);
  }

  protected abstract capacity(): number;
  protected abstract grow(n: number): void;
  protected onAlloc(_id: number): void {}
  protected onRelease(_id: number): void {}

  protected static widen = widen;
}

/** Per-URI goroutines ("tasks") and the event bookkeeping they need. */
export class TaskStore extends SlotStore {
  request = new Int32Array(1024);
  phase = new Uint8Array(1024);
  conn = new Int32Array(1024);
  cache = new Uint8Array(1024);
  epoch = new Int32Array(1024);
  /** Events scheduled for this task and not yet dispatched. */
  pending = new Uint8Array(1024);
  /** The memcached op under way: get, set or multi-get. */
  op = new Uint8Array(1024);
  /** Keys the task's current op covers (1, or the batch for a multi-get). */
  keys = new Int32Array(1024);
  syscallSec = new Float64Array(1024);
  /** 1 if the task's syscall outlasts its P's hand-off period (it gets an M of its own). */
  slow = new Uint8Array(1024);
  startSec = new Float64Array(1024);
  /** An op waiting for CPU to be sent: its round trip, its work on a server thread, and that CPU wait. */
  rttSec = new Float64Array(1024);
  workSec = new Float64Array(1024);
  cpuWaitSec = new Float64Array(1024);

  protected capacity(): number {
    return this.request.length;
  }

  /** A freed slot's epoch becomes -1, so that sweeps of live tasks never see it. */
  protected override onRelease(id: number): void {
    this.epoch[id] = -1;
  }

  protected grow(n: number): void {
    this.request = widen(this.request, n);
    this.phase = widen(this.phase, n);
    this.conn = widen(this.conn, n);
    this.cache = widen(this.cache, n);
    this.epoch = widen(this.epoch, n);
    this.pending = widen(this.pending, n);
    this.op = widen(this.op, n);
    this.keys = widen(this.keys, n);
    this.syscallSec = widen(this.syscallSec, n);
    this.slow = widen(this.slow, n);
    this.startSec = widen(this.startSec, n);
    this.rttSec = widen(this.rttSec, n);
    this.workSec = widen(this.workSec, n);
    this.cpuWaitSec = widen(this.cpuWaitSec, n);
  }
}

/** In-flight requests (one handler goroutine each). */
export class RequestStore extends SlotStore {
  client = new Uint8Array(256);
  arrivalSec = new Float64Array(256);
  /** Tasks started and not finished. */
  running = new Int32Array(256);
  /** URIs whose goroutine `errgroup.Go` has not started yet (blocked by SetLimit). */
  unstarted = new Int32Array(256);
  failed = new Uint8Array(256);
  live = new Uint8Array(256);

  protected capacity(): number {
    return this.client.length;
  }

  protected override onAlloc(id: number): void {
    this.live[id] = 1;
  }

  protected override onRelease(id: number): void {
    this.live[id] = 0;
  }

  protected grow(n: number): void {
    this.client = widen(this.client, n);
    this.arrivalSec = widen(this.arrivalSec, n);
    this.running = widen(this.running, n);
    this.unstarted = widen(this.unstarted, n);
    this.failed = widen(this.failed, n);
    this.live = widen(this.live, n);
  }
}
