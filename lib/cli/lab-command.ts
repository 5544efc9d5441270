/**
 * `outage-lab lab`: the labs on the real kernel, each beside the model (or JSON). Parts:
 * - `dial-modes`: the port model's behaviour (TIME_WAIT, errors, recovery) in each dial mode;
 * - `search-cost`: the kernel's cost per dial against port-range occupancy, and the model's fit.
 */
import { LAB_MODES, type LabConfig, type LabMode } from '../lab/experiment.js';
import { runKernelExperiment } from '../lab/kernel-driver.js';
import { type LabReport, runKernelLab } from '../lab/kernel-lab.js';
import { describeMachine, readMachine } from '../lab/machine.js';
import type { SearchCostReport } from '../lab/search-cost-fit.js';
import { runSearchCostLab } from '../lab/search-cost-lab.js';
import { InputError } from '../model/resolve-params.js';
import { table } from './format.js';

export const LAB_PARTS = ['dial-modes', 'search-cost'] as const;
export type LabPart = (typeof LAB_PARTS)[number];

export function parseParts(text: string): LabPart[] {
  const parts = text.split(',').map((p) => p.trim());
  for (const p of parts) {
    if (!(LAB_PARTS as readonly string[]).includes(p)) {
      throw new InputError(
        `--parts: expected a comma-separated subset of ${LAB_PARTS.join(', ')}, got "${p}"`,
      );
    }
  }
  return LAB_PARTS.filter((p) => parts.includes(p));
}

function parseModes(text: string): LabMode[] {
  const modes = text.split(',').map((m) => m.trim());
  for (const m of modes) {
    if (!(LAB_MODES as readonly string[]).includes(m)) {
      throw new InputError(
        `--modes: expected a comma-separated subset of ${LAB_MODES.join(', ')}, got "${m}"`,
      );
    }
  }
  return modes as LabMode[];
}

const show = (x: number | null) => (x === null ? '-' : String(x));
const us = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

function printDialModes(report: LabReport): void {
  const rows = [['mode', 'figure', 'kernel', 'model', 'within 5%']];
  for (const r of report.results) {
    for (const k of ['peakTimeWait', 'dialFailures', 'recoverySec'] as const) {
      rows.push([r.mode, k, show(r.kernel[k]), show(r.model[k]), r.within[k] ? 'yes' : 'NO']);
    }
  }
  process.stdout.write(
    `dial modes: ports ${report.config.portLow}-${report.config.portHigh}, batch ${report.config.batch}, pool ${report.config.pool}\n`,
  );
  process.stdout.write(`${table(rows)}\n\n`);
}

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
      'model',
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
      us(r.model.cpuUs),
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

export async function labCommand(opts: { json?: boolean; modes: string; parts: string }): Promise<void> {
  const parts = parseParts(opts.parts);
  const modes = parseModes(opts.modes);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const machine = readMachine();
  log(`lab: ${describeMachine(machine)}`);
  const dialModes = parts.includes('dial-modes') ? await runKernelLab(modes, undefined, log) : null;
  const searchCost = parts.includes('search-cost') ? await runSearchCostLab(undefined, log) : null;
  const allWithin = (dialModes?.allWithin ?? true) && (searchCost?.allWithin ?? true);
  if (opts.json) {
    const out = {
      machine,
      parts,
      ...(dialModes && { dialModes }),
      ...(searchCost && { searchCost }),
      allWithin,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    process.stdout.write(`machine: ${describeMachine(machine)} (HZ: ${machine.hzSource})\n\n`);
    if (dialModes) printDialModes(dialModes);
    if (searchCost) printSearchCost(searchCost);
  }
  if (!allWithin) process.exitCode = 1;
}

export async function labDriverCommand(opts: { config: string }): Promise<void> {
  const config = JSON.parse(opts.config) as LabConfig;
  const observation = await runKernelExperiment(config);
  process.stdout.write(`${JSON.stringify(observation)}\n`);
}
