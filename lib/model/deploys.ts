/**
 * Deploys during a run: at a given time the service's configuration changes and the process restarts
 * with it (a rolling deploy, as the band-aid and the SetLimit fix were shipped). A deploy is a graceful
 * restart: every socket of the old process closes (into TIME_WAIT, like any close by this side), it is
 * not a crash (no back-off), and the new process starts cold with the new parameters. The kernel's
 * state (ports, TIME_WAIT) carries over.
 *
 * Only what a deploy of the data-plane service can change is allowed: its code and its own settings.
 * Kernel sysctls, the traffic and the model's resolution are not deployed with it.
 */
import type { Params } from './params.js';
import { applyOverrides, InputError, type Overrides } from './resolve-params.js';

export const DEPLOYABLE_PATHS = [
  'concurrencyLimit',
  'poolSize',
  'logRate',
  'logging.sampleFraction',
  'kernel.localIpMode',
  'kernel.dialMode',
  'kernel.soLingerZero',
  'workload.maxUrisPerRequest',
  'memcached.getMulti',
  'runtime.gogcPercent',
  'runtime.memLimitBytes',
  'process.memoryLimitBytes',
] as const;

export interface Deploy {
  readonly atSec: number;
  /** Shown in the timeline's events as `deploy:<label>`. */
  readonly label: string;
  /** Changes relative to the parameters in force before this deploy. */
  readonly overrides: Overrides;
}

export interface ResolvedDeploy {
  readonly atSec: number;
  readonly label: string;
  /** The complete parameters from this deploy on. */
  readonly params: Params;
}

/** Check and resolve deploys in time order, each on the parameters left by the one before. */
export function resolveDeploys(base: Params, deploys: readonly Deploy[]): ResolvedDeploy[] {
  let params = base;
  let last = 0;
  return deploys.map((d, i) => {
    const where = `deploys[${i}]`;
    if (!(Number.isFinite(d.atSec) && d.atSec > last)) {
      throw new InputError(
        `${where}.at: expected a time after ${last} s (deploys in increasing order), got ${d.atSec}`,
      );
    }
    if (!/^[a-z0-9][a-z0-9-]*$/.test(d.label)) {
      throw new InputError(
        `${where}.label: expected lowercase words joined by '-', got ${JSON.stringify(d.label)}`,
      );
    }
    for (const path of Object.keys(d.overrides)) {
      if (!(DEPLOYABLE_PATHS as readonly string[]).includes(path)) {
        throw new InputError(
          `${where}.params.${path}: not deployable; expected one of ${DEPLOYABLE_PATHS.join(', ')}`,
        );
      }
    }
    last = d.atSec;
    params = applyOverrides(params, d.overrides);
    return { atSec: d.atSec, label: d.label, params };
  });
}
