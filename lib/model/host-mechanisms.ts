/**
 * A host's Go runtime, GC, CPU and error log, new, built from the parameters the same way by both engines
 * (at the start of a run, and at a deploy in the fast engine). The port tables are left to each engine: the
 * fast one keeps a second table for random local IPs.
 */
import { HostCpu } from './cpu.js';
import { GcState } from './gc.js';
import { GoRuntime } from './go-runtime.js';
import { cpuConfig, errorLogConfig, gcConfig, goRuntimeConfig } from './host-config.js';
import { ErrorLog } from './logging.js';
import type { Params } from './params.js';

export interface HostMechanisms {
  readonly runtime: GoRuntime;
  readonly gc: GcState;
  readonly cpu: HostCpu;
  readonly log: ErrorLog;
}

/** The mechanisms of a process started with `p` (no state carried from an earlier one). */
export function newHostMechanisms(p: Params): HostMechanisms {
  return {
    runtime: new GoRuntime(goRuntimeConfig(p)),
    gc: new GcState(gcConfig(p)),
    cpu: new HostCpu(cpuConfig(p)),
    log: new ErrorLog(errorLogConfig(p)),
  };
}
