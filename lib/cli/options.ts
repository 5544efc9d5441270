/** Options several commands share, parsed with errors that name the option. */
import { InputError } from '../errors.js';

/** `--seed`: an integer in [0, 2^32 - 1]; 1 when absent. */
export function parseSeed(text: string | undefined): number {
  if (text === undefined) return 1;
  const seed = Number(text);
  if (!/^\d+$/.test(text.trim()) || seed > 2 ** 32 - 1) {
    throw new InputError(`--seed: expected an integer in [0, 4294967295], got ${JSON.stringify(text)}`);
  }
  return seed;
}

/** `--workers`: an integer in [1, 16]; `fallback` when absent. */
export function parseWorkers(text: string | undefined, fallback = 2): number {
  if (text === undefined) return fallback;
  const workers = Number(text);
  if (!Number.isInteger(workers) || workers < 1 || workers > 16) {
    throw new InputError(`--workers: expected an integer in [1, 16], got ${JSON.stringify(text)}`);
  }
  return workers;
}

/**
 * `--only`: the items whose key is listed (all of them when the list is absent or empty); an unknown key
 * is an input error naming `what` and the keys there are.
 */
export function pickOnly<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  only: readonly string[] | undefined,
  what: string,
): readonly T[] {
  if (!only?.length) return items;
  const keys = items.map(keyOf);
  for (const k of only) {
    if (!keys.includes(k))
      throw new InputError(`--only: unknown ${what} "${k}"; expected one of ${keys.join(', ')}`);
  }
  return items.filter((item) => only.includes(keyOf(item)));
}
