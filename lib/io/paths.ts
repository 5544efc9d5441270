/** Small checks on paths given by the user, made before anything is written. */
import { statSync } from 'node:fs';

/** True when `path` names an existing directory (following symbolic links). */
export function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
