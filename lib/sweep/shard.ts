/**
 * Shards: run j belongs to shard j mod n (round-robin over the grid, so every shard gets a similar mix of
 * cheap and expensive points). The shard comes from `--shard i/n` or from a batch scheduler's array
 * variables: Kubernetes Indexed Jobs, Slurm job arrays, AWS Batch array jobs.
 */
import { InputError } from '../errors.js';

export interface Shard {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

export const WHOLE: Shard = { index: 0, count: 1 };

/** `i/n` with 0 <= i < n (the CLI's `--shard`); `field` names the input in messages. */
export function parseShard(text: string, field = 'shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!(count >= 1 && index >= 0 && index < count && count <= 100_000)) {
    throw new InputError(
      `${field}: expected i/n with 0 <= i < n <= 100000 (e.g. 0/4), got ${JSON.stringify(text)}`,
      field,
    );
  }
  return { index, count };
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The shard given by a scheduler's environment, or undefined when none is set. Kubernetes gives only the
 * index (`JOB_COMPLETION_INDEX`); the count must then come from `--shard-count`.
 */
export function shardFromEnv(env: Env, countHint?: number): Shard | undefined {
  const pairs: Array<[indexVar: string, countVar: string | undefined, base: number]> = [
    ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_COUNT', slurmBase(env)],
    ['AWS_BATCH_JOB_ARRAY_INDEX', 'AWS_BATCH_JOB_ARRAY_SIZE', 0],
    ['JOB_COMPLETION_INDEX', undefined, 0],
  ];
  for (const [indexVar, countVar, base] of pairs) {
    const indexText = env[indexVar];
    if (indexText === undefined || indexText === '') continue;
    const countText = countVar ? env[countVar] : undefined;
    const count = countText !== undefined && countText !== '' ? Number(countText) : countHint;
    if (count === undefined) {
      throw new InputError(
        `${indexVar} is set but the number of shards is not: set ${countVar ?? '`shardCount`'}`,
      );
    }
    const index = Number(indexText) - base;
    return parseShard(`${index}/${count}`, `${indexVar}${countVar ? `/${countVar}` : ''}`);
  }
  return undefined;
}

/** Slurm arrays may start at any index (`--array=1-8`); SLURM_ARRAY_TASK_MIN gives the first. */
function slurmBase(env: Env): number {
  const min = env['SLURM_ARRAY_TASK_MIN'];
  return min !== undefined && /^\d+$/.test(min) ? Number(min) : 0;
}

/** The run indices of one shard, in order. */
export function shardRuns(totalRuns: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let j = shard.index; j < totalRuns; j += shard.count) out.push(j);
  return out;
}
