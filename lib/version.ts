/**
 * The package's version, read from package.json (one directory above both `lib/` and `dist/`). Sweep
 * manifests and result caches carry it: results from another version of the model are not mixed.
 */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  const version = (JSON.parse(text) as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0.0.0';
}

export const PACKAGE_VERSION: string = readVersion();
