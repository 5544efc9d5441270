/**
 * The metastability sweep for the report: how many points fall in each recovery class once the trigger
 * stops, which sustaining loops were seen, and where the stable/vulnerable boundary lies at the outage's
 * own settings.
 */
import { RECOVERY_CLASSES, SUSTAINING_LOOPS } from '../analysis/recovery.js';
import type { Params } from '../model/params.js';
import type { CsvObjects, MetastabilityInput } from './inputs.js';

export interface MetastabilityData {
  readonly stopSec: number;
  readonly windowHours: number;
  readonly replicates: number;
  readonly points: number;
  readonly classes: Readonly<Record<string, number>>;
  readonly regimes: CsvObjects;
  readonly boundaries: CsvObjects;
  readonly loops: Readonly<Record<string, number>>;
  readonly outagePoint: Readonly<Record<string, string | number>> | null;
  readonly boundaryLow: number | null;
  readonly boundaryHigh: number | null;
}

export function metastabilityData(m: MetastabilityInput, outage: Params): MetastabilityData {
  const { regimes, boundaries } = m;
  const classes = Object.fromEntries(
    RECOVERY_CLASSES.map((c) => [c, regimes.filter((r) => r['recoveryClass'] === c).length]),
  );
  const loops = Object.fromEntries(
    SUSTAINING_LOOPS.map((l) => [
      l,
      regimes.filter((r) => String(r['sustainingLoops']).split(' ').includes(l)).length,
    ]),
  );
  // The outage's own settings: no limit, unlimited logs, the default pool and batch size.
  const isDefault = (r: Record<string, string | number>) =>
    r['concurrencyLimit'] === 'unbounded' &&
    r['poolSize'] === outage.poolSize &&
    r['logRate'] === 'unlimited';
  const outagePoint = regimes.find((r) => isDefault(r) && r['batchSize'] === outage.batchSize);
  const edge = boundaries.find(isDefault);
  const stop = m.spec.params['workload.triggerStopSec'];
  return {
    stopSec: typeof stop === 'number' ? stop : 0,
    windowHours: m.spec.durationSec / 3600,
    replicates: m.spec.replicates,
    points: regimes.length,
    classes,
    regimes,
    boundaries,
    loops,
    outagePoint: outagePoint ?? null,
    boundaryLow: (edge?.['low'] as number | undefined) ?? null,
    boundaryHigh: (edge?.['high'] as number | undefined) ?? null,
  };
}
