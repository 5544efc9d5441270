/**
 * "How sure are we" as the report quotes it: each check's verdict over the seeds (share of seeds that
 * pass), and DC A's Monday over the sensitivity cases (figures, M1-M4 verdicts, the tornado's swings and
 * the cases that turn a verdict). Pure functions of the stored results.
 */
import {
  caseLabel,
  MONDAY_TARGETS,
  type MondayTarget,
  mondaySwings,
  type Swing,
  turnedTargets,
} from '../sensitivity/monday.js';
import type { MondaySensitivityData, SeedVerdictsData } from './sensitivity.js';

export interface SeedCheckRow {
  readonly id: string;
  readonly observation: string;
  readonly passes: number;
  readonly of: number;
  readonly perSeed: readonly { readonly seed: number; readonly ok: boolean; readonly measured: string }[];
}

export interface SeedsReportData {
  readonly origin: string;
  readonly seeds: readonly number[];
  readonly seedCount: number;
  readonly checks: readonly SeedCheckRow[];
  /** Checks that pass on every seed, on none, and on some but not all. */
  readonly passEvery: number;
  readonly passNone: number;
  readonly split: number;
  readonly total: number;
  /** The ids of the split checks, comma-separated ('' when none). */
  readonly splitIds: string;
}

export function seedsReportData(stored: SeedVerdictsData): SeedsReportData {
  const first = stored.bySeed[0]?.results ?? [];
  const checks: SeedCheckRow[] = first.map((o) => {
    const perSeed = stored.bySeed.map((s) => {
      const r = s.results.find((x) => x.id === o.id);
      return { seed: s.seed, ok: r?.verdict === 'reproduced', measured: r?.measured ?? 'n/a' };
    });
    return {
      id: o.id,
      observation: o.observation,
      passes: perSeed.filter((x) => x.ok).length,
      of: perSeed.length,
      perSeed,
    };
  });
  const split = checks.filter((c) => c.passes > 0 && c.passes < c.of);
  return {
    origin: stored.origin,
    seeds: stored.seeds,
    seedCount: stored.seeds.length,
    checks,
    passEvery: checks.filter((c) => c.passes === c.of).length,
    passNone: checks.filter((c) => c.passes === 0).length,
    split: split.length,
    total: checks.length,
    splitIds: split.map((c) => c.id).join(', '),
  };
}

export interface SensitivityCaseRow {
  readonly id: string;
  readonly path: string | null;
  readonly end: 'low' | 'high' | null;
  readonly label: string;
  readonly mondayAvailability: number;
  readonly mondayEpisodes: number;
  readonly medianGapMin: number | null;
  readonly spanHours: number | null;
  readonly mondayOomKills: number;
  readonly verdicts: Readonly<Record<MondayTarget, boolean>>;
  /** The Monday targets met, e.g. 'M1, M4' ('none'). */
  readonly met: string;
}

export interface SensitivityReportData {
  readonly origin: string;
  readonly seed: number;
  readonly hosts: number;
  readonly caseCount: number;
  readonly parameterCount: number;
  readonly cases: readonly SensitivityCaseRow[];
  /** Monday's served share per parameter at both ends, widest swing first (the tornado). */
  readonly swings: readonly Swing[];
  /** The default case's figures. */
  readonly base: SensitivityCaseRow;
  /** The widest swing's parameter and its two ends' served shares. */
  readonly widest: Swing | null;
  /** Cases that turn a Monday verdict, and which. */
  readonly turned: readonly { readonly id: string; readonly label: string; readonly targets: string }[];
  /** The lowest and highest Monday served share over all cases. */
  readonly minServed: number;
  readonly maxServed: number;
  /** Cases that meet all four Monday targets. */
  readonly allFour: number;
}

export function sensitivityReportData(stored: MondaySensitivityData): SensitivityReportData {
  const cases: SensitivityCaseRow[] = stored.cases.map((c) => ({
    id: c.case.id,
    path: c.case.path,
    end: c.case.end,
    label: caseLabel(c.case),
    mondayAvailability: c.row.mondayAvailability,
    mondayEpisodes: c.row.mondayEpisodes,
    medianGapMin: c.row.medianGapMin,
    spanHours: c.row.spanHours,
    mondayOomKills: c.row.mondayOomKills,
    verdicts: c.verdicts,
    met: MONDAY_TARGETS.filter((t) => c.verdicts[t]).join(', ') || 'none',
  }));
  const base = cases.find((c) => c.path === null);
  if (!base) throw new Error('sensitivity: the stored results have no default case');
  const swings = mondaySwings(stored, 'mondayAvailability');
  const byId = new Map(cases.map((c) => [c.id, c]));
  const served = cases.map((c) => c.mondayAvailability);
  return {
    origin: stored.origin,
    seed: stored.seed,
    hosts: stored.hosts,
    caseCount: cases.length,
    parameterCount: swings.length,
    cases,
    swings,
    base,
    widest: swings[0] ?? null,
    turned: turnedTargets(stored).map((t) => ({
      id: t.id,
      label: byId.get(t.id)!.label,
      targets: t.targets.join(', '),
    })),
    minServed: Math.min(...served),
    maxServed: Math.max(...served),
    allFour: cases.filter((c) => MONDAY_TARGETS.every((t) => c.verdicts[t])).length,
  };
}
