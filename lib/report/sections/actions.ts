/** The report's section "Action items": action items. */
import type { Section, SectionContext } from './context.js';

export function actionsSection({ f, S }: SectionContext): Section {
  return {
    id: 'actions',
    title: 'Action items',
    html: `<ol>
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
  };
}
