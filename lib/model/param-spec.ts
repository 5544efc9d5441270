/**
 * The vocabulary for describing one parameter: its type, default, bounds, unit and source. The spec table
 * (params.ts) is written in it; validation, `outage-lab params` and the report's appendix all read it.
 */

interface SpecBase {
  /** What the parameter means, in one sentence. */
  readonly doc: string;
  /** Unit of the value ('s', 'bytes', 'ports', 'URIs', '1/s', 'fraction', '' for pure counts or words). */
  readonly unit: string;
  /** Where the default comes from: a document, or "assumption" with the range worth sweeping. */
  readonly source: string;
}

export interface NumberSpec extends SpecBase {
  readonly kind: 'number';
  /** A number, or the spec's `word`. */
  readonly default: number | string;
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  /** A word that may stand instead of a number (e.g. 'unbounded'); the value is then that word. */
  readonly word?: string;
}

export interface EnumSpec extends SpecBase {
  readonly kind: 'enum';
  readonly default: string | number;
  readonly values: readonly (string | number)[];
}

export interface BooleanSpec extends SpecBase {
  readonly kind: 'boolean';
  readonly default: boolean;
}

export type ParamSpec = NumberSpec | EnumSpec | BooleanSpec;

/** Describe what a spec accepts, for error messages: "an integer in [0, 1000000] or 'unbounded'". */
export function describeExpected(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'number': {
      const what = spec.integer ? 'an integer' : 'a number';
      const range = `${what} in [${spec.min}, ${spec.max}]`;
      return spec.word ? `${range} or '${spec.word}'` : range;
    }
  }
}

/** Check a value against a spec; returns an error message fragment, or null when it is valid. */
export function checkValue(spec: ParamSpec, value: unknown): string | null {
  const ok = (() => {
    switch (spec.kind) {
      case 'boolean':
        return typeof value === 'boolean';
      case 'enum':
        return spec.values.includes(value as string | number);
      case 'number':
        if (spec.word !== undefined && value === spec.word) return true;
        return (
          typeof value === 'number' &&
          Number.isFinite(value) &&
          value >= spec.min &&
          value <= spec.max &&
          (!spec.integer || Number.isInteger(value))
        );
    }
  })();
  return ok ? null : `expected ${describeExpected(spec)}, got ${JSON.stringify(value) ?? String(value)}`;
}

/**
 * Parse a command-line text into a value for this spec ('42' -> 42, 'true' -> true, 'unbounded' stays a
 * word). Returns the text itself when it cannot be parsed, so that `checkValue` reports it.
 */
export function parseText(spec: ParamSpec, text: string): unknown {
  const t = text.trim();
  if (spec.kind === 'boolean') return t === 'true' ? true : t === 'false' ? false : t;
  if (spec.kind === 'number' && spec.word === t) return t;
  if (spec.kind === 'enum' && spec.values.includes(t)) return t;
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : t;
}
