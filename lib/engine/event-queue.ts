/**
 * A binary min-heap of events ordered by (time, priority, sequence), as SimPy orders its heap: events at
 * the same instant run by priority, then in the order they were scheduled. That order is what makes a run
 * reproducible byte for byte.
 *
 * Layout, chosen for speed (no object per event): each event lives in a slot of four parallel typed
 * arrays (time, tie-break key, kind, arg); the heap itself is an Int32Array of slot numbers, so sifting
 * moves one integer per level instead of four fields. Freed slots are recycled through a stack.
 *
 * Each event carries a small integer `kind` and an integer `arg` (an entity index); the mechanism that owns
 * the entity keeps the rest of its state in its own arrays.
 */

/** priority * 2^44 + sequence stays an exact double for priorities < 256 and 1.7e13 events. */
const PRIORITY_SCALE = 2 ** 44;
export const MAX_PRIORITY = 255;

export class EventQueue {
  private times: Float64Array;
  private ties: Float64Array;
  private kinds: Int32Array;
  private args: Int32Array;
  private heap: Int32Array;
  /** The times again, in heap order: comparisons read them without indirection. */
  private heapTimes: Float64Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private count = 0;
  private sequence = 0;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.ties = new Float64Array(initialCapacity);
    this.kinds = new Int32Array(initialCapacity);
    this.args = new Int32Array(initialCapacity);
    this.heap = new Int32Array(initialCapacity);
    this.heapTimes = new Float64Array(initialCapacity);
    this.freeSlots = new Int32Array(initialCapacity);
    for (let s = initialCapacity - 1; s >= 0; s--) this.freeSlots[this.freeCount++] = s;
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event, or +Infinity when empty. */
  peekTime(): number {
    return this.count > 0 ? this.heapTimes[0]! : Number.POSITIVE_INFINITY;
  }

  push(timeSec: number, kind: number, arg: number, priority: number): void {
    if (this.freeCount === 0) this.grow();
    const slot = this.freeSlots[--this.freeCount]!;
    const ht = this.heapTimes;
    const ties = this.ties;
    const heap = this.heap;
    const tie = priority * PRIORITY_SCALE + this.sequence++;
    this.times[slot] = timeSec;
    ties[slot] = tie;
    this.kinds[slot] = kind;
    this.args[slot] = arg;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = ht[parent]!;
      if (pt < timeSec || (pt === timeSec && ties[heap[parent]!]! < tie)) break;
      heap[i] = heap[parent]!;
      ht[i] = pt;
      i = parent;
    }
    heap[i] = slot;
    ht[i] = timeSec;
  }

  /** Time, kind and arg of the earliest event (read them before `pop`). */
  topTime(): number {
    return this.heapTimes[0]!;
  }
  topKind(): number {
    return this.kinds[this.heap[0]!]!;
  }
  topArg(): number {
    return this.args[this.heap[0]!]!;
  }

  /** Time, kind and arg of an event's slot, as returned by `pop` (valid until the next `push`). */
  timeOf(slot: number): number {
    return this.times[slot]!;
  }
  kindOf(slot: number): number {
    return this.kinds[slot]!;
  }
  argOf(slot: number): number {
    return this.args[slot]!;
  }

  /** Remove the earliest event if its time is <= `limit`; returns its slot, or -1 (then nothing changes). */
  popUntil(limit: number): number {
    if (this.count === 0 || this.heapTimes[0]! > limit) return -1;
    return this.pop();
  }

  /** Remove the earliest event; returns its slot, readable until the next `push`. */
  pop(): number {
    const heap = this.heap;
    const top = heap[0]!;
    this.freeSlots[this.freeCount++] = top;
    const last = --this.count;
    if (last === 0) return top;
    const ht = this.heapTimes;
    const ties = this.ties;
    const slot = heap[last]!;
    const t = ht[last]!;
    const tie = ties[slot]!;
    const half = last >> 1;
    let i = 0;
    while (i < half) {
      let child = 2 * i + 1;
      let ct = ht[child]!;
      const right = child + 1;
      if (right < last) {
        const rt = ht[right]!;
        if (rt < ct || (rt === ct && ties[heap[right]!]! < ties[heap[child]!]!)) {
          child = right;
          ct = rt;
        }
      }
      if (t < ct || (t === ct && tie < ties[heap[child]!]!)) break;
      heap[i] = heap[child]!;
      ht[i] = ct;
      i = child;
    }
    heap[i] = slot;
    ht[i] = t;
    return top;
  }

  private grow(): void {
    const old = this.times.length;
    const capacity = old * 2;
    const widen = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.times = widen(this.times, (n) => new Float64Array(n));
    this.ties = widen(this.ties, (n) => new Float64Array(n));
    this.kinds = widen(this.kinds, (n) => new Int32Array(n));
    this.args = widen(this.args, (n) => new Int32Array(n));
    this.heap = widen(this.heap, (n) => new Int32Array(n));
    this.heapTimes = widen(this.heapTimes, (n) => new Float64Array(n));
    this.freeSlots = new Int32Array(capacity);
    // Every old slot is in use (the free stack was empty); the new ones are free.
    for (let s = capacity - 1; s >= old; s--) this.freeSlots[this.freeCount++] = s;
  }
}
