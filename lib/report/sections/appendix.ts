/** The report's section "Appendix": how the report was made, assumptions, all parameters. */

import { getPath, listParamSpecs } from '../../model/params.js';
import { esc, tableHtml } from '../html.js';
import type { Section, SectionContext } from './context.js';

export function appendixSection({ data, bundles }: SectionContext): Section {
  const assumptions = listParamSpecs().filter(([, spec]) => spec.source.startsWith('assumption'));
  return {
    id: 'appendix',
    title: 'Appendix',
    html: `<h3>How this report was made</h3>
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
  };
}
