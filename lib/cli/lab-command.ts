/**
 * `outage-lab lab`: prints model and kernel figures side by side (or JSON).
 */
import { LAB_MODES, type LabConfig, type LabMode } from '../lab/experiment.js';
import { runKernelExperiment } from '../lab/kernel-driver.js';
import { runKernelLab } from '../lab/kernel-lab.js';
import { InputError } from '../model/resolve-params.js';
import { table } from './format.js';

export async function labCommand(opts: { json?: boolean; modes: string }): Promise<void> {
  const modes = opts.modes.split(',').map((m) => m.trim());
  for (const m of modes) {
    if (!(LAB_MODES as readonly string[]).includes(m)) {
      throw new InputError(
        `--modes: expected a comma-separated subset of ${LAB_MODES.join(', ')}, got "${m}"`,
      );
    }
  }
  const report = await runKernelLab(modes as LabMode[], undefined, (line) =>
    process.stderr.write(`${line}\n`),
  );
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const show = (x: number | null) => (x === null ? '-' : String(x));
    const rows = [['mode', 'figure', 'kernel', 'model', 'within 5%']];
    for (const r of report.results) {
      for (const k of ['peakTimeWait', 'dialFailures', 'recoverySec'] as const) {
        rows.push([r.mode, k, show(r.kernel[k]), show(r.model[k]), r.within[k] ? 'yes' : 'NO']);
      }
    }
    process.stdout.write(
      `kernel ${report.kernelRelease}, ports ${report.config.portLow}-${report.config.portHigh}, batch ${report.config.batch}, pool ${report.config.pool}\n`,
    );
    process.stdout.write(`${table(rows)}\n`);
  }
  if (!report.allWithin) process.exitCode = 1;
}

export async function labDriverCommand(opts: { config: string }): Promise<void> {
  const config = JSON.parse(opts.config) as LabConfig;
  const observation = await runKernelExperiment(config);
  process.stdout.write(`${JSON.stringify(observation)}\n`);
}
