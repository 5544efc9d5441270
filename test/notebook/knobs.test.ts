import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../lib/model/params.js';
import { defaultKnobs, knobOverrides, knobValues } from '../../lib/notebook/knobs.js';

const UNSET = { batchSize: null, concurrencyLimit: null, poolSize: null, logRate: null };

describe('knobOverrides', () => {
  it('knobs left null (the notebooks default) give no overrides, so each scenario keeps its own settings', () => {
    expect(knobOverrides(UNSET)).toEqual({});
    expect(knobOverrides({})).toEqual({});
  });

  it('a knob given is an override, even one equal to the current default', () => {
    // A notebook that wrote today's default as a literal would undo a fix's own setting if the default
    // changed; so only null means "the model's default", and a given value is always applied.
    expect(knobOverrides({ ...UNSET, concurrencyLimit: 'unbounded' })).toEqual({
      concurrencyLimit: 'unbounded',
    });
    expect(knobOverrides(defaultKnobs())).toEqual(defaultKnobs());
  });

  it('knobOverrides() keeps the knobs given and adds other parameters by path', () => {
    expect(knobOverrides({ ...UNSET, batchSize: 2000, logRate: 100 }, { 'kernel.timeWaitSec': 30 })).toEqual({
      batchSize: 2000,
      logRate: 100,
      'kernel.timeWaitSec': 30,
    });
  });

  it('knobOverrides() rejects a bad value, naming the field', () => {
    expect(() => knobOverrides({ ...UNSET, poolSize: -1 })).toThrow(/poolSize/);
    expect(() => knobOverrides(UNSET, { 'kernel.nope': 1 })).toThrow(/kernel.nope: unknown parameter/);
  });
});

describe('knobValues and defaultKnobs', () => {
  it('defaultKnobs() are the model defaults of the four knobs', () => {
    const p = defaultParams();
    expect(defaultKnobs()).toEqual({
      batchSize: p.batchSize,
      concurrencyLimit: p.concurrencyLimit,
      poolSize: p.poolSize,
      logRate: p.logRate,
    });
  });

  it('knobValues() fills the knobs left null with the defaults', () => {
    expect(knobValues(UNSET)).toEqual(defaultKnobs());
    expect(knobValues({ ...UNSET, poolSize: 100 })).toEqual({ ...defaultKnobs(), poolSize: 100 });
  });
});
