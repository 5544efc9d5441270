/**
 * A damaged stored week (data/runs/week-<key>.json or data/cache/week.json) is an input error naming the
 * file, not an "internal error" from JSON.parse.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { acquireWeek } from '../../lib/report/week.js';

const ROOT = join(import.meta.dirname, '../..');
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A root with the expectations (which the week's key covers) and this text as the committed cache. */
function rootWithCache(text: string): { root: string; cache: string } {
  const root = mkdtempSync(join(tmpdir(), 'week-cache-'));
  roots.push(root);
  mkdirSync(join(root, 'data', 'cache'), { recursive: true });
  cpSync(join(ROOT, 'data', 'expectations.json'), join(root, 'data', 'expectations.json'));
  const cache = join(root, 'data', 'cache', 'week.json');
  writeFileSync(cache, text);
  return { root, cache };
}

describe('acquireWeek and a damaged stored week', () => {
  it.each([
    ['a truncated file', '{"key": "abc", "hourly": [', 'not valid JSON'],
    ['an empty file', '', 'not valid JSON'],
    ['null', 'null', 'expected the stored results of the week'],
    ['an object without a key', '{"seed": 1}', 'expected the stored results of the week'],
    ['a key of another type', '{"key": 7}', 'expected the stored results of the week'],
  ])('%s is an input error naming the file', async (_name, text, message) => {
    const { root, cache } = rootWithCache(text);
    let error: unknown;
    try {
      await acquireWeek(root);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(new RegExp(`^${cache}: ${message}`));
  });
});
