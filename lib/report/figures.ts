/**
 * The report's charts: vega-lite specs built from the report's data and timeline runs by the pure
 * builders of lib/charts.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CollectedRun } from '../analysis/runs.js';
import { calendarChart, heatmapChart, intervalChart, timelineChart } from '../charts/charts.js';
import type { SweepMetric } from '../sweep/aggregate.js';
import type { ReportData } from './data.js';
import { WEEK_SERIES } from './week.js';

export interface FigureSpec {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

const CLIENT_LABELS: Readonly<Record<string, string>> = {
  'appview-posts': 'posts (GetPostRecord, 1-50 URIs)',
  'appview-users': 'users cache',
  'appview-counts': 'counts cache',
  'new-internal': 'new internal client',
};

function timelineRows(runs: readonly CollectedRun[]): Record<string, unknown>[] {
  return runs.flatMap((run) =>
    run.rows.map((r) => ({
      run: run.label,
      tSec: r.tSec,
      timeWait: r.timeWait,
      dialErrors: Number(r['dialErr:addr-in-use']) + Number(r['dialErr:addr-not-avail']),
      threads: r.threads,
      rssGiB: Number(r.rssBytesMax) / 2 ** 30,
      gcPauseMaxMs: r.gcPauseMaxMs,
      availability: r.userAvailability === '' ? null : r.userAvailability,
      oomKills: r.oomKills,
    })),
  );
}

export function reportFigures(data: ReportData, runs: readonly CollectedRun[]): FigureSpec[] {
  const order = data.scenarioOrder;
  const label = (id: string) => id;
  const interval = (metric: SweepMetric) =>
    order.map((id) => {
      const s = data.scenarios[id]![metric];
      return { label: label(id), mean: s.mean, ciLow: s.ciLow ?? s.mean, ciHigh: s.ciHigh ?? s.mean };
    });
  const windowH = data.derived['windowHours'];
  const pct = `${Math.round(100 * (data.derived['confidence'] ?? 0))}%`;
  const outage = runs.find((r) => r.label === 'outage')!;
  const perClient = outage.rows.flatMap((r) =>
    Object.entries(CLIENT_LABELS).map(([client, name]) => ({
      run: name,
      tSec: r.tSec,
      failed: Number(r[`reqErr:${client}` as keyof typeof r]),
    })),
  );
  const sweepRows = data.sweep.points.map((p) => ({ ...p }));
  const heat = (value: 'availability' | 'oomKills', title: string) =>
    heatmapChart(sweepRows, {
      title,
      x: 'batchSize',
      y: 'poolSize',
      row: 'concurrencyLimit',
      column: 'logRate',
      order: data.sweep.axes,
      value,
      valueTitle: value === 'availability' ? 'availability' : `OOM kills / ${windowH} h`,
      ...(value === 'availability' ? { domain: [0.8, 1] as [number, number] } : { scheme: 'reds' }),
    });
  const regimeRows = data.metastability.regimes.map((r) => ({ ...r }));
  const week = data.week;
  return [
    {
      id: 'week',
      title: 'The outage week on the fleet',
      caption: `Hourly means over the incident's calendar (UTC), seed ${week.seed}: the share of user requests served after the AppView's retries, per data center, and OOM kills per hour over the affected data center's ${week.facts['hostsPerDc']} hosts. "DC A, no fix" is the same week and seeds without any deploy. Dashed lines: the model's first dial error and the deploys.`,
      spec: calendarChart(week.hourly, {
        title: 'Fri 2026-04-03 to Wed 2026-04-08',
        timeField: 'utc',
        seriesField: 'series',
        series: WEEK_SERIES,
        panels: [
          { field: 'userAvailabilityPct', title: 'user requests served (%)' },
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
      caption: `One host over the first ${windowH} hours after the new client starts, on the same seed (replicate 0 of the fix comparison). 10-second intervals.`,
      spec: timelineChart(timelineRows(runs), {
        title: 'Outage vs fixes, one host',
        series: runs.map((r) => r.label),
        panels: [
          { field: 'timeWait', title: 'TIME_WAIT sockets' },
          { field: 'dialErrors', title: 'dial errors / 10 s' },
          { field: 'threads', title: 'OS threads' },
          { field: 'rssGiB', title: 'RSS (GiB)' },
          { field: 'gcPauseMaxMs', title: 'max GC pause (ms)' },
          { field: 'oomKills', title: 'OOM kills / 10 s' },
          { field: 'availability', title: 'availability' },
        ],
      }),
    },
    {
      id: 'fix-availability',
      title: 'User availability by fix',
      caption: `Mean over ${data.meta.seeds.length} replicates with its ${pct} t-interval; every scenario on the same seeds.`,
      spec: intervalChart(interval('availability'), {
        title: 'User availability (fraction of requests served)',
        valueTitle: 'availability',
        order,
      }),
    },
    {
      id: 'fix-dial-errors',
      title: 'Dial errors by fix',
      caption: `Failed memcached dials over ${windowH} hours (symmetric log scale), mean and ${pct} interval.`,
      spec: intervalChart(interval('dialErrors'), {
        title: 'Failed dials per host',
        valueTitle: `dial errors / ${windowH} h`,
        order,
        log: true,
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
      caption:
        'The outage run split by client: errors land on every cache client, not only on the new one whose big batches cause them.',
      spec: timelineChart(perClient, {
        title: 'Failed requests per client, outage',
        seriesField: 'run',
        series: Object.values(CLIENT_LABELS),
        panels: [{ field: 'failed', title: 'failed requests / 10 s' }],
        panelHeight: 160,
      }),
    },
    {
      id: 'sweep-availability',
      title: 'Sweep: availability over the four knobs',
      caption:
        'Mean availability per point of the default sweep. Rows: concurrency limit; columns: log rate.',
      spec: heat('availability', 'Availability (mean over replicates)'),
    },
    {
      id: 'sweep-oom',
      title: 'Sweep: OOM kills over the four knobs',
      caption: 'Mean OOM kills per point of the default sweep: where the host spirals.',
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
