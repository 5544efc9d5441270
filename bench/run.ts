/**
 * Benchmarks: `npm run bench -- NAME [options]`. Each prints its figures last, as one line
 * `NAME key=value ...`. Not part of the tests: timings depend on the machine.
 */
import { arch, cpus, platform, totalmem } from 'node:os';
import { benchDes } from './des.js';
import { benchEngines } from './engines.js';
import { benchFleet } from './fleet.js';
import { benchMmc } from './mmc.js';
import { benchRegimes } from './regimes.js';
import { benchSweep } from './sweep.js';
import { benchValidate } from './validate.js';

const BENCHES: Record<string, (args: string[]) => Promise<string> | string> = {
  mmc: benchMmc,
  des: benchDes,
  validate: benchValidate,
  engines: benchEngines,
  sweep: benchSweep,
  regimes: benchRegimes,
  fleet: benchFleet,
};

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || !(name in BENCHES)) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}>\n`);
    return 2;
  }
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  process.stderr.write(
    `machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()}-${arch()}, node ${process.version}\n`,
  );
  const line = await BENCHES[name]!(rest);
  process.stdout.write(`${line}\n`);
  return 0;
}

process.exitCode = await main();
