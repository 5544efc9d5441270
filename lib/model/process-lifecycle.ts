/**
 * The data-plane process as the container runtime sees it: up, killed (OOM or a fatal runtime error),
 * waiting out the restart back-off, starting, up again. Kubernetes' CrashLoopBackOff: the first crash is
 * restarted at once (kubernetes/kubernetes#133472, kubernetes/website#41570: delays 0, 10, 20, 40 s...),
 * later ones wait 10 s doubling per consecutive crash, capped at 5 min; 10 min of running resets it.
 * A restarted process has a cold connection pool, but the kernel keeps its TIME_WAIT sockets.
 */
export const PROCESS_STATE = { up: 'up', down: 'down', starting: 'starting' } as const;
export type ProcessState = (typeof PROCESS_STATE)[keyof typeof PROCESS_STATE];

export const KILL_REASON = { oom: 'oom', threadExhaustion: 'thread-exhaustion', deploy: 'deploy' } as const;
export type KillReason = (typeof KILL_REASON)[keyof typeof KILL_REASON];

export interface LifecycleConfig {
  readonly restartDelaySec: number;
  readonly restartDelayMaxSec: number;
  readonly backoffResetSec: number;
  readonly startupSec: number;
}

/** Delay before restart number `consecutive` (1 for the first crash in a row): 0, base, 2 base, 4 base... */
export function restartDelaySec(config: LifecycleConfig, consecutive: number): number {
  if (consecutive <= 1) return 0;
  return Math.min(config.restartDelayMaxSec, config.restartDelaySec * 2 ** (consecutive - 2));
}

export class Lifecycle {
  state: ProcessState = PROCESS_STATE.up;
  /** Incremented at each kill: work of an older epoch belongs to a dead process. */
  epoch = 0;
  oomKills = 0;
  fatalCrashes = 0;
  restarts = 0;
  private consecutiveCrashes = 0;
  private upSinceSec = 0;

  constructor(readonly config: LifecycleConfig) {}

  get serving(): boolean {
    return this.state === PROCESS_STATE.up;
  }

  /**
   * Kill the process at `nowSec`; returns when it starts again. A deploy is a graceful restart: not a
   * crash, no back-off, and it resets the crash count.
   */
  kill(nowSec: number, reason: KillReason): number {
    if (reason === KILL_REASON.deploy) {
      this.consecutiveCrashes = 0;
      this.epoch++;
      this.state = PROCESS_STATE.down;
      return nowSec;
    }
    if (nowSec - this.upSinceSec >= this.config.backoffResetSec) this.consecutiveCrashes = 0;
    this.consecutiveCrashes++;
    this.epoch++;
    this.state = PROCESS_STATE.down;
    if (reason === KILL_REASON.oom) this.oomKills++;
    else this.fatalCrashes++;
    return nowSec + restartDelaySec(this.config, this.consecutiveCrashes);
  }

  /** The container starts again; returns when it serves. */
  start(nowSec: number): number {
    this.state = PROCESS_STATE.starting;
    this.restarts++;
    return nowSec + this.config.startupSec;
  }

  /** Startup finished: serving. */
  ready(nowSec: number): void {
    this.state = PROCESS_STATE.up;
    this.upSinceSec = nowSec;
  }
}
