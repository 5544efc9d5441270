import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { checkJsonTree, MAX_JSON_DEPTH, readJsonFile } from '../../lib/io/json-file.js';

const BASE = mkdtempSync(join(tmpdir(), 'io-test-'));
afterAll(() => rmSync(BASE, { recursive: true, force: true }));

const file = (text: string): string => {
  const path = join(mkdtempSync(join(BASE, 'json-')), 'x.json');
  writeFileSync(path, text);
  return path;
};
const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('readJsonFile(path, field)', () => {
  it('reads valid JSON', () => {
    expect(readJsonFile(file('{"a":[1,{"b":2}]}'))).toEqual({ a: [1, { b: 2 }] });
  });

  it.each([
    ['{', 'not valid JSON'],
    ['{"params":{"__proto__":5}}', 'params.__proto__: "__proto__" is not allowed as a key'],
    ['{"__proto__":[1]}', '__proto__: "__proto__" is not allowed as a key'],
    ['{"x":[1,1e999]}', 'x[1]: expected a finite number, got Infinity'],
    ['{"x":-1e999}', 'x: expected a finite number, got -Infinity'],
    [nested(5000), `nested more than ${MAX_JSON_DEPTH} levels deep`],
  ])('refuses %s', (text, message) => {
    const path = file(text);
    expect(() => readJsonFile(path, 'config')).toThrow(InputError);
    expect(() => readJsonFile(path, 'config')).toThrow(`config ${path}: `);
    expect(() => readJsonFile(path, 'config')).toThrow(message);
  });

  it('accepts nesting up to the limit', () => {
    expect(() => checkJsonTree(JSON.parse(nested(MAX_JSON_DEPTH)), 'x')).not.toThrow();
    expect(() => checkJsonTree(JSON.parse(nested(MAX_JSON_DEPTH + 1)), 'x')).toThrow('nested more');
  });

  it('names the field and the file when it cannot be read', () => {
    expect(() => readJsonFile('/nonexistent.json', 'scenario')).toThrow(
      'scenario /nonexistent.json: cannot read the file (ENOENT)',
    );
  });
});
