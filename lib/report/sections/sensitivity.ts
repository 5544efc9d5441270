/**
 * The report's section "How sure are we": every check's verdict on five seeds, and DC A's Monday with
 * each assumption at each end of its stated range (lib/sensitivity/monday.ts), as a tornado chart and a
 * table. The prose says what the runs show: the checks that depend on the seed, the widest swing, the
 * cases that turn a Monday verdict, and what Monday's own load does.
 */
import { FORMATS } from '../facts.js';
import { esc, tableHtml } from '../html.js';
import type { Section, SectionContext } from './context.js';

const num = (v: number | null, fmt: (x: number) => string) => (v === null ? 'n/a' : fmt(v));

export function sensitivitySection({ data, f, fig }: SectionContext): Section {
  const seeds = data.seeds;
  const sens = data.sensitivity;
  const seedList = seeds.seeds.map((_, i) => f(`seeds.seeds.${i}`)).join(', ');
  const splitText =
    seeds.split > 0
      ? `, and ${f('seeds.split')} on some seeds but not all: ${f('seeds.splitIds', 'text')}`
      : '; no check passes on some seeds and misses on others';
  const seedTable = tableHtml(
    ['check', 'passes', ...seeds.seeds.map((s) => `seed ${s}`)],
    seeds.checks.map((c) => [
      { html: `<strong>${esc(c.id)}</strong> ${esc(c.observation)}` },
      `${FORMATS.int(c.passes)}/${FORMATS.int(c.of)}`,
      ...c.perSeed.map((p) => ({ html: `${p.ok ? 'pass' : '<strong>miss</strong>'}: ${esc(p.measured)}` })),
    ]),
  );
  const w = sens.widest;
  const widestIndex = 0;
  const widestText = w
    ? `<p>The widest swing comes from <code>${esc(w.path)}</code>: Monday goes to
${f(`sensitivity.swings.${widestIndex}.low`, 'pct2')} served at its low end
(${f(`sensitivity.swings.${widestIndex}.lowValue`, 'text')}) and to
${f(`sensitivity.swings.${widestIndex}.high`, 'pct2')} at its high end
(${f(`sensitivity.swings.${widestIndex}.highValue`, 'text')}).</p>`
    : '';
  const loadIndex = sens.swings.findIndex((s) => s.path === 'load.mondayFactor');
  const loadText =
    loadIndex >= 0
      ? `<p>Monday's own traffic: at ${f(`sensitivity.swings.${loadIndex}.lowValue`, 'text')}x a weekday's,
DC A's users get ${f(`sensitivity.swings.${loadIndex}.low`, 'pct2')} of Monday's requests; at
${f(`sensitivity.swings.${loadIndex}.highValue`, 'text')}x, ${f(`sensitivity.swings.${loadIndex}.high`, 'pct2')}.
${
  Math.abs((sens.swings[loadIndex]!.high ?? 0) - (sens.swings[loadIndex]!.low ?? 0)) < 0.05
    ? "Across that range the load moves Monday by less than five points: in the model the spiral does not hang on Monday's load."
    : 'The load moves Monday by five points or more across that range.'
}</p>`
      : '';
  const turnedText =
    sens.turned.length > 0
      ? `<p>These cases turn a Monday verdict against the defaults': ${sens.turned
          .map((t, i) => `<code>${esc(t.label)}</code> (${f(`sensitivity.turned.${i}.targets`, 'text')})`)
          .join('; ')}.</p>`
      : `<p>No case turns any of Monday's verdicts: each target passes or misses at both ends of every
range as it does at the defaults.</p>`;
  const caseTable = tableHtml(
    ['case', 'Monday served', 'down episodes', 'median gap (min)', 'span (h)', 'OOM kills', 'targets met'],
    sens.cases.map((c) => [
      { html: c.path === null ? '<strong>the defaults</strong>' : `<code>${esc(c.label)}</code>` },
      FORMATS.pct2(c.mondayAvailability),
      FORMATS.int(c.mondayEpisodes),
      num(c.medianGapMin, FORMATS.d1),
      num(c.spanHours, FORMATS.d1),
      FORMATS.int(c.mondayOomKills),
      c.met,
    ]),
  );
  return {
    id: 'sensitivity',
    title: 'How sure are we',
    html: `<p>Two questions decide how far the verdicts above can be trusted: would another seed tell a
different story, and how much do they rest on the parameters that are assumptions rather than
measurements?</p>
<h3>Every check on ${f('seeds.seedCount')} seeds</h3>
<p>The calibration was run on seeds ${seedList}, both weeks each. ${f('seeds.passEvery')} of the
${f('seeds.total')} checks pass on every seed and ${f('seeds.passNone')} on none${splitText}.</p>
${seedTable}
<h3>Each assumption at the ends of its range</h3>
<p>The affected data center's Monday, as in the ablation above (its ${f('sensitivity.hosts')} hosts without a
fix, seed ${f('sensitivity.seed')}), was rerun with each of ${f('sensitivity.parameterCount')} parameters at
the low and at the high end of the range its source states, one at a time, the others at their defaults:
${f('sensitivity.caseCount')} runs with the defaults' own. The parameters are the assumptions and calibrated
values Monday's verdicts depend on: the load's shape, the AppView's retries and balancing, the new client's
batches and retries, start-up time, the fleet's size, the kernel's per-port cost on production hardware, the
host's cores, GOMEMLIMIT, the P hand-off and a goroutine's memory. With the defaults DC A serves
${f('sensitivity.base.mondayAvailability', 'pct2')} of Monday's requests in
${f('sensitivity.base.mondayEpisodes')} down episodes and meets ${f('sensitivity.base.met', 'text')} of
the four Monday targets. Over all the cases Monday's served share ranges from
${f('sensitivity.minServed', 'pct2')} to ${f('sensitivity.maxServed', 'pct2')}, and
${f('sensitivity.allFour')} of them meet all four targets.</p>
${widestText}
${loadText}
${turnedText}
${fig('sensitivity-tornado')}
${caseTable}
<p class="note">Monday only: a full calibration per case (both week-long fleets) costs about four times as
much per case; the weekend's checks and the others' spread are in the seed table above. <code>npx
outage-lab sensitivity</code> reruns these cases.</p>`,
  };
}
