/**
 * A one-node Slurm cluster for tests, started from scratch and removed afterwards: munged with its own key
 * and socket, then slurmctld and slurmd, all state under one temporary directory, inside a network
 * namespace of its own (loopback only, so the daemons' ports clash with nothing). Needs root and Debian's
 * slurm-wlm and munge. Every process is stopped by its pid; `stop()` also ends whatever jobs left behind
 * in the namespace, then deletes the namespace and the directory.
 */
import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SlurmCluster {
  readonly dir: string;
  /** Environment for Slurm's commands (SLURM_CONF). */
  readonly env: NodeJS.ProcessEnv;
  /** Run a Slurm command (sbatch, squeue, scontrol, ...) inside the cluster's namespace. */
  run(command: string, args: readonly string[]): SpawnSyncReturns<string>;
  /** Stop the daemons and jobs, delete the namespace and the state. Safe to call twice. */
  stop(): Promise<void>;
}

/** Why this machine cannot run the cluster, or null when it can. */
export function slurmUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root';
  for (const bin of ['munged', 'slurmctld', 'slurmd', 'sbatch', 'ip', 'nsenter']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) return `${bin} not installed`;
  }
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSlurmCluster(cpus: number): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'ol-slurm-'));
  chmodSync(dir, 0o711);
  const ns = `ol-slurm-${process.pid}`;
  const daemons: ChildProcess[] = [];
  const host = hostname().split('.')[0]!;
  const conf = join(dir, 'slurm.conf');
  const env = { ...process.env, SLURM_CONF: conf };
  const enter = ['nsenter', `--net=/run/netns/${ns}`];
  const log = (name: string) => openSync(join(dir, 'log', `${name}.out`), 'a');
  let stopped = false;

  const run = (command: string, args: readonly string[]) =>
    spawnSync(enter[0]!, [...enter.slice(1), command, ...args], { encoding: 'utf8', env });

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (existsSync(`/run/netns/${ns}`)) {
      run('scancel', ['--full', '--user=root']);
      // Jobs' processes (slurmstepd, the job scripts) live in the namespace: stop them by pid.
      const pids = (spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '')
        .split('\n')
        .map(Number)
        .filter((p) => p > 0 && !daemons.some((d) => d.pid === p));
      for (const pid of pids) killQuietly(pid, 'SIGKILL');
    }
    for (const d of [...daemons].reverse()) await stopChild(d);
    spawnSync('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (const sub of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, sub), { mode: 0o700 });
    const key = join(dir, 'munge', 'munge.key');
    writeFileSync(key, randomBytes(1024), { mode: 0o400 });
    const socket = join(dir, 'munge', 'munge.sock');
    daemons.push(
      spawn(
        'munged',
        [
          '--foreground',
          '--force',
          `--key-file=${key}`,
          `--socket=${socket}`,
          `--pid-file=${join(dir, 'munge', 'munged.pid')}`,
          `--seed-file=${join(dir, 'munge', 'munged.seed')}`,
          `--log-file=${join(dir, 'log', 'munged.log')}`,
        ],
        { stdio: ['ignore', log('munged'), log('munged')] },
      ),
    );
    await waitFor(() => existsSync(socket), 10_000, 'munged socket');
    for (const args of [
      ['netns', 'add', ns],
      ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up'],
      // getaddrinfo(AI_ADDRCONFIG), used by Slurm, fails when only 127.0.0.1 is configured.
      ['netns', 'exec', ns, 'ip', 'addr', 'add', '10.213.0.1/32', 'dev', 'lo'],
    ]) {
      const r = spawnSync('ip', args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
    }
    writeFileSync(conf, slurmConf(dir, host, socket, cpus));
    // nsenter (not `ip netns exec`, which remounts /sys and hides the cgroup file system slurmd reads).
    daemons.push(
      spawn(enter[0]!, [...enter.slice(1), 'slurmctld', '-D', '-i', '-f', conf], {
        env,
        stdio: ['ignore', log('slurmctld'), log('slurmctld')],
      }),
    );
    await waitFor(() => run('scontrol', ['ping']).stdout.includes('is UP'), 20_000, 'slurmctld');
    daemons.push(
      spawn(enter[0]!, [...enter.slice(1), 'slurmd', '-D', '-f', conf, '-N', host], {
        env,
        stdio: ['ignore', log('slurmd'), log('slurmd')],
      }),
    );
    await waitFor(() => /idle/.test(run('sinfo', ['-h', '-o', '%T']).stdout), 30_000, 'the node to be idle');
  } catch (e) {
    await stop();
    throw e;
  }
  return { dir, env, run, stop };
}

function slurmConf(dir: string, host: string, socket: string, cpus: number): string {
  return `${[
    'ClusterName=outagelab',
    `SlurmctldHost=${host}(127.0.0.1)`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    'CredType=cred/munge',
    // cred_expire is also how long a requeued job waits before it may start again (default 120 s).
    `AuthInfo=socket=${socket},cred_expire=10`,
    `StateSaveLocation=${join(dir, 'state')}`,
    `SlurmdSpoolDir=${join(dir, 'spool')}`,
    `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
    `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
    `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'SelectType=select/cons_tres',
    // Cores only: with memory as a resource each job would take the whole node.
    'SelectTypeParameters=CR_Core',
    'SchedulerType=sched/backfill',
    'MpiDefault=none',
    'ReturnToService=2',
    'JobCompType=jobcomp/none',
    'AccountingStorageType=accounting_storage/none',
    'KillWait=5',
    'MinJobAge=600',
    `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=2000 State=UNKNOWN`,
    `PartitionName=main Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
  ].join('\n')}\n`;
}

async function waitFor(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once('exit', r));
  killQuietly(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && killQuietly(child.pid, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
