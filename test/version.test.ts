/**
 * The model's fingerprint keys every cached result (sweeps, the week, the ablation, the seeds): it must
 * cover every module a result depends on. Each module that the fingerprinted code imports, however
 * deeply, is fingerprinted too, or is one of the few that change no result.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLEET_PATHS, MODEL_PATHS, sourceFingerprint } from '../lib/version.js';
import { LIB, relativeImports } from './helpers/imports.js';

/** Modules that change no result: error types, file writing, the version itself. */
const NEUTRAL = ['errors.ts', 'version.ts', 'io/'];

/** The .ts files under lib/ that `paths` (directories, or files without extension) name. */
function filesOf(paths: readonly string[]): string[] {
  return paths.flatMap((p) =>
    existsSync(join(LIB, `${p}.ts`))
      ? [`${p}.ts`]
      : readdirSync(join(LIB, p), { recursive: true })
          .map(String)
          .filter((f) => f.endsWith('.ts'))
          .map((f) => `${p}/${f}`),
  );
}

/** Every module the files of `paths` import, transitively, that `paths` and NEUTRAL do not cover. */
function uncovered(paths: readonly string[]): string[] {
  const covers = (rel: string) =>
    [...paths.map((p) => (existsSync(join(LIB, `${p}.ts`)) ? `${p}.ts` : `${p}/`)), ...NEUTRAL].some((c) =>
      c.endsWith('/') ? rel.startsWith(c) : rel === c,
    );
  const seen = new Set<string>();
  const stack = filesOf(paths);
  while (stack.length > 0) {
    const rel = stack.pop()!;
    if (seen.has(rel)) continue;
    seen.add(rel);
    for (const target of relativeImports(readFileSync(join(LIB, rel), 'utf8'), rel)) {
      stack.push(target.replace(/\.js$/, '.ts'));
    }
  }
  return [...seen].filter((rel) => !covers(rel)).sort();
}

describe('the model fingerprint', () => {
  it('covers every module the model code imports', () => {
    expect(uncovered(MODEL_PATHS)).toEqual([]);
  });

  it('with the fleet code, covers every module the fleet and calibration import', () => {
    expect(uncovered([...MODEL_PATHS, ...FLEET_PATHS])).toEqual([]);
  });

  it('finds what a fingerprint without the random streams would miss', () => {
    const without = MODEL_PATHS.filter((p) => p !== 'random');
    expect(uncovered(without)).toEqual(['random/distributions.ts', 'random/rng.ts', 'random/ziggurat.ts']);
  });

  it('differs when a fingerprinted path is left out', () => {
    expect(sourceFingerprint(['random'])).toMatch(/^[0-9a-f]{16}$/);
    expect(sourceFingerprint(['random'])).not.toBe(sourceFingerprint(['model']));
    expect(sourceFingerprint([...MODEL_PATHS])).not.toBe(
      sourceFingerprint(MODEL_PATHS.filter((p) => p !== 'random')),
    );
  });
});
