import { describe, expect, it } from 'vitest';
import { compareGo, displacedShare, withinGoTolerance } from '../../lib/lab/go-figures.js';

describe('Go lab tolerances', () => {
  it('withinGoTolerance(threads): 15%, or 2 threads', () => {
    expect(withinGoTolerance('peakThreads', 100, 114)).toBe(true);
    expect(withinGoTolerance('peakThreads', 100, 116)).toBe(false);
    expect(withinGoTolerance('threadsBefore', 5, 7)).toBe(true);
    expect(withinGoTolerance('threadsBefore', 5, 8)).toBe(false);
  });

  it('withinGoTolerance(CPU): 15% with no floor', () => {
    expect(withinGoTolerance('sysCpuMsPerFailedDial', 6, 6.8)).toBe(true);
    expect(withinGoTolerance('sysCpuMsPerFailedDial', 6, 7)).toBe(false);
  });

  it('withinGoTolerance(counts): 10%, or 20 requests', () => {
    expect(withinGoTolerance('requestsFailed', 100, 119)).toBe(true);
    expect(withinGoTolerance('requestsFailed', 1000, 1101)).toBe(false);
  });

  it('withinGoTolerance(wallSec): 5%, or one 100 ms sample', () => {
    expect(withinGoTolerance('wallSec', 10, 10.5)).toBe(true);
    expect(withinGoTolerance('wallSec', 1, 1.11)).toBe(false);
    expect(withinGoTolerance('wallSec', 1, 1.09)).toBe(true);
  });

  it('compareGo skips the figures the model has none for, and needs every other one', () => {
    const r = compareGo({ peakThreads: 10, wallSec: 3 }, { peakThreads: 10, wallSec: null });
    expect(r.checks).toEqual({ peakThreads: true });
    expect(r.agrees).toBe(true);
    expect(compareGo({ peakThreads: 10 }, { peakThreads: 20 }).agrees).toBe(false);
    expect(compareGo({ peakThreads: 10 }, { peakThreads: 10 }, { gcCpuFraction: false }).agrees).toBe(false);
  });

  it('displacedShare(before 1000/s, during 10/s) = 0.99', () => {
    expect(displacedShare(1000, 10)).toBeCloseTo(0.99, 12);
    expect(displacedShare(0, 10)).toBe(0);
  });
});
