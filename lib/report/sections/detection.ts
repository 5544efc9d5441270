/** The report's section "Detection": how soon four monitoring setups alert and name the cause. */

import { type Fmt, formatValue } from '../facts.js';
import { esc, tableHtml } from '../html.js';
import type { Section, SectionContext } from './context.js';

export function detectionSection({ data, f, fig }: SectionContext): Section {
  const det = (setup: string, field: 'alertSec' | 'causeSec', fmt: Fmt = 'int') =>
    data.detection.bySetup[setup]?.[field] === null ? 'never' : f(`detection.bySetup.${setup}.${field}`, fmt);
  const setupNames: Record<string, string> = {
    'per-endpoint': 'per-endpoint metrics only',
    'per-client': 'per-client requests and errors',
    'per-client-histograms': 'per-client, with URIs-per-request histograms',
    'error-logs': 'error logs only',
  };
  return {
    id: 'detection',
    title: 'Detection',
    html: `<p>Errors did not point at their cause. In the model, failed requests land on every cache client of
the host: the posts, users and counts caches all fail while their own traffic is normal, because the new
client's bursts empty the shared port range.</p>
${fig('per-client')}
<p>Four monitoring setups, each read by a stated rule, on the outage's first
${f('derived.windowHours', 'd1')} hours at one-second resolution. An alert fires when an error ratio over
the last ${f('detection.rules.alertSustainSec')} seconds exceeds ${f('detection.rules.alertErrorRatio', 'pct0')}
(per endpoint, or per client), or when error lines average more than
${f('detection.rules.logAlertLinesPerSec')} per second. The cause is named when one client's failure ratio
is over ${f('detection.rules.clientFailureFactor')} times everyone else's, or when one client's largest
request exceeds ${f('detection.rules.batchOutlierFactor')} times the largest normal batch
(${f('detection.rules.normalBatchMax')} URIs).</p>
${tableHtml(
  ['monitoring', 'first alert (s after trigger)', 'cause named (s after trigger)', 'what it points at'],
  data.detection.results.map((r) => [
    setupNames[r.setup] ?? r.setup,
    r.alertSec === null ? 'never' : formatValue(r.alertSec, 'int'),
    r.causeSec === null ? 'never' : formatValue(r.causeSec, 'int'),
    { html: esc(r.names) },
  ]),
)}
<p>Per-endpoint metrics alone alert after ${det('per-endpoint', 'alertSec')} seconds and never name a
client; error logs alert after ${det('error-logs', 'alertSec')} seconds and name the mechanism (the dial
error) but not who causes it, which is where the days of searching went. Per-client metrics name the new
client after ${det('per-client', 'causeSec')} seconds, and batch-size histograms after
${det('per-client-histograms', 'causeSec')} seconds, at the first alert.</p>`,
  };
}
