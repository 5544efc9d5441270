/** The report's section "Resolution and mitigation": the band-aid and the root fix. */
import type { Section, SectionContext } from './context.js';

export function resolutionSection({ data, f, S, w, fig }: SectionContext): Section {
  return {
    id: 'resolution',
    title: 'Resolution and mitigation',
    html: `<p><strong>Band-aid: a random local IP per dial.</strong> Spreading dials over many local addresses
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
  };
}
