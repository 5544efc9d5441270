/**
 * Exponential variates by the ziggurat method (Marsaglia and Tsang 2000, "The Ziggurat Method for
 * Generating Random Variables", J. Stat. Softw. 5(8), https://doi.org/10.18637/jss.v005.i08), 256 layers.
 * Exact (rejection), and about 5x cheaper than inversion here: 99% of draws cost one 32-bit draw, a table
 * look-up and a multiply, with no logarithm. The layer index uses the low 8 bits of the draw and the
 * position within the layer the high 24 bits, so that the two are independent.
 */
import type { Rng } from './rng.js';

const LAYERS = 256;
const SCALE = 2 ** 24;
const R = 7.697117470131487; // right edge of the base layer
const V = 3.949659822581572e-3; // area of each layer

const ke = new Uint32Array(LAYERS);
const we = new Float64Array(LAYERS);
const fe = new Float64Array(LAYERS);
{
  let de = R;
  let te = R;
  const q = V / Math.exp(-de);
  ke[0] = Math.floor((de / q) * SCALE);
  ke[1] = 0;
  we[0] = q / SCALE;
  we[LAYERS - 1] = de / SCALE;
  fe[0] = 1;
  fe[LAYERS - 1] = Math.exp(-de);
  for (let i = LAYERS - 2; i >= 1; i--) {
    de = -Math.log(V / de + Math.exp(-de));
    ke[i + 1] = Math.floor((de / te) * SCALE);
    te = de;
    fe[i] = Math.exp(-de);
    we[i] = de / SCALE;
  }
}

/** Standard exponential (mean 1). */
export function standardExponential(rng: Rng): number {
  for (;;) {
    const j = rng.nextUint32();
    const i = j & 255;
    const u = j >>> 8;
    if (u < ke[i]!) return u * we[i]!;
    if (i === 0) return R - Math.log(1 - rng.next()); // the tail beyond R, by memorylessness
    const x = u * we[i]!;
    if (fe[i]! + rng.next() * (fe[i - 1]! - fe[i]!) < Math.exp(-x)) return x;
  }
}
