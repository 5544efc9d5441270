import { describe, expect, it } from 'vitest';
import { opsAllocBytes, opsMutatorSec } from '../../lib/model/op-costs.js';
import { defaultParams } from '../../lib/model/params.js';
import { applyOverrides } from '../../lib/model/resolve-params.js';

const p = applyOverrides(defaultParams(), { 'runtime.allocBytesPerOp': 1000, 'host.cpuPerOpSec': 0.002 });

describe('op costs', () => {
  it('opsAllocBytes(p, gets, misses): a miss allocates twice more (its Scylla read and its set)', () => {
    // 10 gets, 3 of them missed: 10 + 2 x 3 = 16 allocating ops of 1,000 bytes.
    expect(opsAllocBytes(p, 10, 3)).toBe(16_000);
    expect(opsAllocBytes(p, 0, 0)).toBe(0);
  });

  it('opsMutatorSec(p, gets, misses): one memcached op per get and one per miss (its set)', () => {
    // 10 gets and 3 sets at 2 ms each: 26 ms.
    expect(opsMutatorSec(p, 10, 3)).toBeCloseTo(0.026, 12);
  });
});
