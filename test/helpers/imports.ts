/** The library's import graph as source text shows it: for the layering and fingerprint tests. */
import { dirname, join, relative, resolve } from 'node:path';

export const LIB = join(import.meta.dirname, '../../lib');

/** Each module's relative imports (static, dynamic and re-exports), as paths under lib/. */
export function relativeImports(source: string, fromRel: string): string[] {
  const specs = [
    ...source.matchAll(/(?:import|export)\s[^'";]*?from\s*'([^']+)'/g),
    ...source.matchAll(/import\(\s*'([^']+)'\s*\)/g),
    ...source.matchAll(/^\s*import\s*'([^']+)'/gm),
  ].map((m) => m[1]!);
  return specs
    .filter((s) => s.startsWith('.'))
    .map((s) =>
      relative(LIB, resolve(LIB, dirname(fromRel), s))
        .split('\\')
        .join('/'),
    );
}
