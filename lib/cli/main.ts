/**
 * `outage-lab`: the command line. Exit codes: 0 ok, 2 bad input (the message names the field and what was
 * expected), 1 internal error. No stack traces unless OUTAGE_LAB_DEBUG=1.
 */
import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../errors.js';
import { paramsCommand, runCommand, scenariosCommand } from './commands.js';
import { PartialFailure } from './errors.js';
import { cliMessage } from './flags.js';

/** Commands load their modules when they run: `outage-lab run` does not pay for sweeps, reports or the lab. */
export function buildProgram(): Command {
  const program = new Command('outage-lab')
    .description(
      'Simulate the April 2026 Bluesky data-plane outage: ports, TIME_WAIT, goroutines, Ms, GC, OOM.',
    )
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('scenarios')
    .description('list scenario ids with one-line descriptions')
    .option('--json', 'print JSON')
    .action((opts) => scenariosCommand(opts));

  program
    .command('params')
    .description('print the resolved parameters with units, bounds and sources')
    .option('--json', 'print JSON')
    .option('--scenario <id|file.json>', 'resolve a scenario instead of the defaults')
    .action((opts) => paramsCommand(opts));

  program
    .command('run')
    .description('run one scenario and print its summary')
    .requiredOption(
      '--scenario <id|file.json>',
      'scenario id (see `outage-lab scenarios`) or a JSON scenario file',
    )
    .addOption(
      new Option(
        '--engine <engine>',
        'des (request-level reference) or fast (aggregate: long windows, sweeps)',
      ).default('des'),
    )
    .option('--duration <d>', 'simulated time: 600, 90s, 15m, 2h, 1d (default: the scenario)')
    .option('--seed <n>', 'random seed (integer)', '1')
    .option('--batch-size <n>', 'URIs per big batch of the new client (axis batchSize)')
    .option('--concurrency-limit <n|unbounded>', 'GetPostRecord errgroup limit (axis concurrencyLimit)')
    .option('--pool-size <n>', 'memcached MaxIdleConns (axis poolSize)')
    .option('--log-rate <n|unlimited>', 'max error log lines/s per process (axis logRate)')
    .option(
      '--set <path=value...>',
      'override any parameter, e.g. --set kernel.dialMode=connect',
      collect,
      [],
    )
    .option('--timeline <file.csv>', 'write the per-interval timeline as CSV')
    .option('--resolution <d>', 'timeline interval (default 1s)')
    .option('--json', 'print the summary as one JSON object')
    .option('--quiet', 'no progress output')
    .action(async (opts) => runCommand(opts));

  program
    .command('fleet')
    .description(
      'both data centers as coupled hosts behind the AppView (every host, or a slice: fleet.representativeHosts; fast engine) and their users: per-DC and overall user availability',
    )
    .requiredOption(
      '--scenario <id|file.json>',
      'scenario id (see `outage-lab scenarios`) or a JSON scenario file',
    )
    .option('--duration <d>', 'simulated time: 600, 90s, 15m, 2h, 1d (default: the scenario)')
    .option('--seed <n>', 'random seed (integer)', '1')
    .option(
      '--set <path=value...>',
      'override any parameter, e.g. --set fleet.representativeHosts=4',
      collect,
      [],
    )
    .option('--timeline <file.csv>', 'write the fleet timeline (per DC, per interval) as CSV')
    .option('--resolution <d>', 'timeline interval (default 60s)')
    .option('--json', 'print the summary as one JSON object')
    .option('--quiet', 'no progress output')
    .action(async (opts) => (await import('./fleet-command.js')).fleetCommand(opts));

  program
    .command('calibration')
    .description(
      "check the post-mortem's observations O1-O10 and size targets (data/expectations.json) against the outage week, run as a coupled fleet; exit 1 when a check fails",
    )
    .option('--seed <n>', 'random seed (integer; default 1)')
    .option('--seeds <list>', 'several seeds, e.g. 1-5 or 1,3,7 (each check must pass on every one)')
    .option('--set <path=value...>', 'override any parameter, e.g. --set appview.balancingPolicy=random')
    .option('--json', 'print the results as JSON')
    .option('--quiet', 'no progress output')
    .option(
      '--fresh',
      "run the weeks even where the report's stored results match (data/cache/week.json, seeds.json)",
    )
    .action(async (opts) => (await import('./calibration-command.js')).calibrationCommand(opts));

  program
    .command('ablation')
    .description(
      "the affected data center's Monday without a fix, with every mechanism on and with each switched off in turn: what is left of the outage",
    )
    .option('--seed <n>', 'random seed (integer; default 1)')
    .option('--only <ids...>', 'run only these variants (ids as in the JSON output)')
    .option('--workers <n>', 'worker threads (default 2)')
    .option('--json', 'print the results as JSON')
    .option('--quiet', 'no progress output')
    .action(async (opts) => (await import('./ablation-command.js')).ablationCommand(opts));

  program
    .command('sensitivity')
    .description(
      "the affected data center's Monday without a fix with each assumption at each end of its stated range, one at a time: how far Monday's verdicts rest on them",
    )
    .option('--seed <n>', 'random seed (integer; default 1)')
    .option('--only <paths...>', 'only these parameters (paths as `outage-lab params` prints them)')
    .option('--workers <n>', 'worker threads (default 2)')
    .option('--json', 'print the results as JSON')
    .option('--quiet', 'no progress output')
    .action(async (opts) => (await import('./sensitivity-command.js')).sensitivityCommand(opts));

  program
    .command('validate')
    .description(
      'the fast engine against the reference engine on the validation set: every metric within 5% of the reference mean; exit 1 when one is outside',
    )
    .option('--points <ids>', 'comma-separated validation points (default: all; ids as in the table)')
    .option('--seeds <n>', 'seeds 1..n per point (default 6; at least 24 where OOM kills happen)')
    .option('--duration <d>', "simulated time of every run, e.g. 90s, 5m (default: each point's own)")
    .option('--workers <n>', 'worker threads (default 2)')
    .option('--json', 'print the results as JSON')
    .option('--quiet', 'no progress output')
    .action(async (opts) => (await import('./validate-command.js')).validateCommand(opts));

  program
    .command('sweep')
    .description('run a parameter sweep (spec: data/sweeps/*.json) in parallel; shardable, resumable')
    .requiredOption('--config <file.json>', 'sweep spec, e.g. data/sweeps/ci-small.json')
    .option('--workers <n>', 'worker threads (default: all cores; 0 runs in the main thread)')
    .option(
      '--shard <i/n>',
      'run only shard i of n (0-based); default from JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID/COUNT or AWS_BATCH_JOB_ARRAY_INDEX/SIZE',
    )
    .option('--shard-count <n>', 'number of shards when only an index variable is set (Kubernetes)')
    .option('--out <dir>', 'output directory (default: data/runs/<name>)')
    .option('--resume', 'continue an interrupted sweep in --out, skipping finished runs')
    .option('--quiet', 'no progress output')
    .action(async (opts) => (await import('./sweep-command.js')).sweepCommand(opts));

  program
    .command('merge')
    .description('merge the shards of one sweep into one results.csv (the same bytes as an unsharded run)')
    .argument('<dirs...>', 'shard output directories')
    .requiredOption('--out <dir>', 'output directory')
    .action(async (dirs, opts) => (await import('./sweep-command.js')).mergeCommand(dirs, opts));

  program
    .command('report')
    .description('write the HTML post-mortem (runs or reuses the sweeps it needs)')
    .option('--sweep <dir>', 'results of data/sweeps/default.json to use (e.g. merged shards)')
    .option('--out <file>', 'output file', 'reports/postmortem.html')
    .option('--workers <n>', 'worker threads for sweeps that must run (default: all cores)')
    .option('--update-cache', 'copy the sweeps used into data/cache/ (the committed results)')
    .option('--quiet', 'no progress output')
    .action(async (opts) => (await import('./report-command.js')).reportCommand(opts));

  program
    .command('lab')
    .description(
      'the labs beside the model: port behaviour and the kernel cost per dial on real Linux sockets, and a real Go program (Linux, root)',
    )
    .option('--json', 'print JSON')
    .option(
      '--parts <list>',
      'labs to run, comma-separated: dial-modes (port behaviour), search-cost (kernel cost per dial against occupancy), go (a real Go program: threads, CPU, GC, logging)',
      'dial-modes,search-cost,go',
    )
    .option(
      '--modes <list>',
      'dial modes of the dial-modes part, comma-separated: connect,bind,random',
      'connect,bind,random',
    )
    .option(
      '--go-experiments <list>',
      'Go experiments, comma-separated: failing-dial-threads,logging-threads,failing-dial-cpu,gc,gc-dials,unit-costs,scaled-outage (default: all)',
    )
    .option('--go-outage-sec <s>', 'length of each scaled-outage run, in seconds (default 30)')
    .option(
      '--search-cost-attempts <n>',
      "kernel cost lab: measure again when a step misses, comparing each step's lowest, up to n measurements (default 3)",
    )
    .action(async (opts) => (await import('./lab-command.js')).labCommand(opts));

  program
    .command('lab-driver', { hidden: true })
    .requiredOption('--config <json>', 'experiment configuration')
    .action(async (opts) => (await import('./lab-command.js')).labDriverCommand(opts));

  return program;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `outage-lab ... | head`: a closed pipe ends the output quietly, as for any Unix tool. */
function onStreamError(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
}

/**
 * Installs the closed-pipe handler on stdout and stderr once per process: main() may run many times in
 * one process (tests, embedding), and each call must not add listeners of its own.
 */
function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (!stream.listeners('error').includes(onStreamError)) stream.on('error', onStreamError);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage errors (already printed by commander) exit 2.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof PartialFailure) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof InputError) {
      process.stderr.write(`error: ${cliMessage(e)}\n`);
      return 2;
    }
    if (process.env['OUTAGE_LAB_DEBUG'] === '1') process.stderr.write(`${(e as Error).stack}\n`);
    process.stderr.write(`internal error: ${(e as Error).message ?? String(e)}\n`);
    return 1;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) process.exitCode = await main(process.argv.slice(2));
