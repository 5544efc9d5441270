import { describe, expect, it } from 'vitest';
import { checkValue, describeExpected, parseText } from '../../lib/model/param-spec.js';
import { defaultParams, listParamSpecs, specAt } from '../../lib/model/params.js';
import {
  applyOverrides,
  flattenOverrides,
  InputError,
  parseAssignments,
  validateParams,
} from '../../lib/model/resolve-params.js';

describe('params', () => {
  it('defaultParams() validates and every spec has a unit field, a doc and a source', () => {
    expect(() => validateParams(defaultParams())).not.toThrow();
    for (const [path, spec] of listParamSpecs()) {
      expect(spec.doc.length, path).toBeGreaterThan(10);
      expect(spec.source.length, path).toBeGreaterThan(3);
      expect(checkValue(spec, spec.default), path).toBeNull();
    }
  });

  it('the four sweep axes are top-level with their words', () => {
    const p = defaultParams();
    expect(p.batchSize).toBe(17_500);
    expect(p.concurrencyLimit).toBe('unbounded');
    expect(p.poolSize).toBe(1000);
    expect(p.logRate).toBe('unlimited');
  });

  it('defaultParams() is frozen', () => {
    expect(Object.isFrozen(defaultParams().kernel)).toBe(true);
  });

  it('applyOverrides() errors name the field and what was expected', () => {
    const p = defaultParams();
    expect(() => applyOverrides(p, { poolSize: -3 })).toThrow(
      'poolSize: expected an integer in [0, 1000000], got -3',
    );
    expect(() => applyOverrides(p, { concurrencyLimit: 'none' })).toThrow(
      'concurrencyLimit: expected an integer in [1, 1000000] or \'unbounded\', got "none"',
    );
    expect(() => applyOverrides(p, { 'kernel.twReuse': 3 })).toThrow(
      'kernel.twReuse: expected one of 0, 1, 2, got 3',
    );
    expect(() => applyOverrides(p, { 'kernel.nope': 1 })).toThrow('kernel.nope: unknown parameter');
    expect(() => applyOverrides(p, { kernel: 1 })).toThrow(InputError);
  });

  it('applyOverrides() checks cross-field rules', () => {
    expect(() => applyOverrides(defaultParams(), { 'kernel.portRangeHigh': 1000 })).toThrow(
      /kernel.portRangeHigh: expected >= kernel.portRangeLow \(32768\)/,
    );
  });

  it('parseAssignments() types values by spec; flattenOverrides() accepts nested objects', () => {
    expect(parseAssignments(['poolSize=5000', 'kernel.soLingerZero=true', 'logRate=unlimited'])).toEqual({
      poolSize: 5000,
      'kernel.soLingerZero': true,
      logRate: 'unlimited',
    });
    expect(() => parseAssignments(['poolSize'])).toThrow(/expected path=value/);
    expect(flattenOverrides({ kernel: { dialMode: 'connect' }, poolSize: 3 })).toEqual({
      'kernel.dialMode': 'connect',
      poolSize: 3,
    });
  });

  it('parseText() leaves unparseable text for checkValue() to report', () => {
    const spec = specAt('poolSize')!;
    expect(checkValue(spec, parseText(spec, 'lots'))).toBe('expected an integer in [0, 1000000], got "lots"');
    expect(describeExpected(specAt('kernel.soLingerZero')!)).toBe('true or false');
  });
});
