/** The report's section "The week, Friday to Wednesday": the outage week on the fleet, Friday to Wednesday. */
import { tableHtml } from '../html.js';
import type { Section, SectionContext } from './context.js';

export function weekSection({ data, f, S, w, fig }: SectionContext): Section {
  // How the weekend and Monday compare is told from the figures: kills per host-hour on each.
  const facts = data.week.facts as Readonly<Record<string, number | string | null>>;
  const monday = Number(facts['mondayKillsPerHour'] ?? 0);
  const weekend = Number(facts['weekendKillsPerHour'] ?? 0);
  const mondayWorse = monday >= 1.5 * weekend;
  const killsText = mondayWorse
    ? `Through the weekend its hosts run out of ports after every big batch and log errors, yet they are
rarely killed (${w('weekendKillsPerHour', 'd2')} OOM kills per host-hour); on Monday they are killed about
every ${w('upMinutes')} minutes (${w('mondayKillsPerHour', 'd2')} per host-hour).`
    : `From the first batches on its hosts run out of ports after every big batch, log errors and are killed
as often at the weekend as on Monday: ${w('weekendKillsPerHour', 'd2')} OOM kills per host-hour at the
weekend, ${w('mondayKillsPerHour', 'd2')} on Monday (one about every ${w('upMinutes')} minutes), although
Monday's traffic is higher.`;
  const threadsText =
    Number(facts['peakThreads']) > Number(data.scenarios['baseline']?.peakThreads?.mean ?? 0)
      ? ` They hold up to ${w('peakThreads')} OS threads against ${S('baseline', 'peakThreads')} on a healthy
host.`
      : ` Their OS threads stay at ${w('peakThreads')}, as on a healthy host.`;
  const loadText = mondayWorse
    ? " With more traffic, more of the batches push a host over the container's limit."
    : ` The extra traffic does not change how often a host is killed: a big batch past half the range
saturates the host's cores whatever the load, and it is killed within seconds.`;
  return {
    id: 'week',
    title: 'The week, Friday to Wednesday',
    html: `<p>The scenario <code>as-deployed</code> maps the model's clock onto the incident's calendar: the new
client's big batches start at the first logged dial error, user traffic follows a weekly shape (the weekend
at ${f('params.load.weekendFactor', 'pct0')} of a weekday, Monday at ${f('params.load.mondayFactor', 'pct0')},
a daily swing of ${f('params.load.diurnalAmplitude', 'pct0')} peaking at hour
${f('params.load.peakHourUtc')} UTC), and the fixes are deployed as they were, each rolling over the hosts in
${f('params.fleet.rolloutSec', 'min1')} minutes. Two data centers of ${w('hostsPerDc')} hosts serve
${w('userShareA', 'pct0')} of the users each; ${w('representativeHosts')} hosts per data center are simulated,
in lockstep behind the AppView, which balances calls over the hosts that are ready and not ejected, moves a
killed host's share to the others, and retries a failed call ${f('params.upstream.retries')} time(s) on
another host, so a user request fails only when every host it tried failed it; the new client's failed
batches are retried too.</p>
${fig('week')}
<p>The affected data center first fails at ${w('firstDialErrorUtc', 'text')},
${w('firstDialErrorAfterTriggerSec', 'd1')} s after the new client starts. ${killsText}${threadsText} A
restart finds the ports still in <code>TIME_WAIT</code> and fails at once in ${w('failedRestarts')} of
${w('restarts')} restarts before the band-aid, and ${w('weekendRekillShare', 'pct0')} of the weekend's kills,
${w('mondayRekillShare', 'pct0')} of Monday's, come within ten minutes of a restart. The heap of a host sits
at its GOMEMLIMIT; a big batch adds its goroutines' stacks and its error lines at once, and the garbage that
piles up while the collector marks grows with the traffic, about ${w('mondayPeakGetsPerSec')} memcached gets
per second at Monday's peak against ${w('weekendPeakGetsPerSec')} at the weekend's.${loadText} Users of that data
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
  };
}
