/**
 * The figures every engine reports for a run (the measured part of the `run --json` contract).
 * Units: `availability` is the fraction of user requests served, in [0, 1]; times are seconds from the
 * run's start unless the name says Ms; counts are integers over the whole run.
 */
export interface RunFigures {
  readonly availability: number;
  readonly downtimeSec: number;
  readonly dialErrors: number;
  readonly peakTimeWait: number;
  /** null if the port range never ran out. */
  readonly firstPortExhaustionSec: number | null;
  readonly peakThreads: number;
  readonly oomKills: number;
  readonly restarts: number;
  readonly peakRssBytes: number;
  readonly maxGcPauseMs: number;
  readonly logLinesAttempted: number;
  readonly logLinesWritten: number;
  readonly p99LatencyMs: number | null;
  /** null if the trigger never stops, or the host never recovers after it does. */
  readonly recoverySec: number | null;
  /**
   * The host's CPU used over the run's timeline intervals, by kind, in core-seconds: Go code (requests,
   * ops, log encoding), the GC (background, assists, pauses) and kernel syscalls (dials with their port
   * scans, closes, log writes).
   */
  readonly cpuMutatorSec: number;
  readonly cpuGcSec: number;
  readonly cpuKernelSec: number;
}
