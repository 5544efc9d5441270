/** The report's section "Counterfactuals: each fix against the outage": each fix alone against the outage, with its cost. */

import { formatValue } from '../facts.js';
import { tableHtml } from '../html.js';
import { type Section, type SectionContext, withCi } from './context.js';

export function counterfactualsSection({ data, f, S, fig }: SectionContext): Section {
  const costs: Record<string, string> = {
    baseline: 'no new client',
    outage: 'none: the incident',
    'fix-bounded-concurrency': `a big batch runs in ${f('costs.limitWaves')} waves of ${f('costs.limit')} gets, about ${f('costs.limitBatchSec', 'ms')} against ${f('costs.unboundedBatchSec', 'ms')} at memcached's full rate`,
    'fix-random-local-ip': `the bursts remain (peak ${S('fix-random-local-ip', 'peakTimeWait')} sockets in TIME_WAIT); needs many local addresses`,
    'fix-bind-no-port': 'a dialer change; reuse of TIME_WAIT ports needs TCP timestamps',
    'fix-pool-size': `${f('costs.poolIdleConns')} idle connections per process: ${f('costs.poolIdleBytes', 'mib')} of buffers and ${f('costs.poolSlotsShare', 'pct1')} of one memcached server's connection slots`,
    'fix-log-rate-limit': `${f('costs.logLostFraction', 'pct1')} of error lines dropped, with the evidence they carried`,
    'fix-batch-cap': `big requests (${f('costs.rejectedShare', 'pct1')} of the new client's) fail until it splits them below ${f('costs.batchCap')} URIs`,
    'fix-getmulti': `one connection per request; a big batch takes about ${f('costs.getMultiBatchSec', 'ms')} of one memcached thread`,
    'fix-memory-limits': `ports still run out (${S('fix-memory-limits', 'dialErrors')} dial errors); a lower heap goal costs GC CPU`,
    'fix-tw-reuse': 'a dialer change (no fixed local address); relies on TCP timestamps',
    'fix-so-linger': 'RST on close: unsent data is lost and stray segments are no longer absorbed',
  };
  return {
    id: 'counterfactuals',
    title: 'Counterfactuals: each fix against the outage',
    html: `<p>Each fix alone, on the outage's trigger and on the same seeds. Means over
${f('meta.sweeps.fixes.replicates')} replicates of ${f('derived.windowHours', 'd1')} hours with
${f('derived.confidence', 'pct0')} t-intervals.</p>
${tableHtml(
  ['scenario', 'availability', 'dial errors', 'OOM kills', 'peak threads', 'p99 (ms)', 'cost'],
  data.scenarioOrder.map((id) => {
    const s = data.scenarios[id]!;
    return [
      id,
      withCi(s.availability, 'pct2'),
      withCi(s.dialErrors, 'int'),
      withCi(s.oomKills, 'd1'),
      formatValue(s.peakThreads.mean, 'int'),
      formatValue(s.p99LatencyMs.mean, 'd2'),
      { html: costs[id] ?? '' },
    ];
  }),
)}
${fig('fix-availability')}
${fig('fix-dial-errors')}
${fig('fix-oom')}`,
  };
}
