/**
 * What memcached gets and their misses cost the Go process, counted: heap allocated and mutator CPU. A miss
 * is followed by a Scylla read and a set, so `gets` gets with `misses` misses are `gets + misses` memcached
 * ops and `gets + 2 x misses` ops that allocate. The reference engine charges the same per op as it issues
 * each one (`runtime.allocBytesPerOp` per memcached or Scylla op, `host.cpuPerOpSec` per memcached op); the
 * fast engine charges counts with these.
 */
import type { Params } from './params.js';

/** Heap allocated (garbage afterwards) by `gets` gets with `misses` misses. */
export function opsAllocBytes(p: Params, gets: number, misses: number): number {
  return (gets + 2 * misses) * p.runtime.allocBytesPerOp;
}

/** Mutator CPU of `gets` gets with `misses` misses (the gets and the misses' sets). */
export function opsMutatorSec(p: Params, gets: number, misses: number): number {
  return (gets + misses) * p.host.cpuPerOpSec;
}
