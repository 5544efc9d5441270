/**
 * A corpus of malformed inputs to the command line: flags, `--set`, scenario files, sweep specs, merge
 * inputs and `report --sweep` inputs. Each case exits 2 with one `error:` line naming the field or file,
 * no stack trace, and leaves nothing behind; the few valid inputs among them run and exit 0.
 * Run in-process through main() (the same code path as the binary, without a process per case).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { listParamSpecs } from '../../lib/model/params.js';
import { runSweep } from '../../lib/sweep/runner.js';
import { loadSweepSpec } from '../../lib/sweep/spec.js';

const ROOT = join(import.meta.dirname, '../..');
const CI_SMALL = join(ROOT, 'data/sweeps/ci-small.json');
const BAD_SWEEPS = join(ROOT, 'test/fixtures/bad-sweeps');
const work = mkdtempSync(join(tmpdir(), 'fuzz-'));

interface Case {
  readonly name: string;
  /** Arguments; `@` stands for the case's own empty directory. */
  readonly argv: readonly string[];
  /** A fragment the error message must contain, or 'ok' for an input that is in fact valid. */
  readonly expect: string | 'ok';
  /** Files to create in the case's directory first (name -> content). */
  readonly files?: Readonly<Record<string, string>>;
  /** Or a directory to prepare by code. */
  readonly prepare?: (dir: string) => void;
}

async function runMain(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = (sink: (s: string) => void) => (chunk: unknown) => {
    sink(String(chunk));
    return true;
  };
  const [o, e] = [process.stdout.write, process.stderr.write];
  process.stdout.write = write((s) => (out += s)) as typeof process.stdout.write;
  process.stderr.write = write((s) => (err += s)) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

const listAll = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).sort();

let serial = 0;
function check(c: Case): void {
  it(c.name, async () => {
    const dir = join(work, `case-${++serial}`);
    mkdirSync(dir);
    for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, name), text);
    c.prepare?.(dir);
    const before = listAll(dir);
    const argv = c.argv.map((a) => a.replaceAll('@', dir));
    const r = await runMain(argv);
    if (c.expect === 'ok') {
      expect(r.code, r.err).toBe(0);
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/^error: /);
    expect(r.err).toContain(c.expect.replaceAll('@', dir));
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
    expect(r.out).toBe('');
    expect(listAll(dir)).toEqual(before);
    rmSync(dir, { recursive: true, force: true });
  });
}

const RUN = ['run', '--scenario', 'tiny-exhaustion', '--duration', '2s', '--quiet'];
const FLAGS: Case[] = [
  { name: 'run without --scenario', argv: ['run'], expect: "required option '--scenario" },
  { name: 'unknown command', argv: ['frobnicate'], expect: "unknown command 'frobnicate'" },
  { name: 'unknown option', argv: [...RUN, '--colour'], expect: "unknown option '--colour'" },
  {
    name: 'unknown scenario id',
    argv: ['run', '--scenario', 'nope'],
    expect: '--scenario: expected a scenario id',
  },
  {
    name: 'missing scenario file',
    argv: ['run', '--scenario', '@/none.json'],
    expect: '--scenario @/none.json: cannot read the file (ENOENT)',
  },
  {
    name: '--engine turbo',
    argv: [...RUN, '--engine', 'turbo'],
    expect: '--engine: expected one of des, fast',
  },
  { name: '--engine empty', argv: [...RUN, '--engine', ''], expect: '--engine: expected one of des, fast' },
  ...['0', '-5', 'abc', '5x', '1e3', '', ' ', '1.5.2s', 'Infinity', 'NaN', '5 h m'].map((d) => ({
    name: `--duration ${JSON.stringify(d)}`,
    argv: ['run', '--scenario', 'tiny-exhaustion', '--duration', d],
    expect: '--duration: expected a positive duration',
  })),
  {
    name: '--duration 31d',
    argv: ['run', '--scenario', 'tiny-exhaustion', '--duration', '31d'],
    expect: '--duration: expected a duration in (0 s, 30 d], got 2678400 s',
  },
  ...['-1', '1.5', 'abc', '4294967296', '', '0x10', '1e3'].map((s) => ({
    name: `--seed ${JSON.stringify(s)}`,
    argv: [...RUN, '--seed', s],
    expect: '--seed: expected an integer in [0, 4294967295]',
  })),
  ...['0', 'abc', '-1s', '1e-9'].map((s) => ({
    name: `--resolution ${JSON.stringify(s)}`,
    argv: [...RUN, '--resolution', s],
    expect: '--resolution: expected a positive duration',
  })),
  {
    name: '--resolution 0.000000001',
    argv: [...RUN, '--resolution', '0.000000001'],
    expect: '--resolution: expected at least 0.001 s, got 1e-9 s',
  },
  {
    name: '--resolution 0.001 over 30 d',
    argv: ['run', '--scenario', 'tiny-exhaustion', '--duration', '30d', '--resolution', '0.001'],
    expect: 'expected at most 1000000',
  },
  {
    name: 'fleet --resolution 1.5',
    argv: ['fleet', '--scenario', 'tiny-exhaustion', '--resolution', '1.5', '--quiet'],
    expect: '--resolution: expected a whole number of seconds >= 1, got 1.5',
  },
  {
    name: '--pool-size -3',
    argv: [...RUN, '--pool-size', '-3'],
    expect: 'poolSize: expected an integer in [0, 1000000], got -3',
  },
  {
    name: '--batch-size 0.5',
    argv: [...RUN, '--batch-size', '0.5'],
    expect: 'batchSize: expected an integer',
  },
  {
    name: '--concurrency-limit lots',
    argv: [...RUN, '--concurrency-limit', 'lots'],
    expect: 'concurrencyLimit: expected',
  },
  { name: '--log-rate never', argv: [...RUN, '--log-rate', 'never'], expect: 'logRate: expected' },
  {
    name: '--timeline into a missing directory',
    argv: [...RUN, '--timeline', '@/no/t.csv'],
    expect: '--timeline @/no/t.csv: cannot create the file (ENOENT)',
  },
  {
    name: '--timeline ""',
    argv: [...RUN, '--timeline', ''],
    expect: '--timeline: expected a file path, got ""',
  },
  {
    name: '--timeline " "',
    argv: [...RUN, '--timeline', ' '],
    expect: '--timeline: expected a file path, got " "',
  },
  {
    name: '--timeline a directory',
    argv: [...RUN, '--timeline', '@'],
    expect: '--timeline @: is a directory; expected a file path',
  },
  {
    name: 'fleet --timeline ""',
    argv: ['fleet', '--scenario', 'tiny-exhaustion', '--duration', '2s', '--quiet', '--timeline', ''],
    expect: '--timeline: expected a file path, got ""',
  },
  {
    name: 'report --out a directory',
    argv: ['report', '--out', '@', '--quiet'],
    expect: '--out @: is a directory; expected an HTML file path',
  },
  {
    name: 'report --out a directory with a slash',
    argv: ['report', '--out', '@/new/', '--quiet'],
    expect: '--out @/new/: is a directory; expected an HTML file path',
  },
  { name: 'sweep without --config', argv: ['sweep'], expect: "required option '--config" },
  {
    name: 'sweep --config missing',
    argv: ['sweep', '--config', '@/x.json'],
    expect: '--config @/x.json: cannot read the file',
  },
  ...['-1', '1025', 'two', '1.5', ''].map((w) => ({
    name: `sweep --workers ${JSON.stringify(w)}`,
    argv: ['sweep', '--config', CI_SMALL, '--out', '@/o', '--workers', w],
    expect: '--workers: expected an integer in [0, 1024]',
  })),
  ...['4/4', '-1/4', '1/0', 'a/b', '1', '1/100001', ''].map((s) => ({
    name: `sweep --shard ${JSON.stringify(s)}`,
    argv: ['sweep', '--config', CI_SMALL, '--out', '@/o', '--shard', s],
    expect: '--shard: expected i/n with 0 <= i < n <= 100000',
  })),
  {
    name: 'sweep --shard-count 0',
    argv: ['sweep', '--config', CI_SMALL, '--out', '@/o', '--shard-count', '0'],
    expect: '--shard-count: expected an integer in [1, 100000]',
  },
  {
    name: 'sweep --out ""',
    argv: ['sweep', '--config', CI_SMALL, '--out', ''],
    expect: '--out: expected a directory path, got ""',
  },
  {
    name: 'sweep --out "  "',
    argv: ['sweep', '--config', CI_SMALL, '--out', '  '],
    expect: '--out: expected a directory path, got "  "',
  },
  {
    name: 'sweep --out a non-empty directory',
    argv: ['sweep', '--config', CI_SMALL, '--out', '@'],
    files: { 'notes.txt': 'x' },
    expect: '--out @: the directory is not empty and holds no sweep (notes.txt)',
  },
  {
    name: 'sweep --out a file',
    argv: ['sweep', '--config', CI_SMALL, '--out', '@/f'],
    files: { f: 'x' },
    expect: '--out @/f: cannot create the directory (EEXIST)',
  },
  {
    name: 'merge without directories',
    argv: ['merge', '--out', '@/m'],
    expect: "missing required argument 'dirs'",
  },
  { name: 'merge without --out', argv: ['merge', '@'], expect: "required option '--out" },
  {
    name: 'report --workers x',
    argv: ['report', '--workers', 'x'],
    expect: '--workers: expected an integer in [0, 1024], got "x"',
  },
  {
    name: 'report --sweep ""',
    argv: ['report', '--sweep', ''],
    expect: '--sweep: expected a directory, got ""',
  },
  {
    name: 'lab --modes warp',
    argv: ['lab', '--modes', 'warp'],
    expect: '--modes: expected a comma-separated subset',
  },
  {
    name: 'calibration --seed -1',
    argv: ['calibration', '--seed', '-1'],
    expect: '--seed: expected an integer',
  },
  {
    name: 'params --scenario nope',
    argv: ['params', '--scenario', 'nope'],
    expect: '--scenario: expected a scenario id',
  },
  { name: 'valid: run 2 s with a timeline', argv: [...RUN, '--timeline', '@/t.csv', '--json'], expect: 'ok' },
  { name: 'valid: --resolution 0.5s', argv: [...RUN, '--resolution', '0.5s', '--json'], expect: 'ok' },
];

/** One value out of each parameter's range or type, through `--set`. */
function badValues(): Case[] {
  const out: Case[] = [];
  for (const [path, spec] of listParamSpecs()) {
    const bad: string[] =
      spec.kind === 'boolean'
        ? ['maybe', '1']
        : spec.kind === 'enum'
          ? ['nope', '']
          : [Number.isFinite(spec.max) ? String(spec.max * 2 + 1) : '1e999', spec.word ? 'lots' : 'abc'];
    for (const value of bad) {
      out.push({
        name: `--set ${path}=${value}`,
        argv: [...RUN, '--set', `${path}=${value}`],
        expect: `error: ${path}: expected`,
      });
    }
  }
  return out;
}

const SET: Case[] = [
  {
    name: '--set without =',
    argv: [...RUN, '--set', 'poolSize'],
    expect: '--set "poolSize": expected path=value',
  },
  { name: '--set =5', argv: [...RUN, '--set', '=5'], expect: '--set "=5": expected path=value' },
  { name: '--set unknown path', argv: [...RUN, '--set', 'bogus=1'], expect: 'bogus: unknown parameter' },
  { name: '--set __proto__', argv: [...RUN, '--set', '__proto__=1'], expect: '__proto__: unknown parameter' },
  {
    name: '--set a group, not a leaf',
    argv: [...RUN, '--set', 'kernel=1'],
    expect: 'kernel: unknown parameter',
  },
  {
    name: '--set cross-field rule',
    argv: [...RUN, '--set', 'kernel.portRangeHigh=100'],
    expect: 'kernel.portRangeHigh: expected >= kernel.portRangeLow',
  },
  {
    name: '--set poolSize=1e999',
    argv: [...RUN, '--set', 'poolSize=1e999'],
    expect: 'poolSize: expected an integer in [0, 1000000], got "1e999"',
  },
  { name: 'valid: --set poolSize=50', argv: [...RUN, '--set', 'poolSize=50', '--json'], expect: 'ok' },
  ...badValues(),
];

const deep = (n: number): string => `{"params":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`;
const SCENARIO_FILES: Array<[string, string, string]> = [
  ['not JSON', '{', 'not valid JSON'],
  ['an array', '[1]', 'expected a JSON object'],
  ['a number', '5', 'expected a JSON object'],
  ['null', 'null', 'expected a JSON object'],
  ['an unknown field', '{"colour":1}', 'unknown field "colour"'],
  ['"__proto__": 5', '{"__proto__":5}', '__proto__: "__proto__" is not allowed as a key'],
  ['"__proto__": [1]', '{"__proto__":[1]}', '__proto__: "__proto__" is not allowed as a key'],
  [
    '__proto__ in params',
    '{"params":{"__proto__":{"poolSize":1}}}',
    'params.__proto__: "__proto__" is not allowed',
  ],
  ['nested 5,000 levels', deep(5000), 'nested more than 64 levels deep'],
  ['1e999', '{"params":{"poolSize":1e999}}', 'params.poolSize: expected a finite number, got Infinity'],
  ['an unknown base', '{"base":"nope"}', 'base: expected one of'],
  ['a numeric title', '{"title":3}', 'title: expected a non-empty string'],
  ['an empty id', '{"id":""}', 'id: expected a non-empty string'],
  ['duration "soon"', '{"duration":"soon"}', 'duration: expected a positive duration'],
  ['duration 31d', '{"duration":"31d"}', 'duration: expected at most 30 d, got 2678400 s'],
  ['duration true', '{"duration":true}', 'duration: expected a duration (e.g. "2h") or seconds, got true'],
  ['duration -5', '{"duration":-5}', 'duration: expected a positive duration'],
  ['params a list', '{"params":[1]}', 'params: expected an object of parameters'],
  ['params a string', '{"params":"x"}', 'params: expected an object of parameters'],
  ['an unknown parameter', '{"params":{"bogus":1}}', 'bogus: unknown parameter'],
  [
    'a bad parameter value',
    '{"params":{"poolSize":-3}}',
    'poolSize: expected an integer in [0, 1000000], got -3',
  ],
  ['a bad nested value', '{"params":{"kernel":{"dialMode":"warp"}}}', 'kernel.dialMode: expected one of'],
  ['deploys an object', '{"deploys":{}}', 'deploys: expected an array'],
  ['a deploy not an object', '{"deploys":[1]}', 'deploys[0]: expected an object with at, label and params'],
  [
    'a deploy with an unknown field',
    '{"deploys":[{"at":"1m","label":"x","when":1}]}',
    'deploys[0]: unknown field "when"',
  ],
  ['a deploy without a label', '{"deploys":[{"at":"1m"}]}', 'deploys[0].label: expected a string'],
  [
    'a deploy at "later"',
    '{"deploys":[{"at":"later","label":"x"}]}',
    'deploys[0].at: expected a positive duration',
  ],
  ['a deploy at true', '{"deploys":[{"at":true,"label":"x"}]}', 'deploys[0].at: expected a duration'],
  [
    'a deploy beyond the duration',
    '{"base":"outage","duration":"10m","deploys":[{"at":"1h","label":"x","params":{"poolSize":5}}]}',
    "deploys[0].at: expected a time within the scenario's duration (0 s, 600 s], got 3600 s",
  ],
  [
    'a deploy with a bad parameter',
    '{"deploys":[{"at":"1m","label":"x","params":{"poolSize":-1}}]}',
    'deploys[0].params.poolSize: expected an integer',
  ],
  [
    'a deploy with an unknown parameter',
    '{"deploys":[{"at":"1m","label":"x","params":{"bogus":1}}]}',
    'deploys[0].params.bogus: unknown parameter',
  ],
  [
    'a deploy with params a list',
    '{"deploys":[{"at":"1m","label":"x","params":[1]}]}',
    'deploys[0].params: expected an object of parameters',
  ],
  [
    'a deploy of a kernel sysctl',
    '{"deploys":[{"at":"1m","label":"x","params":{"kernel.timeWaitSec":30}}]}',
    'deploys[0].params.kernel.timeWaitSec: not deployable',
  ],
  [
    'a bad deploy label',
    '{"deploys":[{"at":"1m","label":"Bad Label"}]}',
    'deploys[0].label: expected lowercase words',
  ],
];
const SCENARIOS: Case[] = [
  ...SCENARIO_FILES.map(([name, text, message]) => ({
    name: `scenario file: ${name}`,
    argv: ['run', '--scenario', '@/s.json', '--engine', 'fast', '--duration', '2s', '--quiet'],
    files: { 's.json': text },
    expect: message,
  })),
  {
    name: 'scenario file: the deploys of the des engine',
    argv: ['run', '--scenario', '@/s.json', '--duration', '2m', '--quiet'],
    files: { 's.json': '{"deploys":[{"at":"1m","label":"x","params":{"poolSize":5}}]}' },
    expect: 'deploys: the reference engine (des) runs one configuration; use --engine fast',
  },
  {
    name: 'valid: scenario file with a deploy, fast engine',
    argv: ['run', '--scenario', '@/s.json', '--engine', 'fast', '--json', '--quiet'],
    files: {
      's.json':
        '{"base":"tiny-exhaustion","duration":"20s","deploys":[{"at":"10s","label":"x","params":{"poolSize":5}}]}',
    },
    expect: 'ok',
  },
];

const SPEC = JSON.parse(readFileSync(CI_SMALL, 'utf8'));
const specCase = (name: string, spec: unknown, message: string): Case => ({
  name: `sweep spec: ${name}`,
  argv: ['sweep', '--config', '@/spec.json', '--out', '@/out'],
  files: { 'spec.json': typeof spec === 'string' ? spec : JSON.stringify(spec) },
  expect: message,
});
const SPECS: Case[] = [
  ...Object.entries(
    JSON.parse(readFileSync(join(BAD_SWEEPS, 'expected.json'), 'utf8')) as Record<string, string>,
  ).map(([file, message]) =>
    specCase(`fixture ${file}`, readFileSync(join(BAD_SWEEPS, file), 'utf8'), message),
  ),
  specCase(
    '__proto__ in params',
    '{"scenario":"outage","axes":{"poolSize":[1]},"params":{"__proto__":{"x":1}}}',
    'params.__proto__: "__proto__" is not allowed',
  ),
  specCase(
    '__proto__ as an axis',
    '{"scenario":"outage","axes":{"__proto__":[1]}}',
    'axes.__proto__: "__proto__" is not allowed',
  ),
  specCase(
    'nested 5,000 levels',
    `{"scenario":"outage","axes":{"poolSize":[1]},"params":${deep(5000)}}`,
    'nested more than 64 levels deep',
  ),
  specCase(
    '1e999 in an axis',
    '{"scenario":"outage","axes":{"poolSize":[1,1e999]}}',
    'axes.poolSize[1]: expected a finite number, got Infinity',
  ),
  specCase(
    '1e999 as the duration',
    '{"scenario":"outage","duration":1e999,"axes":{"poolSize":[1]}}',
    'duration: expected a finite number, got Infinity',
  ),
  specCase('duration 31d', { ...SPEC, duration: '31d' }, 'duration: expected at most 30 d'),
  specCase(
    'an inline scenario with __proto__',
    { ...SPEC, scenario: JSON.parse('{"__proto__":5}') },
    '"__proto__" is not allowed',
  ),
  specCase('replicates 1001', { ...SPEC, replicates: 1001 }, 'replicates: expected <= 1000, got 1001'),
  specCase('seed 2^32', { ...SPEC, seed: 2 ** 32 }, 'seed: expected <= 4294967295'),
  specCase('engine 5', { ...SPEC, engine: 5 }, 'engine: expected one of "des", "fast", got 5'),
  specCase('analysis unknown', { ...SPEC, analysis: ['magic'] }, 'analysis[0]: expected one of "recovery"'),
  specCase(
    'recovery without a stop',
    { ...SPEC, analysis: ['recovery'] },
    'analysis: "recovery" needs the trigger to stop',
  ),
  specCase(
    'refine without recovery',
    { ...SPEC, refine: { axis: 'batchSize', steps: 2 } },
    'refine: needs "analysis": ["recovery"]',
  ),
  specCase(
    'refine on a word axis',
    {
      ...SPEC,
      analysis: ['recovery'],
      params: { 'workload.triggerStopSec': 30 },
      refine: { axis: 'concurrencyLimit', steps: 2 },
    },
    'refine.axis: expected a numeric axis',
  ),
  specCase(
    'a scenario axis of unknown ids',
    { ...SPEC, scenario: undefined, axes: { scenario: ['nope'] } },
    'spec.json: scenario: expected a scenario id',
  ),
  specCase('description a number', { ...SPEC, description: 5 }, 'description: expected a string, got 5'),
];

// Merge inputs: copies of a real 2-shard sweep of ci-small, each damaged one way.
const shards: string[] = [];
beforeAll(async () => {
  const spec = loadSweepSpec(CI_SMALL);
  for (const index of [0, 1]) {
    const dir = join(work, `shard-${index}`);
    await runSweep({ spec, outDir: dir, workers: 0, shard: { index, count: 2 } });
    shards.push(dir);
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Edit = (s0: string) => void;
const editJson =
  (file: string, f: (o: Record<string, unknown>) => unknown): Edit =>
  (s0) =>
    writeFileSync(join(s0, file), JSON.stringify(f(JSON.parse(readFileSync(join(s0, file), 'utf8')))));
const editText =
  (file: string, f: (t: string) => string): Edit =>
  (s0) =>
    writeFileSync(join(s0, file), f(readFileSync(join(s0, file), 'utf8')));
const editRows = (f: (lines: string[]) => string[]): Edit =>
  editText('results.csv', (t) => `${f(t.trimEnd().split('\n')).join('\n')}\n`);
const editCell = (column: string, value: string): Edit =>
  editRows((l) => {
    const at = l[0]!.split(',').indexOf(column);
    return l.map((row, i) =>
      i === 1
        ? row
            .split(',')
            .map((c, j) => (j === at ? value : c))
            .join(',')
        : row,
    );
  });

const mergeCase = (name: string, edit: Edit, message: string, dirs = ['@/s0', '@/s1']): Case => ({
  name: `merge input: ${name}`,
  argv: ['merge', ...dirs, ...(dirs.includes('--out') ? [] : ['--out', '@/m'])],
  prepare: (dir) => {
    cpSync(shards[0]!, join(dir, 's0'), { recursive: true });
    cpSync(shards[1]!, join(dir, 's1'), { recursive: true });
    edit(join(dir, 's0'));
  },
  expect: message,
});
const MERGES: Case[] = [
  mergeCase('no manifest', (s0) => rmSync(join(s0, 'manifest.json')), '@/s0: no manifest.json'),
  mergeCase(
    'manifest not JSON',
    editText('manifest.json', () => '{'),
    '@/s0/manifest.json: not valid JSON',
  ),
  mergeCase(
    'manifest of another format',
    editJson('manifest.json', (m) => ({ ...m, format: 'x/2' })),
    'not a sweep manifest (format',
  ),
  mergeCase(
    'manifest spec hash not hex',
    editJson('manifest.json', (m) => ({ ...m, specHash: 'zz' })),
    'not a sweep manifest (specHash',
  ),
  mergeCase(
    'manifest shard count 0',
    editJson('manifest.json', (m) => ({ ...m, shard: { index: 0, count: 0 } })),
    'not a sweep manifest (shard.count',
  ),
  mergeCase(
    'manifest points -1',
    editJson('manifest.json', (m) => ({ ...m, points: -1 })),
    'not a sweep manifest (points',
  ),
  mergeCase(
    'manifest __proto__',
    editText('manifest.json', (t) => t.replace('{', '{"__proto__":1,')),
    '__proto__: "__proto__" is not allowed',
  ),
  mergeCase(
    'shard still running',
    editJson('manifest.json', (m) => ({ ...m, status: 'running' })),
    'is not complete',
  ),
  mergeCase(
    'another spec',
    editJson('manifest.json', (m) => ({ ...m, specHash: '0123456789abcdef' })),
    'differs from @/s0 (0123456789abcdef); these are not shards of one sweep',
  ),
  mergeCase(
    'another shard count',
    editJson('manifest.json', (m) => ({ ...m, shard: { index: 0, count: 3 } })),
    'results.csv: point 1, replicate 0 is not a run of shard 0/3',
  ),
  mergeCase('one shard twice', () => {}, 'are both shard 0', ['@/s0', '@/s0']),
  mergeCase('a shard missing', () => {}, 'missing shard(s) 1/2', ['@/s0']),
  mergeCase('--out is a shard', () => {}, '--out @/s0: is one of the shard directories', [
    '@/s0',
    '@/s1',
    '--out',
    '@/s0',
  ]),
  mergeCase(
    'no results.csv',
    (s0) => rmSync(join(s0, 'results.csv')),
    '@/s0/results.csv: cannot read the file (ENOENT)',
  ),
  mergeCase(
    'empty results.csv',
    editText('results.csv', () => ''),
    '@/s0/results.csv: empty file',
  ),
  mergeCase(
    'header only',
    editRows((l) => [l[0]!]),
    '16 of 16 runs missing',
  ),
  mergeCase(
    'a duplicated column',
    editRows((l) => l.map((r) => `${r.split(',')[0]},${r}`)),
    'column "point" appears twice',
  ),
  mergeCase(
    'summary columns out of order',
    editRows((l) => [l[0]!.replace('availability,downtimeSec', 'downtimeSec,availability'), ...l.slice(1)]),
    "expected the run summary's columns in order",
  ),
  mergeCase(
    'a row twice',
    editRows((l) => [...l, l[1]!]),
    'lines 2 and 18 are both point 0, replicate 0',
  ),
  mergeCase(
    'availability=abc',
    editCell('availability', 'abc'),
    'availability: expected a number or empty, got "abc"',
  ),
  mergeCase('seed=-1', editCell('seed', '-1'), 'seed: expected a non-negative integer, got "-1"'),
  mergeCase(
    'durationSec=0',
    editCell('durationSec', '0'),
    'durationSec: expected a positive number, got "0"',
  ),
  mergeCase('scenario empty', editCell('scenario', ''), 'scenario: expected a scenario id, got ""'),
  mergeCase('logRate=sometimes', editCell('logRate', 'sometimes'), 'logRate: expected'),
  mergeCase('point=x', editCell('point', 'x'), 'point: expected a non-negative integer, got "x"'),
  mergeCase(
    'oomKills=1e999',
    editCell('oomKills', '1e999'),
    'oomKills: expected a number or empty, got "1e999"',
  ),
  {
    name: 'merge input: --out holds another sweep',
    argv: ['merge', '@/s0', '@/s1', '--out', '@/m'],
    prepare: (dir) => {
      cpSync(shards[0]!, join(dir, 's0'), { recursive: true });
      cpSync(shards[1]!, join(dir, 's1'), { recursive: true });
      cpSync(shards[0]!, join(dir, 'm'), { recursive: true });
      editJson('manifest.json', (m) => ({ ...m, name: 'other', specHash: 'fedcba9876543210' }))(
        join(dir, 'm'),
      );
    },
    expect: '--out @/m: holds another sweep ("other"',
  },
  {
    name: 'merge input: --out holds other files',
    argv: ['merge', '@/s0', '@/s1', '--out', '@/m'],
    prepare: (dir) => {
      cpSync(shards[0]!, join(dir, 's0'), { recursive: true });
      cpSync(shards[1]!, join(dir, 's1'), { recursive: true });
      mkdirSync(join(dir, 'm'));
      writeFileSync(join(dir, 'm', 'notes.txt'), 'x');
    },
    expect: '--out @/m: the directory is not empty and holds no sweep (notes.txt)',
  },
  {
    name: 'valid: merge of the two shards',
    argv: ['merge', '@/s0', '@/s1', '--out', '@/m'],
    prepare: (dir) => {
      cpSync(shards[0]!, join(dir, 's0'), { recursive: true });
      cpSync(shards[1]!, join(dir, 's1'), { recursive: true });
    },
    expect: 'ok',
  },
];

// report --sweep inputs: the committed default sweep relabelled with this model's hash, then damaged.
const defaultHash = loadSweepSpec(join(ROOT, 'data/sweeps/default.json')).hash;
const reportCase = (name: string, edit: Edit, message: string): Case => ({
  name: `report --sweep: ${name}`,
  argv: ['report', '--sweep', '@/d', '--out', '@/r.html', '--quiet'],
  prepare: (dir) => {
    cpSync(join(ROOT, 'data/cache/default'), join(dir, 'd'), { recursive: true });
    editJson('manifest.json', (m) => ({ ...m, specHash: defaultHash }))(join(dir, 'd'));
    edit(join(dir, 'd'));
  },
  expect: message,
});
const REPORTS: Case[] = [
  {
    name: 'report --sweep: a missing directory',
    argv: ['report', '--sweep', '@/none', '--quiet'],
    expect: '--sweep @/none: no manifest.json',
  },
  reportCase('no manifest', (d) => rmSync(join(d, 'manifest.json')), '--sweep @/d: no manifest.json'),
  reportCase(
    'manifest not JSON',
    editText('manifest.json', () => 'nope'),
    '--sweep @/d/manifest.json: not valid JSON',
  ),
  reportCase(
    'manifest nested 5,000 levels',
    editText('manifest.json', () => deep(5000)),
    'nested more than 64 levels deep',
  ),
  reportCase(
    'another spec hash',
    editJson('manifest.json', (m) => ({ ...m, specHash: '0123456789abcdef' })),
    'results of spec hash 0123456789abcdef',
  ),
  reportCase(
    'still running',
    editJson('manifest.json', (m) => ({ ...m, status: 'running' })),
    'not a complete, merged sweep',
  ),
  reportCase(
    'one shard of two',
    editJson('manifest.json', (m) => ({ ...m, shard: { index: 0, count: 2 } })),
    'not a complete, merged sweep',
  ),
  reportCase(
    'totalRuns not points x replicates',
    editJson('manifest.json', (m) => ({ ...m, totalRuns: 700 })),
    'totalRuns 700 is not points x replicates (256 x 3)',
  ),
  reportCase(
    'no results.csv',
    (d) => rmSync(join(d, 'results.csv')),
    '--sweep @/d/results.csv: cannot read the file',
  ),
  reportCase(
    'cut to 49 rows',
    editRows((l) => l.slice(0, 50)),
    '719 of 768 runs missing',
  ),
  reportCase(
    'header only',
    editRows((l) => [l[0]!]),
    '768 of 768 runs missing',
  ),
  reportCase(
    'a row twice',
    editRows((l) => [...l.slice(0, 768), l[5]!]),
    'lines 6 and 769 are both',
  ),
  reportCase(
    'availability=abc',
    editCell('availability', 'abc'),
    'availability: expected a number or empty, got "abc"',
  ),
  reportCase('peakThreads=ten', editCell('peakThreads', 'ten'), 'peakThreads: expected a number or empty'),
  reportCase('engine=warp', editCell('engine', 'warp'), 'engine: expected one of des, fast'),
  reportCase('replicate=3', editCell('replicate', '3'), 'point 0, replicate 3 is outside the grid'),
  reportCase(
    'a ragged row',
    editRows((l) => [l[0]!, `${l[1]!},x`, ...l.slice(2)]),
    'not a valid CSV file',
  ),
  reportCase(
    'not CSV at all',
    editText('results.csv', () => '"unterminated\n'),
    'not a valid CSV file',
  ),
  reportCase(
    'another header',
    editRows((l) => [l[0]!.replace('point', 'pt'), ...l.slice(1)]),
    'expected a sweep results.csv',
  ),
  reportCase(
    'poolSize=-1',
    editCell('poolSize', '-1'),
    'poolSize: expected an integer in [0, 1000000], got "-1"',
  ),
];

const CORPUS = [...FLAGS, ...SET, ...SCENARIOS, ...SPECS, ...MERGES, ...REPORTS];

describe(`the command line on ${CORPUS.length} malformed (and a few valid) inputs`, () => {
  it('has at least 200 cases, each kind represented', () => {
    const counts = { FLAGS, SET, SCENARIOS, SPECS, MERGES, REPORTS };
    for (const [kind, cases] of Object.entries(counts)) expect(cases.length, kind).toBeGreaterThanOrEqual(18);
    expect(CORPUS.length).toBeGreaterThanOrEqual(200);
    expect(new Set(CORPUS.map((c) => c.name)).size).toBe(CORPUS.length);
  });
  for (const c of CORPUS) check(c);
  it('leaves nothing in the work directory but the shards', () => {
    expect(existsSync(work) && readdirSync(work).sort()).toEqual(['shard-0', 'shard-1']);
  });
});
