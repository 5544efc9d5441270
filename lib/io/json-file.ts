/**
 * JSON input files, read with the checks every reader needs before it looks at a field: the file can be
 * read, it parses, it is nested at most MAX_JSON_DEPTH levels (deeper trees would overflow the recursive
 * code downstream), no key is `__proto__` (JSON.parse keeps it as an own key; most code would then drop
 * it or set a prototype), and every number is finite (`1e999` parses to Infinity). Errors name the file
 * and the place in it: `x.json: params.poolSize: expected a finite number, got 1e999 (Infinity)`.
 */
import { InputError } from '../errors.js';
import { inputName, readTextFile } from './read-text.js';

/** Deeper than any input of this project (sweep specs and scenario files are 4-5 levels). */
export const MAX_JSON_DEPTH = 64;

/**
 * Read and check a JSON file. `field` names the input the file was given as (`config`, `scenario`);
 * messages then start with it: `config x.json: not valid JSON (...)`.
 */
export function readJsonFile(path: string, field?: string): unknown {
  const where = inputName(path, field);
  const text = readTextFile(path, field);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${where}: not valid JSON (${(e as Error).message})`, field);
  }
  checkJsonTree(json, where, field);
  return json;
}

/**
 * Check a parsed JSON value (from a file or from code) as readJsonFile does; `where` prefixes messages.
 * Iterative, so that the check itself cannot overflow the stack.
 */
export function checkJsonTree(value: unknown, where: string, field?: string): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    const at = path === '' ? where : `${where}: ${path}`;
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new InputError(`${at}: expected a finite number, got ${String(v)} (out of range)`, field);
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      throw new InputError(`${at}: nested more than ${MAX_JSON_DEPTH} levels deep`, field);
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        stack.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 });
      });
      continue;
    }
    for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
      const child = path === '' ? key : `${path}.${key}`;
      if (key === '__proto__') {
        throw new InputError(`${where}: ${child}: "__proto__" is not allowed as a key`, field);
      }
      stack.push({ value: item, path: child, depth: depth + 1 });
    }
  }
}
