import { describe, expect, it } from 'vitest';
import { resolveDeploys } from '../../lib/model/deploys.js';
import { defaultParams } from '../../lib/model/params.js';

describe('resolveDeploys', () => {
  const base = defaultParams();

  it('applies each deploy on the parameters left by the one before', () => {
    const [a, b] = resolveDeploys(base, [
      { atSec: 10, label: 'band-aid', overrides: { 'kernel.localIpMode': 'random' } },
      { atSec: 20, label: 'set-limit', overrides: { concurrencyLimit: 50 } },
    ]);
    expect(a!.params.kernel.localIpMode).toBe('random');
    expect(a!.params.concurrencyLimit).toBe('unbounded');
    expect(b!.params.kernel.localIpMode).toBe('random');
    expect(b!.params.concurrencyLimit).toBe(50);
  });

  it('rejects what a deploy cannot change, times out of order, bad labels and bad values', () => {
    const at = (atSec: number, overrides: Record<string, unknown>, label = 'x') => ({
      atSec,
      label,
      overrides,
    });
    expect(() => resolveDeploys(base, [at(10, { 'kernel.timeWaitSec': 30 })])).toThrow(
      /deploys\[0\]\.params\.kernel\.timeWaitSec: not deployable/,
    );
    expect(() => resolveDeploys(base, [at(10, {}), at(5, {})])).toThrow(
      /deploys\[1\]\.at: expected a time after 10/,
    );
    expect(() => resolveDeploys(base, [at(10, {}, 'Band Aid')])).toThrow(/deploys\[0\]\.label/);
    expect(() => resolveDeploys(base, [at(10, { poolSize: -1 })])).toThrow(/poolSize: expected an integer/);
  });
});
