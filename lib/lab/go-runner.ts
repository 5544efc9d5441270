/**
 * Runs the Go lab's program (lab/go/src/getpostrecords) for real: builds it offline with Debian's Go in
 * GOPATH mode, then, per run, makes a network namespace of its own (loopback only, the default port
 * range), starts a real memcached inside, and runs the program there with its stderr on a pipe that
 * this process drains at a set rate (the container log driver of production). Every wait is bounded;
 * namespaces, memcached and Go processes are removed on exit, on error and on Ctrl-C (see `GoLabSession`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../model/resolve-params.js';

const LAB_GO = fileURLToPath(new URL('../../lab/go', import.meta.url));
/** Debian's golang-golang-x-sync-dev puts errgroup here. */
const DEBIAN_GOCODE = '/usr/share/gocode';

/** memcached inside the namespace: below the fd hard limit of these machines (20,000). */
export const MEMCACHED_MAX_CONNS = 19_000;
export const MEMCACHED_THREADS = 2;

export interface GoRunOptions {
  /** Command-line flags of the Go program (`-experiment` included). */
  readonly flags: readonly string[];
  /** Rate at which the lab reads the program's stderr pipe. */
  readonly drainBytesPerSec: number;
  /** Kill the program after this long. */
  readonly timeoutSec: number;
  /** Flags of a `-experiment fill` run made first in the same namespace (a full range), or null. */
  readonly fillFirst: boolean;
}

export interface GoRunOutput {
  readonly samples: readonly Record<string, unknown>[];
  /** The program's result line; null when it was killed at its time bound (the samples stay). */
  readonly result: Record<string, unknown> | null;
  /** Killed at `timeoutSec` (a process stalled by its own kernel work cannot always stop in time). */
  readonly killedAtTimeout: boolean;
  readonly fill: Record<string, unknown> | null;
  readonly stderrBytes: number;
  readonly stderrLines: number;
  /** The drain's achieved rate: bytes read over the time from the first read to the last (timers slip). */
  readonly drainedBytesPerSec: number;
}

function sh(args: readonly string[]): void {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0)
    throw new Error(`${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim()}`);
}

export function checkGoLabPrerequisites(): void {
  if (process.platform !== 'linux') throw new InputError('lab: needs Linux (network namespaces)');
  if (process.getuid?.() !== 0)
    throw new InputError('lab: needs root (ip netns, sysctl); run as root or in CI');
  for (const [tool, pkg] of [
    ['ip', 'iproute2'],
    ['memcached', 'memcached'],
    ['go', 'golang-go'],
    ['mkfifo', 'coreutils'],
  ] as const) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      throw new InputError(`lab: '${tool}' not found; install the Debian package ${pkg}`);
  }
  try {
    openSync(`${DEBIAN_GOCODE}/src/golang.org/x/sync/errgroup/errgroup.go`, 'r');
  } catch {
    throw new InputError(
      'lab: golang.org/x/sync/errgroup not found; install the Debian package golang-golang-x-sync-dev',
    );
  }
}

/** One lab session: a temporary directory with the binary, and everything started, for cleanup. */
export class GoLabSession {
  readonly dir = mkdtempSync(join(tmpdir(), 'outage-lab-go-'));
  readonly binary = join(this.dir, 'getpostrecords');
  goVersion = '';
  private readonly children = new Set<ChildProcess>();
  private readonly namespaces = new Set<string>();
  private serial = 0;

  /** Build the program (GOPATH mode, no module proxy, no cgo). */
  build(): void {
    const env = {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: `${LAB_GO}:${DEBIAN_GOCODE}`,
      CGO_ENABLED: '0',
      GOFLAGS: '',
      GOPROXY: 'off',
    };
    const r = spawnSync('go', ['build', '-o', this.binary, 'getpostrecords'], {
      env,
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (r.status !== 0) throw new Error(`go build failed: ${(r.stderr || r.error?.message || '').trim()}`);
    this.goVersion = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout.trim();
  }

  private setUpNamespace(): string {
    const name = `outage-lab-go-${process.pid}-${this.serial++}`;
    sh(['ip', 'netns', 'add', name]);
    this.namespaces.add(name);
    sh(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  private startMemcached(ns: string): ChildProcess {
    const child = spawn(
      'ip',
      [
        ...['netns', 'exec', ns, 'memcached', '-u', 'nobody', '-l', '127.0.0.1', '-p', '11211'],
        ...['-c', String(MEMCACHED_MAX_CONNS), '-t', String(MEMCACHED_THREADS), '-U', '0'],
      ],
      { stdio: 'ignore' },
    );
    this.children.add(child);
    return child;
  }

  /** One run of the program in a fresh namespace with its own memcached. */
  async run(options: GoRunOptions): Promise<GoRunOutput> {
    const ns = this.setUpNamespace();
    const memcached = this.startMemcached(ns);
    try {
      const fill = options.fillFirst
        ? (await this.exec(ns, { ...options, flags: ['-experiment', 'fill'], timeoutSec: 60 })).result
        : null;
      if (options.fillFirst && !fill) throw new Error('Go lab: the port range fill did not finish in 60 s');
      const out = await this.exec(ns, options);
      return { ...out, fill: fill ? ((fill['figures'] as Record<string, unknown>) ?? null) : null };
    } finally {
      this.kill(memcached);
      this.removeNamespace(ns);
    }
  }

  private exec(ns: string, options: GoRunOptions): Promise<Omit<GoRunOutput, 'fill'>> {
    // stderr: a FIFO, read end non-blocking here, write end blocking in the child (as a container
    // runtime's log pipe): a full pipe blocks the program's write(2).
    const fifo = join(this.dir, `stderr-${this.serial++}`);
    sh(['mkfifo', fifo]);
    const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeFd = openSync(fifo, constants.O_WRONLY);
    const child = spawn('ip', ['netns', 'exec', ns, this.binary, ...options.flags], {
      stdio: ['ignore', 'pipe', writeFd],
    });
    closeSync(writeFd);
    this.children.add(child);
    let stderrBytes = 0;
    let stderrLines = 0;
    const chunk = Buffer.alloc(1 << 20);
    const stepMs = 10;
    let credit = 0;
    let firstReadMs = -1;
    let lastReadMs = -1;
    const drain = setInterval(() => {
      credit = Math.min(credit + (options.drainBytesPerSec * stepMs) / 1000, chunk.length);
      while (credit >= 1) {
        let n = 0;
        try {
          n = readSync(readFd, chunk, 0, Math.floor(credit), null);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
          throw e;
        }
        if (n <= 0) break;
        const now = performance.now();
        if (firstReadMs < 0) firstReadMs = now;
        lastReadMs = now;
        credit -= n;
        stderrBytes += n;
        for (let i = 0; i < n; i++) if (chunk[i] === 10) stderrLines++;
      }
    }, stepMs);
    const drained = () =>
      lastReadMs > firstReadMs ? (stderrBytes * 1000) / (lastReadMs - firstReadMs) : options.drainBytesPerSec;
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      let killedAtTimeout = false;
      const timer = setTimeout(() => {
        killedAtTimeout = true;
        child.kill('SIGKILL');
      }, options.timeoutSec * 1000);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        clearInterval(drain);
        closeSync(readFd);
        rmSync(fifo, { force: true });
        this.children.delete(child);
        const lines = out
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => {
            try {
              return JSON.parse(l) as Record<string, unknown>;
            } catch {
              return { unparsed: l };
            }
          });
        const fatal = lines.find((l) => 'fatal' in l);
        const result = lines.find((l) => 'result' in l)?.['result'] as Record<string, unknown> | undefined;
        const samples = lines.filter((l) => 'sample' in l).map((l) => l['sample'] as Record<string, unknown>);
        if (killedAtTimeout && !fatal)
          return resolve({
            samples,
            result: null,
            killedAtTimeout,
            stderrBytes,
            stderrLines,
            drainedBytesPerSec: drained(),
          });
        if (fatal || code !== 0 || !result) {
          const why = fatal ? String(fatal['fatal']) : signal ? `killed by ${signal}` : `exit ${code}`;
          return reject(new Error(`Go lab program (${options.flags.join(' ')}): ${why}`));
        }
        resolve({
          samples,
          result,
          killedAtTimeout,
          stderrBytes,
          stderrLines,
          drainedBytesPerSec: drained(),
        });
      });
    });
  }

  private kill(child: ChildProcess): void {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    this.children.delete(child);
  }

  private removeNamespace(name: string): void {
    spawnSync('ip', ['netns', 'del', name], { timeout: 15_000 });
    this.namespaces.delete(name);
  }

  /** Stop every process started, remove every namespace and the temporary directory. */
  cleanup(): void {
    for (const c of [...this.children]) this.kill(c);
    for (const ns of [...this.namespaces]) this.removeNamespace(ns);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
