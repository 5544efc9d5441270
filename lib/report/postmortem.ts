/**
 * The written post-mortem: one self-contained HTML page composed from the report's data and rendered
 * charts. Every number in the prose goes through `f(path, format)` (facts.ts), so it is the data's value;
 * every interpolated string goes through `esc`. Pure: the same data gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { getPath, listParamSpecs } from '../model/params.js';
import type { SweepMetric } from '../sweep/aggregate.js';
import type { Bundle } from './assets.js';
import type { ReportData, Stats } from './data.js';
import { type Fmt, factWriter, formatValue } from './facts.js';
import type { FigureSpec } from './figures.js';
import { esc, tableHtml } from './html.js';

export interface RenderedFigure extends FigureSpec {
  readonly svg: string;
}

/** JSON for a `<script type="application/json">`: no `<` that could close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

const STYLE = `
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { font-size: 1.3rem; margin-top: 2.4rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .88rem; } td, th { padding: .25rem .55rem; border-bottom: 1px solid #eee; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; } td.text, th.text { text-align: left; }
.note, figcaption { color: #555; font-size: .88rem; } figure { margin: 1.5rem 0; overflow-x: auto; }
.chart svg { max-width: 100%; height: auto; } nav ol { columns: 2; font-size: .9rem; }
code { font-size: .88em; background: #f4f4f6; padding: 0 .2em; border-radius: 3px; }
.chain { display: block; margin: 1rem auto; max-width: 100%; height: auto; }
.verdict-reproduced { color: #1a7f37; } .verdict-not-reproduced { color: #cf222e; } .verdict-not-modelled { color: #555; }
.regime-stable { color: #1a7f37; } .regime-degraded { color: #9a6700; } .regime-spiral { color: #cf222e; }
`;

const INIT = `(function () {
  var figures = document.querySelectorAll('figure[data-chart]');
  var pending = [];
  figures.forEach(function (fig) {
    var spec = JSON.parse(document.getElementById(fig.id + '-spec').textContent);
    var target = fig.querySelector('.chart');
    pending.push(vegaEmbed(target, spec, { actions: false, renderer: 'svg' }));
  });
  Promise.all(pending).then(function () { document.body.dataset.ready = '1'; }, function (e) {
    console.error('chart failed: ' + e);
    document.body.dataset.ready = 'error';
  });
})();`;

export function buildPostmortem(
  data: ReportData,
  figures: readonly RenderedFigure[],
  bundles: readonly Bundle[],
): string {
  const f = factWriter(data);
  const fig = (id: string): string => {
    const x = figures.find((g) => g.id === id);
    if (!x) throw new Error(`report: no figure ${id}`);
    return `<figure id="fig-${esc(x.id)}" data-chart="${esc(x.id)}">
<div class="chart">${x.svg}</div>
<figcaption><strong>${esc(x.title)}.</strong> ${esc(x.caption)}</figcaption>
</figure>
<script type="application/json" id="fig-${esc(x.id)}-spec">${scriptJson(x.spec)}</script>`;
  };
  const S = (id: string, metric: string, fmt: Fmt = 'int') => f(`scenarios.${id}.${metric}.mean`, fmt);
  const src = data.incident.source;
  const cite = `<a href="${esc(src.url)}">${esc(src.title)}</a>`;
  const sections: Array<[id: string, title: string, html: string]> = [];
  const w = (key: string, fmt: Fmt = 'int') => f(`week.facts.${key}`, fmt);

  sections.push([
    'summary',
    'Summary',
    `<p>This post-mortem replays the data-plane outage described in ${cite} on outage-lab's mechanistic model
of the data plane, and compares it with every fix the original discussion weighs. Every figure below comes
from simulation runs: the outage week as a fleet of two data centers of ${w('hostsPerDc')} hosts each
behind the AppView; ${f('meta.sweeps.fixes.replicates')} replicates of ${f('derived.windowHours', 'd1')}
simulated hours per scenario on one host, on common random numbers; and a sweep of
${f('sweep.findings.points')} combinations of the four knobs.</p>
<p>Over the week as it happened (the new client from ${w('triggerUtc', 'text')}, the band-aid deployed
from ${w('bandAidUtc', 'text')}, bounded concurrency from ${w('setLimitUtc', 'text')}), the users of the
affected data center got ${w('userAvailabilityA', 'pct2')} of their requests served, those of the other
${w('userAvailabilityB', 'pct2')}. The affected data center had ${w('affectedHoursA')} hours in which more
than one user request in a thousand failed, ${w('mondayAffectedHours')} of them on Monday (the source:
about ${f('incident.observed.outageHours')} hours); the other had ${w('affectedHoursB')}. On Monday a host
there was OOM-killed about once every ${w('upMinutes')} minutes (the source: about
${f('incident.observed.upMinutesBetweenKills')}), against ${w('weekendKillsPerHour', 'd2')} kills per
host-hour at the weekend's load: the weekend dipped, Monday spiralled. The model reproduces
${f('observationCounts.reproduced')} of the source's ${f('observationCounts.total')} observations.</p>
<p>With the new internal client sending batches of ${f('params.batchLow')} to ${f('params.batchHigh')} URIs to an
unbounded <code>GetPostRecord</code>, the host served ${S('outage', 'availability', 'pct2')} of user requests
(baseline ${S('baseline', 'availability', 'pct2')}), failed ${S('outage', 'dialErrors')} memcached dials,
held up to ${S('outage', 'peakTimeWait')} sockets in <code>TIME_WAIT</code> (the whole range of
${f('params.portsPerIp')} ports for its one local address), grew from ${S('baseline', 'peakThreads')} to
${S('outage', 'peakThreads')} OS threads (${f('derived.threadRatio', 'x1')}; observed:
${f('derived.observedThreadRatio', 'x1')}) and was OOM-killed ${S('outage', 'oomKills', 'd1')} times in
${f('derived.windowHours', 'd1')} hours at a weekday's nominal load (these host runs have no calendar).</p>
<p>The band-aid that was deployed, a random local IP per dial, removed the dial errors
(${S('fix-random-local-ip', 'dialErrors')} on average) but not the big batches; in the week it cut the
affected data center's OOM kills between its deploy and Wednesday's fix from ${w('withoutFixOomKills')} to
${w('bandAidOomKills')} on the simulated hosts (same seeds, without and with it). Bounded concurrency removed
the cause: ${S('fix-bounded-concurrency', 'availability', 'pct2')} availability, ${S('fix-bounded-concurrency', 'dialErrors')}
dial errors, ${S('fix-bounded-concurrency', 'oomKills', 'd1')} OOM kills.</p>`,
  ]);

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
  const withCi = (s: Stats | undefined, fmt: Fmt): string => {
    if (!s || s.mean === null) return 'n/a';
    const m = formatValue(s.mean, fmt);
    return s.ciLow === null || s.ciHigh === null || s.ciLow === s.ciHigh
      ? m
      : `${m} [${formatValue(s.ciLow, fmt)}, ${formatValue(s.ciHigh, fmt)}]`;
  };
  sections.push([
    'impact',
    'Impact',
    `<p>Per host of the affected data center, over ${f('derived.windowHours', 'd1')} hours, mean over
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
  ]);

  sections.push([
    'observations',
    'What the model reproduces',
    `<p>The source reports ${f('observationCounts.total')} observations. Each is checked, with the rule and
thresholds of <code>data/expectations.json</code>, against the outage week run as a fleet: as deployed, and
without any fix on the same seeds (<code>outage-lab calibration</code> prints this table; a test fails if a
verdict turns). ${f('observationCounts.reproduced')} are reproduced and
${f('observationCounts.notReproduced')} are not. The defaults that bear on them (the GOMEMLIMIT headroom,
the weekly load shape, the AppView's retries, the dial time) are calibrated within stated ranges; the
appendix lists each with its source or range.</p>
${tableHtml(
  ['', 'observation', 'check', 'model', 'verdict'],
  data.observations.map((o) => [
    o.id,
    { html: esc(o.observation) },
    { html: esc(o.check) },
    { html: esc(o.measured) },
    { html: `<span class="verdict-${o.verdict.replace(/ /g, '-')}">${esc(o.verdict)}</span>` },
  ]),
)}`,
  ]);

  const firstEvents = data.timelineEvents.filter((e) => e.run === 'outage').slice(0, 8);
  sections.push([
    'timeline',
    'Timeline',
    `<p>The real incident, as the source tells it, and the model's first events mapped onto the same clock
(the model's trigger, ${f('derived.triggerSec')} s into the run, is placed at the first logged dial error,
${f('incident.triggerAt', 'text')}).</p>
${tableHtml(
  ['when (UTC)', 'what', 'source'],
  data.incident.events.map((e) => [e.at, e.what, e.source]),
)}
<h3>The model, on that clock</h3>
${tableHtml(
  ['when (UTC)', 'run time (s)', 'event'],
  firstEvents.map((e) => [e.at, formatValue(e.tSec, 'int'), e.event]),
)}
<p class="note">These are the first ${f('derived.windowHours', 'd1')} hours after the trigger on one host;
the next section follows the whole week on the fleet.</p>`,
  ]);

  sections.push([
    'week',
    'The week, Friday to Wednesday',
    `<p>The scenario <code>as-deployed</code> maps the model's clock onto the incident's calendar: the new
client's big batches start at the first logged dial error, user traffic follows a weekly shape (the weekend
at ${f('params.load.weekendFactor', 'pct0')} of a weekday, Monday at ${f('params.load.mondayFactor', 'pct0')},
a daily swing of ${f('params.load.diurnalAmplitude', 'pct0')} peaking at hour
${f('params.load.peakHourUtc')} UTC), and the fixes are deployed as they were, each rolling over the hosts in
${f('params.fleet.rolloutSec', 'min1')} minutes. Two data centers of ${w('hostsPerDc')} hosts serve
${w('userShareA', 'pct0')} of the users each; ${w('representativeHosts')} hosts per data center are simulated and
scaled. The AppView retries a failed call ${f('params.upstream.retries')} time(s) on another host, so a user
request fails only when every attempt does, and failures bring more calls.</p>
${fig('week')}
<p>The affected data center first fails at ${w('firstDialErrorUtc', 'text')},
${w('firstDialErrorAfterTriggerSec', 'd1')} s after the new client starts. Through the weekend its hosts run
out of ports after every big batch, log errors and hold ${w('peakThreads')} threads instead of
${S('baseline', 'peakThreads')}, yet they are rarely killed (${w('weekendKillsPerHour', 'd2')} OOM kills per
host-hour). On Monday they are killed about every ${w('upMinutes')} minutes. What changes is how often a
host is killed, not what follows a kill: a restart finds the ports still in <code>TIME_WAIT</code> and
fails at once (${w('failedRestarts')} of ${w('restarts')} restarts before the band-aid), and
${w('weekendRekillShare', 'pct0')} of the weekend's kills, ${w('mondayRekillShare', 'pct0')} of Monday's,
come within ten minutes of a restart. The heap of a host sits at its GOMEMLIMIT; a big batch adds its
goroutines' stacks and its error lines at once, and the garbage that piles up while the collector marks
grows with the traffic, about ${w('mondayPeakGetsPerSec')} memcached gets per second at Monday's peak
against ${w('weekendPeakGetsPerSec')} at the weekend's. With more traffic, more of the batches push a
host over the container's limit. Users of that data
center see ${w('mondayAffectedHours')} hours on Monday with more than one request in a thousand failing, the
worst at ${w('worstHourA', 'pct2')} served, while the other data center stays at
${w('userAvailabilityB', 'pct2')} over the week. After the band-aid the dial errors stop and the kills drop
from ${w('withoutFixOomKills')} to ${w('bandAidOomKills')} (on the simulated hosts, until Wednesday's fix);
users of the affected data center get ${w('bandAidUserAvailability', 'pct2')} of their requests served in
that window, against ${w('withoutFixUserAvailability', 'pct2')} without it. After bounded concurrency and
the band-aid's removal nothing fails.</p>
${tableHtml(
  ['minute ending (UTC)', 'event on the first simulated host of the affected data center'],
  data.week.events.map((e) => [e.utc, e.label]),
)}`,
  ]);

  sections.push([
    'causes',
    'Trigger, root cause and contributing factors',
    `<p><strong>Trigger.</strong> A new internal client started calling <code>GetPostRecord</code> with
batches of ${f('params.batchLow')} to ${f('params.batchHigh')} URIs, where normal callers send at most
${f('params.workload.normalBatchMax')}. In the model the first port exhaustion comes
${f('derived.firstExhaustionAfterTriggerSec', 'd1')} s after the client starts (mean over replicates).</p>
<p><strong>Root cause.</strong> The handler started one goroutine per URI with no limit, and each goroutine
took its own memcached connection. The pool keeps ${f('params.poolSize')} idle connections and closes the
rest, each close leaving a socket in <code>TIME_WAIT</code> for ${f('params.kernel.timeWaitSec')} s; with
bind-before-connect on one local address, ${f('params.portsPerIp')} ports run out within a batch or two.</p>
<p><strong>Contributing factors.</strong> Every failed dial was logged: ${S('outage', 'logLinesAttempted')}
error lines attempted per host, about ${f('derived.logPerDialError', 'd1')} per failed dial. Failing
<code>bind()</code> calls scan the whole port range, milliseconds of kernel CPU each: the Go runtime hands
their Ps to new OS threads (never released) only as fast as those threads get a CPU, so the threads grow far
less than the goroutines, while the scans take the cores from the requests (the Go lab measures both). A GOMEMLIMIT
of ${f('params.runtime.memLimitBytes', 'gib')} under a container limit of
${f('params.process.memoryLimitBytes', 'gib')} left little room for the memory spike of a burst, so the
host was OOM-killed, and restarted into a port table still full of <code>TIME_WAIT</code>.</p>
${causalChain(f)}`,
  ]);

  const det = (setup: string, field: 'alertSec' | 'causeSec', fmt: Fmt = 'int') =>
    data.detection.bySetup[setup]?.[field] === null ? 'never' : f(`detection.bySetup.${setup}.${field}`, fmt);
  const setupNames: Record<string, string> = {
    'per-endpoint': 'per-endpoint metrics only',
    'per-client': 'per-client requests and errors',
    'per-client-histograms': 'per-client, with URIs-per-request histograms',
    'error-logs': 'error logs only',
  };
  sections.push([
    'detection',
    'Detection',
    `<p>Errors did not point at their cause. In the model, failed requests land on every cache client of
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
  ]);

  sections.push([
    'resolution',
    'Resolution and mitigation',
    `<p><strong>Band-aid: a random local IP per dial.</strong> Spreading dials over many local addresses
gives each (address, port) pair its own <code>TIME_WAIT</code>, so dials stop failing:
${S('fix-random-local-ip', 'dialErrors')} dial errors against ${S('outage', 'dialErrors')} in the outage.
The bursts still happen, with their goroutines and buffers; over the window the model sees
${S('fix-random-local-ip', 'oomKills', 'd1')} OOM kills (the outage: ${S('outage', 'oomKills', 'd1')}) and an
availability of ${S('fix-random-local-ip', 'availability', 'pct2')}. Under Monday's load, in the week, it
cut the affected data center's OOM kills from ${w('withoutFixOomKills')} to ${w('bandAidOomKills')}.${
      (data.scenarios['fix-random-local-ip']?.availability.mean ?? 0) <
      (data.scenarios['outage']?.availability.mean ?? 0)
        ? ` <strong>Here the model disagrees with what was observed:</strong> in the source the band-aid
stabilised service, while in the model the bursts it lets through (every URI now gets its connection)
drive memory over the container limit more often than the failed dials did. The model's memory per burst
and the OOM calibration are the first suspects.`
        : ''
    }</p>
<p><strong>Root fix: bounded concurrency.</strong> With <code>errgroup.SetLimit</code> at
${f('costs.limit')}, a big batch reuses a handful of connections: ${S('fix-bounded-concurrency', 'dialErrors')}
dial errors, ${S('fix-bounded-concurrency', 'peakThreads')} threads, ${S('fix-bounded-concurrency', 'availability', 'pct2')}
availability.</p>
${fig('timeline')}`,
  ]);

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
  sections.push([
    'counterfactuals',
    'Counterfactuals: each fix against the outage',
    `<p>Each fix alone, on the outage's trigger and on the same seeds. Means over
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
  ]);

  sections.push([
    'sweep',
    'Sweep findings: where the system tips',
    `<p>The default sweep crosses batch size, concurrency limit, pool size and log rate
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
  ]);

  sections.push([
    'actions',
    'Action items',
    `<ol>
<li>Bound concurrency in every fan-out handler (<code>errgroup.SetLimit</code>): it alone brings the host
back to ${S('fix-bounded-concurrency', 'availability', 'pct2')} availability in the model.</li>
<li>Cap request sizes at the API (here ${f('costs.batchCap')} URIs), so one client cannot fan out without limit:
${S('fix-batch-cap', 'dialErrors')} dial errors.</li>
<li>Dial without a fixed local address (or with <code>IP_BIND_ADDRESS_NO_PORT</code>), so the kernel can
share ports across destinations and reuse <code>TIME_WAIT</code>.</li>
<li>Rate-limit error logs and count errors in metrics instead.</li>
<li>Leave memory headroom between GOMEMLIMIT and the container limit: with the saner settings the model saw
${S('fix-memory-limits', 'oomKills', 'd1')} OOM kills against ${S('outage', 'oomKills', 'd1')}.</li>
<li>Add per-client metrics, including the distribution of URIs per request.</li>
</ol>`,
  ]);

  sections.push([
    'lessons',
    'Lessons',
    `<ul>
<li>A fan-out without a limit turns a client's request size into the server's resource use: goroutines,
connections, ports, threads and memory all scale with it.</li>
<li>Errors can be amplifiers: each failed dial cost a log line and a scan of the whole port range in the
kernel, CPU taken from the requests. The blocking log writes did not multiply OS threads: one writer per file
is in <code>write(2)</code>, the other loggers wait as goroutines (the Go lab).</li>
<li>Restarts do not reset the kernel: sockets in <code>TIME_WAIT</code> outlive the process that made them.</li>
<li>The band-aid and the root fix act on different links of the chain: the first on ports, the second on
the fan-out. Only the second removes the memory spike.</li>
</ul>`,
  ]);

  const assumptions = listParamSpecs().filter(([, spec]) => spec.source.startsWith('assumption'));
  sections.push([
    'appendix',
    'Appendix',
    `<h3>How this report was made</h3>
<p>Reproduce it with <code>${esc(data.meta.command)}</code>. outage-lab <code>${esc(data.meta.version)}</code>,
model fingerprint <code>${esc(data.meta.model)}</code>, Node <code>${esc(data.meta.node)}</code>; charts by
vega-lite <code>${esc(bundles.find((b) => b.name === 'vega-lite')?.version ?? '?')}</code>. Fix comparison:
sweep <code>${esc(data.meta.sweeps.fixes.hash)}</code> (${esc(data.meta.sweeps.fixes.origin)}), seeds
<code>${esc(data.meta.seeds.join(', '))}</code>; default sweep <code>${esc(data.meta.sweeps.default.hash)}</code>
(${esc(data.meta.sweeps.default.origin)}). Timelines use seed <code>${esc(data.meta.timelineSeed)}</code>.</p>
<h3>Assumptions</h3>
${tableHtml(
  ['parameter', 'value', 'unit', 'assumption'],
  assumptions.map(([path, spec]) => [path, String(getPath(data.params, path)), spec.unit, spec.source]),
)}
<h3>All parameters of the outage scenario</h3>
${tableHtml(
  ['parameter', 'value', 'unit', 'source'],
  listParamSpecs().map(([path, spec]) => [path, String(getPath(data.params, path)), spec.unit, spec.source]),
)}`,
  ]);

  const nav = `<nav><ol>${sections.map(([id, title]) => `<li><a href="#${id}">${esc(title)}</a></li>`).join('')}</ol></nav>`;
  const body = `<h1>Post-mortem: port exhaustion and a death spiral in the data plane</h1>
<p class="note">A simulation study of the incident in ${cite}. Generated by outage-lab from model runs;
every number in the text is computed from them.</p>
${nav}
${sections.map(([id, title, html]) => `<section id="${id}">\n<h2>${esc(title)}</h2>\n${html}\n</section>`).join('\n')}
<script type="application/json" id="report-data">${scriptJson(data)}</script>`;
  const scripts = [...bundles.map((b) => b.code), INIT];
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map((s) => `'sha256-${sha256(s)}'`).join(' ')} 'unsafe-eval'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Post-mortem: data-plane port exhaustion (simulated)</title>
<style>${STYLE}</style>
</head>
<body>
${body}
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body>
</html>
`;
}

/** The causal chain as an inline SVG: boxes and arrows, each box with its measured number. */
function causalChain(f: (path: string, fmt?: Fmt) => string): string {
  const plain = (html: string) => html.replace(/<[^>]+>/g, '');
  const boxes: Array<[string, string]> = [
    ['big batches, no limit', `${plain(f('params.batchLow'))}-${plain(f('params.batchHigh'))} URIs`],
    ['one dial per URI', `pool keeps ${plain(f('params.poolSize'))}`],
    ['TIME_WAIT fills the range', `${plain(f('scenarios.outage.peakTimeWait.mean'))} sockets`],
    ['dials fail, errors logged', `${plain(f('scenarios.outage.dialErrors.mean'))} failures`],
    [
      'threads pile up',
      `${plain(f('scenarios.baseline.peakThreads.mean'))} to ${plain(f('scenarios.outage.peakThreads.mean'))}`,
    ],
    ['memory spikes, OOM kill', `${plain(f('scenarios.outage.oomKills.mean', 'd1'))} kills`],
    ['restart into TIME_WAIT', 'ports still held'],
  ];
  const w = 128;
  const gap = 14;
  const h = 64;
  const parts = boxes.map(([title, figure], i) => {
    const x = i * (w + gap) + 4;
    const arrow =
      i < boxes.length - 1
        ? `<line x1="${x + w}" y1="${h / 2 + 4}" x2="${x + w + gap - 2}" y2="${h / 2 + 4}" stroke="#555" stroke-width="1.5" marker-end="url(#arrow)"/>`
        : '';
    return `<rect x="${x}" y="4" width="${w}" height="${h}" rx="6" fill="${i === boxes.length - 1 ? '#fde8e8' : '#eef3fb'}" stroke="#7a8fb5"/>
<text x="${x + w / 2}" y="30" text-anchor="middle" font-size="11" font-weight="600">${esc(title)}</text>
<text x="${x + w / 2}" y="50" text-anchor="middle" font-size="11">${esc(figure)}</text>${arrow}`;
  });
  const width = boxes.length * (w + gap);
  const loopY = h + 24;
  const lastX = (boxes.length - 1) * (w + gap) + 4 + w / 2;
  const thirdX = 2 * (w + gap) + 4 + w / 2;
  return `<svg class="chain" role="img" aria-label="causal chain" viewBox="0 0 ${width} ${loopY + 16}" width="${width}" xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, sans-serif">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>
${parts.join('\n')}
<path d="M${lastX},${h + 4} L${lastX},${loopY} L${thirdX},${loopY} L${thirdX},${h + 6}" fill="none" stroke="#cf222e" stroke-width="1.5" stroke-dasharray="4 3" marker-end="url(#arrow)"/>
<text x="${(lastX + thirdX) / 2}" y="${loopY + 12}" text-anchor="middle" font-size="10" fill="#cf222e">the spiral: a restart finds the range still full</text>
</svg>`;
}
