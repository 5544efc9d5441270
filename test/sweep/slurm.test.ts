/**
 * The README's Slurm commands on a real one-node cluster (test/helpers/slurm-cluster.ts): a job array of
 * 4 shards, the merge as a job that depends on it (afterok), one array task requeued mid-run (killed and
 * started again, then resuming), and the merged results.csv byte for byte the single-machine one.
 * Root only: in CI (CI set) it fails when it cannot run; elsewhere it is skipped when not root.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../lib/sweep/runner.js';
import { loadSweepSpec } from '../../lib/sweep/spec.js';
import { type SlurmCluster, slurmUnavailable, startSlurmCluster } from '../helpers/slurm-cluster.js';

const ROOT = join(import.meta.dirname, '../..');
const unavailable = slurmUnavailable();
const skip = unavailable !== null && !process.env['CI'] && process.getuid?.() !== 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pids of this machine's processes whose command line contains `text`. */
function processesWith(text: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe.skipIf(skip)('a sweep on a one-node Slurm cluster', () => {
  let cluster: SlurmCluster | undefined;
  const work = mkdtempSync(join(tmpdir(), 'ol-slurm-work-'));
  afterAll(async () => {
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('runs the README commands: array of shards, dependent merge, a requeued task; same bytes', async () => {
    if (unavailable) throw new Error(`cannot run the Slurm cluster here: ${unavailable}`);
    // ci-small's grid (32 runs) with 1-hour windows, so that a task runs long enough to be caught mid-run.
    const source = JSON.parse(readFileSync(join(ROOT, 'data/sweeps/ci-small.json'), 'utf8'));
    const specPath = join(work, 'slurm-small.json');
    writeFileSync(specPath, JSON.stringify({ ...source, name: 'slurm-small', duration: '1h' }));
    const single = join(work, 'single');
    await runSweep({ spec: loadSweepSpec(specPath), outDir: single, workers: 2 });

    cluster = await startSlurmCluster(2);
    const shards = join(work, 'shards');
    const sbatch = (args: string[]): string => {
      const r = cluster!.run('sbatch', ['--parsable', `--chdir=${ROOT}`, '--open-mode=append', ...args]);
      if (r.status !== 0) throw new Error(`sbatch: ${r.stderr}`);
      return r.stdout.trim().split(';')[0]!;
    };
    const array = sbatch([
      '--array=0-3',
      `--output=${join(work, 'task-%a.out')}`,
      '--wrap',
      `npx outage-lab sweep --config ${specPath} --out ${shards}/$SLURM_ARRAY_TASK_ID --resume`,
    ]);
    const merge = sbatch([
      `--dependency=afterok:${array}`,
      `--output=${join(work, 'merge.out')}`,
      '--wrap',
      `npx outage-lab merge ${shards}/* --out ${join(work, 'merged')}`,
    ]);

    // Requeue task 1 once it has finished some of its 8 runs but not all.
    const runsOf = (i: number): number => {
      const dir = join(shards, String(i), 'runs');
      return existsSync(dir) ? readdirSync(dir).filter((f) => /^\d+\.json$/.test(f)).length : 0;
    };
    const deadline = Date.now() + 120_000;
    while (runsOf(1) < 2 && Date.now() < deadline) await sleep(25);
    // Requeue, then kill -9 the task's processes (the job script's shell passes no signal on to them).
    const requeue = cluster.run('scontrol', ['requeue', `${array}_1`]);
    expect(requeue.status, requeue.stderr).toBe(0);
    const killed = processesWith(`${shards}/1 `);
    for (const pid of killed) process.kill(pid, 'SIGKILL');
    const doneBeforeKill = runsOf(1);
    expect(killed.length).toBeGreaterThan(0);
    expect(doneBeforeKill).toBeGreaterThanOrEqual(2);
    expect(doneBeforeKill).toBeLessThan(8);

    let state = '';
    while (Date.now() < deadline) {
      state = /JobState=(\S+)/.exec(cluster.run('scontrol', ['show', 'job', merge]).stdout)?.[1] ?? '';
      if (['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT'].includes(state)) break;
      await sleep(250);
    }
    const logs = () =>
      readdirSync(work)
        .filter((f) => f.endsWith('.out'))
        .map((f) => `--- ${f}\n${readFileSync(join(work, f), 'utf8')}`)
        .join('\n');
    const why = () =>
      `${logs()}\n--- merge job\n${cluster!.run('scontrol', ['show', 'job', merge]).stdout}\n--- task 1\n${cluster!.run('scontrol', ['show', 'job', `${array}_1`]).stdout}\nruns before kill: ${doneBeforeKill}`;
    expect(state, why()).toBe('COMPLETED');
    const task1 = readFileSync(join(work, 'task-1.out'), 'utf8');
    // The second attempt resumed: it found the first attempt's runs on disk.
    const resumed = /\((\d+) run now, (\d+) already done\)/.exec(task1);
    expect(resumed, task1).not.toBeNull();
    expect(Number(resumed![2])).toBeGreaterThanOrEqual(doneBeforeKill);
    expect(readFileSync(join(work, 'merged', 'results.csv'), 'utf8')).toBe(
      readFileSync(join(single, 'results.csv'), 'utf8'),
    );
  }, 180_000);
});
