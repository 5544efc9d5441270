/**
 * The library's messages name its fields (`seed`, `durationSec`, `outDir`); the command line speaks of
 * flags. An InputError whose `field` is one of these starts with that field, which becomes the flag;
 * other fields the message mentions in backticks (`` `resume` ``) become flags too.
 */
import type { InputError } from '../errors.js';

export const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  assignment: '--set',
  config: '--config',
  durationSec: '--duration',
  engine: '--engine',
  out: '--out',
  outDir: '--out',
  resolutionSec: '--resolution',
  resume: '--resume',
  scenario: '--scenario',
  seed: '--seed',
  shard: '--shard',
  shardCount: '--shard-count',
  sweep: '--sweep',
  timeline: '--timeline',
  workers: '--workers',
};

/** The message of an InputError as the command line prints it. */
export function cliMessage(e: InputError): string {
  let message = e.message;
  const flag = e.field === undefined ? undefined : FLAG_OF_FIELD[e.field];
  if (flag && e.field && message.startsWith(e.field)) message = flag + message.slice(e.field.length);
  return message.replace(/`([A-Za-z]+)`/g, (whole, name: string) => FLAG_OF_FIELD[name] ?? whole);
}
