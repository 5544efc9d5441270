/**
 * Progress for long work on stderr: a bar with an ETA on a terminal, one plain line every few seconds
 * otherwise (CI logs), nothing when quiet.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** `done` is clamped to [0, total], so that a late or early count never shows over 100% or a negative ETA. */
export function createProgress(label: string, total: number, unit: string, quiet = false): Progress {
  if (quiet) return { update() {}, stop() {} };
  const clamp = (done: number): number => Math.min(Math.max(done, 0), total);
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.round(total), 0);
    return {
      update: (done) => bar.update(Math.round(clamp(done))),
      stop: () => bar.stop(),
    };
  }
  const started = Date.now();
  let lastPrint = started;
  return {
    update(count) {
      const done = clamp(count);
      const now = Date.now();
      if (now - lastPrint < 5000) return;
      lastPrint = now;
      const elapsed = (now - started) / 1000;
      const eta = done > 0 ? (elapsed * (total - done)) / done : Number.NaN;
      process.stderr.write(
        `${label}: ${Math.round(done)}/${Math.round(total)} ${unit} (${((100 * done) / total).toFixed(0)}%), ${elapsed.toFixed(0)} s elapsed, ETA ${Number.isFinite(eta) ? eta.toFixed(0) : '?'} s\n`,
      );
    },
    stop() {},
  };
}

/**
 * Run `work` with a percentage bar labelled `label`: `work` reports (done, total) through the callback it
 * is given; the bar stops whether the work succeeds or throws.
 */
export async function withProgress<T>(
  label: string,
  quiet: boolean,
  work: (onProgress: (done: number, total: number) => void) => Promise<T>,
): Promise<T> {
  const progress = createProgress(label, 100, '%', quiet);
  try {
    return await work((done, total) => progress.update(total > 0 ? (100 * done) / total : 0));
  } finally {
    progress.stop();
  }
}
