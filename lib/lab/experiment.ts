/**
 * The kernel lab's experiment, shared by the real-kernel driver and the model replay so that both run
 * exactly the same script:
 * 1. at t = 0, dial `batch` connections to memcached at once, in one dial mode;
 * 2. each connection that opens does one `get`; then the pool keeps `pool` of them idle and closes the
 *    rest (the client closes first, so they enter TIME_WAIT);
 * 3. from `probeOffsetSec` on, every `probeEverySec`, dial `probeSize` more connections and reset them at once
 *    (RST: no TIME_WAIT of their own), until a whole probe succeeds or `maxSec` passes;
 * 4. sample TIME_WAIT and ESTABLISHED client sockets every `sampleEverySec` until TIME_WAIT drains.
 */
export const LAB_MODE = { connect: 'connect', bind: 'bind', random: 'random' } as const;
export type LabMode = (typeof LAB_MODE)[keyof typeof LAB_MODE];
export const LAB_MODES: readonly LabMode[] = Object.values(LAB_MODE);

export interface LabConfig {
  readonly mode: LabMode;
  readonly batch: number;
  readonly pool: number;
  readonly portLow: number;
  readonly portHigh: number;
  readonly probeEverySec: number;
  /** First probe this long after the closes, then every probeEverySec: off the whole-second marks, where
   * the 1 s tw_reuse delay would make the outcome a millisecond race. */
  readonly probeOffsetSec: number;
  readonly probeSize: number;
  /** Give up probing and sampling after this long (after the closes). */
  readonly maxSec: number;
  readonly sampleEverySec: number;
}

export const DEFAULT_LAB: Omit<LabConfig, 'mode'> = {
  batch: 250,
  pool: 20,
  portLow: 40_000,
  portHigh: 40_199,
  probeEverySec: 0.5,
  probeOffsetSec: 0.25,
  probeSize: 10,
  maxSec: 68,
  sampleEverySec: 0.5,
};

export interface LabProbe {
  /** Seconds after the closes. */
  readonly tSec: number;
  readonly ok: number;
  readonly failed: number;
}

export interface LabSample {
  readonly tSec: number;
  readonly timeWait: number;
  readonly established: number;
}

/** What one side (kernel or model) saw. Times are seconds after the closes of step 2. */
export interface LabObservation {
  readonly mode: LabMode;
  readonly batchOk: number;
  /** Dial failures of the batch, by error code (EADDRINUSE, EADDRNOTAVAIL, ...). */
  readonly batchErrors: Readonly<Record<string, number>>;
  readonly closed: number;
  readonly probes: readonly LabProbe[];
  readonly samples: readonly LabSample[];
}

/** The figures compared between kernel and model. */
export interface LabFigures {
  readonly peakTimeWait: number;
  readonly dialFailures: number;
  /** First probe time at which every probe dial succeeded; null if none did. */
  readonly recoverySec: number | null;
}

export function labFigures(o: LabObservation): LabFigures {
  const batchFailures = Object.values(o.batchErrors).reduce((a, b) => a + b, 0);
  const probeFailures = o.probes.reduce((a, p) => a + p.failed, 0);
  const recovered = o.probes.find((p) => p.failed === 0);
  return {
    peakTimeWait: o.samples.reduce((a, s) => Math.max(a, s.timeWait), 0),
    dialFailures: batchFailures + probeFailures,
    recoverySec: recovered ? recovered.tSec : null,
  };
}

/** A random loopback source address like the band-aid's: 127.(1+r254).(r256).(1+r254). */
export function randomLoopback(random: () => number): string {
  const a = 1 + Math.floor(random() * 254);
  const b = Math.floor(random() * 256);
  const c = 1 + Math.floor(random() * 254);
  return `127.${a}.${b}.${c}`;
}
