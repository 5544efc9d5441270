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
