/**
 * The lab experiment replayed on the model's port table (the same module the simulator uses), with the
 * kernel's own probe times, so that the two observations differ only by what each believes about ports.
 */
import { DIAL_ERROR } from '../model/errors.js';
import { DIAL_MODE, type DialMode, PortTable } from '../model/port-table.js';
import { createRng } from '../random/rng.js';
import {
  LAB_MODE,
  type LabConfig,
  type LabObservation,
  type LabProbe,
  type LabSample,
} from './experiment.js';

const ERRNO: Record<string, string> = {
  [DIAL_ERROR.addrInUse]: 'EADDRINUSE',
  [DIAL_ERROR.addrNotAvail]: 'EADDRNOTAVAIL',
};

export interface ReplayOptions {
  /** Probe times (after the closes) to replay; default: every probeEverySec until recovery or maxSec. */
  readonly probeTimes?: readonly number[];
  readonly timeWaitSec?: number;
  readonly twReuse?: 0 | 1 | 2;
  readonly timeWaitTimerGranularitySec?: number;
}

export function replayOnModel(config: LabConfig, options: ReplayOptions = {}): LabObservation {
  const ports = new PortTable({
    portCount: config.portHigh - config.portLow + 1,
    timeWaitSec: options.timeWaitSec ?? 60,
    twReuse: options.twReuse ?? 2,
    twReuseDelaySec: 1,
    timeWaitTimerGranularitySec: options.timeWaitTimerGranularitySec ?? 2.048,
    maxTwBuckets: 1_000_000,
    portProbeSec: 0,
    dialSyscallSec: 0,
  });
  const rng = createRng(1);
  const mode: DialMode = config.mode === LAB_MODE.connect ? DIAL_MODE.connect : DIAL_MODE.bind;
  let nextIp = 1;
  const ipFor = (): number => (config.mode === LAB_MODE.random ? nextIp++ : 0);
  // Steps 1-2: the batch, then the closes, at t = 0 .
  const open: number[] = [];
  const batchErrors: Record<string, number> = {};
  for (let i = 0; i < config.batch; i++) {
    const ip = ipFor();
    const r = ports.allocate(0, ip, mode, rng);
    if (r.ok) open.push(ip);
    else batchErrors[ERRNO[r.error] ?? r.error] = (batchErrors[ERRNO[r.error] ?? r.error] ?? 0) + 1;
  }
  // The first `pool` stay open (idle in the pool); the rest are closed by the client.
  const close = open.slice(config.pool);
  for (const ip of close) ports.close(0, ip, { activeClose: true, lingerZero: false, dataExchanged: true });
  // Steps 3-4, in time order: probes (reset at once) and samples. After the given probe times, probing
  // goes on at the same interval until the model recovers too (or maxSec), so a late recovery is a number.
  const given = options.probeTimes ?? [];
  const lastGiven = given.length > 0 ? given[given.length - 1]! : 0;
  const times = [
    ...given,
    ...defaultProbeTimes(config, given.length > 0 ? lastGiven + config.probeEverySec : config.probeOffsetSec),
  ];
  const probes: LabProbe[] = [];
  const samples: LabSample[] = [];
  let probeIndex = 0;
  let probing = true;
  const probeAt = (t: number): void => {
    let ok = 0;
    for (let i = 0; i < config.probeSize; i++) {
      const ip = ipFor();
      const r = ports.allocate(t, ip, mode, rng);
      if (r.ok) {
        ok++;
        ports.close(t, ip, { activeClose: true, lingerZero: true, dataExchanged: true });
      }
    }
    probes.push({ tSec: t, ok, failed: config.probeSize - ok });
    if (ok === config.probeSize && probes.length >= given.length) probing = false;
  };
  for (let k = 0; k * config.sampleEverySec <= config.maxSec + 1e-9; k++) {
    const t = k * config.sampleEverySec;
    while (probing && probeIndex < times.length && times[probeIndex]! <= t) probeAt(times[probeIndex++]!);
    ports.expire(t);
    samples.push({ tSec: t, timeWait: ports.timeWaitCount, established: ports.establishedCount });
    if (ports.timeWaitCount === 0 && k > 0 && !(probing && probeIndex < times.length)) break;
  }
  while (probing && probeIndex < times.length) probeAt(times[probeIndex++]!);
  return { mode: config.mode, batchOk: open.length, batchErrors, closed: close.length, probes, samples };
}

function defaultProbeTimes(config: LabConfig, fromSec: number): number[] {
  const out: number[] = [];
  for (let t = fromSec; t <= config.maxSec + 1e-9; t += config.probeEverySec)
    out.push(Math.round(t * 1000) / 1000);
  return out;
}
