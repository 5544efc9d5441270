/**
 * The report's parts on small fixed inputs, compared with golden files: the causal chain (its facts are
 * marked spans), the page shell (CSP by script hash, navigation, sections), and a section of prose
 * against a hand-made context.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { causalChain } from '../../lib/report/causal-chain.js';
import { factWriter } from '../../lib/report/facts.js';
import { page } from '../../lib/report/page.js';
import { withCi } from '../../lib/report/sections/context.js';
import { SECTIONS } from '../../lib/report/sections/index.js';
import { lessonsSection } from '../../lib/report/sections/lessons.js';

const facts = {
  params: { batchLow: 15000, batchHigh: 20000, poolSize: 1000 },
  scenarios: {
    outage: {
      peakTimeWait: { mean: 28032 },
      dialErrors: { mean: 3771059.4 },
      peakThreads: { mean: 1393 },
      oomKills: { mean: 1.2 },
    },
    baseline: { peakThreads: { mean: 150 } },
  },
};

describe('report parts', () => {
  it('causalChain(): seven boxes with their facts, and the loop', async () => {
    const html = causalChain(factWriter(facts));
    expect(html.match(/<li class="chain-box">/g)).toHaveLength(7);
    expect(html).toContain(
      '<span class="n" data-key="scenarios.outage.dialErrors.mean" data-fmt="int">3,771,059</span>',
    );
    await expect(`${html}\n`).toMatchFileSnapshot('./__golden__/causal-chain.html');
  });

  it('page(): the shell with navigation, sections, embedded data and a CSP naming each script', async () => {
    const html = page({
      title: 'T <1>',
      heading: 'H',
      intro: 'I',
      sections: [lessonsSection()],
      data: { a: '</script>' },
      bundles: [{ name: 'x', version: '1', code: 'console.log(1)' }],
    });
    expect(html).toContain('<title>T &lt;1&gt;</title>');
    expect(html).toContain('<li><a href="#lessons">Lessons</a></li>');
    expect(html).toContain('{"a":"\\u003c/script>"}');
    // Two scripts (the bundle and the page's own), each allowed by its hash; the attribute is escaped.
    expect(html).toMatch(
      /script-src &#39;sha256-[A-Za-z0-9+/=]+&#39; &#39;sha256-[A-Za-z0-9+/=]+&#39; &#39;unsafe-eval&#39;/,
    );
    // The style sheet is long and shared: compare the rest.
    await expect(`${html.replace(/<style>.*?<\/style>/s, '<style>…</style>')}`).toMatchFileSnapshot(
      './__golden__/page.html',
    );
  });

  it('withCi() writes a mean with its interval, or the mean alone', () => {
    const s = {
      mean: 0.5,
      ciLow: 0.25,
      ciHigh: 0.75,
      sd: null,
      n: 2,
      missing: 0,
      failed: 0,
      min: null,
      p10: null,
      median: null,
      p90: null,
      max: null,
    };
    expect(withCi(s, 'pct0')).toBe('50% [25%, 75%]');
    expect(withCi({ ...s, ciLow: 0.5, ciHigh: 0.5 }, 'pct0')).toBe('50%');
    expect(withCi(undefined, 'int')).toBe('n/a');
  });

  it('SECTIONS: one builder per module, in the canon order', () => {
    expect(SECTIONS.map((b) => b.name)).toEqual([
      'summarySection',
      'impactSection',
      'observationsSection',
      'timelineSection',
      'weekSection',
      'causesSection',
      'ablationSection',
      'sensitivitySection',
      'detectionSection',
      'resolutionSection',
      'counterfactualsSection',
      'sweepSection',
      'actionsSection',
      'lessonsSection',
      'appendixSection',
    ]);
  });

  it('the report library never imports the CLI layer (progress comes in as a callback)', () => {
    const dir = join(import.meta.dirname, '../../lib/report');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(15);
    const offending = files.filter((f) => /from '(\.\.\/)+cli\//.test(readFileSync(join(dir, f), 'utf8')));
    expect(offending).toEqual([]);
  });
});
