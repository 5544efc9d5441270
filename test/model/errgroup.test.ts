import { describe, expect, it } from 'vitest';
import { rounds, startable } from '../../lib/model/errgroup.js';

describe('errgroup', () => {
  it('startable() with no limit starts every remaining item at once', () => {
    expect(startable('unbounded', 0, 17_500)).toBe(17_500);
  });

  it('startable() with SetLimit(k) never lets more than k run', () => {
    expect(startable(50, 0, 17_500)).toBe(50);
    expect(startable(50, 49, 17_500)).toBe(1);
    expect(startable(50, 50, 17_500)).toBe(0);
    expect(startable(50, 10, 3)).toBe(3);
  });

  it('rounds() is ceil(N/k)', () => {
    expect(rounds(50, 17_500)).toBe(350);
    expect(rounds(50, 17_501)).toBe(351);
    expect(rounds('unbounded', 17_500)).toBe(1);
    expect(rounds(10, 0)).toBe(0);
  });
});
