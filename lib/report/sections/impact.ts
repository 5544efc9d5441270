/** The report's section "Impact": one host of the affected data center, baseline against outage, with intervals. */

import type { SweepMetric } from '../../sweep/aggregate.js';
import type { Fmt } from '../facts.js';
import { tableHtml } from '../html.js';
import { type Section, type SectionContext, withCi } from './context.js';

export function impactSection({ data, f }: SectionContext): Section {
  const impactMetrics: Array<[SweepMetric, string, Fmt]> = [
    ['availability', 'availability', 'pct2'],
    ['downtimeSec', 'downtime (s)', 'int'],
    ['dialErrors', 'dial errors', 'int'],
    ['peakTimeWait', 'peak TIME_WAIT', 'int'],
    ['firstPortExhaustionSec', 'first port exhaustion (s)', 'd1'],
    ['peakThreads', 'peak OS threads', 'int'],
    ['oomKills', 'OOM kills', 'd1'],
    ['restarts', 'restarts', 'd1'],
    ['peakRssBytes', 'peak RSS', 'mib'],
    ['maxGcPauseMs', 'max GC pause (ms)', 'd2'],
    ['logLinesAttempted', 'error log lines attempted', 'int'],
    ['p99LatencyMs', 'p99 latency (ms)', 'd2'],
  ];
  return {
    id: 'impact',
    title: 'Impact',
    html: `<p>Per host of the affected data center, over ${f('derived.windowHours', 'd1')} hours, mean over
${f('meta.sweeps.fixes.replicates')} replicates with ${f('derived.confidence', 'pct0')} intervals in brackets. The source reports that
about half of the users (those served by the affected data center) lost service intermittently for about
${f('incident.observed.outageHours')} hours on the worst day; the week section shows that at the level of
users and data centers. Here the impact is the fraction of one host's user-facing calls served.</p>
${tableHtml(
  ['metric', 'baseline', 'outage'],
  impactMetrics.map(([m, name, fmt]) => [
    name,
    withCi(data.scenarios['baseline']?.[m], fmt),
    withCi(data.scenarios['outage']?.[m], fmt),
  ]),
)}`,
  };
}
