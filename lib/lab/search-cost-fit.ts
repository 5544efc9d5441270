/**
 * The model's port-search cost (port-search-cost.ts) against the kernel cost lab's measurements: fit its
 * constants to the measured medians, then put model and kernel side by side at every step.
 *
 * The compared figure is the dial's CPU time on its thread (CLOCK_THREAD_CPUTIME_ID; getrusage shows it
 * is all system time): the kernel's work. Wall time is shown beside it but not compared, because on a
 * busy machine the scan's cond_resched() yields the CPU and wall time then measures the other processes.
 */
import {
  dialSec,
  dialSecExamining,
  type PortSearchCost,
  portsExamined,
  searchPath,
} from '../model/port-search-cost.js';
import type { DialMode } from '../model/port-table.js';
import type { KernelCostRun, KernelCostStep, OccupantState, Quantiles } from './search-cost-run.js';

/** Model and kernel medians must agree within this share of the kernel's, at every step. */
export const SEARCH_COST_TOLERANCE = 0.15;

/** Steps whose search examines at least this many held ports set the per-port constants. */
const MIN_EXAMINED_FOR_FIT = 1000;

/** The fitted constants, named as the parameters they set (kernel.*). */
export interface SearchCostConstants {
  readonly dialSyscallSec: number;
  readonly portProbeSec: number;
  readonly portProbeEstablishedSec: number;
  readonly connectPortProbeSec: number;
  readonly connectPortProbeEstablishedSec: number;
  /** System CPU over thread CPU of failing dials (getrusage over CLOCK_THREAD_CPUTIME_ID). */
  readonly dialSysCpuFraction: number;
}

export interface SearchCostRow {
  readonly mode: DialMode;
  readonly state: OccupantState;
  readonly targetPercent: number;
  /** Client sockets in the range when the step's dials ran (from /proc/net/tcp). */
  readonly held: number;
  readonly dials: number;
  readonly ok: number;
  readonly failed: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly kernel: {
    readonly cpuUs: Quantiles;
    readonly sysUs: Quantiles;
    readonly wallUs: Quantiles;
    /** Too few dials ran undisturbed: the CPU figures are of all the step's dials. */
    readonly allDials: boolean;
  };
  /**
   * Held ports the median dial examines: the model's expected count at this occupancy, and in bind mode
   * the count in this run's own layout (null elsewhere).
   */
  readonly examined: { readonly expected: number; readonly layout: number | null };
  /**
   * The model's dial time: with the fitted constants at the compared count (`examined.layout` where
   * known, else the expected count), at the expected count, and with the defaults at the compared count.
   */
  readonly model: { readonly cpuUs: number; readonly expectedUs: number; readonly defaultsUs: number };
  /** Model (`model.cpuUs`) over kernel median. */
  readonly ratio: number;
  readonly within: boolean;
}

export interface SearchCostReport {
  readonly portCount: number;
  readonly fillMethod: string;
  readonly figure: 'thread CPU time per dial (median)';
  readonly tolerance: number;
  readonly fitted: SearchCostConstants;
  readonly defaults: SearchCostConstants;
  readonly rows: readonly SearchCostRow[];
  readonly truncated: readonly { mode: DialMode; state: OccupantState; reason: string }[];
  /** The measurement as the Go program printed it (to fit again offline). */
  readonly kernelRuns: readonly KernelCostRun[];
  readonly allWithin: boolean;
  /** Whether the model with the defaults of params.ts is within tolerance too (informative). */
  readonly defaultsWithin: boolean;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The step's dials are mostly failures (a full range). */
const failing = (s: KernelCostStep): boolean => s.failed > s.ok;

/** Fewer undisturbed dials than this at a step: its CPU figures are those of all its dials. */
export const MIN_UNDISTURBED = 10;

/**
 * The kernel's figures of a step: those of its failures at a full range, else of its successes; the CPU
 * time of its undisturbed dials, or of all of them when fewer than MIN_UNDISTURBED ran undisturbed (a
 * busy machine; `allDials` says so).
 */
function kernelOf(s: KernelCostStep) {
  const [cpu, all, sysUs, wallUs] = failing(s)
    ? [s.failCpuUs, s.failCpuAllUs, s.failSysUs, s.failWallUs]
    : [s.okCpuUs, s.okCpuAllUs, s.okSysUs, s.okWallUs];
  const allDials = cpu.n < MIN_UNDISTURBED;
  return { cpuUs: allDials ? all : cpu, sysUs, wallUs, allDials };
}

/** Client sockets holding ports at a step, in any state. */
const heldAt = (s: KernelCostStep): number => s.timeWait + s.established + s.otherStates;

/** Usable ports at a step as the model sees them: none when its dials fail, else those not held. */
const usableAt = (s: KernelCostStep): number => (failing(s) ? 0 : Math.max(0, s.portCount - heldAt(s)));

const twShare = (state: OccupantState): number => (state === 'time-wait' ? 1 : 0);

function toCost(c: SearchCostConstants): PortSearchCost {
  return {
    fixedSec: c.dialSyscallSec,
    bindTimeWaitPortSec: c.portProbeSec,
    bindEstablishedPortSec: c.portProbeEstablishedSec,
    connectTimeWaitPortSec: c.connectPortProbeSec,
    connectEstablishedPortSec: c.connectPortProbeEstablishedSec,
  };
}

/** Held ports a dial of the step examines, by the model's count for a layout of this occupancy. */
function expectedExaminedHeld(s: KernelCostStep): number {
  const usable = usableAt(s);
  return usable > 0 ? portsExamined(s.portCount, usable, searchPath(s.mode)) - 1 : s.portCount;
}

/**
 * Held ports the step's median dial examines (the x of the fit): in bind mode, from the step's own layout
 * when the Go program computed it; else the model's count. Past 95% of the range, one layout's second
 * parity holds a few hundred free ports in clusters whose sizes vary by several times from one fill to
 * the next, so the expected count (linear probing's) can be far from this run's: the per-port cost is
 * measured on the layout the kernel actually searched, and the expected count is shown beside it.
 */
function examinedHeld(s: KernelCostStep): number {
  return s.bindExamined && !failing(s) ? s.bindExamined.p50 - 1 : expectedExaminedHeld(s);
}

/**
 * Fit the constants: the fixed part is the median over runs of the empty range's median; each cost per
 * port (per kernel path and occupant state) is the slope through the origin of the medians above the
 * fixed part against the held ports examined, by least squares on relative errors, over the steps that
 * examine at least 1,000 of them.
 */
export function fitSearchCost(runs: readonly KernelCostRun[]): SearchCostConstants {
  const steps = runs.flatMap((r) => r.steps);
  const empty = steps
    .filter((s) => s.targetPercent === 0 && s.ok > 0)
    .map((s) => kernelOf(s).cpuUs.p50)
    .filter((v) => v > 0);
  if (empty.length === 0) throw new Error('search-cost fit: no step at 0% occupancy');
  const fixedUs = median(empty);
  const slope = (path: 'bind' | 'connect', state: OccupantState): number => {
    let sxy = 0;
    let sxx = 0;
    for (const s of steps) {
      if (searchPath(s.mode) !== path || s.state !== state) continue;
      const x = examinedHeld(s);
      if (x < MIN_EXAMINED_FOR_FIT) continue;
      // Relative least squares: each step counts by its error over its own median, so a failing dial
      // (twice the cost of a successful one past half the range) does not outweigh the others.
      const k = kernelOf(s).cpuUs.p50;
      if (!(k > 0)) continue;
      sxy += (x * (k - fixedUs)) / (k * k);
      sxx += (x * x) / (k * k);
    }
    if (sxx === 0) throw new Error(`search-cost fit: no step of the ${path} path with ${state} occupants`);
    return (sxy / sxx) * 1e-6;
  };
  const fails = steps.filter((s) => failing(s) && s.failCpuUs.n >= MIN_UNDISTURBED);
  return {
    dialSyscallSec: fixedUs * 1e-6,
    portProbeSec: slope('bind', 'time-wait'),
    portProbeEstablishedSec: slope('bind', 'established'),
    connectPortProbeSec: slope('connect', 'time-wait'),
    connectPortProbeEstablishedSec: slope('connect', 'established'),
    dialSysCpuFraction: fails.length > 0 ? median(fails.map((s) => s.failSysUs.p50 / s.failCpuUs.p50)) : 1,
  };
}

/** The step's compared figure: the median CPU time of its failures or successes (see kernelOf). */
function stepMedianUs(s: KernelCostStep): number {
  return kernelOf(s).cpuUs.p50;
}

/**
 * Several measurements of the same runs merged into one: for each (mode, state, occupancy) the step with
 * the lowest compared median. Another process or a neighbouring VM can only add to a scan's CPU time
 * (cache and memory traffic), never take from it, so the lowest of several measurements is the kernel's
 * own cost. Steps missing from a measurement (a run stopped early) are taken from the others.
 */
export function lowestOfRuns(measurements: readonly (readonly KernelCostRun[])[]): KernelCostRun[] {
  const first = measurements[0];
  if (!first) throw new Error('search-cost: no measurement to merge');
  return first.map((run) => {
    const same = measurements
      .map((m) => m.find((r) => r.mode === run.mode && r.state === run.state))
      .filter((r): r is KernelCostRun => r !== undefined);
    const pcts = [...new Set(same.flatMap((r) => r.steps.map((st) => st.targetPercent)))].sort(
      (a, b) => a - b,
    );
    const steps = pcts.map((pct) => {
      const candidates = same
        .map((r) => r.steps.find((st) => st.targetPercent === pct))
        .filter((st): st is KernelCostStep => st !== undefined && stepMedianUs(st) > 0);
      return candidates.reduce((best, st) => (stepMedianUs(st) < stepMedianUs(best) ? st : best));
    });
    return { ...run, steps, truncated: same.every((r) => r.truncated !== null) ? run.truncated : null };
  });
}

/** Model against kernel at every measured step, with the fitted constants and with `defaults`. */
export function compareSearchCost(
  runs: readonly KernelCostRun[],
  defaults: SearchCostConstants,
  fillMethod: string,
): SearchCostReport {
  const fitted = fitSearchCost(runs);
  const rows = runs.flatMap((r) =>
    r.steps.map((s): SearchCostRow => {
      const usable = usableAt(s);
      const path = searchPath(s.mode);
      const layout = s.bindExamined && !failing(s) ? s.bindExamined.p50 - 1 : null;
      const expected = (c: SearchCostConstants) =>
        dialSec(toCost(c), s.mode, s.portCount, usable, twShare(s.state)) * 1e6;
      const at = (c: SearchCostConstants) =>
        layout === null ? expected(c) : dialSecExamining(toCost(c), path, layout, twShare(s.state)) * 1e6;
      const kernel = kernelOf(s);
      const modelUs = at(fitted);
      const k = kernel.cpuUs.p50;
      return {
        mode: s.mode,
        state: s.state,
        targetPercent: s.targetPercent,
        held: heldAt(s),
        dials: s.dials,
        ok: s.ok,
        failed: s.failed,
        errors: s.errors,
        kernel,
        examined: { expected: expectedExaminedHeld(s), layout },
        model: { cpuUs: modelUs, expectedUs: expected(fitted), defaultsUs: at(defaults) },
        ratio: modelUs / k,
        within: Math.abs(modelUs - k) <= SEARCH_COST_TOLERANCE * k,
      };
    }),
  );
  const defaultsWithin = rows.every(
    (r) => Math.abs(r.model.defaultsUs - r.kernel.cpuUs.p50) <= SEARCH_COST_TOLERANCE * r.kernel.cpuUs.p50,
  );
  return {
    portCount: runs[0]?.steps[0]?.portCount ?? 0,
    fillMethod,
    figure: 'thread CPU time per dial (median)',
    tolerance: SEARCH_COST_TOLERANCE,
    fitted,
    defaults,
    rows,
    truncated: runs.flatMap((r) =>
      r.truncated ? [{ mode: r.mode, state: r.state, reason: r.truncated }] : [],
    ),
    kernelRuns: runs,
    allWithin: rows.length > 0 && rows.every((r) => r.within),
    defaultsWithin,
  };
}

/**
 * What CI holds the kernel cost lab to. The lab itself (`outage-lab lab`) holds every step to
 * SEARCH_COST_TOLERANCE and exits 1 on a miss; on the shared 2-core VMs CI runs on, the kernel's cost per
 * examined port is not one constant: a scan of the whole range has been measured at twice the fitted cost
 * in every one of five measurements (Intel Xeon, Linux 6.18: 7,027 us against 3,655), and on an AMD EPYC
 * VM a bind's cost past half the range rose from 3,051 us at 50% to 6,740 us at 99% and 12,548 us at
 * 100% (216 ns then 444 ns an examined port: a larger table scanned through a cache shared with other
 * guests), where the model's shape is flat to 99%. A failing connect() with `ESTABLISHED` holders, which
 * examines both parities, measured 2,936-5,721 us at a full range in two runs of that VM, 4.9-7.2x its
 * half-range step (per port: 104-203 ns against 46 ns at half). So CI checks what holds on every machine
 * measured and what a wrong shape or constant breaks:
 * - `stepFactor`: every step short of a full range within this factor of the kernel's median (seen:
 *   0.64-1.38), and a failing full-range step within `fullStepFactor` (seen: 0.26-1.92); random
 *   probing, the model's former shape, is off by ~100x at 99% and thousands of times at a full range;
 * - `withinShare`: the median step within SEARCH_COST_TOLERANCE (seen: 69-75% of the steps within it;
 *   a CI run on the AMD VM had a median error of 10.0%);
 * - the kernel's own shape, independent of the model, per mode and state: past half the range (50-99%)
 *   the cheapest step over `halfOverEmpty` times the empty range's, every step within `pastHalfFactor`
 *   of the cheapest (seen: up to 2.2x; in one run the 50% steps were the slowest, 3,495 us against
 *   1,744 us at 99%), and a failing full-range scan `fullOverHalf` times the median step past half
 *   (seen: 1.9-7.2; random probing: ~N/2);
 * - the search is kernel CPU (`sysCpuFraction`).
 */
export const SEARCH_COST_CI = {
  stepFactor: 2.5,
  fullStepFactor: 5,
  withinShare: 0.5,
  halfOverEmpty: 20,
  pastHalfFactor: 3,
  fullOverHalf: [1.5, 10],
  sysCpuFraction: 0.9,
} as const;

/** The checks of SEARCH_COST_CI that a comparison fails, each as a sentence naming its figures. */
export function searchCostCiFailures(report: Pick<SearchCostReport, 'rows' | 'fitted'>): string[] {
  const c = SEARCH_COST_CI;
  const out: string[] = [];
  const { rows } = report;
  if (rows.length === 0) return ['no step was measured'];
  const name = (r: SearchCostRow) => `${r.mode} ${r.state} ${r.targetPercent}%`;
  for (const r of rows) {
    const factor = r.targetPercent === 100 ? c.fullStepFactor : c.stepFactor;
    if (r.ratio > factor || r.ratio < 1 / factor) {
      out.push(
        `${name(r)}: model ${r.model.cpuUs.toFixed(1)} us against the kernel's ${r.kernel.cpuUs.p50} us, outside a factor ${factor}`,
      );
    }
  }
  const within = rows.filter((r) => r.within).length;
  if (within < c.withinShare * rows.length) {
    out.push(
      `${within} of ${rows.length} steps within ${100 * SEARCH_COST_TOLERANCE}%, fewer than ${100 * c.withinShare}%`,
    );
  }
  const groups = new Map<string, SearchCostRow[]>();
  for (const r of rows)
    groups.set(`${r.mode} ${r.state}`, [...(groups.get(`${r.mode} ${r.state}`) ?? []), r]);
  for (const [key, g] of groups) {
    const empty = g.find((r) => r.targetPercent === 0)?.kernel.cpuUs.p50;
    const full = g.find((r) => r.targetPercent === 100)?.kernel.cpuUs.p50;
    const past = g.filter((r) => r.targetPercent >= 50 && r.targetPercent < 100);
    if (empty === undefined || full === undefined || past.length === 0) {
      out.push(`${key}: the 0% and 100% steps and one from 50% to 99% are needed`);
      continue;
    }
    // Past half: the cheapest step (disturbance only adds time) and the median one.
    const costs = past.map((r) => r.kernel.cpuUs.p50);
    const cheapest = Math.min(...costs);
    const half = median(costs);
    if (cheapest / empty <= c.halfOverEmpty) {
      out.push(
        `${key}: past half the range a dial costs ${(cheapest / empty).toFixed(1)}x the empty range, not over ${c.halfOverEmpty}x`,
      );
    }
    for (const r of past) {
      if (r.kernel.cpuUs.p50 / cheapest > c.pastHalfFactor) {
        out.push(
          `${name(r)}: ${(r.kernel.cpuUs.p50 / cheapest).toFixed(2)}x the cheapest step past half, over ${c.pastHalfFactor}x`,
        );
      }
    }
    const [lo, hi] = c.fullOverHalf;
    if (full / half <= lo || full / half >= hi) {
      out.push(
        `${key}: a failing full-range dial costs ${(full / half).toFixed(2)}x the median step past half, not ${lo}-${hi}x`,
      );
    }
  }
  if (report.fitted.dialSysCpuFraction <= c.sysCpuFraction) {
    out.push(
      `system time is ${(100 * report.fitted.dialSysCpuFraction).toFixed(1)}% of a failing dial's CPU time, not over ${100 * c.sysCpuFraction}%`,
    );
  }
  return out;
}
