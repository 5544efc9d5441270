/**
 * The kernel's ephemeral port space of one network namespace: which source ports are held by established
 * client sockets or by sockets in TIME_WAIT, per local IP. It belongs to the namespace, not to a process:
 * it survives process restarts, which is what turned OOM kills into a death spiral.
 *
 * Facts (MODEL.md section 2, kernel):
 * - Only the active closer enters TIME_WAIT, for TCP_TIMEWAIT_LEN = 60 s, rounded up by the timer wheel
 *   to the next granule (2.048 s at HZ=250): the kernel lab measured ~62 s. Expiry is monotone in the
 *   close time, so entries expire in the order they were created: one FIFO holds them all.
 * - bind(localIP, 0) ('bind' mode, Go `Dialer.LocalAddr`): a port is free only if no socket on that IP
 *   holds it, TIME_WAIT included; no reuse. Failure: EADDRINUSE.
 * - connect() autobind ('connect', and 'bind-no-port' = IP_BIND_ADDRESS_NO_PORT): the 4-tuple must be
 *   unique; with tcp_tw_reuse (1, or 2 on loopback, and every address here is loopback) a TIME_WAIT tuple
 *   whose peer sent timestamps (i.e. data was exchanged) may be recycled once older than
 *   tcp_tw_reuse_delay (1 s; Linux >= 6.13). Failure: EADDRNOTAVAIL. All dials go to one destination (127.0.0.1:11211), so a port is a 4-tuple.
 * - Beyond tcp_max_tw_buckets a closing socket skips TIME_WAIT; SO_LINGER {on, 0} closes with RST.
 * - The search scans one port parity, then the other (port-search-cost.ts): once half the range is held
 *   every dial examines half of it, and a failing one all of it, at a cost per port measured by the
 *   kernel lab. Near exhaustion a dial is a slow syscall that burns kernel CPU.
 */
import type { Rng } from '../random/rng.js';
import { DIAL_ERROR, type DialError } from './errors.js';
import { dialSec, type PortSearchCost } from './port-search-cost.js';

export const DIAL_MODE = { bind: 'bind', connect: 'connect', bindNoPort: 'bind-no-port' } as const;
export type DialMode = (typeof DIAL_MODE)[keyof typeof DIAL_MODE];

/** The error of a dial that finds no usable port: EADDRINUSE from bind(), EADDRNOTAVAIL from connect(). */
export function dialFailure(mode: DialMode): DialError {
  return mode === DIAL_MODE.bind ? DIAL_ERROR.addrInUse : DIAL_ERROR.addrNotAvail;
}

export interface PortTableConfig {
  readonly portCount: number;
  readonly timeWaitSec: number;
  /** tcp_tw_reuse: 0 off, 1 on, 2 loopback only (on here: every address is loopback). */
  readonly twReuse: 0 | 1 | 2;
  /** tcp_tw_reuse_delay: a TIME_WAIT tuple older than this may be recycled by connect(). */
  readonly twReuseDelaySec: number;
  /** The TIME_WAIT timer fires at the next multiple of this after close + timeWaitSec (0: exactly). */
  readonly timeWaitTimerGranularitySec: number;
  readonly maxTwBuckets: number;
  /** bind(ip, 0): kernel time per port examined that a TIME_WAIT socket holds. */
  readonly portProbeSec: number;
  /** Fixed kernel time of a dial (socket + bind + connect on loopback), besides the search. */
  readonly dialSyscallSec: number;
  /** bind(ip, 0) per ESTABLISHED port examined (default: portProbeSec). */
  readonly portProbeEstablishedSec?: number;
  /** connect() and IP_BIND_ADDRESS_NO_PORT per TIME_WAIT port examined (default: portProbeSec). */
  readonly connectPortProbeSec?: number;
  /** connect() and IP_BIND_ADDRESS_NO_PORT per ESTABLISHED port examined (default: portProbeSec). */
  readonly connectPortProbeEstablishedSec?: number;
  /** The mode `dialSecAt` prices when none is given (default: bind). */
  readonly dialMode?: DialMode;
  /** System CPU per second of dial syscall (default 1: the search spins on a CPU, it never sleeps). */
  readonly dialSysCpuFraction?: number;
}

export type AllocateResult =
  | { readonly ok: true; readonly syscallSec: number; readonly reusedTimeWait: boolean }
  | { readonly ok: false; readonly syscallSec: number; readonly error: DialError };

interface IpPorts {
  established: number;
  timeWait: number;
  /** TIME_WAIT entries old enough, with data exchanged: recyclable by connect() under tcp_tw_reuse. */
  reusable: number;
  /** Sequence number from which to look for the oldest reusable entry of this IP. */
  reuseCursor: number;
}

export interface CloseOptions {
  /** This side closed first (it enters TIME_WAIT). */
  readonly activeClose: boolean;
  /** SO_LINGER {on, 0}: RST, no TIME_WAIT. */
  readonly lingerZero: boolean;
  /** Data flowed, so the peer's timestamp is recorded and tw_reuse may apply later. */
  readonly dataExchanged: boolean;
}

const DATA = 1;
const AGED = 2;

/** Share of an IP's held ports in TIME_WAIT (1 when it holds none: the price of an empty table). */
function timeWaitShare(s: IpPorts | undefined): number {
  const held = s ? s.established + s.timeWait : 0;
  return held > 0 ? s!.timeWait / held : 1;
}

/** Outcome of `allocateMany`: how many dials got a port, and what the kernel time of each kind was. */
export interface BulkAllocation {
  readonly ok: number;
  readonly failed: number;
  /** Error of the failed dials (when failed > 0). */
  readonly error: DialError;
  /** Usable ports before the first dial: dial i (from 0) of the `ok` took `dialSecAt(usableBefore - i)`. */
  readonly usableBefore: number;
  /** Kernel time of a failed dial: a scan of the whole range. */
  readonly failSyscallSec: number;
  readonly reusedTimeWait: number;
}

export class PortTable {
  private readonly ips = new Map<number, IpPorts>();
  // FIFO of TIME_WAIT cohorts addressed by sequence number (slot = seq mod capacity; sequence numbers may
  // pass 2^31, so `%`, not `&`): creation time, local IP, flags, and how many sockets of the cohort are
  // still in TIME_WAIT. Cohorts [head, aged) have been checked for tw_reuse age; [head, tail) are live.
  private twTime = new Float64Array(1024);
  private twIp = new Float64Array(1024);
  private twFlags = new Uint8Array(1024);
  private twCount = new Float64Array(1024);
  private head = 0;
  private aged = 0;
  private tail = 0;
  /** When the cohort at `head` leaves TIME_WAIT (+Infinity when none is live): `expire` has work from then. */
  private headExpirySec = Number.POSITIVE_INFINITY;
  /** Creation time of the cohort at `aged` (+Infinity when every live cohort was checked for reuse age). */
  private agedTimeSec = Number.POSITIVE_INFINITY;
  /** Sockets in TIME_WAIT now (all IPs). */
  timeWaitCount = 0;
  /** Established client sockets now (all IPs). */
  establishedCount = 0;
  /** Closes that skipped TIME_WAIT because tcp_max_tw_buckets was reached (TCPTimeWaitOverflow). */
  timeWaitOverflows = 0;

  private readonly searchCost: PortSearchCost;
  /** The mode `dialSecAt` prices (a deploy may change it). */
  dialMode: DialMode;

  constructor(readonly config: PortTableConfig) {
    const c = config;
    this.dialMode = c.dialMode ?? DIAL_MODE.bind;
    this.searchCost = {
      fixedSec: c.dialSyscallSec,
      bindTimeWaitPortSec: c.portProbeSec,
      bindEstablishedPortSec: c.portProbeEstablishedSec ?? c.portProbeSec,
      connectTimeWaitPortSec: c.connectPortProbeSec ?? c.portProbeSec,
      connectEstablishedPortSec: c.connectPortProbeEstablishedSec ?? c.portProbeSec,
    };
  }

  /** The number of ports in the range. */
  get portCount(): number {
    return this.config.portCount;
  }

  /** When a cohort created at `closeSec` leaves TIME_WAIT. */
  expirySec(closeSec: number): number {
    const g = this.config.timeWaitTimerGranularitySec;
    const due = closeSec + this.config.timeWaitSec;
    return g > 0 ? (Math.floor(due / g) + 1) * g : due;
  }

  /** Advance the clock of the table: mark cohorts old enough for reuse, drop cohorts past TIME_WAIT. */
  expire(nowSec: number): void {
    // Reusable once strictly older than the delay (the kernel: time_after32(now, entry + delay)).
    const reuseBefore = nowSec - this.config.twReuseDelaySec;
    // Nothing to age and nothing due: the loops below would not run (the same comparisons, on cached values).
    if (!(this.agedTimeSec < reuseBefore) && this.headExpirySec > nowSec) return;
    const size = this.twTime.length;
    while (this.aged < this.tail && this.twTime[this.aged % size]! < reuseBefore) {
      const at = this.aged % size;
      if (this.twFlags[at] === DATA && this.twCount[at]! > 0) {
        this.twFlags[at] = DATA | AGED;
        this.ips.get(this.twIp[at]!)!.reusable += this.twCount[at]!;
      }
      this.aged++;
    }
    while (this.head < this.tail && this.expirySec(this.twTime[this.head % size]!) <= nowSec) {
      const at = this.head % size;
      const n = this.twCount[at]!;
      if (n > 0) this.dropTimeWait(this.twIp[at]!, this.twFlags[at]!, n);
      this.head++;
    }
    if (this.aged < this.head) this.aged = this.head;
    this.headExpirySec = this.nextExpirySec();
    this.agedTimeSec = this.aged < this.tail ? this.twTime[this.aged % size]! : Number.POSITIVE_INFINITY;
  }

  /** Held ports (established + TIME_WAIT) on one local IP. */
  heldOn(ip: number): number {
    const s = this.ips.get(ip);
    return s ? s.established + s.timeWait : 0;
  }

  /** TIME_WAIT sockets on one local IP. */
  timeWaitOn(ip: number): number {
    return this.ips.get(ip)?.timeWait ?? 0;
  }

  /** Ports a dial on `ip` could get now: free ones, plus recyclable TIME_WAIT in connect modes. */
  usableOn(ip: number, mode: DialMode): number {
    return this.portsOn(ip, mode).usable;
  }

  /** Free, recyclable and usable ports on `ip` for a dial in `mode`, and the IP's state. */
  private portsOn(
    ip: number,
    mode: DialMode,
  ): { s: IpPorts | undefined; free: number; reusable: number; usable: number } {
    const s = this.ips.get(ip);
    const free = this.config.portCount - (s ? s.established + s.timeWait : 0);
    const reusable = mode === DIAL_MODE.bind || this.config.twReuse === 0 || s === undefined ? 0 : s.reusable;
    return { s, free, reusable, usable: free + reusable };
  }

  /** When the oldest TIME_WAIT cohort expires, or +Infinity. */
  nextExpirySec(): number {
    return this.head < this.tail
      ? this.expirySec(this.twTime[this.head % this.twTime.length]!)
      : Number.POSITIVE_INFINITY;
  }

  /**
   * Choose a source port on `ip` for a new connection to the memcached server. On success the socket is
   * counted as established until `close`. `rng` decides, in connect modes, whether the scan meets a free
   * port or a reusable TIME_WAIT one first.
   */
  allocate(nowSec: number, ip: number, mode: DialMode, rng: Rng): AllocateResult {
    this.expire(nowSec);
    const { s, free, reusable, usable } = this.portsOn(ip, mode);
    const twShare = timeWaitShare(s);
    if (usable <= 0) {
      return { ok: false, syscallSec: this.dialSecIn(mode, 0, twShare), error: dialFailure(mode) };
    }
    const syscallSec = this.dialSecIn(mode, usable, twShare);
    let reusedTimeWait = false;
    if (reusable > 0 && rng.next() * usable >= free) {
      this.recycleOldest(s!, 1);
      reusedTimeWait = true;
    }
    const state = this.ips.get(ip) ?? this.newIp(ip);
    state.established++;
    this.establishedCount++;
    return { ok: true, syscallSec, reusedTimeWait };
  }

  /**
   * `count` dials on one IP at `nowSec`, in a row (the aggregate engine's bulk form of `allocate`): the
   * first `usable` succeed, the rest fail. Recycled TIME_WAIT tuples are taken in proportion to their
   * share of the usable ports (the expected value of `allocate`'s draw), oldest first.
   */
  allocateMany(nowSec: number, ip: number, mode: DialMode, count: number): BulkAllocation {
    this.expire(nowSec);
    const { s, reusable, usable } = this.portsOn(ip, mode);
    const failSyscallSec = this.dialSecIn(mode, 0, timeWaitShare(s));
    const ok = Math.max(0, Math.min(count, usable));
    const reused = usable > 0 ? Math.round((ok * reusable) / usable) : 0;
    if (reused > 0) this.recycleOldest(s!, reused);
    if (ok > 0) {
      const state = this.ips.get(ip) ?? this.newIp(ip);
      state.established += ok;
      this.establishedCount += ok;
    }
    return {
      ok,
      failed: count - ok,
      error: dialFailure(mode),
      usableBefore: usable,
      failSyscallSec,
      reusedTimeWait: reused,
    };
  }

  /**
   * Kernel time of a dial that finds `usable` usable ports (0: a failed scan of the whole range), in the
   * table's dial mode (`dialMode`), with the held ports' TIME_WAIT share of the whole table.
   */
  dialSecAt(usable: number): number {
    const held = this.timeWaitCount + this.establishedCount;
    const share = held > 0 ? this.timeWaitCount / held : 1;
    return this.dialSecIn(this.dialMode, usable, share);
  }

  /** System CPU of a dial that finds `usable` usable ports (0: a failing dial), as dialSecAt. */
  dialSysCpuSecAt(usable: number): number {
    return (this.config.dialSysCpuFraction ?? 1) * this.dialSecAt(usable);
  }

  /** The CPU fraction of a dial's kernel time (`kernel.dialSysCpuFraction`). */
  get sysCpuFraction(): number {
    return this.config.dialSysCpuFraction ?? 1;
  }

  /**
   * System CPU of the dials of one `allocateMany` (`a`): the successes each at their own occupancy, the
   * failures each a scan of the whole range.
   */
  sysCpuSecOf(a: BulkAllocation): number {
    let sec = a.failed * a.failSyscallSec;
    for (let i = 0; i < a.ok; i++) sec += this.dialSecAt(a.usableBefore - i);
    return this.sysCpuFraction * sec;
  }

  private dialSecIn(mode: DialMode, usable: number, timeWaitShare: number): number {
    return dialSec(this.searchCost, mode, this.config.portCount, usable, timeWaitShare);
  }

  /** Close an established socket on `ip`. Returns true if it entered TIME_WAIT. */
  close(nowSec: number, ip: number, options: CloseOptions): boolean {
    return this.closeMany(nowSec, ip, options, 1) === 1;
  }

  /** Close `count` established sockets on `ip` at once; returns how many entered TIME_WAIT. */
  closeMany(nowSec: number, ip: number, options: CloseOptions, count: number): number {
    if (count <= 0) return 0;
    const s = this.ips.get(ip);
    if (!s || s.established < count)
      throw new Error(`close of ${count} on IP ${ip} without as many established sockets`);
    this.expire(nowSec);
    s.established -= count;
    this.establishedCount -= count;
    if (!options.activeClose || options.lingerZero) {
      this.forgetIfEmpty(ip, s);
      return 0;
    }
    const room = Math.max(0, this.config.maxTwBuckets - this.timeWaitCount);
    const entering = Math.min(count, room);
    this.timeWaitOverflows += count - entering;
    if (entering === 0) {
      this.forgetIfEmpty(ip, s);
      return 0;
    }
    const flags = options.dataExchanged ? DATA : 0;
    const size = this.twTime.length;
    const last = (this.tail - 1) % size;
    if (
      this.tail > this.aged &&
      this.twTime[last] === nowSec &&
      this.twIp[last] === ip &&
      this.twFlags[last] === flags
    ) {
      this.twCount[last]! += entering; // same instant, same IP: one cohort
    } else {
      if (this.tail - this.head === size) this.growFifo();
      const at = this.tail % this.twTime.length;
      this.twTime[at] = nowSec;
      this.twIp[at] = ip;
      this.twFlags[at] = flags;
      this.twCount[at] = entering;
      if (this.aged === this.tail) this.agedTimeSec = nowSec;
      if (this.head === this.tail) this.headExpirySec = this.expirySec(nowSec);
      this.tail++;
    }
    s.timeWait += entering;
    this.timeWaitCount += entering;
    return entering;
  }

  /** Recycle the `count` oldest reusable TIME_WAIT sockets of one IP (the caller checked they exist). */
  private recycleOldest(s: IpPorts, count: number): void {
    const size = this.twTime.length;
    let left = count;
    let seq = Math.max(s.reuseCursor, this.head);
    for (; seq < this.aged && left > 0; seq++) {
      const at = seq % size;
      if (this.twFlags[at] !== (DATA | AGED) || this.ips.get(this.twIp[at]!) !== s) continue;
      const take = Math.min(left, this.twCount[at]!);
      this.twCount[at]! -= take;
      left -= take;
      if (this.twCount[at]! > 0) break;
    }
    if (left > 0) throw new Error('no reusable TIME_WAIT entry to recycle');
    s.reuseCursor = seq;
    s.reusable -= count;
    s.timeWait -= count;
    this.timeWaitCount -= count;
  }

  private dropTimeWait(ip: number, flags: number, n: number): void {
    const s = this.ips.get(ip)!;
    s.timeWait -= n;
    if (flags & AGED) s.reusable -= n;
    this.timeWaitCount -= n;
    this.forgetIfEmpty(ip, s);
  }

  private newIp(ip: number): IpPorts {
    const s: IpPorts = { established: 0, timeWait: 0, reusable: 0, reuseCursor: this.head };
    this.ips.set(ip, s);
    return s;
  }

  private forgetIfEmpty(ip: number, s: IpPorts): void {
    if (s.established === 0 && s.timeWait === 0) this.ips.delete(ip);
  }

  private growFifo(): void {
    const old = this.twTime.length;
    const size = old * 2;
    const time = new Float64Array(size);
    const ipArr = new Float64Array(size);
    const flags = new Uint8Array(size);
    const counts = new Float64Array(size);
    for (let seq = this.head; seq < this.tail; seq++) {
      time[seq % size] = this.twTime[seq % old]!;
      ipArr[seq % size] = this.twIp[seq % old]!;
      flags[seq % size] = this.twFlags[seq % old]!;
      counts[seq % size] = this.twCount[seq % old]!;
    }
    this.twTime = time;
    this.twIp = ipArr;
    this.twFlags = flags;
    this.twCount = counts;
  }
}
