import { describe, expect, it } from 'vitest';
import { sweepSlice } from '../../lib/notebook/sweep-slice.js';

const axes = [
  { path: 'batchSize', values: [2000, 17500] },
  { path: 'concurrencyLimit', values: [100, 'unbounded'] },
  { path: 'poolSize', values: [100, 1000] },
];
// A 2 x 2 x 2 grid, the way a summary table gives its cells (as numbers and strings).
const rows = [2000, 17500].flatMap((batchSize) =>
  [100, 'unbounded'].flatMap((concurrencyLimit) =>
    [100, 1000].map((poolSize) => ({ batchSize, concurrencyLimit, poolSize, logRate: 'unlimited' })),
  ),
);

describe('sweepSlice', () => {
  it('keeps every row when the knobs are null', () => {
    expect(
      sweepSlice(rows, axes, { batchSize: null, concurrencyLimit: null, poolSize: null, logRate: null }),
    ).toEqual(rows);
  });

  it('keeps the rows at the knobs given', () => {
    const slice = sweepSlice(rows, axes, { concurrencyLimit: 'unbounded', poolSize: 1000 });
    expect(slice).toEqual([
      { batchSize: 2000, concurrencyLimit: 'unbounded', poolSize: 1000, logRate: 'unlimited' },
      { batchSize: 17500, concurrencyLimit: 'unbounded', poolSize: 1000, logRate: 'unlimited' },
    ]);
    expect(sweepSlice(rows, axes, { batchSize: 2000 })).toHaveLength(4);
  });

  it('refuses a value off the axis, or a knob the sweep does not vary, naming the knob', () => {
    expect(() => sweepSlice(rows, axes, { poolSize: 500 })).toThrow(
      "poolSize: expected one of the sweep's values 100, 1000 (or null for all), got 500",
    );
    expect(() => sweepSlice(rows, axes, { logRate: 100 })).toThrow('logRate: not an axis of this sweep');
  });
});
