/**
 * Files to remove if the process is interrupted: temporary files not yet renamed into place, and lock
 * files. On SIGINT or SIGTERM every registered path is removed, then the signal is raised again with the
 * default action, so the exit status still says which signal ended the process (130, 143).
 *
 * Node delivers signals to JavaScript only between tasks: long synchronous work must run in a worker
 * thread (the CLI's `run` and `fleet` do) for the cleanup to happen promptly.
 */
import { rmSync } from 'node:fs';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const registered = new Set<string>();
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  removeRegistered();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  installed = false;
  // With other listeners, the signal is theirs to act on; alone, end the process as the signal would.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/** Remove every registered path now (also what the signal handler does). */
export function removeRegistered(): void {
  for (const path of registered) rmSync(path, { force: true });
  registered.clear();
}

/** Remove `path` if the process receives SIGINT or SIGTERM before `release(path)`. */
export function removeOnSignal(path: string): void {
  registered.add(path);
  if (!installed) {
    for (const s of SIGNALS) process.on(s, onSignal);
    installed = true;
  }
}

/** `path` no longer needs removing (renamed into place, or removed by its owner). */
export function release(path: string): void {
  registered.delete(path);
  if (registered.size === 0 && installed) {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    installed = false;
  }
}

/** The paths currently registered (for tests). */
export function registeredPaths(): string[] {
  return [...registered];
}
