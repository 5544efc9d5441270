/**
 * The reference engine: a request-level discrete-event simulation of one data-plane host. Every request,
 * every per-URI goroutine, every connection, dial, port, log line and GC cycle is simulated; the
 * mechanisms live in lib/model and know nothing of this file, which only wires them to the scheduler.
 *
 * One URI task (a goroutine of GetPostRecord, or the body of a single-key endpoint):
 *   get: idle connection (LIFO) or dial -> memcached -> hit: done
 *                                                     -> miss: Scylla -> set (idle conn or dial) -> done
 *   an error on the get: log one line (blocking on the fd), the URI fails, so its request fails;
 *   an error on the set: log one line, the URI still succeeds (it came from Scylla).
 * A dial waits for a P, then runs bind/connect for as long as the port search takes; past a sysmon tick its
 * P is handed off (one more blocked M). Every task has exactly one pending event, or waits for a P.
 */
import { type EventHandler, Scheduler } from '../../engine/scheduler.js';
import { LatencyHistogram } from '../../metrics/latency-histogram.js';
import { ConnPool, RELEASE } from '../../model/conn-pool.js';
import {
  addPHold,
  clearDemand,
  emptyDemand,
  gcDemandSec,
  type HostCpu,
  nextStepDemand,
} from '../../model/cpu.js';
import { startable } from '../../model/errgroup.js';
import { DIAL_ERROR, DIAL_ERRORS, type DialError, OP_ERROR } from '../../model/errors.js';
import { FifoServers } from '../../model/fifo-servers.js';
import type { GcState, MemoryView } from '../../model/gc.js';
import { dedicatedMarkWorkers, type GoRuntime, goroutinePs } from '../../model/go-runtime.js';
import { portTableConfig } from '../../model/host-config.js';
import { newHostMechanisms } from '../../model/host-mechanisms.js';
import { trafficFactor } from '../../model/load.js';
import type { ErrorLog } from '../../model/logging.js';
import { drawGetWorkSec, drawRttSec, getMultiWorkSec, replySec } from '../../model/memcached.js';
import { memoryView, rssBytes } from '../../model/memory.js';
import type { Params } from '../../model/params.js';
import { PortTable } from '../../model/port-table.js';
import { KILL_REASON, type KillReason, Lifecycle, PROCESS_STATE } from '../../model/process-lifecycle.js';
import { killEvent, restartedRuntime } from '../../model/process-reset.js';
import { InputError } from '../../model/resolve-params.js';
import { drawScyllaReadSec } from '../../model/scylla.js';
import {
  CACHE_TYPES,
  CLIENT_IDS,
  type ClientSpec,
  clientRatePerSec,
  clientsFrom,
  drawBatchSize,
  ENDPOINT,
  rejectedByCap,
} from '../../model/workload.js';
import { exponential } from '../../random/distributions.js';
import { createRng, hashSeed, type Rng } from '../../random/rng.js';
import { HostMetrics } from '../host-metrics.js';
import type { HostRunOptions, HostRunStats } from '../host-run.js';
import { RequestStore, TaskStore } from './stores.js';

const EV = {
  arrival: 0,
  task: 1,
  handoff: 2,
  tick: 3,
  second: 4,
  bin: 5,
  restart: 6,
  ready: 7,
  inject: 8,
} as const;

/** What a task is waiting for. */
const PH = {
  waitP: 0,
  dial: 1,
  op: 2,
  opTimeout: 3,
  scylla: 4,
  log: 5,
  /** Waiting for CPU to send the op (it reaches memcached's queue only then). */
  send: 6,
} as const;

const OP_GET = 0;
const OP_SET = 1;
const OP_MULTI = 2;

/** Events at the same instant: model events first, then accounting (tick, second, bin) last. */
const PRIO_ACCOUNTING = 200;

/** The shared contract, and a check of conservation counts at every runtime tick (tests). */
export interface DesRunOptions extends HostRunOptions {
  readonly onCheck?: (snapshot: HostSnapshot) => void;
}

/** Counts that conservation laws relate (see test/engine/des/host-sim.test.ts). */
export interface HostSnapshot {
  readonly nowSec: number;
  readonly establishedSockets: number;
  readonly timeWaitSockets: number;
  readonly poolOpen: number;
  readonly poolIdle: number;
  readonly requestsArrived: number;
  readonly requestsFinished: number;
  readonly requestsInFlight: number;
  readonly goroutines: number;
  readonly liveTasks: number;
  readonly serving: boolean;
  readonly threads: number;
}

export function runHostDes(options: DesRunOptions): HostRunStats {
  const sim = new HostSim(options);
  return sim.run();
}

class HostSim implements EventHandler {
  private readonly p: Params;
  private readonly sim = new Scheduler();
  private readonly clients: readonly ClientSpec[];
  private readonly rngArrivals: Rng[];
  /** Batch sizes, one stream per client (so that both engines draw the new client's batches alike). */
  private readonly rngBatch: Rng[];
  private readonly rngNet: Rng;
  private readonly rngCache: Rng;
  private readonly rngPorts: Rng;
  private readonly rngLog: Rng;
  private readonly ports: PortTable;
  private pool: ConnPool;
  private runtime: GoRuntime;
  private readonly gc: GcState;
  private readonly log: ErrorLog;
  private readonly memcachedThreads: FifoServers;
  /** User traffic multiplier in force (calendar x retry amplification, model/load.ts), set each second. */
  private rateFactor = 1;
  private readonly scylla: FifoServers;
  private readonly lifecycle: Lifecycle;
  private readonly tasks = new TaskStoreRef();
  private readonly metrics: HostMetrics;
  private readonly latencies = new LatencyHistogram();
  private memcachedOpen = 0;
  private requestsArrived = 0;
  private requestsFinished = 0;
  private liveTasks = 0;
  private allocatedBytes = 0;
  private stwUntilSec = 0;
  /** The host's CPU, stepped at each runtime tick with the work that arrived since the last one. */
  private readonly cpu: HostCpu;
  private readonly demand = emptyDemand();
  /** When the tick that ends the current CPU step fires (P holds are charged to the steps they span). */
  private nextTickSec = 0;
  private readonly fixedIp = 0;
  private readonly timeoutSec: number;

  constructor(private readonly options: DesRunOptions) {
    if (options.deploys && options.deploys.length > 0) {
      throw new InputError(
        'deploys: the reference engine (des) runs one configuration; use `engine` fast for scenarios with deploys',
      );
    }
    const p = options.params;
    this.p = p;
    const seed = options.seed;
    this.clients = clientsFrom(p);
    this.rngArrivals = this.clients.map((c) => createRng(hashSeed(seed, 'arrivals', c.id)));
    this.rngBatch = this.clients.map((c) => createRng(hashSeed(seed, 'batch', c.id)));
    this.rngNet = createRng(hashSeed(seed, 'network'));
    this.rngCache = createRng(hashSeed(seed, 'cache'));
    this.rngPorts = createRng(hashSeed(seed, 'ports'));
    this.rngLog = createRng(hashSeed(seed, 'log'));
    this.ports = new PortTable(portTableConfig(p));
    this.pool = new ConnPool(p.poolSize);
    const mechanisms = newHostMechanisms(p);
    this.runtime = mechanisms.runtime;
    this.gc = mechanisms.gc;
    this.cpu = mechanisms.cpu;
    this.log = mechanisms.log;
    this.memcachedThreads = new FifoServers(p.memcached.threads);
    this.scylla = new FifoServers(p.scylla.maxInFlight);
    this.lifecycle = new Lifecycle(p.process);
    this.timeoutSec = p.memcached.timeoutSec;
    this.metrics = new HostMetrics(p, options.resolutionSec ?? 1, options.onRow);
    this.setRateFactor(0);
  }

  run(): HostRunStats {
    const { durationSec } = this.options;
    this.clients.forEach((c, i) => {
      this.scheduleArrival(i, c.activeFromSec);
    });
    (this.options.injections ?? []).forEach((inj, i) => {
      if (inj.atSec <= durationSec) this.sim.at(inj.atSec, EV.inject, i);
    });
    this.nextTickSec = this.p.runtime.tickSec;
    this.sim.at(this.nextTickSec, EV.tick, 0, PRIO_ACCOUNTING);
    this.sim.at(Math.min(1, durationSec), EV.second, 0, PRIO_ACCOUNTING + 1);
    this.sim.at(Math.min(this.metrics.resolutionSec, durationSec), EV.bin, 0, PRIO_ACCOUNTING + 2);
    this.sim.run(durationSec, this);
    this.abandonOverdue(durationSec);
    return {
      durationSec,
      ...this.metrics.finish(this.lifecycle, this.log, this.latencies),
      events: this.sim.dispatched,
    };
  }

  handle(kind: number, arg: number): void {
    switch (kind) {
      case EV.arrival:
        return this.onArrival(arg);
      case EV.task:
        return this.onTaskEvent(arg);
      case EV.handoff:
        return this.onHandoff(arg);
      case EV.tick:
        return this.onTick();
      case EV.second:
        return this.onSecond();
      case EV.bin:
        return this.onBin();
      case EV.restart:
        return this.onRestart(arg);
      case EV.ready:
        return this.onReady(arg);
      case EV.inject: {
        const inj = this.options.injections![arg]!;
        return this.acceptRequest(CLIENT_IDS.indexOf(inj.client), inj.uris);
      }
    }
  }

  // ---- workload -------------------------------------------------------------------------------------

  private scheduleArrival(client: number, fromSec: number): void {
    const c = this.clients[client]!;
    if (c.ratePerSec <= 0) return;
    const rate = clientRatePerSec(c, this.rateFactor);
    const t = Math.max(fromSec, this.sim.now) + exponential(this.rngArrivals[client]!, rate);
    if (t < c.activeUntilSec && t <= this.options.durationSec) this.sim.at(t, EV.arrival, client);
  }

  /** The multiplier for the second starting at `nowSec`, from the calendar and the averaged failure share. */
  private setRateFactor(nowSec: number): void {
    const failed = this.metrics.failedShareAverage;
    this.rateFactor = trafficFactor(this.p, nowSec, failed);
    this.metrics.loadFactor = this.rateFactor;
  }

  private onArrival(client: number): void {
    this.scheduleArrival(client, this.sim.now);
    this.acceptRequest(client, drawBatchSize(this.rngBatch[client]!, this.p, this.clients[client]!));
  }

  private acceptRequest(client: number, uris: number): void {
    const c = this.clients[client]!;
    this.requestsArrived++;
    this.metrics.requestUris(client, uris, uris);
    if (!this.lifecycle.serving || rejectedByCap(this.p, uris)) {
      this.requestsFinished++;
      // Connection refused (nobody is listening), or rejected by the API's batch cap.
      this.metrics.requestDone(client, false, c.userFacing, null, this.latencies);
      return;
    }
    this.demand.mutatorSec += this.p.host.cpuPerRequestSec;
    this.demand.goJobs++;
    const r = this.tasks.requests.alloc();
    const req = this.tasks.requests;
    req.client[r] = client;
    req.arrivalSec[r] = this.sim.now;
    req.running[r] = 0;
    req.failed[r] = 0;
    this.runtime.goroutines++; // the handler goroutine
    if (c.endpoint === ENDPOINT.getPostRecord && this.p.memcached.getMulti) {
      req.unstarted[r] = 0;
      this.startTask(r, OP_MULTI, uris);
      return;
    }
    req.unstarted[r] = uris;
    this.startMore(r);
  }

  /** errgroup.Go for as many URIs as the limit allows. */
  private startMore(r: number): void {
    const req = this.tasks.requests;
    const c = this.clients[req.client[r]!]!;
    const limit = c.endpoint === ENDPOINT.getPostRecord ? this.p.concurrencyLimit : 'unbounded';
    let n = startable(limit, req.running[r]!, req.unstarted[r]!);
    while (n-- > 0) {
      req.unstarted[r]!--;
      this.startTask(r, OP_GET, 1);
    }
  }

  // ---- tasks ----------------------------------------------------------------------------------------

  private startTask(r: number, op: number, keys: number): void {
    this.beginOp(this.newTask(r, op, keys), op);
  }

  /** A new goroutine of request `r` for `op` over `keys` keys, not yet scheduled: its id. */
  private newTask(r: number, op: number, keys: number): number {
    const t = this.tasks.t;
    const id = t.alloc();
    t.request[id] = r;
    t.epoch[id] = this.lifecycle.epoch;
    t.pending[id] = 0;
    t.conn[id] = -1;
    t.keys[id] = keys;
    t.cache[id] = CACHE_TYPES.indexOf(this.clients[this.tasks.requests.client[r]!]!.cache);
    t.op[id] = op;
    this.tasks.requests.running[r]!++;
    this.runtime.goroutines++;
    this.liveTasks++;
    return id;
  }

  /** Get a connection for `op` (idle or dial), then issue it. The op kind is kept in `op`. */
  private beginOp(id: number, op: number): void {
    const t = this.tasks.t;
    t.op[id] = op;
    t.startSec[id] = this.sim.now;
    // The run queue is FIFO: behind goroutines already queued for a P (a burst's dialers), this one runs,
    // and looks for an idle connection (gomemcache's getConn), only in its turn (`passP`).
    const conn = this.runtime.waitingForP === 0 ? this.pool.acquire() : -1;
    if (conn >= 0) {
      t.conn[id] = conn;
      this.issueOp(id);
      return;
    }
    if (this.runtime.requestP(id)) this.startDial(id);
    else t.phase[id] = PH.waitP;
  }

  /** The task holds a P: run bind/connect now. */
  private startDial(id: number): void {
    const t = this.tasks.t;
    const now = this.sim.now;
    const ip = this.chooseLocalIp();
    const r = this.ports.allocate(now, ip, this.p.kernel.dialMode, this.rngPorts);
    this.metrics.dials++;
    t.syscallSec[id] = r.syscallSec;
    // The P is handed off once the next M gets a core: later when the cores are queued with kernel work.
    const handoff = this.runtime.handoffUnderLoadSec(this.cpu.kernelQueueSec);
    const slow = this.runtime.isSlow(r.syscallSec, handoff);
    t.slow[id] = slow ? 1 : 0;
    this.demand.kernelSec += this.ports.sysCpuFraction * r.syscallSec;
    addPHold(this.demand, now, this.nextTickSec, this.runtime.pHoldSec(r.syscallSec, handoff));
    if (r.ok) {
      t.conn[id] = this.pool.open(ip);
      this.metrics.notePorts(this.ports);
    } else {
      t.conn[id] = -1 - DIAL_ERRORS.indexOf(r.error);
      this.metrics.notePortExhaustion(now);
    }
    t.phase[id] = PH.dial;
    if (slow) this.schedule(id, now + handoff, EV.handoff);
    this.schedule(id, now + r.syscallSec, EV.task);
  }

  private chooseLocalIp(): number {
    if (this.p.kernel.localIpMode === 'random') {
      return 1 + Math.floor(this.rngPorts.next() * this.p.kernel.randomLocalIpCount);
    }
    return this.fixedIp;
  }

  private schedule(id: number, atSec: number, kind: number): void {
    this.tasks.t.pending[id]!++;
    this.sim.at(atSec, kind, id);
  }

  /** Consume one pending event of task `id`; false (and the slot freed if idle) when it belongs to a dead process. */
  private claim(id: number): boolean {
    const t = this.tasks.t;
    t.pending[id]!--;
    if (t.epoch[id] === this.lifecycle.epoch) return true;
    if (t.pending[id] === 0) t.release(id);
    return false;
  }

  /** Defer a task's event past a stop-the-world pause. Returns true if deferred. */
  private deferForStw(id: number, kind: number): boolean {
    if (this.sim.now >= this.stwUntilSec) return false;
    this.sim.at(this.stwUntilSec, kind, id);
    return true;
  }

  private onHandoff(id: number): void {
    if (!this.claim(id)) return;
    // sysmon retook the P: another goroutine may run on it; this one keeps its M, blocked in the kernel.
    this.passP();
    if (this.runtime.syscallBlocked()) this.kill(KILL_REASON.threadExhaustion);
    this.metrics.noteThreads(this.runtime);
  }

  /**
   * A P is free: the next queued goroutine runs. It looks for an idle connection only now (gomemcache's
   * getConn runs when the goroutine does): one returned while it waited is taken, and the P passes on.
   */
  private passP(): void {
    for (;;) {
      const next = this.runtime.releaseP();
      if (next < 0) return;
      const conn = this.pool.acquire();
      if (conn < 0) return this.startDial(next);
      this.tasks.t.conn[next] = conn;
      this.issueOp(next);
    }
  }

  private onTaskEvent(id: number): void {
    const t = this.tasks.t;
    if (t.epoch[id] !== this.lifecycle.epoch) {
      this.claim(id);
      return;
    }
    if (t.phase[id] !== PH.dial && this.deferForStw(id, EV.task)) return;
    this.claim(id);
    switch (t.phase[id]) {
      case PH.dial:
        return this.dialDone(id);
      case PH.op:
        return this.opDone(id);
      case PH.opTimeout:
        return this.opTimedOut(id);
      case PH.send:
        return this.sendOp(id);
      case PH.scylla:
        return this.beginOp(id, OP_SET);
      case PH.log:
        this.log.lineWritten();
        this.metrics.logWritten++;
        return this.finishTask(id);
    }
  }

  private dialDone(id: number): void {
    const t = this.tasks.t;
    const now = this.sim.now;
    if (t.slow[id] === 1) this.runtime.syscallReturned();
    else this.passP();
    const conn = t.conn[id]!;
    if (conn < 0) return this.opFailed(id, DIAL_ERRORS[-1 - conn]!);
    const ip = this.pool.ipOfConn(conn);
    if (this.memcachedOpen >= this.p.memcached.maxConns) {
      // "ERROR Too many open connections": the server closes first; no TIME_WAIT on our side.
      this.pool.forget(conn);
      this.ports.close(now, ip, { activeClose: false, lingerZero: false, dataExchanged: false });
      t.conn[id] = -1;
      return this.opFailed(id, DIAL_ERROR.serverFull);
    }
    if (now - t.startSec[id]! > this.timeoutSec) {
      this.pool.forget(conn);
      this.closeSocket(conn, false);
      t.conn[id] = -1;
      return this.opFailed(id, DIAL_ERROR.timeout);
    }
    this.memcachedOpen++;
    this.issueOp(id);
  }

  /**
   * Send the op on the task's connection. The goroutine waits for CPU to send it (gomemcache sets the
   * deadline when it runs): with a wait, the op joins memcached's FIFO queue only when it is sent (an
   * event then), so that the queue admits ops in the order they arrive at the server.
   */
  private issueOp(id: number): void {
    const t = this.tasks.t;
    const m = this.p.memcached;
    const op = t.op[id]!;
    t.rttSec[id] = drawRttSec(this.rngNet, m);
    const keys = t.keys[id]!;
    t.workSec[id] = op === OP_MULTI ? getMultiWorkSec(m, keys) : drawGetWorkSec(this.rngNet, m);
    this.metrics.ops[t.cache[id]!]! += op === OP_MULTI ? keys : 1;
    this.allocatedBytes += this.p.runtime.allocBytesPerOp;
    this.demand.mutatorSec += this.p.host.cpuPerOpSec;
    this.demand.goJobs++;
    const cpuWait = this.cpu.goWaitSec;
    t.cpuWaitSec[id] = cpuWait;
    if (cpuWait > 0) {
      t.phase[id] = PH.send;
      this.schedule(id, this.sim.now + cpuWait, EV.task);
    } else this.sendOp(id);
  }

  /**
   * The op reaches memcached now: one event, at the reply or at the client's deadline. Only a reply later
   * than the deadline is a timeout: a goroutine the netpoller made ready before its deadline reads its
   * reply however late it runs (runtime netpoll). It waits for CPU again to run once the reply has
   * arrived, taken at the wait it met to send (the queue it meets then is not known yet).
   */
  private sendOp(id: number): void {
    const t = this.tasks.t;
    const sent = this.sim.now;
    const cpuWait = t.cpuWaitSec[id]!;
    const reply = replySec(this.memcachedThreads, sent, t.rttSec[id]!, t.workSec[id]!);
    if (reply - sent > this.timeoutSec) {
      t.phase[id] = PH.opTimeout;
      this.schedule(id, sent + this.timeoutSec, EV.task);
    } else {
      t.phase[id] = PH.op;
      this.schedule(id, reply + cpuWait, EV.task);
    }
  }

  private opDone(id: number): void {
    const t = this.tasks.t;
    const conn = t.conn[id]!;
    this.pool.markUsed(conn);
    t.conn[id] = -1;
    if (this.pool.release(conn) === RELEASE.closed) this.closeSocket(conn, true);
    const op = t.op[id]!;
    if (op === OP_SET) return this.finishTask(id);
    if (op === OP_MULTI) {
      // Misses of the batch are filled one goroutine each (Scylla, then set), under the errgroup limit.
      const keys = t.keys[id]!;
      let misses = 0;
      for (let i = 0; i < keys; i++) if (this.rngCache.next() >= this.p.memcached.hitRatio) misses++;
      const r = t.request[id]!;
      this.tasks.requests.unstarted[r]! += misses;
      return this.finishTask(id);
    }
    if (this.rngCache.next() < this.p.memcached.hitRatio) return this.finishTask(id);
    this.goToScylla(id);
  }

  private goToScylla(id: number): void {
    const latency = drawScyllaReadSec(this.rngNet, this.p.scylla);
    const done = this.scylla.admit(this.sim.now, latency);
    this.allocatedBytes += this.p.runtime.allocBytesPerOp;
    this.tasks.t.phase[id] = PH.scylla;
    this.schedule(id, done, EV.task);
  }

  private opTimedOut(id: number): void {
    const t = this.tasks.t;
    const conn = t.conn[id]!;
    t.conn[id] = -1;
    this.pool.forget(conn);
    this.closeSocket(conn, true);
    this.metrics.opTimeouts++;
    this.opFailed(id, OP_ERROR.timeout);
  }

  /** The client closes `conn` first (TIME_WAIT on our side unless SO_LINGER 0). */
  private closeSocket(conn: number, acceptedByServer: boolean): void {
    const k = this.p.kernel;
    if (acceptedByServer) this.memcachedOpen--;
    this.demand.kernelSec += this.p.host.kernelPerCloseSec;
    this.ports.close(this.sim.now, this.pool.ipOfConn(conn), {
      activeClose: true,
      lingerZero: k.soLingerZero,
      dataExchanged: this.pool.wasUsed(conn),
    });
    this.metrics.notePorts(this.ports);
  }

  /** An op failed with `error`: count it, log it (blocking), then the URI fails unless it was a set. */
  private opFailed(id: number, error: DialError | typeof OP_ERROR.timeout): void {
    const t = this.tasks.t;
    const cache = t.cache[id]!;
    this.metrics.opErrors[cache]!++;
    if (error !== OP_ERROR.timeout) this.metrics.noteDialError(DIAL_ERRORS.indexOf(error));
    const op = t.op[id]!;
    if (op !== OP_SET) this.tasks.requests.failed[t.request[id]!] = 1;
    this.allocatedBytes += this.p.logging.allocBytesPerLine;
    const writtenAt = this.log.offer(this.sim.now, this.rngLog);
    if (writtenAt < 0) return this.finishTask(id);
    // The line is JSON-encoded (Go code), then written with write(2) (kernel).
    this.demand.mutatorSec += this.p.host.cpuPerLogLineSec;
    this.demand.kernelSec += this.p.host.kernelPerLogWriteSec;
    this.demand.goJobs++;
    t.phase[id] = PH.log;
    this.schedule(id, writtenAt, EV.task);
  }

  private finishTask(id: number): void {
    const t = this.tasks.t;
    const r = t.request[id]!;
    this.runtime.goroutines--;
    this.liveTasks--;
    t.release(id);
    const req = this.tasks.requests;
    req.running[r]!--;
    if (req.unstarted[r]! > 0) this.startFills(r);
    if (req.running[r] === 0 && req.unstarted[r] === 0) this.completeRequest(r);
  }

  /** Start more goroutines of request `r`: URIs (get) or, after a multi-get, miss fills (Scylla first). */
  private startFills(r: number): void {
    const req = this.tasks.requests;
    const c = this.clients[req.client[r]!]!;
    if (!(c.endpoint === ENDPOINT.getPostRecord && this.p.memcached.getMulti)) return this.startMore(r);
    let n = startable(this.p.concurrencyLimit, req.running[r]!, req.unstarted[r]!);
    while (n-- > 0) {
      req.unstarted[r]!--;
      this.goToScylla(this.newTask(r, OP_GET, 1));
    }
  }

  /**
   * At the run's end, a user request still in flight past the AppView's deadline has failed: the AppView
   * abandoned it at the deadline, whenever the data plane would have finished it. Counted so that a run
   * ending inside a stall does not leave that stall's requests out of the availability (the fast engine
   * decides each request when it arrives). One younger than the deadline is undecided and not counted.
   */
  private abandonOverdue(nowSec: number): void {
    const req = this.tasks.requests;
    const deadline = this.p.workload.upstreamDeadlineSec;
    for (let r = 0; r < req.highWater; r++) {
      if (req.live[r] !== 1) continue;
      const client = req.client[r]!;
      const age = nowSec - req.arrivalSec[r]!;
      if (!this.clients[client]!.userFacing || age <= deadline) continue;
      this.metrics.requestDone(client, false, true, age, this.latencies);
    }
  }

  private completeRequest(r: number): void {
    const req = this.tasks.requests;
    const client = req.client[r]!;
    const c = this.clients[client]!;
    // The handler goroutine, woken when the group's Wait returns, waits for CPU before it answers.
    const latency = this.sim.now - req.arrivalSec[r]! + this.cpu.goWaitSec;
    const ok = req.failed[r] === 0 && (!c.userFacing || latency <= this.p.workload.upstreamDeadlineSec);
    this.metrics.requestDone(client, ok, c.userFacing, latency, this.latencies);
    this.runtime.goroutines--;
    this.requestsFinished++;
    req.release(r);
  }

  // ---- runtime, memory, process ---------------------------------------------------------------------

  private memoryView(): MemoryView {
    return memoryView(this.p, {
      goroutines: this.runtime.goroutines,
      openConns: this.pool.openCount,
      queuedLogLines: this.log.queued,
      threads: this.runtime.threads,
    });
  }

  private onTick(): void {
    const now = this.sim.now;
    const dt = this.p.runtime.tickSec;
    this.nextTickSec = now + dt;
    this.sim.at(this.nextTickSec, EV.tick, 0, PRIO_ACCOUNTING);
    this.ports.expire(now);
    if (!this.lifecycle.serving && this.lifecycle.state === PROCESS_STATE.down) {
      this.metrics.sampleDown(this.ports);
      this.check();
      return;
    }
    if (
      this.runtime.setLogWriterBlocked(this.log.queued > 0 && this.runtime.writeBlocks(this.log.writeSec))
    ) {
      return this.kill(KILL_REASON.threadExhaustion);
    }
    this.stepCpu(now, dt);
    const mem = this.memoryView();
    const step = this.gc.step(dt, this.allocatedBytes, mem, this.runtime.threads, this.cpu.gcProgress);
    this.allocatedBytes = 0;
    if (step.pauseSec > 0) this.stwUntilSec = Math.max(this.stwUntilSec, now + step.pauseSec);
    const heap = this.gc.heapBytes(mem);
    const rss = rssBytes(heap, mem);
    this.metrics.sample(this.ports, this.pool, this.runtime, this.log, this.gc, heap, rss, step.pauseSec);
    this.check();
    if (rss > this.p.process.memoryLimitBytes) return this.kill(KILL_REASON.oom);
    this.syncMarkWorkers();
  }

  /**
   * The GC's dedicated mark workers take their Ps when a mark starts (those held in syscalls as they come
   * back) and give them back when it ends, each to the next goroutine queued for a P.
   */
  private syncMarkWorkers(): void {
    const workers = this.gc.marking ? dedicatedMarkWorkers(this.p.runtime.gomaxprocs) : 0;
    for (let back = this.runtime.setMarkWorkers(workers); back > 0; back--) this.passP();
  }

  /**
   * The CPU over the tick that ends at `now`: the work that arrived in it, the GC's share while marking,
   * the stop-the-world time inside it, and the goroutines queued for a P to enter a syscall (each will
   * hold its P for up to the hand-off period at today's dial price).
   */
  private stepCpu(now: number, dt: number): void {
    const marking = this.gc.marking;
    const gcSec = marking ? gcDemandSec(this.cpu.config, this.gc.cpuShare, dt) : 0;
    const procs = this.p.runtime.gomaxprocs;
    const pauseSec = Math.max(0, Math.min(this.stwUntilSec, now) - (now - dt));
    const queued = this.runtime.waitingForP;
    const usable = queued > 0 ? this.ports.usableOn(this.fixedIp, this.p.kernel.dialMode) : 0;
    const handoff = this.runtime.handoffUnderLoadSec(this.cpu.kernelQueueSec);
    const hold = queued > 0 ? this.runtime.pHoldSec(this.ports.dialSecAt(usable), handoff) : 0;
    this.cpu.step(
      dt,
      this.demand,
      gcSec,
      pauseSec,
      (queued * hold) / goroutinePs(procs, marking),
      marking ? dedicatedMarkWorkers(procs) : 0,
      this.runtime.threads,
    );
    nextStepDemand(this.demand);
    // Little's law on the Go work, plus the P queue; never more goroutines than are alive.
    this.metrics.noteRunnable(Math.min(this.cpu.runnable + queued, this.runtime.goroutines));
  }

  private check(): void {
    this.options.onCheck?.({
      nowSec: this.sim.now,
      establishedSockets: this.ports.establishedCount,
      timeWaitSockets: this.ports.timeWaitCount,
      poolOpen: this.pool.openCount,
      poolIdle: this.pool.idleConns,
      requestsArrived: this.requestsArrived,
      requestsFinished: this.requestsFinished,
      requestsInFlight: this.tasks.requests.inUse,
      goroutines: this.runtime.goroutines,
      liveTasks: this.liveTasks,
      serving: this.lifecycle.serving,
      threads: this.runtime.threads,
    });
  }

  private kill(reason: KillReason): void {
    const now = this.sim.now;
    const restartAt = this.lifecycle.kill(now, reason);
    const event = killEvent(reason);
    if (event) this.metrics.event(event);
    // The kernel closes every socket of the dead process; the client side enters TIME_WAIT.
    const t = this.tasks.t;
    for (let id = 0; id < t.highWater; id++) {
      if (t.epoch[id] !== this.lifecycle.epoch - 1) continue;
      const conn = t.conn[id]!;
      if (
        conn >= 0 &&
        (t.phase[id] === PH.op ||
          t.phase[id] === PH.opTimeout ||
          t.phase[id] === PH.send ||
          t.phase[id] === PH.dial)
      ) {
        this.closeSocket(conn, false);
        t.conn[id] = -1;
      }
      t.epoch[id] = -1;
      if (t.pending[id] === 0) t.release(id);
    }
    for (const conn of this.pool.drainIdle()) this.closeSocket(conn, false);
    this.memcachedOpen = 0;
    const req = this.tasks.requests;
    for (let r = 0; r < req.highWater; r++) {
      if (req.live[r] !== 1) continue;
      const c = this.clients[req.client[r]!]!;
      this.metrics.requestDone(req.client[r]!, false, c.userFacing, now - req.arrivalSec[r]!, this.latencies);
      this.requestsFinished++;
      req.release(r);
    }
    this.pool = new ConnPool(this.p.poolSize);
    this.runtime = restartedRuntime(this.p, this.gc, this.log, now);
    this.liveTasks = 0;
    this.cpu.reset();
    clearDemand(this.demand);
    this.allocatedBytes = 0;
    this.stwUntilSec = now;
    this.sim.at(restartAt, EV.restart, this.lifecycle.epoch);
  }

  private onRestart(epoch: number): void {
    if (epoch !== this.lifecycle.epoch) return;
    const readyAt = this.lifecycle.start(this.sim.now);
    this.metrics.event('restart');
    this.sim.at(readyAt, EV.ready, epoch);
  }

  private onReady(epoch: number): void {
    if (epoch !== this.lifecycle.epoch) return;
    this.lifecycle.ready(this.sim.now);
    this.metrics.event('ready');
  }

  private onSecond(): void {
    const now = this.sim.now;
    this.metrics.closeSecond(now, this.lifecycle);
    this.setRateFactor(now);
    this.options.onProgress?.(now);
    if (now + 1 <= this.options.durationSec) this.sim.at(now + 1, EV.second, 0, PRIO_ACCOUNTING + 1);
  }

  private onBin(): void {
    const now = this.sim.now;
    this.metrics.closeBin(now, this.lifecycle, this.pool, this.ports, this.runtime, this.cpu);
    const next = now + this.metrics.resolutionSec;
    if (next <= this.options.durationSec + 1e-9) this.sim.at(next, EV.bin, 0, PRIO_ACCOUNTING + 2);
  }
}

/** The task and request stores, held together so a dead process can be swept in one place. */
class TaskStoreRef {
  readonly t = new TaskStore();
  readonly requests = new RequestStore();
}
