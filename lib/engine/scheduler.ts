/**
 * The discrete-event scheduler: a clock and a queue, nothing else (SimPy's `schedule` + `step`). Model
 * code decides what happens; the scheduler only tells it when.
 */
import { EventQueue, MAX_PRIORITY } from './event-queue.js';

/**
 * Receives each event, in (time, priority, sequence) order; `scheduler.now` is the event's time. An object
 * with a method rather than a closure, so that model state can live in unboxed class fields.
 */
export interface EventHandler {
  handle(kind: number, arg: number): void;
}

export class Scheduler {
  /** Simulated time of the event being dispatched, in seconds. */
  now = 0;
  /** Events dispatched so far. */
  dispatched = 0;
  private readonly queue = new EventQueue();

  /** Schedule an event at absolute time `atSec` (never before `now`). Lower `priority` runs first on ties. */
  at(atSec: number, kind: number, arg = 0, priority = 0): void {
    // One comparison each on the hot path; NaN fails the first, a fractional priority the second.
    if (!(atSec >= this.now)) throw new RangeError(`cannot schedule at ${atSec} s: now is ${this.now} s`);
    if (priority !== 0 && !(priority > 0 && priority <= MAX_PRIORITY && (priority | 0) === priority)) {
      throw new RangeError(`priority must be an integer in [0, ${MAX_PRIORITY}], got ${priority}`);
    }
    this.queue.push(atSec, kind, arg, priority);
  }

  /** Schedule an event `delaySec` after now. */
  after(delaySec: number, kind: number, arg = 0, priority = 0): void {
    this.at(this.now + delaySec, kind, arg, priority);
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Time of the next event, +Infinity when none. */
  nextTime(): number {
    return this.queue.peekTime();
  }

  /**
   * Hand events with time <= `endSec` in order; afterwards `now` is `endSec` (or the last event's time
   * if that is later, which cannot happen). Returns the number of events dispatched by this call.
   */
  run(endSec: number, handler: EventHandler): number {
    const queue = this.queue;
    let n = 0;
    for (;;) {
      const slot = queue.popUntil(endSec);
      if (slot < 0) break;
      const kind = queue.kindOf(slot);
      const arg = queue.argOf(slot);
      this.now = queue.timeOf(slot);
      n++;
      handler.handle(kind, arg);
    }
    this.dispatched += n;
    if (endSec > this.now) this.now = endSec;
    return n;
  }
}
