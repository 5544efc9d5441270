import { describe, expect, it } from 'vitest';
import { runHostDes } from '../../../lib/engine/des/host-sim.js';
import { advanceBurst, startBurst } from '../../../lib/engine/fast/bursts.js';
import { FastHost, runHostFast } from '../../../lib/engine/fast/host-fast.js';
import { FIXED_IP } from '../../../lib/engine/fast/host-state.js';
import {
  closeGateStep,
  failedDials,
  failingDialHoldSec,
  gatedFailingDials,
  gateRoom,
  pQueuePassSec,
  pQueueWaitSec,
} from '../../../lib/engine/fast/p-gate.js';
import { DIAL_ERROR, DIAL_ERRORS } from '../../../lib/model/errors.js';
import { defaultParams } from '../../../lib/model/params.js';
import { applyOverrides } from '../../../lib/model/resolve-params.js';
import { resolveRunParams } from '../../../lib/run/run-scenario.js';
import { findScenario } from '../../../lib/scenario/scenarios.js';

// A range of 10 ports, all ESTABLISHED: a failing bind examines all 10 at 2 us each after a fixed 5 us,
// 25 us of kernel time, half of it system CPU (dialSysCpuFraction 0.5); the P is handed off after 10 us
// (sysmon's tick, no saturation), so each failing dial holds its P 10 us. No log write costs kernel CPU.
function fullHost(overrides: Record<string, number> = {}): FastHost {
  const params = applyOverrides(defaultParams(), {
    'kernel.portRangeLow': 40_000,
    'kernel.portRangeHigh': 40_009,
    'kernel.portProbeSec': 1e-6,
    'kernel.portProbeEstablishedSec': 2e-6,
    'kernel.dialSyscallSec': 5e-6,
    'kernel.dialSysCpuFraction': 0.5,
    'runtime.sysmonTickSec': 10e-6,
    'runtime.saturatedHandoffSec': 0,
    'host.kernelPerLogWriteSec': 0,
    'workload.newClientRatePerSec': 0,
    ...overrides,
  });
  const host = new FastHost({ params, seed: 1, durationSec: 1 });
  host.idle = 0;
  expect(host.table.allocateMany(0, FIXED_IP, host.dialMode, 10).ok).toBe(10);
  return host;
}

const addrInUse = DIAL_ERRORS.indexOf(DIAL_ERROR.addrInUse);

describe('failedDials', () => {
  it('failedDials(host, 4, t) on a full range of 10 ports: 4 x 12.5 us of kernel CPU, 4 x 10 us of P', () => {
    const host = fullHost();
    expect(host.table.dialSysCpuSecAt(0)).toBeCloseTo(12.5e-6, 15);
    expect(failingDialHoldSec(host)).toBeCloseTo(10e-6, 15);
    const kernel0 = host.demand.kernelSec;
    const held0 = host.demand.pHeldSec;
    failedDials(host, 4, 0.5);
    expect(host.demand.kernelSec - kernel0).toBeCloseTo(50e-6, 15);
    expect(host.demand.pHeldSec - held0).toBeCloseTo(40e-6, 15);
    expect(host.metrics.dials).toBe(4);
    expect(host.metrics.dialErrors[addrInUse]).toBe(4);
    expect(host.finish().firstPortExhaustionSec).toBe(0.5);
  });

  it('failedDials(host, 0, t) charges and counts nothing', () => {
    const host = fullHost();
    failedDials(host, 0, 0.5);
    expect(host.demand.kernelSec).toBe(0);
    expect(host.metrics.dials).toBe(0);
    expect(host.finish().firstPortExhaustionSec).toBeNull();
  });

  it("a burst's dials on a full range are charged as failedDials: 6 URIs, 6 x 12.5 us kernel, 6 x 10 us P", () => {
    const host = fullHost();
    const kernel0 = host.demand.kernelSec;
    const held0 = host.demand.pHeldSec;
    startBurst(host, 0, 0, 6);
    const b = host.bursts.at(-1)!;
    // 16 Ps x one 10 ms step / 10 us each: room for all 6 in the first step.
    advanceBurst(host, b, host.dt);
    expect(b.failed).toBe(6);
    expect(b.pending).toBe(0);
    expect(host.demand.kernelSec - kernel0).toBeCloseTo(75e-6, 15);
    expect(host.demand.pHeldSec - held0).toBeCloseTo(60e-6, 15);
    expect(host.metrics.dials).toBe(6);
    expect(host.metrics.dialErrors[addrInUse]).toBe(6);
    expect(host.finish().firstPortExhaustionSec).toBe(0);
  });
});

// On the full range each dial holds its P 10 us; 16 Ps.
describe('the P gate keeps every P busy while goroutines are queued', () => {
  // The hand-off at 7 us: a failing dial (25 us of kernel time) holds its P 7 us. A 10 ms step of 16 Ps
  // is 0.16 P-seconds: 22,857.14 holds.
  const host7 = () => fullHost({ 'runtime.sysmonTickSec': 7e-6 });

  it('lets a 22,858th dial start in the last fraction of the step and carries its P time past the end', () => {
    const host = host7();
    expect(failingDialHoldSec(host)).toBeCloseTo(7e-6, 15);
    expect(gateRoom(host, 0.01)).toBe(22_858);
    expect(gatedFailingDials(host, 30_000, 0.01)).toBe(30_000 - 22_858);
    expect(host.queuedDials).toBe(30_000 - 22_858);
    expect(host.demand.pHeldSec).toBeCloseTo(22_858 * 7e-6, 12);
    expect(gateRoom(host, 0.01)).toBe(0);
    closeGateStep(host, 0.01);
    // 0.857 of a hold ran past the step: 6 us, held in the next step, which has that much less room.
    expect(host.demand.pHeldSec).toBeCloseTo(0.16, 12);
    expect(host.demand.pHeldNextSec).toBeCloseTo(6e-6, 12);
    expect(gateRoom(host, 0.02)).toBe(Math.ceil((0.16 - 6e-6) / 7e-6));
  });

  it('carries nothing into a step that is not the next one, nor from a step whose room was not used up', () => {
    const host = host7();
    gatedFailingDials(host, 30_000, 0.01);
    closeGateStep(host, 0.01);
    expect(gateRoom(host, 0.04)).toBe(22_858);
    gatedFailingDials(host, 100, 0.04);
    const held = host.demand.pHeldSec;
    closeGateStep(host, 0.04);
    expect(host.demand.pHeldSec).toBe(held);
  });
});

describe('the P queue of normal dials is FIFO, each cohort stamped with when it joined', () => {
  it('5 at 1.0 s, 3 at 1.2 s, 4 at 1.6 s; 9 leave, 2 taking idle connections: 6 of the 7 that dial joined before 1.3 s', () => {
    const host = fullHost();
    host.queueDials(5, 1.0);
    host.queueDials(3, 1.2);
    host.queueDials(4, 1.6);
    expect(host.queuedDials).toBe(12);
    expect(host.dequeueDials(9, 2, 1.3)).toBe(6);
    expect(host.queuedDials).toBe(3);
    // The 3 left joined at 1.6 s.
    expect(host.dequeueDials(3, 0, 1.7)).toBe(3);
    expect(host.queuedDials).toBe(0);
    host.queueDials(2, 2.0);
    host.clearQueuedDials();
    expect(host.queuedDials).toBe(0);
    expect(host.dequeueDials(2, 0, 3)).toBe(0);
  });
});

describe('pQueuePassSec: the P time of the queue ahead, only for those that will dial', () => {
  it('32 queued normal dials, no idle connection: 32 x 10 us / 16 = 20 us, as pQueueWaitSec', () => {
    const host = fullHost();
    host.queuedDials = 32;
    expect(pQueueWaitSec(host)).toBeCloseTo(20e-6, 15);
    expect(pQueuePassSec(host)).toBeCloseTo(20e-6, 15);
  });

  it('12 idle connections go to the first 12 of them: 20 dial, 20 x 10 us / 16 = 12.5 us', () => {
    const host = fullHost();
    host.queuedDials = 32;
    host.idle = 12;
    expect(pQueuePassSec(host)).toBeCloseTo(12.5e-6, 15);
    // The P queue the CPU sees still counts all 32.
    expect(pQueueWaitSec(host)).toBeCloseTo(20e-6, 15);
  });

  it("a burst's 100 pending, none through its gate yet: each at the dial's price, 100 x 10 us / 16", () => {
    const host = fullHost();
    startBurst(host, 0, 0, 100);
    expect(host.bursts.at(-1)!.pending).toBe(100);
    expect(pQueuePassSec(host)).toBeCloseTo(62.5e-6, 15);
  });

  it('after its last step held 2.5 us a goroutine, the 100 and 32 normal dials behind them: 132 x 2.5 us / 16', () => {
    const host = fullHost();
    startBurst(host, 0, 0, 100);
    host.bursts.at(-1)!.passHoldSec = 2.5e-6;
    host.queuedDials = 32;
    expect(pQueuePassSec(host)).toBeCloseTo(20.625e-6, 15);
    expect(pQueueWaitSec(host)).toBeCloseTo(82.5e-6, 15);
  });

  it("advanceBurst measures a step's P time per goroutine through the gate: 6 failing dials, 10 us each", () => {
    const host = fullHost();
    startBurst(host, 0, 0, 6);
    const b = host.bursts.at(-1)!;
    expect(Number.isNaN(b.passHoldSec)).toBe(true);
    advanceBurst(host, b, host.dt);
    expect(b.passHoldSec).toBeCloseTo(10e-6, 15);
  });
});

describe("a request queued behind a burst's goroutines that take freed connections", () => {
  // so-linger-0 at seed 6: a burst of 17,965 URIs at 234.05 s leaves 2,367 goroutines and 1,357 normal
  // ops queued at 234.09 s; most take connections the burst's ops freed, and the queue is gone within
  // the step. Charged every queued goroutine at the dial's price (0.6 s), 231 requests of that step
  // answered past the 1 s deadline in the fast engine (availability 0.99996); the reference engine
  // fails none.
  it('fails no request at so-linger-0, seed 6, 240 s, in either engine', () => {
    const params = resolveRunParams(findScenario('outage')!, { 'kernel.soLingerZero': true });
    const fast = runHostFast({ params, seed: 6, durationSec: 240 });
    const des = runHostDes({ params, seed: 6, durationSec: 240 });
    expect(des.dialErrors).toBe(0);
    expect(fast.dialErrors).toBe(0);
    expect(des.availability).toBe(1);
    expect(fast.availability).toBe(1);
  }, 60_000);
});
