import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.js';
import { loadSummaryTable } from '../../lib/sweep/aggregate.js';
import { mergeSweeps } from '../../lib/sweep/merge.js';
import { runSweep } from '../../lib/sweep/runner.js';
import { loadSweepSpec, parseSweepSpec } from '../../lib/sweep/spec.js';

const ROOT = join(import.meta.dirname, '../..');
const CI_SMALL = join(ROOT, 'data/sweeps/ci-small.json');
const spec = loadSweepSpec(CI_SMALL);
const tmp = (): string => mkdtempSync(join(tmpdir(), 'sweep-'));
const results = (dir: string): string => readFileSync(join(dir, 'results.csv'), 'utf8');

describe('runSweep on data/sweeps/ci-small.json', () => {
  const single = join(tmp(), 'w0');
  const reference = runSweep({ spec, outDir: single, workers: 0 });

  it('writes one row per run, the four axes and the run --json fields', async () => {
    const report = await reference;
    expect(report).toMatchObject({ totalRuns: 32, shardRuns: 32, ran: 32, skipped: 0, failed: 0 });
    const lines = results(single).trim().split('\n');
    expect(lines).toHaveLength(33);
    expect(lines[0]).toBe(
      'point,replicate,batchSize,concurrencyLimit,poolSize,logRate,scenario,engine,seed,durationSec,availability,downtimeSec,dialErrors,peakTimeWait,firstPortExhaustionSec,peakThreads,oomKills,restarts,peakRssBytes,maxGcPauseMs,logLinesAttempted,logLinesWritten,p99LatencyMs,recoverySec,cpuMutatorSec,cpuGcSec,cpuKernelSec,error',
    );
    const manifest = JSON.parse(readFileSync(join(single, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ status: 'complete', completed: 32, failed: 0, specHash: spec.hash });
    const summary = loadSummaryTable(single);
    // 16 points x 17 metrics (the run summary's numeric fields, the host's CPU by kind among them).
    expect(summary.numRows()).toBe(16 * 17);
    expect(summary.columnNames()).toContain('ciHigh');
  });

  it('gives the same bytes with 1 and 2 worker threads', async () => {
    await reference;
    for (const workers of [1, 2]) {
      const dir = join(tmp(), `w${workers}`);
      await runSweep({ spec, outDir: dir, workers });
      expect(results(dir)).toBe(results(single));
      expect(readFileSync(join(dir, 'summary.csv'), 'utf8')).toBe(
        readFileSync(join(single, 'summary.csv'), 'utf8'),
      );
    }
  });

  it('gives the same bytes from 3 shards merged', async () => {
    await reference;
    const base = tmp();
    const dirs = [0, 1, 2].map((index) => join(base, `shard-${index}`));
    // Shards finish in any order; merge sorts.
    for (const index of [2, 0, 1]) {
      await runSweep({ spec, outDir: dirs[index]!, workers: 0, shard: { index, count: 3 } });
    }
    const merged = join(base, 'merged');
    const report = mergeSweeps([dirs[1]!, dirs[0]!, dirs[2]!], merged);
    expect(report).toMatchObject({ shards: 3, runs: 32, failed: 0 });
    expect(results(merged)).toBe(results(single));
    expect(() => mergeSweeps([dirs[0]!, dirs[1]!], join(base, 'm2'))).toThrow('missing shard(s) 2/3');
    expect(() => mergeSweeps([dirs[0]!, dirs[0]!, dirs[1]!], join(base, 'm3'))).toThrow('are both shard 0');
  });

  it('merge refuses shards of another spec', async () => {
    await reference;
    const other = parseSweepSpec({ ...(spec.source as object), replicates: 1 });
    const base = tmp();
    await runSweep({ spec, outDir: join(base, 'a'), workers: 0, shard: { index: 0, count: 2 } });
    await runSweep({ spec: other, outDir: join(base, 'b'), workers: 0, shard: { index: 1, count: 2 } });
    expect(() => mergeSweeps([join(base, 'a'), join(base, 'b')], join(base, 'm'))).toThrow(
      /spec hash .* differs/,
    );
  });

  it('refuses to overwrite a sweep without --resume, and to resume another spec', async () => {
    await reference;
    await expect(runSweep({ spec, outDir: single, workers: 0 })).rejects.toThrow(
      'set `resume` to continue it',
    );
    const other = parseSweepSpec({ ...(spec.source as object), replicates: 1 });
    await expect(runSweep({ spec: other, outDir: single, workers: 0, resume: true })).rejects.toThrow(
      InputError,
    );
    const again = await runSweep({ spec, outDir: single, workers: 0, resume: true });
    expect(again).toMatchObject({ ran: 0, skipped: 32 });
    expect(results(single)).toBe(await reference.then(() => results(single)));
  });

  it('records a run that throws and goes on; the CLI exits 1 saying how many failed', async () => {
    const dir = tmp();
    const config = join(dir, 'failing.json');
    // kernel.portRangeHigh 39000 is below the tiny scenario's low end (40000): those runs fail validation.
    writeFileSync(
      config,
      JSON.stringify({
        name: 'failing',
        scenario: 'tiny-exhaustion',
        duration: '20s',
        axes: { batchSize: [100, 300], 'kernel.portRangeHigh': [40_199, 39_000] },
      }),
    );
    const out = join(dir, 'out');
    const { code, stderr } = await cli(['sweep', '--config', config, '--out', out, '--workers', '1']);
    expect(code).toBe(1);
    expect(stderr).toContain('2 of 4 runs failed');
    const rows = results(out).trim().split('\n').slice(1);
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r.includes('expected >= kernel.portRangeLow'))).toHaveLength(2);
    expect(results(out).split('\n')[0]).toContain(',kernel.portRangeHigh,');
  });
});

describe('an interrupted sweep', () => {
  it('resumes after SIGKILL and gives the same bytes as an uninterrupted run', async () => {
    const reference = join(tmp(), 'ref');
    await runSweep({ spec, outDir: reference, workers: 0 });
    const out = join(tmp(), 'killed');
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin/outage-lab.js'),
        'sweep',
        '--config',
        CI_SMALL,
        '--out',
        out,
        '--workers',
        '1',
        '--quiet',
      ],
      {
        env: { ...process.env, OUTAGE_LAB_FROM_SOURCE: '1' },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const runsDir = join(out, 'runs');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const done = existsSync(runsDir) ? readdirSync(runsDir).filter((f) => f.endsWith('.json')).length : 0;
      if (done >= 6) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const finished = readdirSync(runsDir).filter((f) => /^\d+\.json$/.test(f)).length;
    expect(finished).toBeGreaterThanOrEqual(6);
    expect(finished).toBeLessThan(32);
    expect(existsSync(join(out, 'results.csv'))).toBe(false);
    const { code } = await cli(['sweep', '--config', CI_SMALL, '--out', out, '--resume', '--workers', '2']);
    expect(code).toBe(0);
    expect(results(out)).toBe(results(reference));
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ status: 'complete', completed: 32 });
  });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/outage-lab.js'), ...args], {
      env: { ...process.env, OUTAGE_LAB_FROM_SOURCE: '1', CI: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('a sweep over scenarios', () => {
  it("fills each row's axes from its scenario and runs it", async () => {
    const fixes = parseSweepSpec({
      name: 'fixes-small',
      axes: { scenario: ['tiny-exhaustion', 'baseline'] },
      duration: '5s',
      commonRandomNumbers: true,
    });
    const dir = tmp();
    await runSweep({ spec: fixes, outDir: dir, workers: 0 });
    const [header, ...rows] = results(dir).trim().split('\n');
    const cols = header!.split(',');
    const at = (row: string, c: string) => row.split(',')[cols.indexOf(c)];
    expect(rows.map((r) => at(r, 'scenario'))).toEqual(['tiny-exhaustion', 'baseline']);
    // poolSize is 20 in the tiny scenario, 1000 by default.
    expect(rows.map((r) => at(r, 'poolSize'))).toEqual(['20', '1000']);
    expect(cols).not.toContain('scenario.1');
    expect(cols.filter((c) => c === 'scenario')).toHaveLength(1);
  });
});
