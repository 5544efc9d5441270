/**
 * `npx tsx bench/port-table.ts`: the port table's per-dial pricing, as a burst uses it. On a table in the
 * random-IP band-aid's range (28,232 ports x 16,516,096 addresses, bind mode) holding ~25,000 ports, it
 * times `dialSecAt` at falling occupancy (the fast engine's burst loop prices every dial so), and one
 * `allocateMany` + `sysCpuSecOf` + `closeMany` round (the normal ops' dials); and `expire` when no
 * cohort is due (what every 10 ms step of the fast engine calls). Prints ns per call, and a checksum of the
 * prices (equal checksums: the same values). Runs the compiled library in dist/ (`npm run build` first), as
 * the CLI does: through tsx the same loops run some 40 times slower.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type PortTableModule = typeof import('../lib/model/port-table.js');

async function load(): Promise<{ mod: PortTableModule; build: string }> {
  if (existsSync(fileURLToPath(new URL('../dist/model/port-table.js', import.meta.url)))) {
    return { mod: (await import('../dist/model/port-table.js' as string)) as PortTableModule, build: 'dist' };
  }
  return { mod: await import('../lib/model/port-table.js'), build: 'source (tsx)' };
}

const { mod, build } = await load();
const { DIAL_MODE, PortTable } = mod;

const DIALS = 20_000;
const REPS = 300;

function loadedTable(): InstanceType<typeof PortTable> {
  const t = new PortTable({
    portCount: 28_232 * 16_516_096,
    timeWaitSec: 60,
    twReuse: 2,
    twReuseDelaySec: 1,
    timeWaitTimerGranularitySec: 2.048,
    maxTwBuckets: 1e9,
    portProbeSec: 180e-9,
    portProbeEstablishedSec: 60e-9,
    dialSyscallSec: 15e-6,
    dialMode: DIAL_MODE.bind,
  });
  const close = { activeClose: true, lingerZero: false, dataExchanged: true };
  for (let i = 0; i < 50; i++) {
    t.allocateMany(i / 2, 0, DIAL_MODE.bind, 2000);
    t.closeMany(i / 2, 0, close, 1500);
  }
  return t;
}

function nsPerDial(round: () => number): { ns: number; sum: number } {
  let sum = 0;
  for (let w = 0; w < 3; w++) sum += round();
  const t0 = performance.now();
  for (let r = 0; r < REPS; r++) sum += round();
  return { ns: ((performance.now() - t0) * 1e6) / (REPS * DIALS), sum };
}

export function benchPortTable(): string {
  const t = loadedTable();
  const close = { activeClose: true, lingerZero: false, dataExchanged: true };
  const priced = nsPerDial(() => {
    const usable = t.usableOn(0, DIAL_MODE.bind);
    let s = 0;
    for (let i = 0; i < DIALS; i++) s += t.dialSecAt(usable - i);
    return s;
  });
  const bulk = nsPerDial(() => {
    const r = t.allocateMany(30, 0, DIAL_MODE.bind, DIALS);
    const s = t.sysCpuSecOf(r);
    t.closeMany(30, 0, close, DIALS);
    return s;
  });
  const idle = nsPerDial(() => {
    for (let i = 0; i < DIALS; i++) t.expire(30 + i * 1e-6); // the cohorts from 0-24.5 s age at 31 s
    return t.timeWaitCount;
  });
  return `port-table build=${build} dialSecAtNs=${priced.ns.toFixed(1)} bulkDialNs=${bulk.ns.toFixed(1)} expireIdleNs=${idle.ns.toFixed(1)} checksum=${(priced.sum + bulk.sum).toPrecision(17)}`;
}

process.stdout.write(`${benchPortTable()}\n`);
