import { describe, expect, it } from 'vitest';
import { cliMessage } from '../../lib/cli/flags.js';
import { InputError } from '../../lib/errors.js';

describe('cliMessage(e)', () => {
  it('replaces the leading field with its flag', () => {
    expect(
      cliMessage(new InputError('durationSec: expected a duration in (0 s, 30 d], got 0 s', 'durationSec')),
    ).toBe('--duration: expected a duration in (0 s, 30 d], got 0 s');
    expect(cliMessage(new InputError('outDir /x: in use by pid 7', 'outDir'))).toBe(
      '--out /x: in use by pid 7',
    );
  });

  it('replaces fields in backticks, and leaves everything else', () => {
    expect(cliMessage(new InputError('merge: /s: not complete; finish it with `resume`'))).toBe(
      'merge: /s: not complete; finish it with --resume',
    );
    expect(cliMessage(new InputError('use `engine` fast; see `outage-lab params`'))).toBe(
      'use --engine fast; see `outage-lab params`',
    );
    // A field that is not at the start, or a message without a field, stays as it is.
    expect(cliMessage(new InputError('x.json: seed: expected an integer', 'seed'))).toBe(
      'x.json: seed: expected an integer',
    );
    expect(cliMessage(new InputError('poolSize: expected an integer'))).toBe('poolSize: expected an integer');
  });
});
