/**
 * Does the host recover when the trigger stops? A classification of one run from its 1-second timeline,
 * after Bronson et al., "Metastable Failures in Distributed Systems" (HotOS '21) and Huang et al.,
 * "Metastable Failures in the Wild" (OSDI '22): a system is *vulnerable* when a trigger can push it into
 * a bad state, and the failure is *metastable* when the bad state sustains itself after the trigger is
 * gone.
 *
 * The rule, per run (trigger stops at `stopSec`):
 * - a second is **good** when the process is serving, no dial failed, and it served at least
 *   `metrics.downtimeAvailability` of its user requests (the same rule as the summary's `recoverySec`);
 * - **unstable**: a second was bad before the trigger started (the host fails without it: an overload,
 *   not a triggered failure);
 * - **stable**: every second of the run is good (the trigger never hurt);
 * - recovery: the first good second after the stop that starts `metrics.recoveryWindowSec` good seconds in
 *   a row; `recoverySec` is its distance from the stop;
 * - **vulnerable**: it recovered, and no restart happened between the stop and the recovery;
 * - **recovers-by-restart**: it recovered, but only after an OOM kill and restart past the stop;
 * - **metastable**: no recovery before the end of the run (at least `recoveryWindowSec` after the stop).
 *
 * Sustaining loops that can keep a host bad after the stop, each checked on the timeline between the
 * stop and the recovery (or the end): `timeWaitAcrossRestart` (a restart found sockets still in
 * TIME_WAIT and dials failed after it), `threadRatchet` (OS threads above their level at start, never
 * freed), `timeoutChurn` (op timeouts closing connections), `logBacklog` (error lines queued at the log
 * writer). Upstream retries are not modelled on one host.
 */
import type { TimelineRow } from '../metrics/timeline.js';
import { DIAL_ERRORS } from '../model/errors.js';
import { PROCESS_STATE } from '../model/process-lifecycle.js';

export const RECOVERY_CLASSES = [
  'stable',
  'vulnerable',
  'recovers-by-restart',
  'metastable',
  'unstable',
] as const;
export type RecoveryClass = (typeof RECOVERY_CLASSES)[number];

export const SUSTAINING_LOOPS = [
  'timeWaitAcrossRestart',
  'threadRatchet',
  'timeoutChurn',
  'logBacklog',
] as const;
export type SustainingLoop = (typeof SUSTAINING_LOOPS)[number];

export interface RecoveryOptions {
  /** When the trigger starts (seconds before it are the host's own baseline). Default 0. */
  readonly startSec?: number;
  readonly stopSec: number;
  /** A second is down below this availability (metrics.downtimeAvailability). */
  readonly downtimeAvailability: number;
  /** Good seconds in a row that count as recovered (metrics.recoveryWindowSec). */
  readonly recoveryWindowSec: number;
}

export interface RecoveryAnalysis {
  readonly recoveryClass: RecoveryClass;
  /** Seconds from the stop to the recovery; null when it never recovers (or when stable). */
  readonly recoverySec: number | null;
  /** Bad seconds after the stop. */
  readonly badSecondsAfterStop: number;
  readonly restartsAfterStop: number;
  /** Sustaining loops seen between the stop and the recovery (or the end of the run). */
  readonly loops: readonly SustainingLoop[];
}

function dialErrors(row: TimelineRow): number {
  let n = 0;
  for (const e of DIAL_ERRORS) n += row[`dialErr:${e}`];
  return n;
}

/** The good/bad rule for one 1-second row. */
export function isGoodSecond(row: TimelineRow, downtimeAvailability: number): boolean {
  if (row.processState !== PROCESS_STATE.up) return false;
  if (dialErrors(row) > 0) return false;
  const a = row.userAvailability;
  return a === null || a >= downtimeAvailability;
}

export function analyzeRecovery(rows: readonly TimelineRow[], options: RecoveryOptions): RecoveryAnalysis {
  const { stopSec, downtimeAvailability, recoveryWindowSec } = options;
  const good = rows.map((r) => isGoodSecond(r, downtimeAvailability));
  // Row k covers (tSec - 1, tSec]; the seconds after the stop are the rows with tSec > stopSec.
  const after = rows.findIndex((r) => r.tSec > stopSec + 1e-9);
  const afterRows = after < 0 ? [] : rows.slice(after);
  const badAfter = afterRows.filter((_, i) => !good[after + i]).length;
  const startSec = options.startSec ?? 0;
  const before = rows.findIndex((r) => r.tSec > startSec + 1e-9);
  if (good.slice(0, before < 0 ? rows.length : before).some((g) => !g)) {
    return {
      recoveryClass: 'unstable',
      recoverySec: null,
      badSecondsAfterStop: badAfter,
      restartsAfterStop: 0,
      loops: [],
    };
  }
  if (good.every(Boolean)) {
    return {
      recoveryClass: 'stable',
      recoverySec: null,
      badSecondsAfterStop: 0,
      restartsAfterStop: 0,
      loops: [],
    };
  }
  let recoveredAt = -1;
  let streak = 0;
  for (let i = Math.max(after, 0); after >= 0 && i < rows.length; i++) {
    streak = good[i] ? streak + 1 : 0;
    if (streak >= recoveryWindowSec) {
      recoveredAt = i - streak + 1;
      break;
    }
  }
  // Up to and including the first recovered second (a restart in it is what let the host recover).
  const end = recoveredAt >= 0 ? recoveredAt + 1 : rows.length;
  const window = after < 0 ? [] : rows.slice(after, end);
  const restartsAfterStop = window.reduce((n, r) => n + r.restarts, 0);
  const loops: SustainingLoop[] = [];
  const threadsAtStart = rows[0]?.threads ?? 0;
  const restartIdx = window.findIndex((r) => r.restarts > 0);
  if (
    restartIdx >= 0 &&
    window[restartIdx]!.timeWait > 0 &&
    window.slice(restartIdx).some((r) => dialErrors(r) > 0)
  ) {
    loops.push('timeWaitAcrossRestart');
  }
  if (window.some((r) => r.threads > threadsAtStart)) loops.push('threadRatchet');
  if (window.some((r) => r.opTimeouts > 0)) loops.push('timeoutChurn');
  if (window.some((r) => r.logQueueMax > 0)) loops.push('logBacklog');
  if (recoveredAt < 0) {
    return {
      recoveryClass: 'metastable',
      recoverySec: null,
      badSecondsAfterStop: badAfter,
      restartsAfterStop,
      loops,
    };
  }
  // The recovery starts at row recoveredAt, which covers (tSec - 1, tSec].
  const recoverySec = Math.max(0, rows[recoveredAt]!.tSec - 1 - stopSec);
  return {
    recoveryClass: restartsAfterStop > 0 ? 'recovers-by-restart' : 'vulnerable',
    recoverySec,
    badSecondsAfterStop: badAfter,
    restartsAfterStop,
    loops,
  };
}
