/**
 * The contract both engines keep: what a run of one host takes (parameters, seed, duration, scripted
 * requests, configuration changes, where timeline rows and progress go) and what it returns (the run's
 * figures). The reference engine (des/host-sim.ts) and the aggregate engine (fast/host-fast.ts) add their
 * own options on top; lib/run and lib/fleet call them through this contract.
 */
import type { RunFigures } from '../metrics/run-figures.js';
import type { TimelineRow } from '../metrics/timeline.js';
import type { ResolvedDeploy } from '../model/deploys.js';
import type { Params } from '../model/params.js';
import type { ClientId } from '../model/workload.js';

export interface HostRunOptions {
  readonly params: Params;
  readonly seed: number;
  readonly durationSec: number;
  /** Timeline interval; rows go to `onRow`. */
  readonly resolutionSec?: number;
  readonly onRow?: (row: TimelineRow) => void;
  /** Called once per simulated second. */
  readonly onProgress?: (simSec: number) => void;
  /** Scripted requests on top of the Poisson clients (trace tests, what-if checks). */
  readonly injections?: readonly Injection[];
  /**
   * Configuration changes during the run (model/deploys.ts). The aggregate engine applies them; the
   * reference engine runs one configuration and rejects them with an InputError.
   */
  readonly deploys?: readonly ResolvedDeploy[];
}

/** One scripted request: at `atSec`, client `client` sends a batch of `uris` URIs. */
export interface Injection {
  readonly atSec: number;
  readonly client: ClientId;
  readonly uris: number;
}

/** A run's figures (the measured part of the `run --json` contract) and the engine's own count. */
export interface HostRunStats extends RunFigures {
  readonly durationSec: number;
  /** Engine figure: events dispatched (des) or steps taken (fast). */
  readonly events: number;
}
