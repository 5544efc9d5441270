/** Runs the CLI (`bin/outage-lab.js`, from source) in a child process: exit code, stdout and stderr. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '../../bin/outage-lab.js');

export function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, OUTAGE_LAB_FROM_SOURCE: '1', OUTAGE_LAB_DEBUG: '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
