/**
 * `outage-lab lab`: the labs on the real kernel and a real Go program, each beside the model (or JSON).
 * Parts:
 * - `dial-modes`: the port model's behaviour (TIME_WAIT, errors, recovery) in each dial mode;
 * - `search-cost`: the kernel's cost per dial against port-range occupancy, and the model's fit;
 * - `go`: the Go lab (lab/go): threads, CPU, GC and logging of a real Go program beside the model.
 */
import { InputError } from '../errors.js';
import { LAB_MODES, type LabConfig, type LabMode } from '../lab/experiment.js';
import { DEFAULT_GO_LAB, GO_EXPERIMENTS, GO_FIGURES, type GoExperiment } from '../lab/go-experiments.js';
import { type GoLabReport, runGoLab } from '../lab/go-lab.js';
import { runKernelExperiment } from '../lab/kernel-driver.js';
import { type LabReport, runKernelLab } from '../lab/kernel-lab.js';
import { describeMachine, readMachine } from '../lab/machine.js';
import type { SearchCostReport } from '../lab/search-cost-fit.js';
import { runSearchCostLab } from '../lab/search-cost-lab.js';
import { PartialFailure } from './errors.js';
import { table } from './format.js';

export const LAB_PARTS = ['dial-modes', 'search-cost', 'go'] as const;
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

/** Measurements of the kernel cost lab at most (a run that misses a step is measured again). */
export const DEFAULT_SEARCH_COST_ATTEMPTS = 3;

function parseAttempts(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SEARCH_COST_ATTEMPTS;
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= 1 && n <= 10))
    throw new InputError(`--search-cost-attempts: expected an integer in [1, 10], got "${text}"`);
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

const us = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

function printSearchCost(report: SearchCostReport): void {
  process.stdout.write(
    `search cost: ${report.portCount} ports; ${report.figure} in us, kernel percentiles beside the model (fitted; defaults); within ${report.tolerance * 100}%\n`,
  );
  const rows = [
    [
      'mode',
      'occupants',
      'occupancy',
      'held',
      'ok',
      'failed',
      'p10',
      'p50',
      'p90',
      'p99',
      'wall p50',
      'examined',
      'model',
      'expected',
      'defaults',
      'CPU of',
      'within',
    ],
  ];
  for (const r of report.rows) {
    const q = r.kernel.cpuUs;
    rows.push([
      r.mode,
      r.state,
      `${r.targetPercent}%`,
      String(r.held),
      String(r.ok),
      String(r.failed),
      us(q.p10),
      us(q.p50),
      us(q.p90),
      us(q.p99),
      us(r.kernel.wallUs.p50),
      r.examined.layout === null ? String(Math.round(r.examined.expected)) : `${r.examined.layout} (layout)`,
      us(r.model.cpuUs),
      us(r.model.expectedUs),
      us(r.model.defaultsUs),
      r.kernel.allDials ? 'all dials' : 'undisturbed',
      r.within ? 'yes' : 'NO',
    ]);
  }
  process.stdout.write(`${table(rows)}\n`);
  const f = report.fitted;
  const d = report.defaults;
  const ns = (x: number) => `${(x * 1e9).toFixed(0)} ns`;
  process.stdout.write(
    `${[
      `fitted (defaults): dialSyscallSec ${(f.dialSyscallSec * 1e6).toFixed(1)} us (${(d.dialSyscallSec * 1e6).toFixed(1)} us)`,
      `portProbeSec ${ns(f.portProbeSec)} (${ns(d.portProbeSec)})`,
      `portProbeEstablishedSec ${ns(f.portProbeEstablishedSec)} (${ns(d.portProbeEstablishedSec)})`,
      `connectPortProbeSec ${ns(f.connectPortProbeSec)} (${ns(d.connectPortProbeSec)})`,
      `connectPortProbeEstablishedSec ${ns(f.connectPortProbeEstablishedSec)} (${ns(d.connectPortProbeEstablishedSec)})`,
      `dialSysCpuFraction ${f.dialSysCpuFraction.toFixed(3)} (${d.dialSysCpuFraction})`,
    ].join(', ')}\n`,
  );
  for (const r of report.kernelRuns) {
    const g = r.goDial;
    if (g && r.state === 'time-wait')
      process.stdout.write(
        `Go net.Dialer dial, ${g.mode}, empty range: wall p50 ${us(g.wallUs.p50)} us (p90 ${us(g.wallUs.p90)}), CPU ${us(g.cpuUsPerDial)} us per dial and close (system ${us(g.sysUsPerDial)})\n`,
      );
  }
  for (const t of report.truncated)
    process.stdout.write(`not measured further: ${t.mode} ${t.state}: ${t.reason}\n`);
  process.stdout.write(`fill: ${report.fillMethod}\n`);
}

export async function labCommand(opts: {
  json?: boolean;
  modes: string;
  parts: string;
  goExperiments?: string;
  goOutageSec?: string;
  searchCostAttempts?: string;
}): Promise<void> {
  const parts = parseParts(opts.parts);
  const modes = parseList('--modes', opts.modes, LAB_MODES) as LabMode[];
  const experiments = parseList<GoExperiment>(
    '--go-experiments',
    opts.goExperiments ?? GO_EXPERIMENTS.join(','),
    GO_EXPERIMENTS,
  );
  const outageSec = parseOutageSec(opts.goOutageSec);
  const attempts = parseAttempts(opts.searchCostAttempts);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const machine = readMachine();
  log(`lab: ${describeMachine(machine)}`);
  const dialModes = parts.includes('dial-modes') ? await runKernelLab(modes, undefined, log) : null;
  const searchCost = parts.includes('search-cost') ? await runSearchCostLab(undefined, log, attempts) : null;
  const go = parts.includes('go') ? await runGoLab({ experiments, outageSec }, log) : null;
  const allWithin =
    (dialModes?.allWithin ?? true) && (searchCost?.allWithin ?? true) && (go?.allAgree ?? true);
  if (opts.json) {
    const { objects, ...goLab } = go ?? { objects: null };
    const out = {
      machine,
      parts,
      ...(dialModes && { dialModes }),
      ...(searchCost && { searchCost }),
      ...(go && { go: objects, goLab }),
      allWithin,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    process.stdout.write(`machine: ${describeMachine(machine)} (HZ: ${machine.hzSource})\n\n`);
    if (dialModes) printDialModes(dialModes);
    if (searchCost) printSearchCost(searchCost);
    if (go) printGo(go);
  }
  if (!allWithin) {
    const outside = [
      ...(dialModes && !dialModes.allWithin ? ['dial-modes'] : []),
      ...(searchCost && !searchCost.allWithin ? ['search-cost'] : []),
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
