/** The report's section "Sweep findings: where the system tips": the default sweep's regimes and the metastability sweep. */

import { formatValue } from '../facts.js';
import { tableHtml } from '../html.js';
import type { Section, SectionContext } from './context.js';

export function sweepSection({ data, f, fig }: SectionContext): Section {
  return {
    id: 'sweep',
    title: 'Sweep findings: where the system tips',
    html: `<p>The default sweep crosses batch size, concurrency limit, pool size and log rate
(${f('sweep.findings.points')} points, ${f('sweep.findings.replicates')} replicates of
${f('sweep.findings.windowHours', 'd1')} hours each). A point is <span class="regime-stable">stable</span>
when no replicate saw a dial error, in a <span class="regime-spiral">spiral</span> when the host was
OOM-killed at least once per replicate on average and lost more than a hundredth of its requests, and
<span class="regime-degraded">degraded</span> otherwise: ${f('sweep.regimes.stable')} stable,
${f('sweep.regimes.degraded')} degraded, ${f('sweep.regimes.spiral')} in a spiral.</p>
<p>With any concurrency limit, ${f('sweep.findings.boundedStable')} of ${f('sweep.findings.boundedPoints')}
points are stable. Without one, ${f('sweep.findings.unboundedStable')} of ${f('sweep.findings.unboundedPoints')}
are; the smallest batch size that leaves the stable regime is ${f('sweep.findings.smallestBadBatchUnbounded')}
URIs, and ${f('sweep.findings.unboundedSpiral')} unbounded points spiral. Pool size and log rate move the
boundary far less than the concurrency limit does.</p>
${fig('sweep-availability')}
${fig('sweep-oom')}
<h3>Does it recover when the trigger stops?</h3>
<p>A metastable failure sustains itself after its trigger is gone. A second sweep stops the new client
after ${f('metastability.stopSec', 'min1')} minutes and watches each host for
${f('metastability.windowHours', 'd1')} hour(s) (${f('metastability.points')} points,
${f('metastability.replicates')} replicates). A run is <em>stable</em> when no second was bad,
<em>vulnerable</em> when it recovers on its own after the stop, <em>recovers-by-restart</em> when it
recovers only after an OOM kill and restart, <em>metastable</em> when it never recovers in the window, and
<em>unstable</em> when it fails before the new client even starts. Of the points,
${f('metastability.classes.stable')} are stable, ${f('metastability.classes.vulnerable')} vulnerable,
${f('metastability.classes.recovers-by-restart')} recover only by restart,
${f('metastability.classes.metastable')} are metastable and ${f('metastability.classes.unstable')}
unstable.</p>
<p>On one host the spiral needs its trigger: ${
      data.metastability.outagePoint
        ? `at the outage's own settings the host is ${f('metastability.outagePoint.recoveryClass', 'text')}`
        : 'the outage point is not in this sweep'
    }. The kernel lets go of the ports a minute after the last burst, the threads stay (the ratchet, seen at
${f('metastability.loops.threadRatchet')} points) but no longer block anything, and nothing in a single host
re-creates the bursts. With no concurrency limit, a pool of ${f('params.poolSize')} and unlimited logs, the
boundary between stable and vulnerable lies between ${f('metastability.boundaryLow')} and
${f('metastability.boundaryHigh')} URIs per batch (bisected). The week above tells the same story at the
scale of the fleet, with the AppView's retries: the failure lasted as long as the new client's bursts did,
and its severity followed the load.</p>
${fig('regimes')}
${tableHtml(
  ['concurrency limit', 'pool', 'log rate', 'below', 'above', 'boundary in (URIs)'],
  data.metastability.boundaries.map((b) => [
    String(b['concurrencyLimit']),
    String(b['poolSize']),
    String(b['logRate']),
    String(b['lowClass']),
    String(b['highClass']),
    `${formatValue(b['low'], 'int')} to ${formatValue(b['high'], 'int')}`,
  ]),
)}`,
  };
}
