/**
 * How soon could each kind of monitoring have pointed at the cause? Four operator views of the same
 * 1-second timeline, each with a stated rule; for each, the time from the trigger to the first alert (a
 * symptom) and to the moment the rule names the cause (the new client), or null when that view cannot.
 *
 * Views and rules (thresholds are assumptions, stated here and in the report):
 * - **per-endpoint** (requests and errors per RPC, all clients summed): alert when the error ratio of any
 *   endpoint over the last `alertSustainSec` seconds exceeds `alertErrorRatio`. It cannot name a client:
 *   cause = null.
 * - **per-client** (requests and errors per client): the same alert on the clients' sums; the cause is
 *   named when, at or after the alert, one client's failure ratio (its failed/total) exceeds
 *   `clientFailureFactor` times the ratio of all other clients together, over the last
 *   `alertSustainSec` seconds.
 * - **per-client with batch-size histograms** (also the largest URIs per request, per client): the cause
 *   is named at the first second, at or after the alert, in which a client's largest request exceeds
 *   `batchOutlierFactor` times the largest normal batch (`workload.normalBatchMax`).
 * - **error logs only** (log lines, with their error text but no client): alert when error lines average
 *   more than `logAlertLinesPerSec` over the last `alertSustainSec` seconds; the lines name the mechanism
 *   (`bind: address already in use`), never the client: cause = null.
 */
import type { TimelineRow } from '../metrics/timeline.js';
import { CLIENT, CLIENT_IDS, type ClientId } from '../model/workload.js';

export const DETECTION_SETUPS = [
  'per-endpoint',
  'per-client',
  'per-client-histograms',
  'error-logs',
] as const;
export type DetectionSetup = (typeof DETECTION_SETUPS)[number];

export interface DetectionRules {
  readonly alertErrorRatio: number;
  readonly alertSustainSec: number;
  readonly clientFailureFactor: number;
  readonly batchOutlierFactor: number;
  readonly normalBatchMax: number;
  readonly logAlertLinesPerSec: number;
}

export const DEFAULT_DETECTION_RULES: Omit<DetectionRules, 'normalBatchMax'> = {
  alertErrorRatio: 0.01,
  alertSustainSec: 60,
  clientFailureFactor: 5,
  batchOutlierFactor: 10,
  logAlertLinesPerSec: 100,
};

export interface DetectionResult {
  readonly setup: DetectionSetup;
  /** Seconds from the trigger to the first alert; null if the rule never fires. */
  readonly alertSec: number | null;
  /** Seconds from the trigger to the rule naming the cause; null if this view cannot. */
  readonly causeSec: number | null;
  /** What the view points at when it fires. */
  readonly names: string;
}

/** Endpoints as the AppView sees them: GetPostRecord serves the posts client and the new client. */
const ENDPOINT_CLIENTS: Readonly<Record<string, readonly ClientId[]>> = {
  GetPostRecord: ['appview-posts', 'new-internal'],
  users: ['appview-users'],
  counts: ['appview-counts'],
};

/**
 * First index at which a windowed condition holds: `bad(window)` over the last `windowSec` rows (fewer at
 * the start of the run, as a monitoring system with no older data would see), e.g. "the error ratio over
 * the last 60 s exceeds 1%".
 */
function firstWindow(
  rows: readonly TimelineRow[],
  windowSec: number,
  bad: (window: readonly TimelineRow[]) => boolean,
): number {
  for (let i = 0; i < rows.length; i++) {
    if (bad(rows.slice(Math.max(0, i - windowSec + 1), i + 1))) return i;
  }
  return -1;
}

export function detect(
  rows: readonly TimelineRow[],
  triggerSec: number,
  rules: DetectionRules,
  suspect: ClientId = CLIENT.newClient,
): DetectionResult[] {
  const since = (i: number): number | null => (i < 0 ? null : Math.max(0, rows[i]!.tSec - triggerSec));
  const ratio = (window: readonly TimelineRow[], clients: readonly ClientId[]): number => {
    let ok = 0;
    let err = 0;
    for (const row of window) {
      for (const c of clients) {
        ok += row[`reqOk:${c}`];
        err += row[`reqErr:${c}`];
      }
    }
    return ok + err > 0 ? err / (ok + err) : 0;
  };
  const w = rules.alertSustainSec;
  const endpointAlert = firstWindow(rows, w, (win) =>
    Object.values(ENDPOINT_CLIENTS).some((clients) => ratio(win, clients) > rules.alertErrorRatio),
  );
  const clientAlert = firstWindow(rows, w, (win) =>
    CLIENT_IDS.some((c) => ratio(win, [c]) > rules.alertErrorRatio),
  );
  const others = CLIENT_IDS.filter((c) => c !== suspect);
  let clientCause = -1;
  for (let i = Math.max(clientAlert, 0); clientAlert >= 0 && i < rows.length; i++) {
    const win = rows.slice(Math.max(0, i - w + 1), i + 1);
    const failed = win.reduce((a, r) => a + r[`reqErr:${suspect}`], 0);
    if (failed > 0 && ratio(win, [suspect]) > rules.clientFailureFactor * ratio(win, others)) {
      clientCause = i;
      break;
    }
  }
  const outlier = rules.batchOutlierFactor * rules.normalBatchMax;
  const firstBig = rows.findIndex((row) => row[`urisMax:${suspect}`] > outlier);
  const histogramCause = clientAlert < 0 || firstBig < 0 ? -1 : Math.max(clientAlert, firstBig);
  const logAlert = firstWindow(
    rows,
    w,
    (win) => win.reduce((a, r) => a + r.logAttempted, 0) / win.length > rules.logAlertLinesPerSec,
  );
  return [
    {
      setup: 'per-endpoint',
      alertSec: since(endpointAlert),
      causeSec: null,
      names: 'an endpoint with errors',
    },
    {
      setup: 'per-client',
      alertSec: since(clientAlert),
      causeSec: since(clientCause),
      names: clientCause >= 0 ? `client ${suspect} fails disproportionately` : 'every client has errors',
    },
    {
      setup: 'per-client-histograms',
      alertSec: since(clientAlert),
      causeSec: since(histogramCause),
      names:
        histogramCause >= 0 ? `client ${suspect} sends batches over ${outlier} URIs` : 'no outlier batch',
    },
    {
      setup: 'error-logs',
      alertSec: since(logAlert),
      causeSec: null,
      names: 'the dial error (port exhaustion), not who causes it',
    },
  ];
}
