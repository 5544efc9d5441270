/**
 * The library's layers import downwards only: lib/random (random streams and distributions) imports no
 * other part of the library; lib/model (parameters and mechanisms) imports lib/random, lib/errors.ts and
 * itself, never an engine; lib/engine imports the model and random, never what runs or analyses it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIB, relativeImports } from './helpers/imports.js';

/** Layers (top directory of lib/, or a file at its root) each layer may import. */
const ALLOWED: Record<string, string[]> = {
  random: ['random'],
  model: ['random', 'model', 'errors.ts'],
  engine: ['random', 'model', 'engine', 'errors.ts', 'metrics', 'scenario'],
};

const layerOf = (rel: string): string => {
  const first = rel.split('/')[0]!;
  return first.endsWith('.js') ? first.replace(/\.js$/, '.ts') : first;
};

function offenders(layer: string): string[] {
  const dir = join(LIB, layer);
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => {
      const rel = `${layer}/${f}`;
      return relativeImports(readFileSync(join(LIB, rel), 'utf8'), rel)
        .filter((target) => !ALLOWED[layer]!.includes(layerOf(target)))
        .map((target) => `${rel} -> ${target}`);
    });
}

describe('layers', () => {
  it('finds the imports of a module, static, dynamic and re-exported, as paths under lib/', () => {
    const src = [
      "import type { Rng } from '../random/rng.js';",
      "import { a,\n  b } from './sibling.js';",
      "export * from '../engine/mmc.js';",
      "const m = await import('../report/data.js');",
      "import 'node:fs';",
    ].join('\n');
    expect(relativeImports(src, 'model/x.ts')).toEqual([
      'random/rng.js',
      'model/sibling.js',
      'engine/mmc.js',
      'report/data.js',
    ]);
    expect(ALLOWED['model']!.includes(layerOf('engine/mmc.js'))).toBe(false);
    expect(ALLOWED['model']!.includes(layerOf('errors.js'))).toBe(true);
  });

  for (const layer of Object.keys(ALLOWED)) {
    it(`lib/${layer} imports only ${ALLOWED[layer]!.join(', ')}`, () => {
      expect(offenders(layer)).toEqual([]);
    });
  }
});
