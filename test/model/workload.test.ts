import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../lib/model/params.js';
import { applyOverrides } from '../../lib/model/resolve-params.js';
import { CLIENT, clientRatePerSec, clientsFrom } from '../../lib/model/workload.js';

describe('client rates under the traffic multiplier', () => {
  const p = applyOverrides(defaultParams(), {
    'workload.postRatePerSec': 1000,
    'workload.newClientRatePerSec': 2,
  });
  const clients = clientsFrom(p);
  const posts = clients.find((c) => c.id === CLIENT.posts)!;
  const trigger = clients.find((c) => c.id === CLIENT.newClient)!;

  it('user-facing clients scale with the multiplier: 1,000/s x 1.5 = 1,500/s', () => {
    expect(clientRatePerSec(posts, 1.5)).toBe(1500);
    expect(clientRatePerSec(posts, 0)).toBe(0);
  });

  it('the new internal client is not user-facing: 2/s whatever the multiplier', () => {
    expect(clientRatePerSec(trigger, 1.5)).toBe(2);
    expect(clientRatePerSec(trigger, 0)).toBe(2);
  });
});
