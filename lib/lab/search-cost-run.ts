/**
 * The kernel cost lab on real sockets: for each dial mode and state of the occupying sockets, a network
 * namespace of its own with the default port range, and the Go program `lab/go/src/portcost` inside it,
 * which fills the range step by step and times dials at each occupancy on a locked OS thread. Runs are
 * sequential (one core measures, nothing else of ours competes), each bounded in time; namespaces and
 * processes are removed on exit, on error and on Ctrl-C.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import type { DialMode } from '../model/port-table.js';
import { InputError } from '../model/resolve-params.js';
import { buildGoProgram } from './go-build.js';
import { NetNamespace, waitForSocketDrain } from './netns.js';

export const OCCUPANT_STATE = { timeWait: 'time-wait', established: 'established' } as const;
export type OccupantState = (typeof OCCUPANT_STATE)[keyof typeof OCCUPANT_STATE];

/** Percentiles of one figure over a step's dials, in microseconds (as portcost prints them). */
export interface Quantiles {
  readonly n: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
}

/** One occupancy step as the Go program measured it (its JSON line). */
export interface KernelCostStep {
  readonly mode: DialMode;
  readonly state: OccupantState;
  readonly portCount: number;
  readonly targetPercent: number;
  /** Sockets the fill made so far (client side, in the range). */
  readonly held: number;
  /** Client sockets counted in /proc/net/tcp before the step's dials. */
  readonly timeWait: number;
  readonly established: number;
  /** Client sockets in other states (FIN_WAIT2, ...): they hold their ports too. */
  readonly otherStates: number;
  readonly fillDials: number;
  readonly fillSec: number;
  readonly dials: number;
  readonly ok: number;
  readonly failed: number;
  readonly errors: Readonly<Record<string, number>>;
  /** Dials that lost their CPU mid-call (wall > CPU + 5% + 2 us): left out of the CPU percentiles. */
  readonly okDisturbed: number;
  readonly failDisturbed: number;
  /** Wall time of every dial; the CPU, system and search figures are of the undisturbed ones. */
  readonly okWallUs: Quantiles;
  readonly okSearchUs: Quantiles;
  readonly okSysUs: Quantiles;
  readonly okCpuUs: Quantiles;
  readonly failWallUs: Quantiles;
  readonly failSysUs: Quantiles;
  readonly failCpuUs: Quantiles;
  /** Thread CPU time of every dial, disturbed or not. */
  readonly okCpuAllUs: Quantiles;
  readonly failCpuAllUs: Quantiles;
  /**
   * The step's dials ran in `windows` windows apart in time; the median CPU time of each (of failures
   * where most dials failed, else of successes). The percentiles above are of the lowest window's dials,
   * the kernel's cost when nothing else on the machine contends for the core's caches; dials, ok, failed
   * and errors count every window.
   */
  readonly windows: number;
  readonly windowCpuP50Us: readonly number[];
  /**
   * Bind mode: the ports a bind(ip, 0) examines (the one it takes included) in this step's layout, over
   * every start it can draw, computed exactly by the Go program from the ports it filled; null otherwise
   * (connect() chooses the fill's ports itself) and at a full range.
   */
  readonly bindExamined: { readonly mean: number; readonly p50: number } | null;
  readonly elapsedSec: number;
}

/** A whole Go dial (net.Dialer.Dial in a goroutine) at an empty range: runtime work and all. */
export interface GoDial {
  readonly mode: DialMode;
  readonly dials: number;
  readonly failed: number;
  readonly wallUs: Quantiles;
  /** getrusage(RUSAGE_SELF) user + system, and system alone, per dial (its close included). */
  readonly cpuUsPerDial: number;
  readonly sysUsPerDial: number;
}

export interface KernelCostRun {
  readonly mode: DialMode;
  readonly state: OccupantState;
  readonly steps: readonly KernelCostStep[];
  /** The same mode's dials through Go's net.Dialer, at 0%: what a Go program adds to the syscalls. */
  readonly goDial: GoDial | null;
  /** Why the run stopped before its last step (TIME_WAIT about to expire), or null. */
  readonly truncated: string | null;
  readonly elapsedSec: number;
}

export interface SearchCostLabConfig {
  readonly portLow: number;
  readonly portHigh: number;
  readonly steps: readonly number[];
  readonly modes: readonly DialMode[];
  readonly states: readonly OccupantState[];
  /** Measured dials per step, at most, and their time budget per step (over its 3 windows). */
  readonly dialsPerStep: number;
  readonly stepSec: number;
  /** Kill a run after this long. */
  readonly runTimeoutSec: number;
}

export const DEFAULT_SEARCH_COST_LAB: SearchCostLabConfig = {
  portLow: 32_768,
  portHigh: 60_999,
  steps: [0, 25, 50, 75, 90, 95, 99, 100],
  modes: ['bind', 'connect', 'bind-no-port'],
  states: ['time-wait', 'established'],
  dialsPerStep: 1000,
  stepSec: 0.9,
  runTimeoutSec: 90,
};

/** How the range is filled, for the report. */
export const FILL_METHOD =
  'bind mode: explicit-port binds at the ports the kernel bind(ip, 0) scan would choose (odd parity from a random odd start, first free port upward, then even), replayed in user space; connect and bind-no-port: port-0 dials in the same mode (the kernel chooses); TIME_WAIT: dial, accept, client closes first; ESTABLISHED: held open by holder processes (the fd limit), never accepted (the listener backlog exceeds the range)';

export function checkSearchCostPrerequisites(): void {
  if (process.platform !== 'linux') throw new InputError('lab: needs Linux (network namespaces)');
  if (process.getuid?.() !== 0)
    throw new InputError('lab: needs root (ip netns, sysctl); run as root or in CI');
  if (spawnSync('sh', ['-c', 'command -v ip']).status !== 0)
    throw new InputError("lab: 'ip' not found; install the Debian package iproute2");
}

function runOne(
  bin: string,
  ns: NetNamespace,
  config: SearchCostLabConfig,
  mode: DialMode,
  state: OccupantState,
  track: (child: ChildProcess | null) => void,
): Promise<KernelCostRun> {
  const args = [
    ...['-mode', mode, '-state', state, '-low', String(config.portLow), '-high', String(config.portHigh)],
    ...['-steps', config.steps.join(','), '-dials', String(config.dialsPerStep)],
    ...['-step-sec', String(config.stepSec), '-max-sec', String(config.runTimeoutSec)],
  ];
  const argv = ns.exec([bin, ...args]);
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), (config.runTimeoutSec + 15) * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      track(null);
      const lines = out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as { type: string } & Record<string, unknown>);
      const failure = lines.find((l) => l.type === 'error');
      if (code !== 0 || failure) {
        const why = failure ? String(failure['message']) : `exit ${code}: ${err.trim().slice(0, 300)}`;
        return reject(new Error(`portcost ${mode} ${state}: ${why}`));
      }
      const end = lines.find((l) => l.type === 'done' || l.type === 'truncated');
      if (!end) return reject(new Error(`portcost ${mode} ${state}: no result`));
      resolve({
        mode,
        state,
        steps: lines.filter((l) => l.type === 'step') as unknown as KernelCostStep[],
        goDial: (lines.find((l) => l.type === 'go-dial') as unknown as GoDial | undefined) ?? null,
        truncated: end.type === 'truncated' ? String(end['reason']) : null,
        elapsedSec: Number(end['elapsedSec']),
      });
    });
  });
}

/** A run starts once at most this many TCP sockets of each kind are alive in the kernel (2% of the range)... */
const DRAINED_SOCKETS = 600;
/** ...or after this long: TIME_WAIT lasts 60 s, so a socket of the host's own namespace is gone by then. */
const DRAIN_TIMEOUT_SEC = 65;

/** Run every (mode, state) of `config` on the real kernel, one after the other. */
export async function runSearchCostKernel(
  config: SearchCostLabConfig = DEFAULT_SEARCH_COST_LAB,
  log: (line: string) => void = () => {},
): Promise<KernelCostRun[]> {
  checkSearchCostPrerequisites();
  const bin = buildGoProgram('portcost');
  let current: { ns: NetNamespace; child: ChildProcess | null } | null = null;
  const cleanup = () => {
    if (current?.child && current.child.exitCode === null) current.child.kill('SIGKILL');
    current?.ns.remove();
    current = null;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.stderr.write(`lab: interrupted (${signal}); namespace and processes removed\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const runs: KernelCostRun[] = [];
  try {
    for (const mode of config.modes) {
      for (const state of config.states) {
        // Another run's sockets (a namespace removed moments ago, or another lab's) would sit in the hash
        // chains this run's searches walk: start on a kernel without them.
        const drained = await waitForSocketDrain(DRAINED_SOCKETS, DRAIN_TIMEOUT_SEC);
        if (drained.waitedSec >= 1)
          log(
            `lab: waited ${drained.waitedSec.toFixed(1)} s for the kernel to drop earlier sockets (${drained.left ? `${drained.left.full} full, ${drained.left.timeWait} TIME_WAIT` : '?'} left)`,
          );
        const ns = new NetNamespace(`outage-lab-${process.pid}-cost`);
        current = { ns, child: null };
        ns.create({
          'net.ipv4.ip_local_port_range': `${config.portLow} ${config.portHigh}`,
          // TIME_WAIT ports stay taken: with tcp_tw_reuse a connect() fill would recycle its own
          // TIME_WAIT tuples (the dial-modes lab measures the reuse itself).
          'net.ipv4.tcp_tw_reuse': '0',
          'net.core.somaxconn': '131072',
        });
        const t0 = performance.now();
        const track = (child: ChildProcess | null) => {
          if (current) current.child = child;
        };
        const run = await runOne(bin, ns, config, mode, state, track);
        runs.push(run);
        log(
          `lab: search cost ${mode} ${state}: ${run.steps.length} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s${run.truncated ? ` (stopped: ${run.truncated})` : ''}`,
        );
        cleanup();
      }
    }
    return runs;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    cleanup();
  }
}
