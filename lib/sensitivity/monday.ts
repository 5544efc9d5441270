/**
 * How sure are we, on Monday: the affected data center's Monday without a fix (the ablation's setup,
 * lib/calibration/ablation.ts: DC A of the outage week from Sunday 20:00 UTC with the new client
 * sending, to the end of Monday's window) rerun with each assumption or calibrated parameter that
 * Monday's verdicts and headline numbers depend on at each end of its stated range, one at a time, on
 * one seed. Each case gives Monday's served share, its down episodes, their rhythm and span (targets
 * M1-M4 of data/expectations.json, judged by the same rule as the calibration) and the OOM kills.
 *
 * A full calibration per case (both week-long fleets, `runSensitivity` in sensitivity.ts) costs about
 * four times as much per case; Monday is where the size targets M1-M4 live, and the weekend's and the
 * other checks' spread over seeds is the seed table's job (report section "How sure are we").
 */
import {
  type AblationRow,
  type AblationVariant,
  ablationWindows,
  runAblation,
} from '../calibration/ablation.js';
import { spiralVerdicts } from '../calibration/episodes.js';
import type { Expectations } from '../calibration/week.js';
import { defaultAt } from '../model/params.js';
import {
  type RangedParameter,
  SENSITIVITY_PARAMETERS,
  type SensitivityCase,
  sensitivityCases,
} from './sensitivity.js';

const GIB = 1024 ** 3;
const CONTAINER_BYTES = 4 * GIB;

/**
 * The parameters of the calibration's sensitivity that act on Monday (the weekend's load acts only on
 * the four hours of warm-up before it), and the host physics Monday's spiral runs on, each over the
 * range its source states (lib/model/params.ts):
 * - the kernel's per-port and per-dial costs, measured here, on production hardware 0.5-1.5x, together;
 * - the host's cores (8-64), with GOMAXPROCS, which defaults to them;
 * - GOMEMLIMIT at 85-98% of the 4 GiB container limit;
 * - the P hand-off under saturation (0.5-3 ms in production);
 * - the memory of a goroutine (stack 2-16 KB, heap 0.5-8 KB), which sets how many a stalled host holds
 *   before its container limit.
 */
export const MONDAY_SENSITIVITY_PARAMETERS: readonly RangedParameter[] = [
  ...SENSITIVITY_PARAMETERS.filter((p) => p.path !== 'load.weekendFactor'),
  {
    path: 'kernel.portProbeSec',
    low: 0.5 * (defaultAt('kernel.portProbeSec') as number),
    high: 1.5 * (defaultAt('kernel.portProbeSec') as number),
    linked: [
      'kernel.portProbeEstablishedSec',
      'kernel.connectPortProbeSec',
      'kernel.connectPortProbeEstablishedSec',
      'kernel.dialSyscallSec',
    ],
  },
  { path: 'host.cores', low: 8, high: 64, linked: ['runtime.gomaxprocs'] },
  {
    path: 'runtime.memLimitBytes',
    low: Math.round(0.85 * CONTAINER_BYTES),
    high: Math.round(0.98 * CONTAINER_BYTES),
  },
  { path: 'runtime.saturatedHandoffSec', low: 0.0005, high: 0.003 },
  { path: 'runtime.goroutineStackBytes', low: 2048, high: 16_384 },
  { path: 'runtime.goroutineHeapBytes', low: 512, high: 8192 },
];

/** Monday's size targets, as `spiralVerdicts` judges them. */
export const MONDAY_TARGETS = ['M1', 'M2', 'M3', 'M4'] as const;
export type MondayTarget = (typeof MONDAY_TARGETS)[number];

export interface MondayCaseResult {
  readonly case: SensitivityCase;
  /** The case's value of its parameter (null for the default case). */
  readonly value: number | string | null;
  readonly row: AblationRow;
  readonly verdicts: Readonly<Record<MondayTarget, boolean>>;
}

export interface MondaySensitivityResult {
  readonly seed: number;
  readonly hosts: number;
  readonly durationSec: number;
  readonly startUtcSec: number;
  readonly cases: readonly MondayCaseResult[];
}

/** What a case sets, in words: `path = value` (and the parameters linked to it). */
export function caseLabel(c: SensitivityCase): string {
  if (c.path === null) return 'the defaults';
  const linked = Object.keys(c.overrides).length - 1;
  return `${c.path} = ${c.overrides[c.path]}${linked > 0 ? ` (and ${linked} linked)` : ''}`;
}

/** Which of M1-M4 an ablation row's Monday meets. */
export function mondayVerdicts(exp: Expectations, row: AblationRow): Record<MondayTarget, boolean> {
  const tt = (id: string) => exp.targets.find((t) => t.id === id)?.thresholds ?? {};
  return spiralVerdicts(tt, {
    episodes: row.mondayEpisodes,
    medianGapMin: row.medianGapMin,
    spanHours: row.spanHours,
    spanAvailability: row.spanAvailability,
  });
}

export interface MondaySensitivityOptions {
  readonly seed?: number;
  readonly workers?: number;
  readonly parameters?: readonly RangedParameter[];
  readonly onCaseDone?: (done: number, total: number, result: MondayCaseResult) => void;
  readonly onProgress?: (doneSec: number, totalSec: number) => void;
}

/** Run the default and every case on DC A's Monday (worker threads) and judge M1-M4 for each. */
export async function runMondaySensitivity(
  exp: Expectations,
  options: MondaySensitivityOptions = {},
): Promise<MondaySensitivityResult> {
  const seed = options.seed ?? 1;
  const cases = sensitivityCases(options.parameters ?? MONDAY_SENSITIVITY_PARAMETERS);
  const variants: AblationVariant[] = cases.map((c) => ({
    id: c.id,
    off: caseLabel(c),
    overrides: c.overrides,
  }));
  const result = (c: SensitivityCase, row: AblationRow): MondayCaseResult => ({
    case: c,
    value: c.path === null ? null : (c.overrides[c.path] as number | string),
    row,
    verdicts: mondayVerdicts(exp, row),
  });
  const ablation = await runAblation(exp, {
    seed,
    ...(options.workers !== undefined && { workers: options.workers }),
    variants,
    ...(options.onProgress && { onProgress: options.onProgress }),
    onVariantDone: (done, total, row) => {
      const c = cases.find((x) => x.id === row.id)!;
      options.onCaseDone?.(done, total, result(c, row));
    },
  });
  return {
    seed,
    hosts: ablation.hosts,
    durationSec: ablation.durationSec,
    startUtcSec: ablationWindows(exp).start['load.calendarStartUtcSec'] as number,
    cases: cases.map((c, i) => result(c, ablation.rows[i]!)),
  };
}

/** A Monday figure of an ablation row that a tornado chart reads. */
export type MondayMetric = 'mondayAvailability' | 'mondayEpisodes' | 'mondayOomKills' | 'spanHours';

export interface Swing {
  readonly path: string;
  /** The parameter's values at the two ends (the default's where an end equals it). */
  readonly lowValue: number | string | null;
  readonly highValue: number | string | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly base: number | null;
}

/** Per parameter, the metric at its low and high end against the default's, widest swing (high - low) first. */
export function mondaySwings(result: MondaySensitivityResult, metric: MondayMetric): Swing[] {
  const base = result.cases.find((r) => r.case.path === null)?.row[metric] ?? null;
  const byPath = new Map<string, Swing>();
  for (const r of result.cases) {
    const path = r.case.path;
    if (path === null || r.case.end === null) continue;
    const entry = byPath.get(path) ?? {
      path,
      lowValue: defaultAt(path) as number | string,
      highValue: defaultAt(path) as number | string,
      low: base,
      high: base,
      base,
    };
    const v = r.row[metric];
    byPath.set(
      path,
      r.case.end === 'low'
        ? { ...entry, low: v, lowValue: r.value }
        : { ...entry, high: v, highValue: r.value },
    );
  }
  // The tornado's order: the distance between the two ends (an end equal to the default counts as it).
  const width = (s: Swing) => Math.abs((s.high ?? 0) - (s.low ?? 0));
  return [...byPath.values()].sort((a, b) => width(b) - width(a) || a.path.localeCompare(b.path));
}

/** The cases whose verdict on some of M1-M4 differs from the default case's, with those targets. */
export function turnedTargets(
  result: MondaySensitivityResult,
): Array<{ id: string; targets: MondayTarget[] }> {
  const base = result.cases.find((r) => r.case.path === null);
  if (!base) return [];
  return result.cases
    .filter((r) => r.case.path !== null)
    .map((r) => ({
      id: r.case.id,
      targets: MONDAY_TARGETS.filter((t) => r.verdicts[t] !== base.verdicts[t]),
    }))
    .filter((x) => x.targets.length > 0);
}
