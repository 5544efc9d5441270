/**
 * One data center as coupled hosts: every host (or a coupled slice, `fleet.representativeHosts`) on the
 * fast engine, advanced in lockstep by `appview.couplingStepSec` behind the AppView (model/appview.ts).
 * At the start of each step the AppView:
 * - keeps in rotation the hosts that serve (a starting or restarting host gets no call until it is ready)
 *   and are not ejected (outlier ejection on their failure share);
 * - splits the DC's user calls over them by the balancing policy, so a killed host's share moves to the
 *   survivors, and routes the retries of failed calls to other hosts from each host's failure share in
 *   the last step (retry amplification from the hosts' actual state);
 * - routes each new-client request to one host, like any call; a failed batch is retried on another host
 *   (`appview.newClientRetries`).
 * At the end of the step, a user request failed when every host it tried failed it (model/appview.ts
 * `routeCalls` on the step's failure shares).
 */
import { createCoupledHost, type FastHost } from '../engine/fast/host-fast.js';
import type { TimelineRow } from '../metrics/timeline.js';
import {
  BALANCING_POLICY,
  balanceShares,
  ejectionConfig,
  type HostView,
  OutlierEjector,
  routeCalls,
} from '../model/appview.js';
import { resolveDeploys } from '../model/deploys.js';
import { loadFactorAt } from '../model/load.js';
import { unloadedGetSec } from '../model/memcached.js';
import type { Params } from '../model/params.js';
import { CACHE_TYPES, CLIENT, clientsFrom, drawBatchSize } from '../model/workload.js';
import { exponential } from '../random/distributions.js';
import { createRng, hashSeed } from '../random/rng.js';
import type { Scenario } from '../scenario/scenarios.js';

export interface DcRunRequest {
  readonly dc: string;
  readonly scenario: Scenario;
  /** The DC's resolved parameters (DC B: without the new client). */
  readonly params: Params;
  readonly seed: number;
  readonly durationSec: number;
  readonly resolutionSec: number;
  readonly onHostRow?: (host: number, row: TimelineRow) => void;
  /** Simulated seconds of the DC done. */
  readonly onProgress?: (doneSec: number) => void;
}

/** Per timeline interval (index = interval), over the DC's simulated hosts. */
export interface DcSeries {
  /** User requests (the DC's users' requests at the nominal rates and calendar) and those failed. */
  readonly users: Float64Array;
  readonly usersFailed: Float64Array;
  /** Data-plane calls the hosts finished (retries included) and those failed. */
  readonly calls: Float64Array;
  readonly callsFailed: Float64Array;
  readonly ops: Float64Array;
  readonly logAttempted: Float64Array;
  readonly oomKills: Float64Array;
  /** Mean hosts not serving (down or starting), and mean hosts ejected, over the interval's steps. */
  readonly hostsDown: Float64Array;
  readonly hostsEjected: Float64Array;
  readonly threadsMax: Float64Array;
  /** Deploy and first-dial-error annotations of the DC's first host. */
  readonly events: string[];
}

export interface HostRunFigures {
  readonly availability: number;
  readonly dialErrors: number;
  readonly firstPortExhaustionSec: number | null;
  readonly peakThreads: number;
  readonly oomKills: number;
  readonly restarts: number;
  readonly logLinesAttempted: number;
  readonly maxGcPauseMs: number | null;
}

export interface DcResult {
  readonly dc: string;
  /** Hosts simulated. */
  readonly hosts: number;
  readonly series: DcSeries;
  readonly hostFigures: readonly HostRunFigures[];
  /** New-client requests sent (first attempts), their retries, and those that failed every attempt. */
  readonly newClient: { readonly requests: number; readonly retries: number; readonly failed: number };
  readonly ejections: number;
  /** Seconds the balancer spent in panic mode (too few hosts in rotation). */
  readonly panicSec: number;
}

interface TriggerRequest {
  readonly uris: number;
  attempt: number;
  lastHost: number;
}

/** Run one data center's coupled hosts over the request's duration. */
export function runCoupledDc(request: DcRunRequest): DcResult {
  const { params: p, durationSec, resolutionSec, seed, dc } = request;
  const n = p.fleet.representativeHosts === 'all' ? p.fleet.hostsPerDc : p.fleet.representativeHosts;
  const stepSec = p.appview.couplingStepSec;
  const bins = Math.ceil(durationSec / resolutionSec);
  const series: DcSeries = {
    users: new Float64Array(bins),
    usersFailed: new Float64Array(bins),
    calls: new Float64Array(bins),
    callsFailed: new Float64Array(bins),
    ops: new Float64Array(bins),
    logAttempted: new Float64Array(bins),
    oomKills: new Float64Array(bins),
    hostsDown: new Float64Array(bins),
    hostsEjected: new Float64Array(bins),
    threadsMax: new Float64Array(bins),
    events: new Array<string>(bins).fill(''),
  };
  const clients = clientsFrom(p);
  const userRatePerHost = clients.filter((c) => c.userFacing).reduce((a, c) => a + c.ratePerSec, 0);
  const hosts: FastHost[] = [];
  const hostBins = new Int32Array(n);
  for (let h = 0; h < n; h++) {
    const scenario = staggered(request.scenario, h, n, p.fleet.rolloutSec);
    const deploys = resolveDeploys(p, scenario.deploys ?? []);
    const onRow = (row: TimelineRow) => {
      request.onHostRow?.(h, row);
      const b = hostBins[h]!++;
      if (b >= bins) return;
      let ops = 0;
      for (const c of CACHE_TYPES) ops += row[`ops:${c}`];
      series.ops[b]! += ops;
      series.logAttempted[b]! += row.logAttempted;
      series.oomKills[b]! += row.oomKills;
      series.threadsMax[b] = Math.max(series.threadsMax[b]!, row.threads);
      if (h === 0) {
        series.events[b] = row.events
          .split(';')
          .filter((e) => e.startsWith('deploy:') || e === 'first-dial-error')
          .join(';');
      }
    };
    hosts.push(
      createCoupledHost({
        params: p,
        ...(deploys.length > 0 && { deploys }),
        seed: hashSeed(seed, 'fleet', dc, h),
        durationSec,
        resolutionSec,
        onRow,
      }),
    );
  }

  // The new client's requests to the whole DC (its rate parameter is per host).
  const trigger = clients.find((c) => c.id === CLIENT.newClient)!;
  const rngArrivals = createRng(hashSeed(seed, 'fleet-arrivals', dc));
  const rngBatch = createRng(hashSeed(seed, 'fleet-batch', dc));
  const rngRoute = createRng(hashSeed(seed, 'fleet-route', dc));
  const dcTriggerRate = trigger.ratePerSec * n;
  let nextArrival =
    dcTriggerRate > 0
      ? trigger.activeFromSec + exponential(rngArrivals, dcTriggerRate)
      : Number.POSITIVE_INFINITY;
  const retryQueue: Array<{ atSec: number; req: TriggerRequest }> = [];
  const inFlight = new Map<number, TriggerRequest>();
  let nextTag = 0;
  let rrPointer = 0;
  const newClient = { requests: 0, retries: 0, failed: 0 };

  const ejector = new OutlierEjector(n, ejectionConfig(p));
  const policy = p.appview.balancingPolicy;
  const retries = p.upstream.retries;
  const floorLatencySec = unloadedGetSec(p.memcached);
  const lastReq = new Float64Array(n);
  const lastOk = new Float64Array(n);
  const failPrev = new Float64Array(n);
  const failNow = new Float64Array(n);
  const failSeen = new Float64Array(n);
  const views: Array<{ inRotation: boolean; latencySec: number }> = hosts.map(() => ({
    inRotation: true,
    latencySec: floorLatencySec,
  }));
  const binSteps = new Float64Array(bins);
  /** Each host's state after the last step (the next step's start), and its bursts with this step's. */
  const state = hosts.map((h) => h.totals());
  const burstsNow = new Float64Array(n);
  let panicSteps = 0;

  const eligible = (i: number, exclude: number) => views[i]!.inRotation && (i !== exclude || n === 1);
  const pickHost = (exclude: number): number => {
    if (policy === BALANCING_POLICY.random) {
      const ok: number[] = [];
      for (let i = 0; i < n; i++) if (eligible(i, exclude)) ok.push(i);
      return ok.length === 0 ? -1 : ok[Math.floor(rngRoute.next() * ok.length)]!;
    }
    if (policy === BALANCING_POLICY.leastOutstanding) {
      let best = -1;
      let bestLoad = Number.POSITIVE_INFINITY;
      for (let k = 0; k < n; k++) {
        const i = (rrPointer + k) % n;
        if (!eligible(i, exclude)) continue;
        const load = burstsNow[i]! + views[i]!.latencySec;
        if (load < bestLoad) {
          bestLoad = load;
          best = i;
        }
      }
      rrPointer = (rrPointer + 1) % n;
      return best;
    }
    for (let k = 0; k < n; k++) {
      const i = (rrPointer + k) % n;
      if (eligible(i, exclude)) {
        rrPointer = (i + 1) % n;
        return i;
      }
    }
    return -1;
  };
  const send = (atSec: number, req: TriggerRequest): void => {
    const h = pickHost(req.lastHost);
    if (h < 0) return failed(atSec, req);
    req.lastHost = h;
    const tag = nextTag++;
    inFlight.set(tag, req);
    hosts[h]!.submit(atSec, req.uris, tag);
    burstsNow[h]!++;
  };
  const failed = (atSec: number, req: TriggerRequest): void => {
    if (req.attempt >= p.appview.newClientRetries) {
      newClient.failed++;
      return;
    }
    req.attempt++;
    newClient.retries++;
    retryQueue.push({ atSec: atSec + p.appview.newClientRetryDelaySec, req });
  };

  const steps = Math.ceil(durationSec / stepSec);
  for (let s = 0; s < steps; s++) {
    const t0 = s * stepSec;
    const t1 = Math.min(durationSec, t0 + stepSec);
    const bin = Math.min(bins - 1, Math.floor(t0 / resolutionSec));
    // 1. Rotation and shares from the hosts' state at the start of the step.
    let down = 0;
    let ejected = 0;
    for (let i = 0; i < n; i++) {
      const tot = state[i]!;
      burstsNow[i] = tot.activeBursts;
      const out = ejector.ejected(i, t0);
      if (!tot.serving) down++;
      else if (out) ejected++;
      const v = views[i]!;
      v.inRotation = tot.serving && !out;
      v.latencySec = floorLatencySec + failPrev[i]! * tot.logWaitSec;
    }
    // Panic mode: too few hosts in rotation, every host gets its share (a down host fails its calls).
    if (n - down - ejected < p.appview.panicThreshold * n) {
      for (let i = 0; i < n; i++) {
        views[i]!.inRotation = true;
        if (!state[i]!.serving) failPrev[i] = 1;
      }
      panicSteps++;
    }
    series.hostsDown[bin]! += down;
    series.hostsEjected[bin]! += ejected;
    binSteps[bin]!++;
    const shares = balanceShares(policy, views as readonly HostView[]);
    const routing = routeCalls(shares, failPrev, retries);
    for (let i = 0; i < n; i++) hosts[i]!.route(routing.callsPerRequest[i]! * n, t0);
    // 2. The new client's requests of the step and its retries due, each to one host.
    retryQueue.sort((a, b) => a.atSec - b.atSec);
    while (true) {
      const retryAt = retryQueue[0]?.atSec ?? Number.POSITIVE_INFINITY;
      const at = Math.min(retryAt, nextArrival);
      if (!(at <= t1)) break;
      const atSec = Math.max(at, t0 + 1e-9);
      if (retryAt <= nextArrival) send(atSec, retryQueue.shift()!.req);
      else {
        const next = nextArrival + exponential(rngArrivals, dcTriggerRate);
        nextArrival = next < trigger.activeUntilSec ? next : Number.POSITIVE_INFINITY;
        newClient.requests++;
        send(atSec, { uris: drawBatchSize(rngBatch, p, trigger), attempt: 0, lastHost: -1 });
      }
    }
    // 3. Every host to the end of the step.
    for (const h of hosts) h.advanceTo(t1);
    // 4. What the step's calls did, and the users' requests over them.
    let calls = 0;
    let callsFailed = 0;
    for (let i = 0; i < n; i++) {
      const h = hosts[i]!;
      const tot = h.totals();
      state[i] = tot;
      const dReq = tot.userRequests - lastReq[i]!;
      const dOk = tot.userOk - lastOk[i]!;
      lastReq[i] = tot.userRequests;
      lastOk[i] = tot.userOk;
      calls += dReq;
      callsFailed += dReq - dOk;
      failNow[i] = dReq > 0 ? 1 - dOk / dReq : Number.NaN;
      for (const o of h.takeTriggerOutcomes()) {
        const req = inFlight.get(o.tag)!;
        inFlight.delete(o.tag);
        if (!o.ok) failed(t1, req);
      }
    }
    let load = 0;
    for (let t = t0; t < t1; t++) load += loadFactorAt(p.load, t);
    const users = userRatePerHost * n * load;
    for (let i = 0; i < n; i++) failSeen[i] = Number.isNaN(failNow[i]!) ? 0 : failNow[i]!;
    const end = routeCalls(shares, failSeen, retries);
    series.users[bin]! += users;
    series.usersFailed[bin]! += users * end.userFailureShare;
    series.calls[bin]! += calls;
    series.callsFailed[bin]! += callsFailed;
    ejector.update(t1, t1 - t0, failNow);
    for (let i = 0; i < n; i++) failPrev[i] = Number.isNaN(failNow[i]!) ? failPrev[i]! : failNow[i]!;
    request.onProgress?.(t1);
  }
  for (let b = 0; b < bins; b++) {
    if (binSteps[b]! > 0) {
      series.hostsDown[b]! /= binSteps[b]!;
      series.hostsEjected[b]! /= binSteps[b]!;
    }
  }
  const hostFigures = hosts.map((h) => {
    const f = h.finish();
    return {
      availability: f.availability,
      dialErrors: f.dialErrors,
      firstPortExhaustionSec: f.firstPortExhaustionSec,
      peakThreads: f.peakThreads,
      oomKills: f.oomKills,
      restarts: f.restarts,
      logLinesAttempted: f.logLinesAttempted,
      maxGcPauseMs: f.maxGcPauseMs,
    };
  });
  return {
    dc,
    hosts: n,
    series,
    hostFigures,
    newClient,
    ejections: ejector.ejections,
    panicSec: panicSteps * stepSec,
  };
}

/**
 * A rolling deploy reaches the hosts of a DC one after another over `rolloutSec`: host `h` of `n` gets
 * each deploy at its time plus (h + 0.5) / n of the rollout.
 */
export function staggered(scenario: Scenario, h: number, n: number, rolloutSec: number): Scenario {
  if (!scenario.deploys || scenario.deploys.length === 0) return scenario;
  const shift = ((h + 0.5) / n) * rolloutSec;
  return { ...scenario, deploys: scenario.deploys.map((d) => ({ ...d, atSec: d.atSec + shift })) };
}
