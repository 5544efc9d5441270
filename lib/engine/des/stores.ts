/**
 * Slot stores for the reference engine's entities, in typed arrays (no object per request or goroutine).
 * A slot is reused after it is freed; the engine guarantees no event still refers to a freed slot.
 */

/** Per-URI goroutines ("tasks") and the event bookkeeping they need. */
export class TaskStore {
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
  startSec = new Float64Array(1024);
  private free: number[] = [];
  private next = 0;
  inUse = 0;

  /** Highest slot ever used + 1 (for scanning live tasks when the process dies). */
  get highWater(): number {
    return this.next;
  }

  alloc(): number {
    const id = this.free.pop() ?? this.next++;
    if (id >= this.request.length) this.grow();
    this.inUse++;
    return id;
  }

  /** Free a slot; its epoch becomes -1 so that sweeps of live tasks never see it. */
  release(id: number): void {
    this.epoch[id] = -1;
    this.inUse--;
    this.free.push(id);
  }

  private grow(): void {
    const n = this.request.length * 2;
    this.request = growInt32(this.request, n);
    this.phase = growUint8(this.phase, n);
    this.conn = growInt32(this.conn, n);
    this.cache = growUint8(this.cache, n);
    this.epoch = growInt32(this.epoch, n);
    this.pending = growUint8(this.pending, n);
    this.op = growUint8(this.op, n);
    this.keys = growInt32(this.keys, n);
    this.syscallSec = growFloat64(this.syscallSec, n);
    this.startSec = growFloat64(this.startSec, n);
  }
}

/** In-flight requests (one handler goroutine each). */
export class RequestStore {
  client = new Uint8Array(256);
  arrivalSec = new Float64Array(256);
  /** Tasks started and not finished. */
  running = new Int32Array(256);
  /** URIs whose goroutine `errgroup.Go` has not started yet (blocked by SetLimit). */
  unstarted = new Int32Array(256);
  failed = new Uint8Array(256);
  live = new Uint8Array(256);
  private free: number[] = [];
  private next = 0;
  inUse = 0;

  get highWater(): number {
    return this.next;
  }

  alloc(): number {
    const id = this.free.pop() ?? this.next++;
    if (id >= this.client.length) this.grow();
    this.inUse++;
    this.live[id] = 1;
    return id;
  }

  release(id: number): void {
    this.live[id] = 0;
    this.inUse--;
    this.free.push(id);
  }

  private grow(): void {
    const n = this.client.length * 2;
    this.client = growUint8(this.client, n);
    this.arrivalSec = growFloat64(this.arrivalSec, n);
    this.running = growInt32(this.running, n);
    this.unstarted = growInt32(this.unstarted, n);
    this.failed = growUint8(this.failed, n);
    this.live = growUint8(this.live, n);
  }
}

function growInt32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
function growUint8(a: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}
function growFloat64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
