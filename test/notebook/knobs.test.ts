import { describe, expect, it } from 'vitest';
import { defaultKnobs, knobOverrides } from '../../lib/notebook/knobs.js';

describe('knobOverrides', () => {
  it('knobOverrides(defaults) is empty, so each scenario keeps its own settings', () => {
    expect(knobOverrides(defaultKnobs())).toEqual({});
  });

  it('knobOverrides() keeps the knobs that differ and adds other parameters by path', () => {
    expect(
      knobOverrides({ ...defaultKnobs(), batchSize: 2000, logRate: 100 }, { 'kernel.timeWaitSec': 30 }),
    ).toEqual({
      batchSize: 2000,
      logRate: 100,
      'kernel.timeWaitSec': 30,
    });
  });

  it('knobOverrides() rejects a bad value, naming the field', () => {
    expect(() => knobOverrides({ ...defaultKnobs(), poolSize: -1 })).toThrow(/poolSize/);
    expect(() => knobOverrides(defaultKnobs(), { 'kernel.nope': 1 })).toThrow(
      /kernel.nope: unknown parameter/,
    );
  });
});
