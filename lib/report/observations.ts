/**
 * The observations of the source post-mortem (O1-O10), each checked against the model's runs with a
 * stated rule: reproduced, not reproduced, or not modelled (outside a single-host model). The verdicts are
 * computed, never asserted: a model change can turn any of them.
 */
import type { CollectedRun } from '../analysis/runs.js';

export type Verdict = 'reproduced' | 'not reproduced' | 'not modelled';

export interface Observation {
  readonly id: string;
  /** The observation, in this project's words. */
  readonly observation: string;
  /** The rule applied to the model's numbers. */
  readonly rule: string;
  /** The model's figure, as text. */
  readonly measured: string;
  readonly verdict: Verdict;
}

/** The scenario means the rules read (from the fix comparison), and the outage's timeline. */
export interface ObservationInputs {
  readonly mean: (scenario: string, metric: string) => number | null;
  readonly outageRows: CollectedRun['rows'];
  readonly triggerSec: number;
  readonly observedThreadRatio: number;
  readonly observedUpMinutes: number;
  readonly windowHours: number;
}

const n = (v: unknown): number => (v === '' || v === undefined || v === null ? 0 : Number(v));
const fmt = (v: number | null, digits = 0): string =>
  v === null
    ? 'n/a'
    : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function evaluateObservations(x: ObservationInputs): Observation[] {
  const rows = x.outageRows;
  const sum = (col: string) => rows.reduce((a, r) => a + n(r[col as keyof typeof r]), 0);
  const inUse = sum('dialErr:addr-in-use');
  const notAvail = sum('dialErr:addr-not-avail');
  const cacheErrors = ['post', 'user', 'counts'].map((c) => sum(`opErrors:${c}`));
  const first = x.mean('outage', 'firstPortExhaustionSec');
  const afterTrigger = first === null ? null : first - x.triggerSec;
  const threadRatio = ratio(x.mean('outage', 'peakThreads'), x.mean('baseline', 'peakThreads'));
  // Threads never fall while the process lives: between restarts, the count only grows.
  let fell = false;
  for (let i = 1; i < rows.length; i++) {
    const restarted =
      n(rows[i]!.restarts) > 0 || rows[i]!.processState !== 'up' || rows[i - 1]!.processState !== 'up';
    if (!restarted && n(rows[i]!.threads) < n(rows[i - 1]!.threads)) fell = true;
  }
  const interval = rows.length > 1 ? n(rows[1]!.tSec) - n(rows[0]!.tSec) : 1;
  const peakLogPerSec = Math.max(...rows.map((r) => n(r.logAttempted))) / interval;
  const baselineOps = rows.slice(0, Math.max(1, Math.floor(x.triggerSec / interval)));
  const opsPerSec =
    baselineOps.reduce((a, r) => a + n(r['ops:post']) + n(r['ops:user']) + n(r['ops:counts']), 0) /
    (baselineOps.length * interval);
  const gcRatio = ratio(x.mean('outage', 'maxGcPauseMs'), x.mean('baseline', 'maxGcPauseMs'));
  const p99Ratio = ratio(x.mean('outage', 'p99LatencyMs'), x.mean('baseline', 'p99LatencyMs'));
  const kills = x.mean('outage', 'oomKills');
  const upMinutes = kills && kills > 0 ? (x.windowHours * 60) / kills : null;
  // A restart that fails at once: dial errors in the interval of the restart or the next, with sockets
  // still in TIME_WAIT.
  let restarts = 0;
  let failedRestarts = 0;
  for (let i = 0; i < rows.length; i++) {
    if (n(rows[i]!.restarts) === 0) continue;
    restarts++;
    const next = rows.slice(i, i + 2);
    if (
      next.some((r) => n(r['dialErr:addr-in-use']) + n(r['dialErr:addr-not-avail']) > 0 && n(r.timeWait) > 0)
    ) {
      failedRestarts++;
    }
  }
  const limitAvail = x.mean('fix-bounded-concurrency', 'availability');
  const limitErrors = x.mean('fix-bounded-concurrency', 'dialErrors');
  const bandAidAvail = x.mean('fix-random-local-ip', 'availability');
  const outageAvail = x.mean('outage', 'availability');
  const bandAidErrors = x.mean('fix-random-local-ip', 'dialErrors');
  return [
    {
      id: 'O1',
      observation:
        'Normal traffic (1-50 URIs) never exhausts the ports; the new client does, within seconds.',
      rule: 'baseline dial errors = 0 and first exhaustion < 120 s after the trigger',
      measured: `baseline dial errors ${fmt(x.mean('baseline', 'dialErrors'))}; exhaustion ${fmt(afterTrigger, 1)} s after the trigger`,
      verdict: verdict(x.mean('baseline', 'dialErrors') === 0 && afterTrigger !== null && afterTrigger < 120),
    },
    {
      id: 'O2',
      observation: 'The dial errors name the dialer: "bind: address already in use".',
      rule: 'at least 99% of failed dials are EADDRINUSE',
      measured: `${fmt(inUse)} EADDRINUSE, ${fmt(notAvail)} EADDRNOTAVAIL`,
      verdict: verdict(inUse > 0 && inUse / (inUse + notAvail) >= 0.99),
    },
    {
      id: 'O3',
      observation: 'Errors hit every cache type, not only the posts the new client asks for.',
      rule: 'op errors on the post, user and counts caches',
      measured: `post ${fmt(cacheErrors[0]!)}, user ${fmt(cacheErrors[1]!)}, counts ${fmt(cacheErrors[2]!)}`,
      verdict: verdict(cacheErrors.every((e) => e > 0)),
    },
    {
      id: 'O4',
      observation: 'Error-log attempts reach about the memcached op rate.',
      rule: 'peak error lines per second >= half the baseline op rate',
      measured: `peak ${fmt(peakLogPerSec)} lines/s against ${fmt(opsPerSec)} ops/s`,
      verdict: verdict(peakLogPerSec >= 0.5 * opsPerSec),
    },
    {
      id: 'O5',
      observation: 'OS threads rise about tenfold and never fall until a restart.',
      rule: 'peak threads / baseline within a factor of 1.5 of the observed ratio, and no fall between restarts',
      measured: `${fmt(threadRatio, 1)}x (observed ${fmt(x.observedThreadRatio, 1)}x)${fell ? ', but fell between restarts' : ''}`,
      verdict: verdict(
        threadRatio !== null &&
          threadRatio / x.observedThreadRatio > 1 / 1.5 &&
          threadRatio / x.observedThreadRatio < 1.5 &&
          !fell,
      ),
    },
    {
      id: 'O6',
      observation: 'GC stop-the-world pauses rise sharply; request latency stalls.',
      rule: 'max GC pause and p99 latency each at least 3x the baseline',
      measured: `GC pause ${fmt(gcRatio, 1)}x, p99 ${fmt(p99Ratio, 1)}x`,
      verdict: verdict(gcRatio !== null && gcRatio >= 3 && p99Ratio !== null && p99Ratio >= 3),
    },
    {
      id: 'O7',
      observation: 'OOM kills recur: about 30 minutes up, then down, under Monday load.',
      rule: 'minutes between kills within a factor of 2 of the observed',
      measured: `one kill every ${fmt(upMinutes, 1)} minutes (observed about ${fmt(x.observedUpMinutes)})`,
      verdict: verdict(
        upMinutes !== null && upMinutes / x.observedUpMinutes > 0.5 && upMinutes / x.observedUpMinutes < 2,
      ),
    },
    {
      id: 'O8',
      observation: 'A restarted process fails at once, the ports still held in TIME_WAIT.',
      rule: 'at least one restart followed within one interval by dial errors with sockets in TIME_WAIT',
      measured: `${fmt(failedRestarts)} of ${fmt(restarts)} restarts in the timeline run`,
      verdict: verdict(failedRestarts > 0),
    },
    {
      id: 'O9',
      observation: 'About half the users (one data center) see intermittent failures; the other is healthy.',
      rule: 'needs two data centers and users: outside this single-host model',
      measured: 'n/a',
      verdict: 'not modelled',
    },
    {
      id: 'O10',
      observation:
        'A random local IP ends the spiral without touching the batches; SetLimit removes the cause.',
      rule: 'SetLimit: availability 100% and no dial errors; band-aid: no dial errors and availability above the outage',
      measured: `SetLimit ${fmt(limitAvail === null ? null : 100 * limitAvail, 2)}%, ${fmt(limitErrors)} dial errors; band-aid ${fmt(bandAidAvail === null ? null : 100 * bandAidAvail, 2)}% (outage ${fmt(outageAvail === null ? null : 100 * outageAvail, 2)}%), ${fmt(bandAidErrors)} dial errors`,
      verdict: verdict(
        limitAvail === 1 &&
          limitErrors === 0 &&
          bandAidErrors === 0 &&
          bandAidAvail !== null &&
          outageAvail !== null &&
          bandAidAvail > outageAvail,
      ),
    },
  ];
}

function verdict(ok: boolean): Verdict {
  return ok ? 'reproduced' : 'not reproduced';
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}
