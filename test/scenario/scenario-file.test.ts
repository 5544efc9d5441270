import { describe, expect, it } from 'vitest';
import { resolveRunParams, runScenario } from '../../lib/run/run-scenario.js';
import { scenarioFromJson } from '../../lib/scenario/scenario-file.js';
import { findScenario, SCENARIOS } from '../../lib/scenario/scenarios.js';

describe('scenarios', () => {
  it('every named scenario resolves to valid parameters', () => {
    for (const s of SCENARIOS) expect(() => resolveRunParams(s), s.id).not.toThrow();
  });

  it('baseline has no new client; outage starts it at 30 s', () => {
    expect(resolveRunParams(SCENARIOS.find((s) => s.id === 'baseline')!).workload.newClientRatePerSec).toBe(
      0,
    );
    expect(resolveRunParams(SCENARIOS.find((s) => s.id === 'outage')!).workload.triggerStartSec).toBe(30);
  });

  it('scenarioFromJson() merges base overrides with the file params, nested or dotted', () => {
    const s = scenarioFromJson(
      { base: 'outage', duration: '2m', params: { kernel: { dialMode: 'connect' }, 'memcached.threads': 8 } },
      'x.json',
    );
    expect(s.durationSec).toBe(120);
    expect(s.id).toBe('outage');
    const p = resolveRunParams(s);
    expect([p.kernel.dialMode, p.memcached.threads, p.workload.triggerStartSec]).toEqual(['connect', 8, 30]);
  });

  it('scenarioFromJson() reads deploys (times as durations or seconds); a base keeps its own otherwise', () => {
    const s = scenarioFromJson(
      {
        base: 'outage',
        deploys: [
          { at: '5m', label: 'band-aid', params: { kernel: { localIpMode: 'random' } } },
          { at: 900, label: 'set-limit', params: { concurrencyLimit: 50 } },
        ],
      },
      'x.json',
    );
    expect(s.deploys).toEqual([
      { atSec: 300, label: 'band-aid', overrides: { 'kernel.localIpMode': 'random' } },
      { atSec: 900, label: 'set-limit', overrides: { concurrencyLimit: 50 } },
    ]);
    expect(scenarioFromJson({ base: 'as-deployed' }, 'y.json').deploys).toHaveLength(3);
    expect(() => runScenario({ scenario: s, engine: 'des', durationSec: 10 })).toThrow(/`engine` fast/);
  });

  it.each([
    [[], 'x.json: expected a JSON object'],
    [{ params: {}, extra: 1 }, 'x.json: unknown field "extra"'],
    [{ base: 'nope' }, 'x.json: base: expected one of'],
    [{ title: 3 }, 'x.json: title: expected a non-empty string'],
    [{ duration: 'soon' }, 'x.json: duration: expected a positive duration'],
    [{ params: [1] }, 'params: expected an object of parameters'],
    [{ deploys: {} }, 'x.json: deploys: expected an array'],
    [
      { deploys: [{ at: '1h', label: 'x', params: {}, when: 1 }] },
      'x.json: deploys[0]: unknown field "when"',
    ],
    [{ deploys: [{ at: 'later', label: 'x' }] }, 'x.json: deploys[0].at: expected a positive duration'],
  ])('scenarioFromJson(%j) fails with a message naming the field', (json, message) => {
    expect(() => scenarioFromJson(json, 'x.json')).toThrow(message);
  });
});

describe('fix scenarios', () => {
  it('has every fix id of the contract, each on the outage trigger and resolving cleanly', () => {
    const ids = [
      'fix-bounded-concurrency',
      'fix-random-local-ip',
      'fix-bind-no-port',
      'fix-pool-size',
      'fix-log-rate-limit',
      'fix-batch-cap',
      'fix-getmulti',
      'fix-memory-limits',
      'fix-tw-reuse',
      'fix-so-linger',
    ];
    for (const id of ids) {
      const s = findScenario(id)!;
      expect(s, id).toBeDefined();
      expect(s.overrides['workload.triggerStartSec']).toBe(30);
      expect(() => resolveRunParams(s)).not.toThrow();
    }
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
  });

  it('batch cap: a request above the cap is rejected before any work; the cap may not reject normal batches', () => {
    const capped = findScenario('fix-batch-cap')!;
    for (const engine of ['des', 'fast'] as const) {
      const s = runScenario({ scenario: capped, engine, durationSec: 120, seed: 3 }).summary;
      expect(s.dialErrors, engine).toBe(0);
      expect(s.peakTimeWait, engine).toBe(0);
      expect(s.peakThreads, engine).toBe(150);
    }
    expect(() => resolveRunParams(capped, { 'workload.maxUrisPerRequest': 49 })).toThrow(
      "workload.maxUrisPerRequest: expected 'unbounded' or >= workload.normalBatchMax (50), got 49",
    );
  });
});
