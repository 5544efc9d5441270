/**
 * A network namespace of the lab's own: loopback only, with its own sysctls. Created with `ip netns
 * add`, removed with `ip netns del` (after which the kernel purges every socket left in it, TIME_WAIT included, in the background).
 */
import { spawnSync } from 'node:child_process';

function run(args: readonly string[]): void {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0)
    throw new Error(`${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim()}`);
}

export class NetNamespace {
  private up = false;
  constructor(readonly name: string) {}

  /** Create it, bring loopback up and set `sysctls` (name -> value) inside it. */
  create(sysctls: Readonly<Record<string, string>>): void {
    run(['ip', 'netns', 'add', this.name]);
    this.up = true;
    run(['ip', '-n', this.name, 'link', 'set', 'lo', 'up']);
    for (const [key, value] of Object.entries(sysctls)) {
      run(['ip', 'netns', 'exec', this.name, 'sysctl', '-q', '-w', `${key}=${value}`]);
    }
  }

  /** The command line that runs `argv` inside the namespace. */
  exec(argv: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', this.name, ...argv];
  }

  /** Remove it (idempotent; never throws). */
  remove(): void {
    if (!this.up) return;
    spawnSync('ip', ['netns', 'del', this.name], { timeout: 10_000 });
    this.up = false;
  }
}

/**
 * TCP sockets alive in the whole kernel, every namespace included: the active objects of the `TCP` slab
 * (full sockets: ESTABLISHED, FIN_WAIT, ...) and of `tw_sock_TCP` (TIME_WAIT) in /proc/slabinfo (root
 * only); null where it cannot be read.
 * @example kernelTcpSockets('TCP 105 156 2368 13 8 : ...\ntw_sock_TCP 128 192 256 16 1 : ...')
 *   // { full: 105, timeWait: 128 }
 */
export function kernelTcpSockets(slabinfo?: string): { full: number; timeWait: number } | null {
  let text = slabinfo;
  if (text === undefined) {
    const r = spawnSync('cat', ['/proc/slabinfo'], { encoding: 'utf8', timeout: 5_000 });
    if (r.status !== 0) return null;
    text = r.stdout;
  }
  const active = (slab: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${slab} `));
    return line ? Number(line.split(/\s+/)[1]) : Number.NaN;
  };
  const full = active('TCP');
  const timeWait = active('tw_sock_TCP');
  return Number.isFinite(full) && Number.isFinite(timeWait) ? { full, timeWait } : null;
}

/**
 * Wait until at most `maxSockets` TCP sockets of each kind are left in the kernel, polling every
 * `pollMs`, for at most `timeoutSec`. A removed namespace's sockets are torn down and purged by the
 * kernel afterwards, in the background; until then they sit in the bind and established hashes, which
 * every namespace shares, lengthening the chains another namespace's port search walks, and their
 * teardown competes for the CPU. Returns what was left and how long it waited.
 */
export async function waitForSocketDrain(
  maxSockets: number,
  timeoutSec: number,
  pollMs = 100,
): Promise<{ left: { full: number; timeWait: number } | null; waitedSec: number }> {
  const t0 = performance.now();
  for (;;) {
    const left = kernelTcpSockets();
    const waitedSec = (performance.now() - t0) / 1000;
    const drained = left === null || (left.full <= maxSockets && left.timeWait <= maxSockets);
    if (drained || waitedSec >= timeoutSec) return { left, waitedSec };
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
