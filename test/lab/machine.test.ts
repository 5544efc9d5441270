import { describe, expect, it } from 'vitest';
import {
  cpuModelFromCpuinfo,
  describeMachine,
  hzFromKernelConfig,
  readMachine,
} from '../../lib/lab/machine.js';

describe('machine', () => {
  it('hzFromKernelConfig() reads CONFIG_HZ, not CONFIG_HZ_250 or a commented line', () => {
    const text = [
      '# CONFIG_HZ_100 is not set',
      'CONFIG_HZ_250=y',
      'CONFIG_HZ=250',
      'CONFIG_HZ_PERIODIC=n',
    ].join('\n');
    expect(hzFromKernelConfig(text)).toBe(250);
    expect(hzFromKernelConfig('CONFIG_HZ_1000=y\n')).toBeNull();
  });

  it('cpuModelFromCpuinfo() takes the first "model name"', () => {
    const text =
      'processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nprocessor\t: 1\nmodel name\t: AMD EPYC\n';
    expect(cpuModelFromCpuinfo(text)).toBe('AMD EPYC');
    expect(cpuModelFromCpuinfo('processor : 0\n')).toBeNull();
  });

  it('readMachine() describes this machine', () => {
    const m = readMachine();
    expect(m.cores).toBeGreaterThan(0);
    expect(m.kernelRelease.length).toBeGreaterThan(0);
    expect(describeMachine({ ...m, cpuModel: 'X', cores: 2, kernelRelease: '6.18', hz: 250 })).toBe(
      'X, 2 cores, Linux 6.18, HZ=250',
    );
  });
});
