/** The report's section "What the model reproduces": the source's observations checked on the outage week. */
import { esc, tableHtml } from '../html.js';
import type { Section, SectionContext } from './context.js';

export function observationsSection({ data, f }: SectionContext): Section {
  return {
    id: 'observations',
    title: 'What the model reproduces',
    html: `<p>The source reports ${f('observationCounts.total')} observations. Each is checked, with the rule and
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
  };
}
