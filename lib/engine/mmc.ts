/**
 * An M/M/c queue on the scheduler: the engine's calibration model. Used by the throughput benchmark (the
 * design target is >= 3 M completed jobs/s on one core for lambda 900/s, mu 100/s, c 10) and by the
 * Little's-law test. Waiting jobs sit in a FIFO ring of arrival times.
 *
 * State lives in class fields, not in closure variables: V8 boxes mutable doubles captured by closures
 * (one heap allocation per update), while it stores them unboxed in an object's fields.
 */
import { exponential } from '../random/distributions.js';
import type { Rng } from '../random/rng.js';
import { type EventHandler, Scheduler } from './scheduler.js';

export interface MmcOptions {
  readonly arrivalRatePerSec: number;
  readonly serviceRatePerSec: number;
  readonly servers: number;
  readonly durationSec: number;
  /** Jobs arriving before this time are excluded from the statistics (warm-up). */
  readonly warmupSec?: number;
}

export interface MmcResult {
  readonly completed: number;
  readonly events: number;
  /** Mean time in system (wait + service) of measured jobs, seconds. */
  readonly meanSojournSec: number;
  /** Time-average number of jobs in the system over the measured interval. */
  readonly meanInSystem: number;
  /** Measured arrival rate over the measured interval, per second. */
  readonly arrivalRatePerSec: number;
}

const ARRIVAL = 0;
const DEPARTURE = 1;

class MmcModel implements EventHandler {
  readonly sim = new Scheduler();
  // FIFO ring of waiting jobs' arrival times; capacity a power of two so wrap-around is a mask.
  private ring = new Float64Array(1024);
  private mask = 1023;
  private head = 0;
  private queued = 0;
  /** Arrival time of the job each server holds: departures carry the server index. */
  private readonly serverArrival: Float64Array;
  private readonly freeServers: Int32Array;
  private freeCount = 0;
  private inSystem = 0;
  areaInSystem = 0;
  private lastChange: number;
  measuredArrivals = 0;
  completed = 0;
  sojournSum = 0;

  constructor(
    private readonly rng: Rng,
    private readonly lambda: number,
    private readonly mu: number,
    servers: number,
    private readonly warmupSec: number,
  ) {
    this.serverArrival = new Float64Array(servers);
    this.freeServers = new Int32Array(servers);
    for (let s = servers - 1; s >= 0; s--) this.freeServers[this.freeCount++] = s;
    this.lastChange = warmupSec;
  }

  start(): void {
    this.sim.after(exponential(this.rng, this.lambda), ARRIVAL);
  }

  /** Integrate the number in system up to `now` (only after warm-up). */
  account(now: number): void {
    if (now > this.warmupSec) {
      this.areaInSystem += this.inSystem * (now - this.lastChange);
      this.lastChange = now;
    }
  }

  handle(kind: number, arg: number): void {
    const now = this.sim.now;
    this.account(now);
    if (kind === ARRIVAL) this.arrive(now);
    else this.depart(now, arg);
  }

  private arrive(now: number): void {
    this.inSystem++;
    if (now >= this.warmupSec) this.measuredArrivals++;
    if (this.freeCount > 0) this.startService(this.freeServers[--this.freeCount]!, now);
    else {
      if (this.queued === this.ring.length) this.growRing();
      this.ring[(this.head + this.queued) & this.mask] = now;
      this.queued++;
    }
    this.sim.after(exponential(this.rng, this.lambda), ARRIVAL);
  }

  private depart(now: number, server: number): void {
    this.inSystem--;
    const arrivedAt = this.serverArrival[server]!;
    if (arrivedAt >= this.warmupSec) {
      this.completed++;
      this.sojournSum += now - arrivedAt;
    }
    if (this.queued > 0) {
      const next = this.ring[this.head]!;
      this.head = (this.head + 1) & this.mask;
      this.queued--;
      this.startService(server, next);
    } else this.freeServers[this.freeCount++] = server;
  }

  private startService(server: number, arrivedAt: number): void {
    this.serverArrival[server] = arrivedAt;
    this.sim.after(exponential(this.rng, this.mu), DEPARTURE, server);
  }

  private growRing(): void {
    const bigger = new Float64Array(this.ring.length * 2);
    for (let i = 0; i < this.queued; i++) bigger[i] = this.ring[(this.head + i) & this.mask]!;
    this.ring = bigger;
    this.mask = bigger.length - 1;
    this.head = 0;
  }
}

export function runMmc(rng: Rng, options: MmcOptions): MmcResult {
  const warmupSec = options.warmupSec ?? 0;
  const model = new MmcModel(
    rng,
    options.arrivalRatePerSec,
    options.serviceRatePerSec,
    options.servers,
    warmupSec,
  );
  model.start();
  const events = model.sim.run(options.durationSec, model);
  model.account(options.durationSec);
  const measured = options.durationSec - warmupSec;
  return {
    completed: model.completed,
    events,
    meanSojournSec: model.completed > 0 ? model.sojournSum / model.completed : 0,
    meanInSystem: measured > 0 ? model.areaInSystem / measured : 0,
    arrivalRatePerSec: measured > 0 ? model.measuredArrivals / measured : 0,
  };
}
