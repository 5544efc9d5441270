/**
 * The report's charts: vega-lite specs built from the report's data and timeline runs by the pure
 * builders of lib/charts.
 */
import type { TopLevelSpec } from 'vega-lite';
import { hostRows, perInterval, stepSecOf } from '../analysis/host-rows.js';
import type { CollectedRun } from '../analysis/runs.js';
import {
  calendarChart,
  heatmapChart,
  intervalChart,
  type TornadoRow,
  timelineChart,
  tornadoChart,
} from '../charts/charts.js';
import { hostPanels } from '../charts/panels.js';
import { CLIENT_IDS, type ClientId } from '../model/workload.js';
import type { SweepMetric } from '../sweep/aggregate.js';
import type { ReportData } from './data.js';
import { WEEK_SERIES } from './week.js';

export interface FigureSpec {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

/** The clients as the per-client panels name them (short: one axis title each). */
const CLIENT_SHORT: Readonly<Record<ClientId, string>> = {
  'appview-posts': 'posts',
  'appview-users': 'users cache',
  'appview-counts': 'counts cache',
  'new-internal': 'new client',
};

export function reportFigures(data: ReportData, runs: readonly CollectedRun[]): FigureSpec[] {
  const order = data.scenarioOrder;
  const label = (id: string) => id;
  const interval = (metric: SweepMetric) =>
    order.map((id) => {
      const s = data.scenarios[id]![metric];
      return { label: label(id), mean: s.mean, ciLow: s.ciLow ?? s.mean, ciHigh: s.ciHigh ?? s.mean };
    });
  // The share of requests that failed, in %, with the interval turned over (1 - high is the low end).
  const failedPct = order.map((id) => {
    const s = data.scenarios[id]!.availability;
    const pct = (v: number | null) => (v === null ? null : 100 * (1 - v));
    return {
      label: label(id),
      mean: pct(s.mean),
      ciLow: pct(s.ciHigh ?? s.mean),
      ciHigh: pct(s.ciLow ?? s.mean),
    };
  });
  const windowH = data.derived['windowHours'];
  const pct = `${Math.round(100 * (data.derived['confidence'] ?? 0))}%`;
  const outage = runs.find((r) => r.label === 'outage')!;
  const step = perInterval(stepSecOf(outage));
  // One row per time step with a column per client: small multiples, each panel on its own scale, so a
  // spike at a kill on one client does not flatten the others.
  const perClient = outage.rows.map((r) => ({
    run: 'outage',
    tSec: r.tSec,
    ...Object.fromEntries(CLIENT_IDS.map((client) => [client, r[`reqErr:${client}`]])),
  }));
  const sweepRows = data.sweep.points.map((p) => ({
    ...p,
    failedPct: p.unavailability === null ? null : 100 * p.unavailability,
  }));
  const heat = (value: 'failedPct' | 'oomKills', title: string) =>
    heatmapChart(sweepRows, {
      title,
      x: 'batchSize',
      y: 'poolSize',
      row: 'concurrencyLimit',
      column: 'logRate',
      order: data.sweep.axes,
      value,
      valueTitle: value === 'failedPct' ? 'requests failed (%)' : `OOM kills / ${windowH} h`,
      higherIsBetter: false,
    });
  const regimeRows = data.metastability.regimes.map((r) => ({ ...r }));
  const week = data.week;
  const weekRows = week.hourly.map((h) => ({
    ...h,
    failedPct: h.userAvailabilityPct === null ? null : 100 - h.userAvailabilityPct,
  }));
  const sens = data.sensitivity;
  const tornadoRows: TornadoRow[] = sens.swings.flatMap((sw) =>
    (['low', 'high'] as const).flatMap((end) => {
      const metric = sw[end];
      const value = end === 'low' ? sw.lowValue : sw.highValue;
      return metric === null || sw.base === null
        ? []
        : [{ parameter: sw.path, end: `${end} end`, value: String(value), metric, base: sw.base }];
    }),
  );
  return [
    {
      id: 'sensitivity-tornado',
      title: "How DC A's Monday moves with each assumption",
      caption: `DC A's users' served share on Monday (00:00 to the band-aid's time) with each parameter at the low (blue) and high (red) end of its stated range, one at a time, the others at their defaults (dashed line: all at their defaults), on seed ${sens.seed} with ${sens.hosts} hosts. Widest swing at the top.`,
      spec: tornadoChart(tornadoRows, {
        title: "DC A's Monday served, each parameter at the ends of its range",
        metricTitle: 'Monday served',
        order: sens.swings.map((s) => s.path),
        format: '.0%',
      }),
    },
    {
      id: 'week',
      title: 'The outage week on the fleet',
      caption: `Hourly means over the incident's calendar (UTC), seed ${week.seed}: the share of user requests that failed after the AppView's retries, per data center, and OOM kills per hour over the affected data center's ${week.facts['hostsPerDc']} hosts. "DC A, no fix" is the same week and seeds without any deploy. Dashed lines: the model's first dial error and the deploys. Scales are chosen from the data (symmetric log where values span orders of magnitude).`,
      spec: calendarChart(weekRows, {
        title: 'Fri 2026-04-03 to Wed 2026-04-08',
        timeField: 'utc',
        seriesField: 'series',
        series: WEEK_SERIES,
        panels: [
          { field: 'failedPct', title: 'user requests failed (%)' },
          {
            field: 'oomKills',
            title: 'OOM kills per hour',
            series: [WEEK_SERIES[0], WEEK_SERIES[1]],
          },
        ],
        events: week.events,
      }),
    },
    {
      id: 'timeline',
      title: 'The outage and the two deployed fixes, one host',
      caption: `One host over the first ${windowH} hours after the new client starts, on the same seed (replicate 0 of the fix comparison), in ${step} intervals. Counts and failed requests on a symmetric log scale where they span orders of magnitude.`,
      spec: timelineChart(hostRows(runs), {
        title: 'Outage vs fixes, one host',
        series: runs.map((r) => r.label),
        panels: hostPanels(stepSecOf(outage)),
      }),
    },
    {
      id: 'fix-availability',
      title: 'Failed user requests by fix',
      caption: `The share of user requests that failed (100% minus availability): mean over ${data.meta.seeds.length} replicates with its ${pct} t-interval, every scenario on the same seeds. A symmetric log scale when the values span orders of magnitude, so that a fix at 0.01% stands apart from one at 0%.`,
      spec: intervalChart(failedPct, {
        title: 'User requests failed (%)',
        valueTitle: 'requests failed (%)',
        order,
      }),
    },
    {
      id: 'fix-dial-errors',
      title: 'Dial errors by fix',
      caption: `Failed memcached dials over ${windowH} hours, mean and ${pct} interval.`,
      spec: intervalChart(interval('dialErrors'), {
        title: 'Failed dials per host',
        valueTitle: `dial errors / ${windowH} h`,
        order,
      }),
    },
    {
      id: 'fix-oom',
      title: 'OOM kills by fix',
      caption: `Container OOM kills over ${windowH} hours, mean and ${pct} interval.`,
      spec: intervalChart(interval('oomKills'), {
        title: 'OOM kills per host',
        valueTitle: `OOM kills / ${windowH} h`,
        order,
      }),
    },
    {
      id: 'per-client',
      title: 'Failed requests per client',
      caption: `The outage run split by client, one panel per client, each on its own scale: errors land on every cache client, not only on the new one whose big batches cause them. ${step} intervals.`,
      spec: timelineChart(perClient, {
        title: 'Failed requests per client, outage',
        series: ['outage'],
        panels: Object.entries(CLIENT_SHORT).map(([client, name]) => ({
          field: client,
          title: [name, `failed / ${step}`],
        })),
        panelHeight: 70,
      }),
    },
    {
      id: 'sweep-availability',
      title: 'Sweep: failed requests over the four knobs',
      caption:
        'The share of user requests that failed, mean per point of the default sweep; green is healthy, red the worst point, on a scale fitted to the data. Rows: concurrency limit; columns: log rate.',
      spec: heat('failedPct', 'Requests failed (mean over replicates)'),
    },
    {
      id: 'sweep-oom',
      title: 'Sweep: OOM kills over the four knobs',
      caption:
        'Mean OOM kills per point of the default sweep, on a scale fitted to the data: where the host spirals.',
      spec: heat('oomKills', 'OOM kills (mean over replicates)'),
    },
    {
      id: 'regimes',
      title: 'Regimes after the trigger stops',
      caption: `Each point's class (majority of ${data.metastability.replicates} replicates) when the new client stops after ${data.metastability.stopSec / 60} minutes.`,
      spec: heatmapChart(regimeRows, {
        title: 'Recovery class when the trigger stops',
        x: 'batchSize',
        y: 'poolSize',
        row: 'concurrencyLimit',
        column: 'logRate',
        order: Object.fromEntries(
          ['batchSize', 'poolSize', 'concurrencyLimit', 'logRate'].map((a) => [
            a,
            [...new Set(data.metastability.regimes.map((r) => String(r[a])))].sort((x, y) =>
              Number.isNaN(Number(x)) ? -1 : Number.isNaN(Number(y)) ? 1 : Number(x) - Number(y),
            ),
          ]),
        ),
        value: 'recoveryClass',
        valueTitle: 'class',
        categories: ['stable', 'vulnerable', 'recovers-by-restart', 'metastable', 'unstable'],
        colors: ['#1a7f37', '#d4a72c', '#e16f24', '#cf222e', '#6e40c9'],
      }),
    },
  ];
}
