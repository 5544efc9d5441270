/**
 * The report's section "What made it an outage": DC A's Monday without a fix, every mechanism on and each
 * switched off in turn (lib/calibration/ablation.ts). The prose names the variants by what the runs show:
 * which removal moves Monday's availability most, and which move it by less than a tenth of a point.
 */
import type { AblationRow } from '../../calibration/ablation.js';
import { FORMATS } from '../facts.js';
import { esc, tableHtml } from '../html.js';
import type { Section, SectionContext } from './context.js';

/** Changes in Monday's served share below this are "no change" in the prose (a tenth of a point). */
const NEGLIGIBLE = 0.001;

export function ablationSection({ data, f }: SectionContext): Section {
  const rows = data.ablation.rows;
  const at = (i: number, key: keyof AblationRow, fmt: Parameters<typeof f>[1] = 'int') =>
    f(`ablation.rows.${i}.${key}`, fmt);
  const base = rows.findIndex((r) => r.id === 'all-on');
  const trigger = rows.findIndex((r) => r.id === 'no-trigger');
  const mechanisms = rows
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.id !== 'all-on' && r.id !== 'no-trigger');
  const baseAvail = rows[base]!.mondayAvailability;
  const gain = (r: AblationRow) => r.mondayAvailability - baseAvail;
  const ranked = [...mechanisms].sort((a, b) => gain(b.r) - gain(a.r));
  const top = ranked[0];
  const negligible = mechanisms.filter(({ r }) => Math.abs(gain(r)) < NEGLIGIBLE);
  const worse = mechanisms.filter(({ r }) => gain(r) <= -NEGLIGIBLE);
  const off = (i: number) => f(`ablation.rows.${i}.off`, 'text');
  const list = (xs: typeof mechanisms) => xs.map(({ i }) => off(i)).join('; ');
  const topText =
    top && gain(top.r) >= NEGLIGIBLE
      ? `<p>Switching off ${off(top.i)} helps most: Monday goes to ${at(top.i, 'mondayAvailability', 'pct2')}
served, with ${at(top.i, 'mondayEpisodes')} down episodes and ${at(top.i, 'mondayOomKills')} OOM kills.</p>`
      : `<p>No single mechanism switched off raises Monday's served share by a tenth of a point or more.</p>`;
  const negligibleText =
    negligible.length > 0
      ? `<p>Switching off any of these changes Monday's served share by less than a tenth of a point: ${list(negligible)}.</p>`
      : '';
  const worseText =
    worse.length > 0
      ? `<p>Switching off these makes Monday worse, not better: ${list(worse)}. They were holding the outage
back: what they remove protected the users.</p>`
      : '';
  return {
    id: 'ablation',
    title: 'What made it an outage: each mechanism switched off',
    html: `<p>Which mechanisms turn a full port range into user downtime? The affected data center's
${f('ablation.hosts')} hosts are run without a fix from ${f('ablation.startUtc', 'text')}, a Sunday evening
with the new client already sending, to ${f('ablation.endUtc', 'text')}, the end of Monday's window, once
with every mechanism on and once with each switched off in turn through its
parameters, on seed ${f('ablation.seed')}. With every mechanism on, DC A's users get
${at(base, 'mondayAvailability', 'pct2')} of Monday's requests, in ${at(base, 'mondayEpisodes')} down
episodes, with ${at(base, 'mondayOomKills')} OOM kills over its hosts; without the new client's batches they
get ${at(trigger, 'mondayAvailability', 'pct2')}.</p>
${topText}
${negligibleText}
${worseText}
${tableHtml(
  [
    'switched off',
    'Monday served',
    'down episodes',
    'longest (min)',
    'OOM kills (Monday)',
    'dial errors',
    'peak threads',
  ],
  rows.map((r) => [
    { html: esc(r.off) },
    FORMATS.pct2(r.mondayAvailability),
    FORMATS.int(r.mondayEpisodes),
    FORMATS.int(r.longestEpisodeMinutes),
    FORMATS.int(r.mondayOomKills),
    FORMATS.int(r.dialErrors),
    FORMATS.int(r.peakThreads),
  ]),
)}`,
  };
}
