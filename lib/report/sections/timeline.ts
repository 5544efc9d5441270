/** The report's section "Timeline": the incident's clock and the model's first events on it. */

import { formatValue } from '../facts.js';
import { tableHtml } from '../html.js';
import type { Section, SectionContext } from './context.js';

export function timelineSection({ data, f }: SectionContext): Section {
  const firstEvents = data.timelineEvents.filter((e) => e.run === 'outage').slice(0, 8);
  return {
    id: 'timeline',
    title: 'Timeline',
    html: `<p>The real incident, as the source tells it, and the model's first events mapped onto the same clock
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
  };
}
