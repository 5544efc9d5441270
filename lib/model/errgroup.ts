/**
 * errgroup semantics (golang.org/x/sync/errgroup). A zero `Group` starts every goroutine at once;
 * after `SetLimit(n)`, `Go` blocks the caller until fewer than n run, so at most n run and a batch of N
 * items takes about ceil(N/n) rounds. Without `WithContext` an error cancels nothing: every item still
 * runs, and `Wait` returns the first error once all are done.
 */
export type ConcurrencyLimit = number | 'unbounded';

/** How many more goroutines `Go` may start now, with `running` started and `remaining` not yet started. */
export function startable(limit: ConcurrencyLimit, running: number, remaining: number): number {
  if (limit === 'unbounded') return remaining;
  return Math.max(0, Math.min(remaining, limit - running));
}

/** Rounds a batch of `items` needs under `limit` when every item takes the same time. */
export function rounds(limit: ConcurrencyLimit, items: number): number {
  if (items <= 0) return 0;
  return limit === 'unbounded' ? 1 : Math.ceil(items / limit);
}
