import { describe, expect, it } from 'vitest';
import { CSP, esc } from '../../lib/report/html.js';
import { buildPostmortem } from '../../lib/report/postmortem.js';
import type { RunSummary } from '../../lib/run/run-scenario.js';
import { summaryWith } from '../helpers/summary.js';

const summary = (over: Partial<RunSummary>): RunSummary =>
  summaryWith({ durationSec: 600, peakRssBytes: 3 * 2 ** 30, maxGcPauseMs: 0.7, p99LatencyMs: 2.7, ...over });

describe('buildPostmortem', () => {
  const html = buildPostmortem({
    generatedBy: 'test',
    runs: [
      { label: 'baseline', summary: summary({}) },
      {
        label: '<script>alert(1)</script>',
        summary: summary({
          availability: 0.8498925,
          dialErrors: 259_263,
          peakThreads: 1377,
          oomKills: 4,
          peakTimeWait: 28_232,
        }),
      },
    ],
    outage: 1,
    baseline: 0,
  });

  it('escapes hostile labels', () => {
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('has a CSP that forbids network requests, and no external references', () => {
    expect(html).toContain(esc(CSP));
    expect(html).not.toMatch(/src="http|href="http(?!s:\/\/pckt\.blog)/);
  });

  it('its prose numbers are the runs’ numbers', () => {
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('served 84.99% of user requests (baseline: 100.00%)');
    expect(text).toContain('recorded 259,263 failed dials');
    expect(text).toContain('held up to 28,232 sockets in TIME_WAIT');
    expect(text).toContain('grew from 150 to 1,377 OS threads (9.2x)');
    expect(text).toContain('OOM-killed 4 times');
  });
});
