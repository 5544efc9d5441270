/**
 * Start a worker thread on a module of this package: the compiled `.js` next to the caller, or, when
 * running from source, the `.ts` through tsx (Node 20 cannot load `.ts` in a worker by itself).
 */
import { Worker } from 'node:worker_threads';

/** `jsUrl`: the worker module as compiled, e.g. `new URL('./worker.js', import.meta.url)`. */
export function spawnWorker(jsUrl: URL, workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(jsUrl, { workerData });
  const tsUrl = jsUrl.href.replace(/\.js$/, '.ts');
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(tsUrl)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
