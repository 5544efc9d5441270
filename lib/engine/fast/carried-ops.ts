/**
 * The memcached ops of a step's ordinary requests at their expected counts: a batch's URIs at the batch
 * sizes' mean, and the misses (each followed by a Scylla read and a set) at the miss ratio. Neither comes
 * out whole per step, so the fractions are carried to the next step, and over a run the counts add up to
 * their expectations (the spread of the batch sizes matters only through failures, which the fast engine
 * counts per request). The normal flow (`normalRequests`) and the quiet seconds (`quietSecond`, on copies
 * of the carries until the GC agrees) both count their ops here.
 */

/** The ops of some requests, and the carries left for the next ones. */
export interface CarriedOps {
  /** Memcached gets: one per URI of a batch, or one per request of an endpoint without batches. */
  readonly gets: number;
  /** Misses among the gets: each is followed by a Scylla read and a memcached set. */
  readonly sets: number;
  /** The fraction of a URI carried on (unchanged for an endpoint without batches). */
  readonly uriCarry: number;
  /** The fraction of a miss carried on. */
  readonly setCarry: number;
}

/**
 * The whole gets and sets of `requests` requests of `urisPerRequest` URIs on average (null: one get per
 * request, and the URI carry passes through unchanged), with a share `missRatio` of the gets missing,
 * after the carries `uriCarry` and `setCarry` of the earlier requests.
 *
 * @example
 * carriedOps(3, 25.5, 0.5, 0.25, 0.75)
 * // => { gets: 76, sets: 38, uriCarry: 0.75, setCarry: 0.75 }  (76.75 URIs, then 0.75 + 38 misses)
 */
export function carriedOps(
  requests: number,
  urisPerRequest: number | null,
  missRatio: number,
  uriCarry: number,
  setCarry: number,
): CarriedOps {
  let gets = requests;
  let uris = uriCarry;
  if (urisPerRequest !== null) {
    uris += requests * urisPerRequest;
    gets = Math.floor(uris);
    uris -= gets;
  }
  const misses = setCarry + gets * missRatio;
  const sets = Math.floor(misses);
  return { gets, sets, uriCarry: uris, setCarry: misses - sets };
}
