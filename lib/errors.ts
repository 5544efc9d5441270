/**
 * Bad input: the message names the field (or file) and what was expected, e.g.
 * `poolSize: expected an integer in [0, 1000000], got -3`. The CLI maps it to exit code 2.
 *
 * `field`, when set, is the name of the input the message starts with (`seed`, `durationSec`, `outDir`):
 * the library speaks of its own fields, and the command line replaces them with its flags (`--seed`,
 * `--duration`, `--out`). Other field names the message mentions are written in backticks (`` `resume` ``)
 * so that the command line can map those too.
 */
export class InputError extends Error {
  override readonly name = 'InputError';

  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
