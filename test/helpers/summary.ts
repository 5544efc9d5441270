import type { RunSummary } from '../../lib/run/run-scenario.js';

/** A run summary with healthy defaults, for tests of code that reads summaries. */
export function summaryWith(over: Partial<RunSummary>): RunSummary {
  return {
    scenario: 'x',
    engine: 'des',
    seed: 1,
    durationSec: 100,
    availability: 1,
    downtimeSec: 0,
    dialErrors: 0,
    peakTimeWait: 0,
    firstPortExhaustionSec: null,
    peakThreads: 150,
    oomKills: 0,
    restarts: 0,
    peakRssBytes: 0,
    maxGcPauseMs: 0,
    logLinesAttempted: 0,
    logLinesWritten: 0,
    p99LatencyMs: 2,
    recoverySec: null,
    cpuMutatorSec: 0,
    cpuGcSec: 0,
    cpuKernelSec: 0,
    ...over,
  };
}
