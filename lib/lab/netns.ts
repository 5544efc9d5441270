/**
 * A network namespace of the lab's own: loopback only, with its own sysctls. Created with `ip netns
 * add`, removed with `ip netns del` (which also drops every socket left in it, TIME_WAIT included).
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
