/**
 * `outage-lab lab`: the port model against the real kernel. For each dial mode it makes a network
 * namespace of its own (loopback only), narrows `ip_local_port_range`, sets `tcp_tw_reuse`, starts a real
 * memcached inside, runs the experiment of experiment.ts there with real sockets, replays the same script
 * on the model's port table, and compares. It cleans up the namespaces and memcached on exit, on error
 * and on Ctrl-C. Linux and root only.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { InputError } from '../model/resolve-params.js';
import {
  DEFAULT_LAB,
  LAB_MODES,
  type LabConfig,
  type LabFigures,
  type LabMode,
  type LabObservation,
  labFigures,
} from './experiment.js';
import { replayOnModel } from './model-replay.js';

export interface LabModeResult {
  readonly mode: LabMode;
  readonly kernel: LabFigures;
  readonly model: LabFigures;
  readonly within: Readonly<Record<keyof LabFigures, boolean>>;
  readonly kernelObservation: LabObservation;
}

export interface LabReport {
  readonly config: Omit<LabConfig, 'mode'>;
  readonly kernelRelease: string;
  readonly results: readonly LabModeResult[];
  readonly allWithin: boolean;
}

/** Relative tolerance, with an absolute floor per figure (one probe's worth of timing granularity). */
export const LAB_TOLERANCE = { relative: 0.05 } as const;

export function withinTolerance(
  kernel: LabFigures,
  model: LabFigures,
  config: Omit<LabConfig, 'mode'>,
): Record<keyof LabFigures, boolean> {
  const close = (k: number | null, m: number | null, abs: number): boolean => {
    if (k === null || m === null) return k === m;
    return Math.abs(k - m) <= Math.max(LAB_TOLERANCE.relative * Math.abs(k), abs);
  };
  return {
    peakTimeWait: close(kernel.peakTimeWait, model.peakTimeWait, 0),
    dialFailures: close(kernel.dialFailures, model.dialFailures, config.probeSize),
    recoverySec: close(kernel.recoverySec, model.recoverySec, config.probeEverySec),
  };
}

export function checkLabPrerequisites(): void {
  if (process.platform !== 'linux') throw new InputError('lab: needs Linux (network namespaces)');
  if (process.getuid?.() !== 0)
    throw new InputError('lab: needs root (ip netns, sysctl); run as root or in CI');
  for (const tool of ['ip', 'memcached']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      throw new InputError(`lab: '${tool}' not found; install the Debian packages iproute2 and memcached`);
    }
  }
}

function sh(args: string[]): void {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0)
    throw new Error(`${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim()}`);
}

class Namespace {
  private memcached: ChildProcess | null = null;
  /** The experiment's driver process, once started. */
  driver: ChildProcess | null = null;
  constructor(readonly name: string) {}

  setUp(config: Omit<LabConfig, 'mode'>): void {
    sh(['ip', 'netns', 'add', this.name]);
    sh(['ip', '-n', this.name, 'link', 'set', 'lo', 'up']);
    const exec = ['ip', 'netns', 'exec', this.name];
    sh([...exec, 'sysctl', '-q', '-w', `net.ipv4.ip_local_port_range=${config.portLow} ${config.portHigh}`]);
    sh([...exec, 'sysctl', '-q', '-w', 'net.ipv4.tcp_tw_reuse=2']);
    this.memcached = spawn(
      'ip',
      [
        'netns',
        'exec',
        this.name,
        'memcached',
        '-u',
        'nobody',
        '-l',
        '127.0.0.1',
        '-p',
        '11211',
        '-c',
        '4096',
        '-t',
        '2',
        '-U',
        '0',
      ],
      {
        stdio: 'ignore',
      },
    );
  }

  tearDown(): void {
    if (this.driver && this.driver.exitCode === null) this.driver.kill('SIGKILL');
    this.driver = null;
    if (this.memcached && this.memcached.exitCode === null) this.memcached.kill('SIGKILL');
    this.memcached = null;
    spawnSync('ip', ['netns', 'del', this.name], { timeout: 10_000 });
  }
}

const BIN = fileURLToPath(new URL('../../bin/outage-lab.js', import.meta.url));

function runDriver(ns: Namespace, config: LabConfig): Promise<LabObservation> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ip',
      ['netns', 'exec', ns.name, process.execPath, BIN, 'lab-driver', '--config', JSON.stringify(config)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    ns.driver = child;
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), (config.maxSec + 60) * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`lab driver (${config.mode}) exited ${code}: ${err.trim()}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as LabObservation);
      } catch {
        reject(new Error(`lab driver (${config.mode}) printed no result: ${out.slice(0, 200)}`));
      }
    });
  });
}

export async function runKernelLab(
  modes: readonly LabMode[] = LAB_MODES,
  config: Omit<LabConfig, 'mode'> = DEFAULT_LAB,
  log: (line: string) => void = () => {},
): Promise<LabReport> {
  checkLabPrerequisites();
  const spaces = modes.map((m) => new Namespace(`outage-lab-${process.pid}-${m}`));
  const cleanup = () => {
    for (const ns of spaces) ns.tearDown();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.stderr.write(`lab: interrupted (${signal}); namespaces and memcached removed\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const ns of spaces) ns.setUp(config);
    log(
      `lab: ${modes.length} namespaces up (ports ${config.portLow}-${config.portHigh}, tcp_tw_reuse=2); running for up to ~${config.maxSec} s`,
    );
    const observations = await Promise.all(
      modes.map((mode, i) => runDriver(spaces[i]!, { ...config, mode })),
    );
    const results = observations.map((obs): LabModeResult => {
      const model = labFigures(
        replayOnModel({ ...config, mode: obs.mode }, { probeTimes: obs.probes.map((p) => p.tSec) }),
      );
      const kernel = labFigures(obs);
      return {
        mode: obs.mode,
        kernel,
        model,
        within: withinTolerance(kernel, model, config),
        kernelObservation: obs,
      };
    });
    return {
      config,
      kernelRelease: spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim(),
      results,
      allWithin: results.every((r) => Object.values(r.within).every(Boolean)),
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    cleanup();
  }
}
