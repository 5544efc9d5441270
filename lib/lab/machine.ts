/**
 * The machine a lab ran on: CPU model, cores, kernel release and the kernel's tick rate (CONFIG_HZ),
 * which sets the TIME_WAIT timer's granule. Every lab result carries it, so a figure can be read with
 * the hardware it was measured on.
 */
import { readFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { gunzipSync } from 'node:zlib';

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly kernelRelease: string;
  /** CONFIG_HZ, or null when no kernel config could be read. */
  readonly hz: number | null;
  /** Where `hz` came from: a kernel config file, or 'unknown'. */
  readonly hzSource: string;
}

/** CONFIG_HZ from the text of a kernel config, or null. */
export function hzFromKernelConfig(text: string): number | null {
  const m = /^CONFIG_HZ=(\d+)$/m.exec(text);
  return m ? Number(m[1]) : null;
}

/** The CPU model from /proc/cpuinfo text ("model name", or "Hardware"/"cpu model" on other arches). */
export function cpuModelFromCpuinfo(text: string): string | null {
  const m = /^(?:model name|cpu model|Hardware)\s*:\s*(.+)$/m.exec(text);
  return m ? m[1]!.trim() : null;
}

function readKernelConfig(kernelRelease: string): { text: string; source: string } | null {
  const candidates: [string, (path: string) => string][] = [
    [`/boot/config-${kernelRelease}`, (p) => readFileSync(p, 'utf8')],
    ['/proc/config.gz', (p) => gunzipSync(readFileSync(p)).toString('utf8')],
  ];
  for (const [path, read] of candidates) {
    try {
      return { text: read(path), source: path };
    } catch {
      // not on this machine: try the next
    }
  }
  return null;
}

/** Read the machine this process runs on (Linux files; elsewhere, what Node knows). */
export function readMachine(): Machine {
  const kernelRelease = release();
  let cpuModel: string | null = null;
  try {
    cpuModel = cpuModelFromCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    cpuModel = null;
  }
  const config = readKernelConfig(kernelRelease);
  const hz = config ? hzFromKernelConfig(config.text) : null;
  return {
    cpuModel: cpuModel ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    kernelRelease,
    hz,
    hzSource: hz !== null && config ? `CONFIG_HZ in ${config.source}` : 'unknown',
  };
}

/** One line for a report: "AMD EPYC, 2 cores, Linux 6.18.44, HZ=250". */
export function describeMachine(m: Machine): string {
  return `${m.cpuModel}, ${m.cores} cores, Linux ${m.kernelRelease}, HZ=${m.hz ?? 'unknown'}`;
}
