/**
 * The AppView in front of one data center's data-plane hosts: how it spreads calls over them, retries a
 * failed call on another host, and takes failing or unready hosts out of rotation. These are the
 * couplings of a fleet: a host that is down or ejected sends its share to the others, and a user request
 * fails only when every host it tried failed it, so what users see depends on whether hosts fail
 * together, not on the DC's mean failure share.
 *
 * Pure functions and one small state machine over per-host figures; the fleet (lib/fleet) measures the
 * figures on the hosts and calls these once per coupling step.
 */
import type { Params } from './params.js';

export const BALANCING_POLICY = {
  roundRobin: 'round-robin',
  leastOutstanding: 'least-outstanding',
  random: 'random',
} as const;
export type BalancingPolicy = (typeof BALANCING_POLICY)[keyof typeof BALANCING_POLICY];

/** One host as the balancer sees it at the start of a step. */
export interface HostView {
  /** Serving, ready and not ejected. */
  readonly inRotation: boolean;
  /** Mean latency of a call to it (s), for least-outstanding. */
  readonly latencySec: number;
}

/**
 * First-attempt shares of the calls over the hosts (summing to 1 over the hosts in rotation, all 0 when
 * none is). Round robin and random give an even share (random routing of a Poisson stream is a Poisson
 * thinning: per host the same rate as round robin). Least outstanding, in the fluid limit of
 * join-the-shortest-queue, equalises the calls in progress, rate x latency, so a host's share is
 * proportional to 1 / latency: a host that fails slowly gets fewer calls, one that fails fast more.
 *
 * @example balanceShares('round-robin', [{inRotation: true, latencySec: 1}, {inRotation: false, latencySec: 1}]) // [1, 0]
 */
export function balanceShares(policy: BalancingPolicy, hosts: readonly HostView[]): Float64Array {
  const w = new Float64Array(hosts.length);
  let sum = 0;
  for (let i = 0; i < hosts.length; i++) {
    const h = hosts[i]!;
    if (!h.inRotation) continue;
    w[i] = policy === BALANCING_POLICY.leastOutstanding ? 1 / Math.max(h.latencySec, 1e-6) : 1;
    sum += w[i]!;
  }
  if (sum > 0) for (let i = 0; i < w.length; i++) w[i]! /= sum;
  return w;
}

export interface Routing {
  /** Calls each host receives per user request (first attempts and retries). */
  readonly callsPerRequest: Float64Array;
  /** Share of user requests failing after all their attempts. */
  readonly userFailureShare: number;
}

/**
 * Attempts of a user request over the hosts with `retries` retries: the first goes to host i with
 * probability shares[i]; it fails with the host's failure share failShares[i]; a retry goes to another
 * host j in rotation with probability shares[j] / (1 - shares[i]) (the same host when it is the only one).
 * Returns the calls per request each host receives and the share of requests failing every attempt.
 * With no host in rotation every request fails and no host gets a call.
 *
 * Two hosts, each half the calls, one failing all (f = 1, 0): with a retry no request fails (0), where
 * independent failures at the mean share (0.5) would fail 0.5^2 = 25%.
 *
 * @example routeCalls(Float64Array.of(0.5, 0.5), [1, 0], 1).userFailureShare // 0
 */
export function routeCalls(shares: Float64Array, failShares: ArrayLike<number>, retries: number): Routing {
  const n = shares.length;
  const calls = new Float64Array(n);
  let attempt = Float64Array.from(shares);
  let total = 0;
  for (let i = 0; i < n; i++) total += shares[i]!;
  if (total <= 0) return { callsPerRequest: calls, userFailureShare: 1 };
  let failing = 0;
  const failedAt = new Float64Array(n);
  for (let k = 0; k <= retries; k++) {
    failing = 0;
    // Retries of host i's failures go to j != i by shares[j] / (1 - shares[i]): in O(n) as
    // shares[j] x (sum over i of failed_i / (1 - shares_i)) minus j's own term.
    let spread = 0;
    for (let i = 0; i < n; i++) {
      const a = attempt[i]!;
      calls[i]! += a;
      const failed = a > 0 ? a * clamp01(failShares[i]!) : 0;
      failedAt[i] = failed;
      failing += failed;
      const rest = 1 - shares[i]!;
      if (failed > 0 && rest > 1e-12) spread += failed / rest;
    }
    if (k === retries || failing <= 0) break;
    const next = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const failed = failedAt[j]!;
      const rest = 1 - shares[j]!;
      if (rest <= 1e-12) next[j] = failed + shares[j]! * spread;
      else next[j] = shares[j]! * (spread - (failed > 0 ? failed / rest : 0));
    }
    attempt = next;
  }
  return { callsPerRequest: calls, userFailureShare: failing };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

export interface EjectionConfig {
  readonly failShare: number;
  readonly afterSec: number;
  readonly baseSec: number;
  readonly maxShare: number;
}

/** Envoy's cap of one ejection's length (outlier_detection.max_ejection_time default). */
export const MAX_EJECTION_SEC = 300;

export function ejectionConfig(p: Params): EjectionConfig {
  const a = p.appview;
  return {
    failShare: a.ejectFailShare,
    afterSec: a.ejectAfterSec,
    baseSec: a.ejectBaseSec,
    maxShare: a.maxEjectedShare,
  };
}

/**
 * Outlier ejection, per host: `afterSec` seconds in a row with a failure share at or above `failShare`
 * ejects the host for baseSec x (times ejected), capped at MAX_EJECTION_SEC; at most
 * max(1, floor(maxShare x hosts)) hosts are out at once (none when maxShare is 0). A host with no call in a
 * step keeps its streak.
 */
export class OutlierEjector {
  private readonly streakSec: Float64Array;
  private readonly untilSec: Float64Array;
  private readonly times: Int32Array;
  ejections = 0;

  constructor(
    readonly hosts: number,
    private readonly config: EjectionConfig,
  ) {
    this.streakSec = new Float64Array(hosts);
    this.untilSec = new Float64Array(hosts);
    this.times = new Int32Array(hosts);
  }

  /** Whether host i is ejected at `nowSec`. */
  ejected(i: number, nowSec: number): boolean {
    return this.untilSec[i]! > nowSec;
  }

  /**
   * A step of `stepSec` ending at `nowSec` in which host i failed a share failShares[i] of its calls
   * (NaN: no call).
   */
  update(nowSec: number, stepSec: number, failShares: ArrayLike<number>): void {
    const c = this.config;
    const cap = c.maxShare <= 0 ? 0 : Math.max(1, Math.floor(c.maxShare * this.hosts));
    let out = 0;
    for (let i = 0; i < this.hosts; i++) if (this.ejected(i, nowSec)) out++;
    for (let i = 0; i < this.hosts; i++) {
      const f = failShares[i]!;
      if (Number.isNaN(f)) continue;
      this.streakSec[i] = f >= c.failShare ? this.streakSec[i]! + stepSec : 0;
      if (this.streakSec[i]! >= c.afterSec && !this.ejected(i, nowSec) && out < cap) {
        this.times[i]!++;
        this.untilSec[i] = nowSec + Math.min(MAX_EJECTION_SEC, c.baseSec * this.times[i]!);
        this.streakSec[i] = 0;
        this.ejections++;
        out++;
      }
    }
  }
}
