import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTION_RULES, detect } from '../../lib/analysis/detection.js';
import { rows } from './helpers.js';

const rules = { ...DEFAULT_DETECTION_RULES, alertSustainSec: 10, normalBatchMax: 50 };

describe('detect on a constructed outage', () => {
  // Trigger at 20 s. The new client sends one 17,500-URI request per second from 21 s; from 31 s every
  // client loses 2% of its requests and the new client all of its; error logs run at 1,000 lines/s.
  const timeline = rows(120, (t) => ({
    ...(t > 20 && { 'urisMax:new-internal': 17_500, 'reqOk:new-internal': 1 }),
    ...(t > 30 && {
      'reqErr:appview-posts': 16,
      'reqErr:appview-users': 200,
      'reqErr:appview-counts': 200,
      'reqOk:new-internal': 0,
      'reqErr:new-internal': 1,
      logAttempted: 1000,
    }),
  }));
  const result = Object.fromEntries(detect(timeline, 20, rules).map((r) => [r.setup, r]));

  it('per-endpoint: alerts when the windowed error ratio passes 1%, never names the client', () => {
    // GetPostRecord (posts + new client): 17 errors in 817 requests per second from 31 s. The 10-s window
    // ending at 35 s has 5 such seconds: 85 errors in 8,090 requests (1.05% > 1%); the one ending at
    // 34 s, 68 in 8,074 (0.84%). (Users alone would need 6 seconds: 1,200/101,200 = 1.19%.)
    expect(result['per-endpoint']).toMatchObject({ alertSec: 15, causeSec: null });
  });

  it('per-client: alerts when the new client fails (its whole window), names it as failing disproportionately', () => {
    // new-internal: 1 failure in the window ending at 31 s out of 10 requests (10% > 1%).
    expect(result['per-client']).toMatchObject({ alertSec: 11, causeSec: 11 });
  });

  it('histograms: names the client whose largest request is over 10x the normal maximum', () => {
    expect(result['per-client-histograms']).toMatchObject({ alertSec: 11, causeSec: 11 });
  });

  it('error logs: alert on the line rate, name the mechanism only', () => {
    // 1,000 lines/s from 31 s: the 10-s average passes 100/s in the window ending at 32 s (2,000/10).
    expect(result['error-logs']).toMatchObject({ alertSec: 12, causeSec: null });
  });

  it('quiet timeline: nothing fires', () => {
    for (const r of detect(rows(120), 20, rules)) expect(r.alertSec).toBeNull();
  });
});
