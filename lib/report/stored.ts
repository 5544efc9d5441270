/**
 * Results too slow to compute for every report, kept like a sweep's: `data/runs/<name>-<key>.json` (this
 * machine's), then the committed `data/cache/<name>.json`, each used only when its key (a hash of what
 * the results depend on) matches; else they are computed now and written to data/runs/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { readJsonFile } from '../io/json-file.js';

export interface Stored {
  readonly key: string;
  /** Where the data came from: 'runs', 'cache' or 'fresh'. */
  origin: string;
}

export interface AcquireStoredOptions {
  readonly log?: (line: string) => void;
  /** Also write the results to data/cache/<name>.json (to commit them). */
  readonly updateCache?: boolean;
}

/**
 * A stored file, read with the checked JSON reader: a damaged file is an input error naming it (remove
 * it, and the results are computed again).
 */
function readStored<T extends Stored>(path: string, what: string): T {
  const json = readJsonFile(path);
  if (
    typeof json !== 'object' ||
    json === null ||
    Array.isArray(json) ||
    typeof (json as Stored).key !== 'string'
  ) {
    throw new InputError(`${path}: expected the stored results of ${what} (an object with a string key)`);
  }
  return json as T;
}

/** The results of `name` for `key`: stored ones when their key matches, else `compute()`'s. */
export async function acquireStored<T extends Stored>(
  root: string,
  name: string,
  what: string,
  key: string,
  compute: () => T | Promise<T>,
  options: AcquireStoredOptions = {},
): Promise<T> {
  const runsPath = join(root, 'data', 'runs', `${name}-${key}.json`);
  const cachePath = join(root, 'data', 'cache', `${name}.json`);
  let data: T | undefined;
  for (const [path, origin] of [
    [runsPath, 'runs'],
    [cachePath, 'cache'],
  ] as const) {
    if (!existsSync(path)) continue;
    const stored = readStored<T>(path, what);
    if (stored.key === key) {
      data = { ...stored, origin };
      break;
    }
  }
  if (!data) {
    data = await compute();
    mkdirSync(join(root, 'data', 'runs'), { recursive: true });
    writeFileAtomic(runsPath, `${JSON.stringify(data)}\n`);
  }
  if (options.updateCache) {
    writeFileAtomic(cachePath, `${JSON.stringify({ ...data, origin: 'cache' })}\n`);
    options.log?.(`cache updated: ${cachePath}`);
  }
  return data;
}
