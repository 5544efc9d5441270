/**
 * Durations as people type them: `90`, `90s`, `15m`, `2h`, `1.5d`. Returns seconds.
 */
import { InputError } from '../errors.js';

/** The longest run or sweep duration accepted (a design limit: the outage week is 6 d). */
export const MAX_DURATION_SEC = 30 * 86_400;

const UNIT_SEC: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `field` names the input in messages (and is the InputError's field). */
export function parseDuration(text: string, field = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/.exec(text);
  const sec = m ? Number(m[1]) * UNIT_SEC[m[2] || 's']! : Number.NaN;
  if (!(sec > 0) || !Number.isFinite(sec)) {
    throw new InputError(
      `${field}: expected a positive duration such as 600, 90s, 15m, 2h or 1d, got ${JSON.stringify(text)}`,
      field,
    );
  }
  return sec;
}

/** 5400 -> '1h30m', 90 -> '1m30s'. */
export function formatDuration(sec: number): string {
  if (sec < 60) return `${+sec.toFixed(3)}s`;
  const parts: string[] = [];
  let rest = Math.round(sec);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}
