/**
 * The kernel's cost of choosing an ephemeral source port, as its algorithm makes it (Linux >= 4.6):
 *
 * - bind(ip, 0) (`inet_csk_find_open_port`, net/ipv4/inet_connection_sock.c) takes the range
 *   [low, high + 1) rounded down to an even size, starts at a random ODD offset and steps by 2 over that
 *   parity, wrapping, taking each port's bind-hash bucket lock in turn; only when every port of that
 *   parity is taken does it start again one below the offset, on the EVEN ports.
 * - connect() autobind and IP_BIND_ADDRESS_NO_PORT (`__inet_hash_connect`, net/ipv4/inet_hashtables.c)
 *   do the same on the other parity: even ports first, from an offset kept per destination, then odd.
 *
 * So while one parity has a free port a dial examines ports of that parity only; once it is full, every
 * dial first examines ALL of it (half the range) before it finds a port of the other parity, and a dial
 * that finds nothing examines the whole range. With one dial mode per host, which parity comes first
 * does not change the count, only the constant per port does (the two paths do different work per
 * port), and that constant depends on what holds the port (a TIME_WAIT socket costs more to check than
 * an ESTABLISHED one on the connect path). Within a parity, ports taken by earlier bind(ip, 0) dials
 * form the clusters of linear probing (each dial takes the first free port after a random start), so a
 * bind there examines 1/2 (1 + 1/(1 - a)^2) ports at load a (Knuth, The Art of Computer Programming
 * vol. 3, 6.4, linear probing, unsuccessful search), at most about half the parity; connect() allocates
 * sequentially and examines one.
 *
 * The kernel lab (`outage-lab lab --parts search-cost`) measures these figures on real sockets.
 */
import type { DialMode } from './port-table.js';

/** Kernel time of a dial, split into a fixed part and a cost per port examined. */
export interface PortSearchCost {
  /** socket() + bind() + connect() on loopback, the handshake included, without the search. */
  readonly fixedSec: number;
  /** bind(ip, 0): per port examined that a TIME_WAIT socket holds. */
  readonly bindTimeWaitPortSec: number;
  /** bind(ip, 0): per port examined that an ESTABLISHED socket holds. */
  readonly bindEstablishedPortSec: number;
  /** connect() and IP_BIND_ADDRESS_NO_PORT: per port examined that a TIME_WAIT socket holds. */
  readonly connectTimeWaitPortSec: number;
  /** connect() and IP_BIND_ADDRESS_NO_PORT: per port examined that an ESTABLISHED socket holds. */
  readonly connectEstablishedPortSec: number;
}

/**
 * Expected ports examined by a linear-probing search from a random start in a circle of `size` ports of
 * which `held` are taken: 1/2 (1 + 1/(1 - a)^2) at load a = held/size, capped at (size + 1) / 2 (the
 * mean distance to the last free port). `held` must be below `size`.
 * @example linearProbeExamined(0, 10) // 1
 * @example linearProbeExamined(5, 10) // 2.5
 */
export function linearProbeExamined(held: number, size: number): number {
  const free = 1 - held / size;
  return Math.min(0.5 * (1 + 1 / (free * free)), (size + 1) / 2);
}

/**
 * Expected ports a dial examines in a range of `portCount` ports of which `usable` could be taken now:
 * the first parity while it has room, else all of it plus a search of the second; all of them when no
 * port is usable (the dial fails). Within a parity, bind() examines linear probing's clusters; connect()
 * (and IP_BIND_ADDRESS_NO_PORT) allocates sequentially from its per-destination offset, which advances
 * past each port it takes (`table_perturb`, Linux >= 5.17), so it finds the next free port at once.
 * @example portsExamined(28_232, 28_232) // 1 (empty range)
 * @example portsExamined(28_232, 14_116) // 14,117: the first parity (14,116) is full, one more port
 * @example portsExamined(28_232, 0) // 28,232: a failing dial scans the whole range
 */
export function portsExamined(portCount: number, usable: number, path: 'bind' | 'connect' = 'bind'): number {
  if (usable <= 0) return portCount;
  const held = Math.max(0, portCount - usable);
  const first = Math.floor(portCount / 2);
  const within = (h: number, size: number) => (path === 'bind' ? linearProbeExamined(h, size) : 1);
  if (held < first) return within(held, first);
  return first + within(held - first, portCount - first);
}

/** Which kernel path chooses the port: bind() for bind mode, connect() for the other two. */
export function searchPath(mode: DialMode): 'bind' | 'connect' {
  return mode === 'bind' ? 'bind' : 'connect';
}

/** Cost per port examined on `path` when a share `timeWaitShare` of the held ports is in TIME_WAIT. */
export function perPortSec(cost: PortSearchCost, path: 'bind' | 'connect', timeWaitShare: number): number {
  const tw = path === 'bind' ? cost.bindTimeWaitPortSec : cost.connectTimeWaitPortSec;
  const est = path === 'bind' ? cost.bindEstablishedPortSec : cost.connectEstablishedPortSec;
  return timeWaitShare * tw + (1 - timeWaitShare) * est;
}

/**
 * Kernel time of one dial (a successful one when `usable` > 0, a failing one at 0): the fixed part plus
 * the held ports it examines (all but the last, free one of a success; every port of a failure).
 * @example dialSec({ fixedSec: 15e-6, bindTimeWaitPortSec: 180e-9, ... }, 'bind', 28_232, 0, 1)
 *   // 15 us + 28,232 x 180 ns = 5.097 ms
 */
export function dialSec(
  cost: PortSearchCost,
  mode: DialMode,
  portCount: number,
  usable: number,
  timeWaitShare: number,
): number {
  const path = searchPath(mode);
  const held = usable > 0 ? portsExamined(portCount, usable, path) - 1 : portCount;
  return dialSecExamining(cost, path, held, timeWaitShare);
}

/**
 * Kernel time of one dial on `path` that examines `heldExamined` held ports: the fixed part plus their
 * cost. `dialSec` is this at the expected count; the kernel cost lab also uses it at a layout's own count.
 * @example dialSecExamining({ fixedSec: 15e-6, bindTimeWaitPortSec: 200e-9, ... }, 'bind', 1000, 1) // 215 us
 */
export function dialSecExamining(
  cost: PortSearchCost,
  path: 'bind' | 'connect',
  heldExamined: number,
  timeWaitShare: number,
): number {
  return cost.fixedSec + heldExamined * perPortSec(cost, path, timeWaitShare);
}
