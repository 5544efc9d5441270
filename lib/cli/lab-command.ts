/**
 * `outage-lab lab`: the labs on the real kernel and a real Go program, each beside the model (or JSON).
 * Parts:
 * - `dial-modes`: the port model's behaviour (TIME_WAIT, errors, recovery) in each dial mode;
 * - `go`: the Go lab (lab/go): threads, CPU, GC and logging of a real Go program beside the model.
 */
import { LAB_MODES, type LabConfig, type LabMode } from '../lab/experiment.js';
import { DEFAULT_GO_LAB, GO_EXPERIMENTS, GO_FIGURES, type GoExperiment } from '../lab/go-experiments.js';
import { type GoLabReport, runGoLab } from '../lab/go-lab.js';
import { runKernelExperiment } from '../lab/kernel-driver.js';
import { type LabReport, runKernelLab } from '../lab/kernel-lab.js';
import { InputError } from '../model/resolve-params.js';
import { PartialFailure } from './errors.js';
import { table } from './format.js';

export const LAB_PARTS = ['dial-modes', 'go'] as const;
export type LabPart = (typeof LAB_PARTS)[number];

function parseList<T extends string>(flag: string, text: string, allowed: readonly T[]): T[] {
  const items = text.split(',').map((p) => p.trim());
  for (const p of items) {
    if (!(allowed as readonly string[]).includes(p)) {
      throw new InputError(`${flag}: expected a comma-separated subset of ${allowed.join(', ')}, got "${p}"`);
    }
  }
  return allowed.filter((p) => items.includes(p));
}

export function parseParts(text: string): LabPart[] {
  return parseList('--parts', text, LAB_PARTS);
}

function parseOutageSec(text: string | undefined): number {
  if (text === undefined) return DEFAULT_GO_LAB.outageSec;
  const n = Number(text);
  if (!(Number.isFinite(n) && n >= 5 && n <= 600))
    throw new InputError(`--go-outage-sec: expected seconds in [5, 600], got "${text}"`);
  return n;
}

const show = (x: number | null | undefined) => (x === null || x === undefined ? '-' : String(x));

function printDialModes(report: LabReport): void {
  const rows = [['mode', 'figure', 'kernel', 'model', 'within 5%']];
  for (const r of report.results) {
    for (const k of ['peakTimeWait', 'dialFailures', 'recoverySec'] as const) {
      rows.push([r.mode, k, show(r.kernel[k]), show(r.model[k]), r.within[k] ? 'yes' : 'NO']);
    }
  }
  process.stdout.write(
    `dial modes: kernel ${report.kernelRelease}, ports ${report.config.portLow}-${report.config.portHigh}, batch ${report.config.batch}, pool ${report.config.pool}\n`,
  );
  process.stdout.write(`${table(rows)}\n\n`);
}

function printGo(report: GoLabReport): void {
  process.stdout.write(
    `go: ${report.goVersion}, ${report.cores} cores, ${report.wallSec} s; threads and CPU within 15%, counts 10% or ${report.tolerance.countFloor}, times 5% or ${report.tolerance.timeFloorSec} s\n`,
  );
  const rows = [['experiment', 'setting', 'figure', 'lab', 'model', 'within']];
  for (const o of report.objects) {
    for (const k of GO_FIGURES) {
      if (!(k in o.lab)) continue;
      const check = o.checks[k];
      rows.push([
        o.experiment,
        o.setting,
        k,
        show(o.lab[k]),
        show(o.model[k]),
        check === undefined ? '-' : check ? 'yes' : 'NO',
      ]);
    }
    for (const [k, v] of Object.entries(o.checks))
      if (!(GO_FIGURES as readonly string[]).includes(k))
        rows.push([o.experiment, o.setting, k, '', '', v ? 'yes' : 'NO']);
  }
  process.stdout.write(`${table(rows)}\n`);
}

export async function labCommand(opts: {
  json?: boolean;
  modes: string;
  parts: string;
  goExperiments?: string;
  goOutageSec?: string;
}): Promise<void> {
  const parts = parseParts(opts.parts);
  const modes = parseList('--modes', opts.modes, LAB_MODES) as LabMode[];
  const experiments = parseList<GoExperiment>(
    '--go-experiments',
    opts.goExperiments ?? GO_EXPERIMENTS.join(','),
    GO_EXPERIMENTS,
  );
  const outageSec = parseOutageSec(opts.goOutageSec);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const dialModes = parts.includes('dial-modes') ? await runKernelLab(modes, undefined, log) : null;
  const go = parts.includes('go') ? await runGoLab({ experiments, outageSec }, log) : null;
  const allWithin = (dialModes?.allWithin ?? true) && (go?.allAgree ?? true);
  if (opts.json) {
    const { objects, ...goLab } = go ?? { objects: null };
    const out = {
      parts,
      ...(dialModes && { dialModes }),
      ...(go && { go: objects, goLab }),
      allWithin,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    if (dialModes) printDialModes(dialModes);
    if (go) printGo(go);
  }
  if (!allWithin) {
    const outside = [
      ...(dialModes && !dialModes.allWithin ? ['dial-modes'] : []),
      ...(go ? go.objects.filter((o) => !o.agrees).map((o) => `go ${o.experiment} (${o.setting})`) : []),
    ];
    throw new PartialFailure(`lab: outside the tolerances: ${outside.join(', ')}`);
  }
}

export async function labDriverCommand(opts: { config: string }): Promise<void> {
  const config = JSON.parse(opts.config) as LabConfig;
  const observation = await runKernelExperiment(config);
  process.stdout.write(`${JSON.stringify(observation)}\n`);
}
