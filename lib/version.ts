/**
 * The package's version and a fingerprint of the model's source. Sweep specs hash both, so cached sweep
 * results are reused only by the same model: any change to the engines, mechanisms, random streams,
 * scenarios, metrics or sweep code gives new hashes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

function readVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  const version = (JSON.parse(text) as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0.0.0';
}

export const PACKAGE_VERSION: string = readVersion();

/**
 * The code that determines a run's results and a sweep's analysis columns: directories, or files. Every
 * module these import must be among them or change no result (test/version.test.ts checks the imports).
 */
export const MODEL_PATHS: readonly string[] = [
  'analysis/recovery',
  'engine',
  'model',
  'random',
  'run',
  'metrics',
  'scenario',
  'sweep',
];

/** The code that, with the model's, determines the fleet's results (the week, the ablation, the seeds). */
export const FLEET_PATHS: readonly string[] = ['fleet', 'calibration'];

function files(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), ext) : e.name.endsWith(ext) ? [join(dir, e.name)] : [],
  );
}

/**
 * sha256 (16 hex digits) over the TypeScript sources (lib/) at `paths` (directories or files without
 * extension), or over the compiled files when only dist/ is present (an installed package).
 */
export function sourceFingerprint(paths: readonly string[]): string {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const lib = join(root, 'lib');
  const [base, ext] = existsSync(lib) ? [lib, '.ts'] : [join(root, 'dist'), '.js'];
  const hash = createHash('sha256');
  for (const path of paths) {
    const single = join(base, `${path}${ext}`);
    const list = existsSync(single) ? [single] : files(join(base, path), ext).sort();
    for (const file of list) {
      hash.update(file.slice(base.length)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

function modelFingerprint(): string {
  return sourceFingerprint(MODEL_PATHS);
}

export const MODEL_FINGERPRINT: string = modelFingerprint();
