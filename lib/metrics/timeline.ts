/**
 * The timeline: one row per fixed interval (1 s by default) carrying every mechanism's series. Counters
 * are totals within the interval; gauges are the value at the interval's end, or its maximum where the
 * column name ends in `Max`. Per client: requests ok and failed, their mean latency (`latencyMs`, empty when
 * none finished), URIs requested, the largest request, and requests by size bucket (`reqUris1-50`, ...).
 * `utc` is the interval's end on the scenario's calendar (ISO 8601), empty without one.
 * `userAvailability` is the share of user-facing data-plane calls served (AppView retries included);
 * `loadFactor` the user traffic's multiplier at the interval's end (calendar x retry amplification).
 * `cpuMutatorSec`, `cpuGcSec`, `cpuKernelSec`: core-seconds of the host's CPU used in the interval by Go
 * code, GC marking and syscalls (model/cpu.ts); `runnableMax` the most goroutines runnable and waiting for
 * a P at a runtime tick.
 * Rows are streamed as intervals close, so memory does not grow with duration.
 */
import { CACHE_TYPES, CLIENT_IDS } from '../model/workload.js';

/** Request sizes (URIs per request) are counted in these buckets per client: the histogram a dashboard
 * would show. Upper bounds, inclusive; the last is open. */
export const URI_BUCKETS = [50, 1000, Number.POSITIVE_INFINITY] as const;
export const URI_BUCKET_LABELS = ['1-50', '51-1000', '1001+'] as const;

const CLIENT_COLUMNS = CLIENT_IDS.flatMap((c) => [
  `reqOk:${c}`,
  `reqErr:${c}`,
  `latencyMs:${c}`,
  `uris:${c}`,
  `urisMax:${c}`,
  ...URI_BUCKET_LABELS.map((b) => `reqUris${b}:${c}`),
]);
const CACHE_COLUMNS = CACHE_TYPES.flatMap((c) => [`ops:${c}`, `opErrors:${c}`]);

/** Column names, in CSV order. */
export const TIMELINE_COLUMNS = [
  'tSec',
  'utc',
  'processState',
  ...CLIENT_COLUMNS,
  'userAvailability',
  'loadFactor',
  ...CACHE_COLUMNS,
  'dials',
  'dialErr:addr-in-use',
  'dialErr:addr-not-avail',
  'dialErr:server-full',
  'dialErr:dial-timeout',
  'opTimeouts',
  'openConns',
  'idleConns',
  'portsInUse',
  'timeWait',
  'timeWaitMax',
  'logAttempted',
  'logWritten',
  'logDropped',
  'logQueueMax',
  'threads',
  'blockedSyscallsMax',
  'goroutinesMax',
  'heapBytesMax',
  'rssBytesMax',
  'gcCycles',
  'gcPauseMaxMs',
  'gcCpuShare',
  'cpuMutatorSec',
  'cpuGcSec',
  'cpuKernelSec',
  'runnableMax',
  'oomKills',
  'restarts',
  'events',
] as const;

export type TimelineColumn = (typeof TIMELINE_COLUMNS)[number];
export type TimelineRow = Record<TimelineColumn, number | string>;
