import { describe, expect, it } from 'vitest';
import { runMmc } from '../../lib/engine/mmc.js';
import { createRng } from '../../lib/random/rng.js';

/** Erlang C: probability that an arrival waits in an M/M/c queue. */
function erlangC(lambda: number, mu: number, c: number): number {
  const a = lambda / mu;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = (term * a) / c / (1 - a / c);
  return last / (sum + last);
}

describe('runMmc', () => {
  const lambda = 900;
  const mu = 100;
  const c = 10;
  const r = runMmc(createRng(2024), {
    arrivalRatePerSec: lambda,
    serviceRatePerSec: mu,
    servers: c,
    durationSec: 4000,
    warmupSec: 100,
  });

  it("satisfies Little's law L = lambda W within 1%", () => {
    expect(Math.abs(r.meanInSystem - r.arrivalRatePerSec * r.meanSojournSec) / r.meanInSystem).toBeLessThan(
      0.01,
    );
  });

  it('matches the Erlang C mean sojourn time within 3%', () => {
    const w = erlangC(lambda, mu, c) / (c * mu - lambda) + 1 / mu;
    expect(Math.abs(r.meanSojournSec - w) / w).toBeLessThan(0.03);
  });

  it('is deterministic for a seed', () => {
    const again = runMmc(createRng(2024), {
      arrivalRatePerSec: lambda,
      serviceRatePerSec: mu,
      servers: c,
      durationSec: 50,
    });
    const twice = runMmc(createRng(2024), {
      arrivalRatePerSec: lambda,
      serviceRatePerSec: mu,
      servers: c,
      durationSec: 50,
    });
    expect(twice).toEqual(again);
  });
});
