/**
 * How many worker threads a sweep may start: what was asked for, capped by the cores (a sweep run is
 * CPU-bound: more threads than cores only add memory) and by memory (each thread holds its own V8 heap and
 * module graph).
 */
import { availableParallelism, totalmem } from 'node:os';

/**
 * Resident memory per worker thread: 65-82 MB measured (peak RSS growth over the main thread, 1 to 8
 * threads running data/sweeps/default.json runs from source through tsx, Node 20.20, 2026-12-01); the cap
 * takes 85 MB so that the budget holds on the high side.
 */
export const WORKER_BYTES = 85 * 2 ** 20;

/** The share of the machine's memory the worker threads may take together (assumption; 0.25-0.75). */
export const WORKER_MEMORY_SHARE = 0.5;

export interface Machine {
  readonly cores: number;
  /** Memory available to this process: the cgroup limit when there is one, else the machine's. */
  readonly memoryBytes: number;
}

export interface WorkerPlan {
  readonly requested: number;
  readonly workers: number;
  /** What capped the request, if anything. */
  readonly cappedBy: 'cores' | 'memory' | null;
}

export function thisMachine(): Machine {
  const constrained = process.constrainedMemory?.() ?? 0;
  const total = totalmem();
  return {
    cores: availableParallelism(),
    memoryBytes: constrained > 0 && constrained < total ? constrained : total,
  };
}

/** The threads to start for `requested` (0 stays 0: the runs happen in the calling thread). */
export function planWorkers(requested: number, machine: Machine = thisMachine()): WorkerPlan {
  if (requested <= 0) return { requested, workers: 0, cappedBy: null };
  const byMemory = Math.max(1, Math.floor((machine.memoryBytes * WORKER_MEMORY_SHARE) / WORKER_BYTES));
  const byCores = Math.max(1, machine.cores);
  const workers = Math.min(requested, byCores, byMemory);
  const cappedBy = workers === requested ? null : byMemory < byCores ? 'memory' : 'cores';
  return { requested, workers, cappedBy };
}
