/**
 * How much user traffic reaches one data-plane host, relative to the nominal rates of `workload`:
 * - a weekly and daily shape on a calendar (weekend lower, Monday higher: the post-mortem's weekend of
 *   dips before Monday's spiral), when the run's clock is mapped onto UTC (`load.calendarStartUtcSec`);
 * - retry amplification from the AppView upstream: a call that fails is retried up to `upstream.retries`
 *   times, so when a share f of data-plane calls fails, a user request costs 1 + f + ... + f^r calls and
 *   fails only when all of them do, f^(r+1) (calls treated as independent given f: retries land on other
 *   hosts of the same data center, which are in the same state).
 * Only user-facing clients are shaped; the new internal client keeps its own rate.
 */
import type { Params } from './params.js';

const DAY_SEC = 86_400;

/** Day of the week (0 = Sunday .. 6 = Saturday) and UTC hour of a Unix time. */
export function utcDayAndHour(unixSec: number): { day: number; hour: number } {
  const days = Math.floor(unixSec / DAY_SEC);
  // 1970-01-01 was a Thursday (4).
  const day = (((days + 4) % 7) + 7) % 7;
  return { day, hour: (unixSec - days * DAY_SEC) / 3600 };
}

/** The calendar's load factor at run time `tSec` (1 without a calendar). */
export function loadFactorAt(load: Params['load'], tSec: number): number {
  if (load.calendarStartUtcSec === 'none') return 1;
  const { day, hour } = utcDayAndHour(load.calendarStartUtcSec + tSec);
  const dayFactor = day === 0 || day === 6 ? load.weekendFactor : day === 1 ? load.mondayFactor : 1;
  return dayFactor * (1 + load.diurnalAmplitude * Math.cos((2 * Math.PI * (hour - load.peakHourUtc)) / 24));
}

/** Data-plane calls per user request when a share `failed` of calls fails: 1 + f + ... + f^retries. */
export function retryAmplification(retries: number, failed: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 0; k < retries; k++) {
    term *= failed;
    sum += term;
  }
  return sum;
}

/** Share of user requests that fail after all retries: f^(retries + 1). */
export function userFailureShare(retries: number, failed: number): number {
  return failed ** (retries + 1);
}

/**
 * The user traffic multiplier for the second starting at `tSec`, after a second in which a share
 * `failedShare` of calls failed: calendar x retry amplification, rounded to 0.5% (engines draw arrivals
 * from tables per multiplier; the rounding bounds their number).
 */
export function trafficFactor(p: Params, tSec: number, failedShare: number): number {
  const f = loadFactorAt(p.load, tSec) * retryAmplification(p.upstream.retries, failedShare);
  return Math.max(0.005, Math.round(f * 200) / 200);
}

/**
 * The user traffic multiplier of one host of a coupled fleet for the second starting at `tSec`: the
 * calendar x `routedShare`, the share of the data center's calls (retries included) the AppView routes to
 * this host relative to an even split over all `fleet.hostsPerDc` hosts (lib/model/appview.ts). Rounded
 * to 0.5% as `trafficFactor` is; 0 stays 0 (a host out of rotation gets no call).
 */
export function routedTrafficFactor(p: Params, tSec: number, routedShare: number): number {
  if (routedShare <= 0) return 0;
  const f = loadFactorAt(p.load, tSec) * routedShare;
  return Math.max(0.005, Math.round(f * 200) / 200);
}
