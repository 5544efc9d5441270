/**
 * The timeline: one row per fixed interval (1 s by default) carrying every mechanism's series. Counters
 * are totals within the interval; gauges are the value at the interval's end, or its maximum where the
 * column name ends in `Max`. Per client: requests ok and failed, their mean latency (`latencyMs`, null when
 * none finished), URIs requested, the largest request, and requests by size bucket (`reqUris1-50`, ...).
 * `utc` is the interval's end on the scenario's calendar (ISO 8601), null without one.
 * `userAvailability` is the share of user-facing data-plane calls served (AppView retries included), null
 * in an interval without one; `loadFactor` the user traffic's multiplier at the interval's end (calendar x
 * retry amplification). `events` names what happened in the interval, separated by `;` (empty: nothing).
 * `cpuMutatorSec`, `cpuGcSec`, `cpuKernelSec`: core-seconds of the host's CPU used in the interval by Go
 * code, GC marking and syscalls (model/cpu.ts); `runnableMax` the most goroutines runnable and waiting for
 * a P at a runtime tick.
 * Rows are streamed as intervals close, so memory does not grow with duration.
 *
 * Rows are typed in memory (numbers, null for an empty cell); only the CSV writer (timeline-csv.ts) turns
 * them into text. A column is declared once, in `TIMELINE_SCHEMA`: its name, its place in the CSV and the
 * type of its cells; the row type follows, and the engines' row builder (lib/engine/host-metrics.ts) does
 * not compile until it gives the new column a value.
 */
import { DIAL_ERRORS } from '../model/errors.js';
import type { ProcessState } from '../model/process-lifecycle.js';
import { CACHE_TYPES, CLIENT_IDS } from '../model/workload.js';

/** Request sizes (URIs per request) are counted in these buckets per client: the histogram a dashboard
 * would show. Upper bounds, inclusive; the last is open. */
export const URI_BUCKETS = [50, 1000, Number.POSITIVE_INFINITY] as const;
export const URI_BUCKET_LABELS = ['1-50', '51-1000', '1001+'] as const;
export type UriBucketLabel = (typeof URI_BUCKET_LABELS)[number];

/** The type of a column's cells in memory, and how the CSV writer prints one. */
export interface Cell<T> {
  format(value: T): string;
}
/** The value type of a cell. */
export type CellValue<C> = C extends Cell<infer T> ? T : never;
/** Columns by name, in CSV order. */
export type Schema = Readonly<Record<string, Cell<never>>>;
/** A row of a schema: each column's value. */
export type RowOf<S extends Schema> = { readonly [K in keyof S]: CellValue<S[K]> };

/** A number, as JavaScript prints it. */
export const NUMBER: Cell<number> = { format: String };
/** A number, or null for an empty cell. */
export const NUMBER_OR_NULL: Cell<number | null> = { format: (v) => (v === null ? '' : String(v)) };
export const TEXT: Cell<string> = { format: (v) => v };
/** Text, or null for an empty cell. */
export const TEXT_OR_NULL: Cell<string | null> = { format: (v) => v ?? '' };
const PROCESS_STATE_CELL: Cell<ProcessState> = { format: (v) => v };

/** Keys `name:id` for every id (in order) and every name of `group` (in order). */
export type Keyed<G, Id extends string> = {
  readonly [P in `${keyof G & string}:${Id}`]: P extends `${infer K}:${Id}` ? G[K & keyof G] : never;
};

/**
 * One group of columns per id, keyed `name:id`, ids in order and the group's names in order within each:
 * `keyed(['a', 'b'], () => ({ ok: 1, err: 2 }))` is `{ 'ok:a': 1, 'err:a': 2, 'ok:b': 1, 'err:b': 2 }`.
 * Serves both the schema (a group of cells) and a row (a group of values for id number i).
 */
export function keyed<G extends object, Id extends string>(
  ids: readonly Id[],
  group: (id: Id, i: number) => G,
): Keyed<G, Id> {
  const out: Record<string, unknown> = {};
  ids.forEach((id, i) => {
    for (const [name, value] of Object.entries(group(id, i))) out[`${name}:${id}`] = value;
  });
  return out as Keyed<G, Id>;
}

/** One value per URI bucket, keyed `reqUris<label>`, in bucket order. */
export function uriBucketColumns<V>(value: (k: number) => V): {
  readonly [L in UriBucketLabel as `reqUris${L}`]: V;
} {
  const out: Record<string, V> = {};
  URI_BUCKET_LABELS.forEach((label, k) => {
    out[`reqUris${label}`] = value(k);
  });
  return out as { readonly [L in UriBucketLabel as `reqUris${L}`]: V };
}

/** Every column of a host's timeline, in CSV order, with the type of its cells. */
export const TIMELINE_SCHEMA = {
  tSec: NUMBER,
  utc: TEXT_OR_NULL,
  processState: PROCESS_STATE_CELL,
  ...keyed(CLIENT_IDS, () => ({
    reqOk: NUMBER,
    reqErr: NUMBER,
    latencyMs: NUMBER_OR_NULL,
    uris: NUMBER,
    urisMax: NUMBER,
    ...uriBucketColumns(() => NUMBER),
  })),
  userAvailability: NUMBER_OR_NULL,
  loadFactor: NUMBER,
  ...keyed(CACHE_TYPES, () => ({ ops: NUMBER, opErrors: NUMBER })),
  dials: NUMBER,
  ...keyed(DIAL_ERRORS, () => ({ dialErr: NUMBER })),
  opTimeouts: NUMBER,
  openConns: NUMBER,
  idleConns: NUMBER,
  portsInUse: NUMBER,
  timeWait: NUMBER,
  timeWaitMax: NUMBER,
  logAttempted: NUMBER,
  logWritten: NUMBER,
  logDropped: NUMBER,
  logQueueMax: NUMBER,
  threads: NUMBER,
  blockedSyscallsMax: NUMBER,
  goroutinesMax: NUMBER,
  heapBytesMax: NUMBER,
  rssBytesMax: NUMBER,
  gcCycles: NUMBER,
  gcPauseMaxMs: NUMBER,
  gcCpuShare: NUMBER,
  cpuMutatorSec: NUMBER,
  cpuGcSec: NUMBER,
  cpuKernelSec: NUMBER,
  runnableMax: NUMBER,
  oomKills: NUMBER,
  restarts: NUMBER,
  events: TEXT,
} as const satisfies Schema;

export type TimelineColumn = keyof typeof TIMELINE_SCHEMA;
export type TimelineRow = RowOf<typeof TIMELINE_SCHEMA>;

/** Column names, in CSV order. */
export const TIMELINE_COLUMNS = Object.keys(TIMELINE_SCHEMA) as readonly TimelineColumn[];
