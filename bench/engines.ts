/**
 * `npm run bench -- engines`: both engines on the same scenario and window (simulated seconds per wall
 * second, and the ratio), then the aggregate engine on 8 simulated hours (target <= 2 s on one core,
 * peak memory <= 300 MB). Runs the compiled library in dist/ (built by `npm run bench`), as the CLI does.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type RunModule = typeof import('../lib/run/run-scenario.js');
type ScenarioModule = typeof import('../lib/scenario/scenarios.js');

async function load(): Promise<{ run: RunModule; scenarios: ScenarioModule; build: string }> {
  const dist = fileURLToPath(new URL('../dist/run/run-scenario.js', import.meta.url));
  if (existsSync(dist)) {
    return {
      run: (await import('../dist/run/run-scenario.js' as string)) as RunModule,
      scenarios: (await import('../dist/scenario/scenarios.js' as string)) as ScenarioModule,
      build: 'dist',
    };
  }
  return {
    run: await import('../lib/run/run-scenario.js'),
    scenarios: await import('../lib/scenario/scenarios.js'),
    build: 'source (tsx)',
  };
}

export async function benchEngines(args: string[]): Promise<string> {
  const { run, scenarios, build } = await load();
  const scenario = scenarios.findScenario(args[0] ?? 'outage')!;
  const windowSec = Number(args[1] ?? 600);
  const time = (engine: 'des' | 'fast', durationSec: number) => {
    const t0 = performance.now();
    const r = run.runScenario({ scenario, engine, seed: 1, durationSec });
    return { wallSec: (performance.now() - t0) / 1000, summary: r.summary };
  };
  time('fast', 60); // warm up
  const des = time('des', windowSec);
  const fast = time('fast', windowSec);
  const desRate = windowSec / des.wallSec;
  const fastRate = windowSec / fast.wallSec;
  process.stderr.write(`build: ${build}\n`);
  process.stderr.write(
    `des  ${windowSec} s in ${des.wallSec.toFixed(2)} s: ${desRate.toFixed(0)} sim s per wall s\n`,
  );
  process.stderr.write(
    `fast ${windowSec} s in ${fast.wallSec.toFixed(3)} s: ${fastRate.toFixed(0)} sim s per wall s\n`,
  );
  const eight: number[] = [];
  for (let i = 0; i < 3; i++) eight.push(time('fast', 8 * 3600).wallSec);
  eight.sort((a, b) => a - b);
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  process.stderr.write(
    `fast 8 h: ${eight.map((s) => s.toFixed(2)).join(', ')} s (median ${eight[1]!.toFixed(2)} s)\n`,
  );
  // The "done when" command, as a user runs it: a fresh process each time (start-up, profile, cold JIT).
  const cli: number[] = [];
  const bin = fileURLToPath(new URL('../bin/outage-lab.js', import.meta.url));
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    execFileSync(
      process.execPath,
      [bin, 'run', '--scenario', 'outage', '--engine', 'fast', '--duration', '8h', '--json'],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    cli.push((performance.now() - t0) / 1000);
  }
  cli.sort((a, b) => a - b);
  process.stderr.write(
    `CLI run --scenario outage --engine fast --duration 8h --json: ${cli.map((s) => s.toFixed(2)).join(', ')} s\n`,
  );
  return `engines scenario=${scenario.id} build=${build.split(' ')[0]} windowSec=${windowSec} desSimSecPerWallSec=${desRate.toFixed(0)} fastSimSecPerWallSec=${fastRate.toFixed(0)} ratio=${(fastRate / desRate).toFixed(0)} fast8hWallSec=${eight[1]!.toFixed(2)} cli8hWallSec=${cli[1]!.toFixed(2)} target8h=2 met=${cli[1]! <= 2} rssMiB=${rssMiB.toFixed(0)}`;
}
