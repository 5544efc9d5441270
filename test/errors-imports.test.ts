/**
 * InputError lives in lib/errors.ts. lib/model/resolve-params.ts re-exports it for the modules of the model,
 * engine, fleet, calibration and lab that still import it from there; every other module imports it from
 * lib/errors.ts, so that the command line and the library's entry point do not depend on the model for it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = join(import.meta.dirname, '../lib');
/** Directories whose modules may still use the re-export. */
const STILL_VIA_MODEL = ['model', 'engine', 'fleet', 'calibration', 'lab'];

const sources = (dir: string): string[] =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));

describe('where InputError is imported from', () => {
  it('outside the model, engine, fleet, calibration and lab, never from resolve-params.ts', () => {
    const offenders = sources(LIB)
      .map((path) => relative(LIB, path))
      .filter((rel) => !STILL_VIA_MODEL.includes(rel.split('/')[0]!))
      .filter((rel) =>
        /(import|export)\s*\{[^}]*\bInputError\b[^}]*\}\s*from\s*'[^']*resolve-params\.js'/.test(
          readFileSync(join(LIB, rel), 'utf8'),
        ),
      );
    expect(offenders).toEqual([]);
  });
});
