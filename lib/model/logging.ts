/**
 * Error logging as Go does it: one line per memcached error, formatted on the heap, then written with a
 * blocking write(2). slog's handler holds a mutex and `os.File.Write` takes the fd's write lock, so at most
 * one thread per fd is in write(2); every other logging goroutine waits, parked, holding its stack and
 * its line. The fd is a single server draining at the pipe's rate.
 *
 * Before the writer: an optional sampler (keep a fraction) and an optional rate limit (token bucket,
 * `logRate` lines/s, burst of one second's worth), the fixes that trade evidence for survival.
 */

import { binomial } from '../random/distributions.js';
import type { Rng } from '../random/rng.js';
import { FifoServers } from './fifo-servers.js';

export interface ErrorLogConfig {
  /** Lines per second allowed through, or 'unlimited'. */
  readonly logRate: number | 'unlimited';
  readonly sampleFraction: number;
  readonly lineBytes: number;
  readonly pipeBytesPerSec: number;
}

export class ErrorLog {
  readonly writeSec: number;
  private readonly writer = new FifoServers(1);
  private tokens: number;
  private lastRefillSec = 0;
  /** Lines the program tried to log. */
  attempted = 0;
  /** Lines accepted by sampler and limiter (written, or queued for the fd). */
  accepted = 0;
  /** Lines written out. */
  written = 0;
  /** Lines waiting for, or in, write(2). */
  queued = 0;

  constructor(private readonly config: ErrorLogConfig) {
    this.writeSec = config.lineBytes / config.pipeBytesPerSec;
    this.tokens = this.burst();
  }

  /**
   * The program logs one error line at `nowSec`. Returns the time the write completes (the caller's
   * goroutine is blocked until then), or -1 when the line was dropped by the sampler or the limiter.
   */
  offer(nowSec: number, rng: Rng): number {
    this.attempted++;
    if (this.config.sampleFraction < 1 && rng.next() >= this.config.sampleFraction) return -1;
    if (this.config.logRate !== 'unlimited') {
      this.refill(nowSec);
      if (this.tokens < 1) return -1;
      this.tokens -= 1;
    }
    this.accepted++;
    this.queued++;
    return this.writer.admit(nowSec, this.writeSec);
  }

  /**
   * `count` lines logged at `nowSec` at once (the aggregate engine's bulk form of `offer`): the sampler
   * keeps a binomial share, the limiter its tokens, and the writer queues the rest back to back. Returns
   * how many were accepted.
   */
  offerMany(nowSec: number, count: number, rng: Rng): number {
    if (count <= 0) return 0;
    this.attempted += count;
    let n = this.config.sampleFraction < 1 ? binomial(rng, count, this.config.sampleFraction) : count;
    if (this.config.logRate !== 'unlimited') {
      this.refill(nowSec);
      n = Math.min(n, Math.floor(this.tokens));
      this.tokens -= n;
    }
    if (n <= 0) return 0;
    this.accepted += n;
    this.queued += n;
    this.writer.admit(nowSec, n * this.writeSec);
    return n;
  }

  /** Lines still waiting for, or in, write(2) at `nowSec`, from the writer's backlog (bulk mode). */
  backlogAt(nowSec: number): number {
    return Math.max(0, Math.ceil((this.writer.earliestFreeSec() - nowSec) / this.writeSec - 1e-9));
  }

  /** Bulk mode: account lines written by `nowSec`. */
  settle(nowSec: number): void {
    if (this.queued === 0) return;
    const backlog = Math.min(this.queued, this.backlogAt(nowSec));
    this.written += this.queued - backlog;
    this.queued = backlog;
  }

  /** A queued line finished its write(2). */
  lineWritten(): void {
    this.queued--;
    this.written++;
  }

  /** A new logger (new settings after a deploy) continues the old one's counts. */
  carryCountsFrom(old: ErrorLog): void {
    this.attempted = old.attempted;
    this.accepted = old.accepted;
    this.written = old.written;
  }

  /** The process died: queued lines are lost. */
  reset(nowSec: number): void {
    this.queued = 0;
    this.writer.reset(nowSec);
  }

  private burst(): number {
    const rate = this.config.logRate;
    if (rate === 'unlimited' || rate === 0) return 0;
    return Math.max(1, rate); // one second's worth, but at least one line
  }

  private refill(nowSec: number): void {
    const rate = this.config.logRate as number;
    this.tokens = Math.min(this.burst(), this.tokens + (nowSec - this.lastRefillSec) * rate);
    this.lastRefillSec = nowSec;
  }
}
