/**
 * What the metastability notebook computes: batch sizes on both sides of the stable/vulnerable boundary at
 * the chosen knobs (from the committed metastability sweep), and a run's recovery class by the same rule
 * and thresholds the sweep uses.
 */
import { join } from 'node:path';
import { analyzeRecovery } from '../analysis/recovery.js';
import type { CollectedRun } from '../analysis/runs.js';
import type { Params } from '../model/params.js';
import { ROOT, readCsvObjects } from '../report/inputs.js';
import type { Knobs } from './knobs.js';

/**
 * Batch sizes to try: the sweep's grid values on either side of the bisected boundary at these knobs
 * (data/cache/metastability/boundary.csv), the boundary's bracket, and the knobs' own batch size. When
 * the sweep has no row for the knobs: fractions of the batch size.
 */
export function batchSizesAround(knobs: Knobs, root = ROOT): number[] {
  const rows = readCsvObjects(join(root, 'data', 'cache', 'metastability', 'boundary.csv'));
  const row = rows.find(
    (r) =>
      String(r['concurrencyLimit']) === String(knobs.concurrencyLimit) &&
      String(r['poolSize']) === String(knobs.poolSize) &&
      String(r['logRate']) === String(knobs.logRate),
  );
  const sizes = row
    ? [row['gridLow'], row['low'], row['high'], row['gridHigh'], knobs.batchSize].map(Number)
    : [knobs.batchSize / 8, knobs.batchSize / 4, knobs.batchSize / 2, knobs.batchSize].map(Math.round);
  return [...new Set(sizes.filter((n) => Number.isInteger(n) && n > 0))].sort((a, b) => a - b);
}

/** A run's recovery after the trigger stops (the sweep's rule: lib/sweep/run-one.ts). */
export function recoveryRow(run: CollectedRun, params: Params): Record<string, string | number | null> {
  const stop = params.workload.triggerStopSec;
  if (stop === 'never') throw new Error(`recoveryRow: the trigger of ${run.label} never stops`);
  const r = analyzeRecovery(run.rows, {
    startSec: params.workload.triggerStartSec,
    stopSec: stop,
    downtimeAvailability: params.metrics.downtimeAvailability,
    recoveryWindowSec: params.metrics.recoveryWindowSec,
  });
  return {
    run: run.label,
    class: r.recoveryClass,
    'recovery (s)': r.recoverySec,
    'bad seconds after stop': r.badSecondsAfterStop,
    'restarts after stop': r.restartsAfterStop,
    loops: r.loops.join(' '),
  };
}
