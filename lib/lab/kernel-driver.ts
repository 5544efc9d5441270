/**
 * The lab experiment on real sockets. Runs INSIDE the lab's network namespace (started by kernel-lab.ts
 * through `ip netns exec`), against a real memcached on 127.0.0.1:11211, and prints its observation as
 * one JSON line. Every loop is bounded in count and time.
 */
import { readFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { createRng } from '../random/rng.js';
import {
  LAB_MODE,
  type LabConfig,
  type LabObservation,
  type LabProbe,
  type LabSample,
  randomLoopback,
} from './experiment.js';

const FIXED_LOCAL_IP = '127.32.0.1'; // the address in the post-mortem's error line
const DIAL_TIMEOUT_MS = 2000;

interface DialResult {
  readonly socket: Socket | null;
  readonly error: string | null;
}

function dial(localAddress: string | undefined): Promise<DialResult> {
  return new Promise((resolve) => {
    const socket = createConnection({
      host: '127.0.0.1',
      port: 11211,
      ...(localAddress && { localAddress }),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ socket: null, error: 'ETIMEDOUT' });
    }, DIAL_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({ socket, error: null });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ socket: null, error: e.code ?? 'EUNKNOWN' });
    });
  });
}

/** One memcached `get` (a miss): data flows both ways, so the kernel records the peer's timestamps. */
function get(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('memcached get timed out')), DIAL_TIMEOUT_MS);
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('END\r\n')) {
        clearTimeout(timer);
        socket.removeAllListeners('data');
        resolve();
      }
    });
    socket.write('get lab-key\r\n');
  });
}

/** Client sockets (local port in the lab range) in TIME_WAIT (st 06) and ESTABLISHED (st 01). */
export function countSockets(
  procNetTcp: string,
  portLow: number,
  portHigh: number,
): { timeWait: number; established: number } {
  let timeWait = 0;
  let established = 0;
  for (const line of procNetTcp.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const port = Number.parseInt(f[1]!.split(':')[1]!, 16);
    if (port < portLow || port > portHigh) continue;
    if (f[3] === '06') timeWait++;
    else if (f[3] === '01') established++;
  }
  return { timeWait, established };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runKernelExperiment(config: LabConfig): Promise<LabObservation> {
  const rng = createRng(7);
  const local = (): string | undefined =>
    config.mode === LAB_MODE.bind
      ? FIXED_LOCAL_IP
      : config.mode === LAB_MODE.random
        ? randomLoopback(() => rng.next())
        : undefined;
  // Steps 1-2.
  const results = await Promise.all(Array.from({ length: config.batch }, () => dial(local())));
  const open = results.flatMap((r) => (r.socket ? [r.socket] : []));
  const batchErrors: Record<string, number> = {};
  for (const r of results) if (r.error) batchErrors[r.error] = (batchErrors[r.error] ?? 0) + 1;
  await Promise.all(open.map(get));
  const closing = open.slice(config.pool);
  await Promise.all(closing.map((s) => new Promise<void>((r) => s.end(r))));
  const t0 = performance.now();
  const now = () => (performance.now() - t0) / 1000;
  // Steps 3-4 run side by side: probes until a whole probe succeeds, samples until TIME_WAIT drains.
  const probes: LabProbe[] = [];
  const samples: LabSample[] = [];
  const sampler = (async () => {
    for (let i = 0; now() <= config.maxSec && i < 10_000; i++) {
      const c = countSockets(readFileSync('/proc/net/tcp', 'utf8'), config.portLow, config.portHigh);
      samples.push({ tSec: Math.round(now() * 1000) / 1000, ...c });
      if (c.timeWait === 0 && i > 0) break;
      await sleep(config.sampleEverySec * 1000);
    }
  })();
  for (let k = 0; config.probeOffsetSec + k * config.probeEverySec <= config.maxSec && k < 10_000; k++) {
    const wait = config.probeOffsetSec + k * config.probeEverySec - now();
    if (wait > 0) await sleep(wait * 1000);
    const tSec = Math.round(now() * 1000) / 1000;
    const probe = await Promise.all(Array.from({ length: config.probeSize }, () => dial(local())));
    let ok = 0;
    for (const p of probe) {
      if (p.socket) {
        ok++;
        p.socket.resetAndDestroy(); // RST: the probe leaves no TIME_WAIT behind
      }
    }
    probes.push({ tSec, ok, failed: config.probeSize - ok });
    if (ok === config.probeSize) break;
  }
  await sampler;
  for (const s of open.slice(0, config.pool)) s.resetAndDestroy();
  return {
    mode: config.mode,
    batchOk: open.length,
    batchErrors,
    closed: closing.length,
    probes,
    samples,
  };
}
