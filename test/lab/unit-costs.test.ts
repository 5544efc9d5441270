import { describe, expect, it } from 'vitest';
import { GO_EXPERIMENT, goSettings } from '../../lib/lab/go-experiments.js';
import { unitCostsObject } from '../../lib/lab/go-lab.js';
import { defaultParams } from '../../lib/model/params.js';
import { applyOverrides } from '../../lib/model/resolve-params.js';

const setting = goSettings({ outageSec: 30, experiments: [GO_EXPERIMENT.unitCosts] })[0]!;

/** A unit-costs result line as the Go program prints it, 1,000 operations a phase, 100 extra threads. */
function result(dialSysSec: number, closeSysSec: number) {
  return {
    figures: {
      dials: { ops: 1000, wallSec: 0.05, userCpuSec: 0.002, sysCpuSec: dialSysSec },
      gets: { ops: 1000, wallSec: 0.04, userCpuSec: 0.005, sysCpuSec: 0.01 },
      closes: { ops: 1000, wallSec: 0.02, userCpuSec: 0, sysCpuSec: closeSysSec },
      parkedGoroutines: 1000,
      stackBytesDelta: 10_240_000,
      rssBytesDelta: 18_000_000,
      threadsAdded: 100,
      threadStackBytesDelta: 100 * 40_960,
      kernelStackBytesDelta: 100 * 16_384,
    },
  };
}

describe('Go lab unit-costs', () => {
  // The constants at the figures of the case below, so that it is computed by hand.
  const p = applyOverrides(defaultParams(), {
    'host.cpuPerOpSec': 15e-6,
    'host.kernelPerCloseSec': 14e-6,
    'runtime.goroutineStackBytes': 10_240,
    'runtime.threadBytes': 57_344,
  });

  it('divides each phase by its operations and compares it with the constant the model charges', () => {
    const o = unitCostsObject(setting, result(0.03, 0.014), p);
    const units = o.details['units'] as Record<string, { lab: number; model: number }>;
    // 0.03 s / 1,000 dials = 30 us; (0.005 + 0.01) s / 1,000 gets = 15 us; 0.014 s / 1,000 closes = 14 us
    expect(units['dialSysUs']!.lab).toBe(30);
    expect(units['getCpuUs']).toEqual(expect.objectContaining({ lab: 15, model: p.host.cpuPerOpSec * 1e6 }));
    expect(units['closeSysUs']).toEqual(
      expect.objectContaining({ lab: 14, model: p.host.kernelPerCloseSec * 1e6 }),
    );
    // 10,240,000 bytes / 1,000 goroutines; (40,960 + 16,384) bytes a thread
    expect(units['goroutineStackBytes']!.lab).toBe(10_240);
    expect(units['threadBytes']!.lab).toBe(57_344);
    // The model's dial at an empty range is kernel.dialSyscallSec and one probe (well under 1 us).
    expect(units['dialSysUs']!.model).toBeGreaterThanOrEqual(p.kernel.dialSyscallSec * 1e6);
    expect(units['dialSysUs']!.model).toBeLessThan(p.kernel.dialSyscallSec * 1e6 + 1);
    // 30 us against ~15 us is outside 15%: the object disagrees on that figure alone.
    expect(o.checks).toEqual({
      sysCpuSec: false,
      dialSysUs: false,
      getCpuUs: true,
      closeSysUs: true,
      goroutineStackBytes: true,
      threadBytes: true,
    });
    expect(o.agrees).toBe(false);
    expect(o.lab.sysCpuSec).toBeCloseTo(0.044, 12);
  });

  it('agrees when every phase costs what the model charges', () => {
    const dialSec = (p.kernel.dialSyscallSec + 0.1e-6) * 1000;
    const o = unitCostsObject(setting, result(dialSec, p.host.kernelPerCloseSec * 1000), p);
    expect(o.agrees).toBe(true);
    // a close at twice the constant fails its check
    const slow = unitCostsObject(setting, result(dialSec, 2 * p.host.kernelPerCloseSec * 1000), p);
    expect(slow.checks['closeSysUs']).toBe(false);
    expect(slow.agrees).toBe(false);
  });
});
