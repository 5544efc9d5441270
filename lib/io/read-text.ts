/**
 * The first step of every checked reader in lib/io: read a file as UTF-8, or fail with an InputError that
 * names the input (`field`, when the file was given as one) and the file, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';

/** `config x.json` when the file was given as the input `config`, else the path alone. */
export function inputName(path: string, field?: string): string {
  return field === undefined ? path : `${field} ${path}`;
}

export function readTextFile(path: string, field?: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(
      `${inputName(path, field)}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      field,
    );
  }
}
