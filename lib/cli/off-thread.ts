/**
 * Run `run` or `fleet` in a worker thread (run-worker.ts) and stream its rows and progress back. The main
 * thread's event loop stays free, so SIGINT and SIGTERM reach the cleanup handler (lib/io/cleanup.ts)
 * at once and the timeline's temporary file is removed.
 */
import { InputError } from '../errors.js';
import type { FleetRequest, FleetSummary } from '../fleet/fleet.js';
import type { RunRequest, RunSummary } from '../run/run-scenario.js';
import { spawnWorker } from '../run/spawn-worker.js';

type Plain<T> = Omit<T, 'onRow' | 'onProgress' | 'onHostRow'>;

export type OffThreadJob =
  | { readonly kind: 'run'; readonly request: Plain<RunRequest>; readonly timeline: boolean }
  | { readonly kind: 'fleet'; readonly request: Plain<FleetRequest>; readonly timeline: boolean };

export type OffThreadMessage =
  | { readonly type: 'rows'; readonly rows: unknown[] }
  | { readonly type: 'progress'; readonly done: number }
  | { readonly type: 'done'; readonly result: unknown }
  | { readonly type: 'error'; readonly message: string; readonly input: boolean; readonly field?: string };

export interface OffThreadHooks<Row> {
  readonly onRow?: (row: Row) => void;
  readonly onProgress?: (done: number) => void;
}

export function runOffThread<Row>(
  job: Extract<OffThreadJob, { kind: 'run' }>,
  hooks: OffThreadHooks<Row>,
): Promise<RunSummary>;
export function runOffThread<Row>(
  job: Extract<OffThreadJob, { kind: 'fleet' }>,
  hooks: OffThreadHooks<Row>,
): Promise<FleetSummary>;
export function runOffThread<Row>(job: OffThreadJob, hooks: OffThreadHooks<Row>): Promise<unknown> {
  const worker = spawnWorker(new URL('./run-worker.js', import.meta.url), job);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
    };
    worker.on('message', (m: OffThreadMessage) => {
      try {
        if (m.type === 'rows') for (const row of m.rows) hooks.onRow?.(row as Row);
        else if (m.type === 'progress') hooks.onProgress?.(m.done);
        else if (m.type === 'done') settle(() => resolve(m.result));
        else settle(() => reject(m.input ? new InputError(m.message, m.field) : new Error(m.message)));
      } catch (e) {
        settle(() => reject(e));
        void worker.terminate();
      }
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`the simulation's worker thread exited (code ${code})`))),
    );
  });
}
