import { describe, expect, it } from 'vitest';
import { newHostMechanisms } from '../../lib/model/host-mechanisms.js';
import { defaultParams } from '../../lib/model/params.js';
import { applyOverrides } from '../../lib/model/resolve-params.js';

const p = applyOverrides(defaultParams(), {
  'host.cores': 3,
  'runtime.gomaxprocs': 5,
  'runtime.sysmonTickSec': 0.002,
  'runtime.saturatedHandoffSec': 0.005,
  'runtime.gogcPercent': 50,
  'logging.lineBytes': 400,
  'logging.pipeBytesPerSec': 1000,
});

describe('newHostMechanisms(p)', () => {
  it('reads the runtime, GC, CPU and error log off the given parameters', () => {
    const m = newHostMechanisms(p);
    expect(m.cpu.config).toEqual({ cores: 3, gomaxprocs: 5 });
    expect(m.runtime.config.gomaxprocs).toBe(5);
    // The hand-off period is max(sysmon tick, saturated hand-off): 5 ms here.
    expect(m.runtime.config.handoffSec).toBe(0.005);
    expect(m.gc.config.gogcPercent).toBe(50);
    expect(m.gc.config.gomaxprocs).toBe(5);
    // A line of 400 bytes through a pipe of 1,000 bytes/s takes 0.4 s to write.
    expect(m.log.writeSec).toBeCloseTo(0.4, 12);
  });

  it('builds a fresh process: nothing queued, the base thread count, new objects each call', () => {
    const a = newHostMechanisms(p);
    const b = newHostMechanisms(p);
    expect(a.log.queued).toBe(0);
    expect(a.runtime.threads).toBe(p.runtime.baseThreads);
    expect(a.runtime).not.toBe(b.runtime);
    expect(a.gc).not.toBe(b.gc);
    expect(a.cpu).not.toBe(b.cpu);
    expect(a.log).not.toBe(b.log);
  });
});
