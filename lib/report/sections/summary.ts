/** The report's section "Summary": what happened, in the model, in four paragraphs. */
import type { Section, SectionContext } from './context.js';

export function summarySection({ data, f, S, w, cite }: SectionContext): Section {
  // Whether Monday's down episodes (target M1) appear decides how the week is told: from the verdict.
  const spiral = data.observations.find((o) => o.id === 'M1')?.verdict === 'reproduced';
  const weekendHeld = data.observations.find((o) => o.id === 'W2')?.verdict === 'reproduced';
  const week = !spiral
    ? `but the kills came too seldom and too far out of step for the data center's hosts to fall
together, so its users saw no down episode: the model does not reproduce the outage users saw.`
    : weekendHeld
      ? 'the weekend dipped, Monday spiralled.'
      : `the data center went down and came back all day, as the source tells Monday, but from the first
batches on, and as much at the weekend as on Monday: in the model the spiral follows the new client's
batches and <code>TIME_WAIT</code>, not the users' load, where the source's weekend dips and Monday spiral
say the load mattered. What would tie it to the load is the mechanism the model lacks (see the
observations).`;
  return {
    id: 'summary',
    title: 'Summary',
    html: `<p>This post-mortem replays the data-plane outage described in ${cite} on outage-lab's mechanistic model
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
host-hour at the weekend's load; ${week} The model reproduces
${f('observationCounts.reproduced')} of the source's ${f('observationCounts.total')} observations and size targets.</p>
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
  };
}
