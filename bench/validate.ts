/**
 * `npm run bench -- validate [durationSec] [seeds]`: the full validation table of the aggregate engine
 * against the reference engine (lib/validate/engines.ts), points split over two processes.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { comparePoint, type PointAgreement, VALIDATION_POINTS } from '../lib/validate/engines.js';

const SELF = fileURLToPath(import.meta.url);

function fmt(x: number | null, digits = 0): string {
  if (x === null) return '-';
  return Math.abs(x) >= 1e4 ? x.toExponential(3) : x.toFixed(digits);
}

export async function benchValidate(args: string[]): Promise<string> {
  const durationSec = Number(args[0] ?? 300);
  const seeds = Array.from({ length: Number(args[1] ?? 3) }, (_, i) => i + 1);
  const parts = 2;
  const t0 = performance.now();
  const results = (
    await Promise.all(
      Array.from({ length: parts }, (_, part) => {
        return new Promise<PointAgreement[]>((resolve, reject) => {
          const child = fork(SELF, ['--part', `${part}/${parts}`, String(durationSec), seeds.join(',')], {
            stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
          });
          child.on('message', (m) => resolve(m as PointAgreement[]));
          child.on('exit', (code) =>
            code === 0 ? undefined : reject(new Error(`part ${part} exited ${code}`)),
          );
        });
      }),
    )
  )
    .flat()
    .sort(
      (a, b) =>
        VALIDATION_POINTS.findIndex((p) => p.id === a.point) -
        VALIDATION_POINTS.findIndex((p) => p.id === b.point),
    );
  const lines = [
    '| point | metric | des (mean) | fast (mean) | rel. diff | 2 SE | agrees |',
    '|---|---|---:|---:|---:|---:|---|',
  ];
  let agree = 0;
  let total = 0;
  for (const r of results) {
    for (const m of r.metrics) {
      total++;
      if (m.within) agree++;
      const digits = m.metric === 'availability' ? 4 : m.metric === 'p99LatencyMs' ? 3 : 1;
      lines.push(
        `| ${r.point} | ${m.metric} | ${fmt(m.des, digits)} | ${fmt(m.fast, digits)} | ${m.relDiff === null ? '-' : `${(100 * m.relDiff).toFixed(1)}%`} | ${fmt(2 * m.stdErr, digits)} | ${m.within ? 'yes' : 'NO'} |`,
      );
    }
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  const wall = (performance.now() - t0) / 1000;
  return `validate points=${results.length} seeds=${seeds.length} durationSec=${durationSec} agree=${agree}/${total} wallSec=${wall.toFixed(0)}`;
}

// Child mode: compute one share of the points and send them back.
const partArg = process.argv.indexOf('--part');
if (partArg >= 0) {
  const [part, parts] = process.argv[partArg + 1]!.split('/').map(Number) as [number, number];
  const durationSec = Number(process.argv[partArg + 2]);
  const seeds = process.argv[partArg + 3]!.split(',').map(Number);
  const mine = VALIDATION_POINTS.filter((_, i) => i % parts === part);
  const out: PointAgreement[] = [];
  for (const point of mine) {
    out.push(comparePoint(point, seeds, durationSec));
    process.stderr.write(`validated ${point.id}\n`);
  }
  process.send!(out, () => process.exit(0));
}
