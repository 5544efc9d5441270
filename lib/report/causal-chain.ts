/**
 * The causal chain as an HTML diagram: one box per link, each with its measured figure, arrows between
 * them, and the loop that makes it a spiral. Boxes are a wrapping flex row, so labels wrap inside their
 * boxes and the chain reflows onto a second row on a narrow page instead of shrinking its text (a browser
 * test measures that no label leaves its box at 1280 and 800 px).
 */
import type { Fmt } from './facts.js';
import { esc } from './html.js';

export interface ChainLink {
  /** What happens, in a few words (plain text). */
  readonly title: string;
  /** Its figure, as trusted HTML (facts from `f`). */
  readonly figure: string;
}

/** The chain's CSS, part of the page's style sheet. */
export const CHAIN_STYLE = `
.chain { display: flex; flex-wrap: wrap; align-items: stretch; gap: .8rem 1.5rem; list-style: none; padding: 0; margin: 1.2rem 0 .4rem; }
.chain-box { position: relative; box-sizing: border-box; flex: 1 1 7rem; min-width: 7rem; max-width: 12rem; padding: .45rem .5rem; border: 1px solid #7a8fb5; border-radius: 6px; background: #eef3fb; text-align: center; font-size: .8rem; line-height: 1.3; overflow-wrap: anywhere; }
.chain-box:last-child { background: #fde8e8; border-color: #cf222e; }
.chain-box:not(:last-child)::after { content: "\\2192"; position: absolute; right: -1.25rem; top: 50%; transform: translateY(-50%); color: #555; font-size: 1rem; }
.chain-title { display: block; font-weight: 600; }
.chain-value { display: block; margin-top: .2rem; }
.chain-loop { color: #cf222e; font-size: .85rem; margin: 0 0 1rem; }
`;

export function chainLinks(f: (path: string, fmt?: Fmt) => string): ChainLink[] {
  return [
    { title: 'big batches, no limit', figure: `${f('params.batchLow')}-${f('params.batchHigh')} URIs` },
    { title: 'one dial per URI', figure: `pool keeps ${f('params.poolSize')}` },
    { title: 'TIME_WAIT fills the range', figure: `${f('scenarios.outage.peakTimeWait.mean')} sockets` },
    { title: 'dials fail, errors logged', figure: `${f('scenarios.outage.dialErrors.mean')} failures` },
    {
      title: 'OS threads (Ms)',
      figure: `${f('scenarios.baseline.peakThreads.mean')} to ${f('scenarios.outage.peakThreads.mean')}`,
    },
    { title: 'memory spikes, OOM kill', figure: `${f('scenarios.outage.oomKills.mean', 'd1')} kills` },
    { title: 'restart into TIME_WAIT', figure: 'ports still held' },
  ];
}

export function causalChain(f: (path: string, fmt?: Fmt) => string): string {
  const links = chainLinks(f);
  const boxes = links.map(
    (l) =>
      `<li class="chain-box"><span class="chain-title">${esc(l.title)}</span><span class="chain-value">${l.figure}</span></li>`,
  );
  return `<ol class="chain" aria-label="causal chain">
${boxes.join('\n')}
</ol>
<p class="chain-loop">↺ The spiral: the last link feeds the third, since a restart finds the port range still full of sockets in <code>TIME_WAIT</code>.</p>`;
}
