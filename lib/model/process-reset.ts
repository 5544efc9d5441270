/**
 * What a kill does to the process's own state, the same in both engines. The kernel's sockets are the
 * engines' to close (each socket of the dead process enters TIME_WAIT, port-table.ts); the rest starts
 * over: a new Go runtime (Ms back to the base count, no goroutine, no P taken), a heap holding only its
 * live set (no garbage, no GC cycle in progress), a log writer idle from the instant of the kill.
 */
import type { GcState } from './gc.js';
import { GoRuntime } from './go-runtime.js';
import { goRuntimeConfig } from './host-config.js';
import type { ErrorLog } from './logging.js';
import type { Params } from './params.js';
import { KILL_REASON, type KillReason } from './process-lifecycle.js';

/** The timeline event a kill records; a deploy's graceful stop is recorded as the deploy itself (null). */
export function killEvent(reason: KillReason): 'oom-kill' | 'thread-exhaustion' | null {
  if (reason === KILL_REASON.deploy) return null;
  return reason === KILL_REASON.oom ? 'oom-kill' : 'thread-exhaustion';
}

/** Reset the GC and the log writer of a process killed at `nowSec`; returns its new Go runtime. */
export function restartedRuntime(p: Params, gc: GcState, log: ErrorLog, nowSec: number): GoRuntime {
  gc.reset();
  log.reset(nowSec);
  return new GoRuntime(goRuntimeConfig(p));
}
