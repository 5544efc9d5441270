/**
 * main() runs many times in one process (the fuzz corpus, embedding): it must not add a listener to
 * stdout or stderr per call (Node warns with MaxListenersExceededWarning past 10).
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';

async function quietMain(argv: readonly string[]): Promise<number> {
  const [o, e] = [process.stdout.write, process.stderr.write];
  const swallow = (() => true) as typeof process.stdout.write;
  process.stdout.write = swallow;
  process.stderr.write = swallow;
  try {
    return await main(argv);
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

describe('main() and the stream listeners', () => {
  it('twelve calls leave as many error listeners on stdout and stderr as one call', async () => {
    expect(await quietMain(['scenarios', '--json'])).toBe(0);
    const after1 = [process.stdout.listenerCount('error'), process.stderr.listenerCount('error')];
    for (let i = 0; i < 11; i++) expect(await quietMain(['scenarios', '--json'])).toBe(0);
    expect([process.stdout.listenerCount('error'), process.stderr.listenerCount('error')]).toEqual(after1);
  });
});
