/**
 * The Go lab's experiments and their settings: what the Go program is asked to do (its flags), shared by
 * the real run and the model replay so that both see the same parameters.
 */

export const GO_EXPERIMENT = {
  failingDialThreads: 'failing-dial-threads',
  loggingThreads: 'logging-threads',
  failingDialCpu: 'failing-dial-cpu',
  gc: 'gc',
  gcDials: 'gc-dials',
  scaledOutage: 'scaled-outage',
  unitCosts: 'unit-costs',
} as const;
export type GoExperiment = (typeof GO_EXPERIMENT)[keyof typeof GO_EXPERIMENT];
export const GO_EXPERIMENTS: readonly GoExperiment[] = Object.values(GO_EXPERIMENT);

/** The figures compared between the Go program and the model (the list, in its order). */
export const GO_FIGURES = [
  'threadsBefore',
  'peakThreads',
  'sysCpuSec',
  'wallSec',
  'sysCpuMsPerFailedDial',
  'requestsOk',
  'requestsFailed',
  'gcPauseP99Ms',
] as const;
export type GoFigure = (typeof GO_FIGURES)[number];
export type GoFigures = Partial<Record<GoFigure, number | null>>;

/** One setting of one experiment. */
export interface GoSetting {
  readonly experiment: GoExperiment;
  /** Short label of the setting within its experiment. */
  readonly label: string;
  readonly gomaxprocs: number;
  /** Goroutines of the burst (dials, log lines), parked goroutines (gc), or the big batch size (outage). */
  readonly goroutines: number;
  readonly flags: readonly string[];
  readonly drainBytesPerSec: number;
  readonly fillFirst: boolean;
  readonly timeoutSec: number;
}

/** A drain fast enough never to block the program (experiments that do not log). */
export const FAST_DRAIN_BYTES_PER_SEC = 1e9;
/** The slow drain of logging-threads: 17,500 lines of 400 bytes take ~3.5 s. */
export const SLOW_DRAIN_BYTES_PER_SEC = 2e6;
/** scaled-outage: the model's pipe rate (logging.pipeBytesPerSec default, 16 MiB/s). */
export const OUTAGE_DRAIN_BYTES_PER_SEC = 16 * 1024 * 1024;
/** Dial timeout of the failing-dial experiments: long, so that every dial reaches the kernel. */
export const LONG_DIAL_TIMEOUT = '30s';

export interface GoLabOptions {
  /** Length of each scaled-outage run (the issue asks 2-3 min; the default keeps the Go part <= 5 min). */
  readonly outageSec: number;
  readonly experiments: readonly GoExperiment[];
}

export const DEFAULT_GO_LAB: GoLabOptions = { outageSec: 30, experiments: GO_EXPERIMENTS };

/** scaled-outage load: normal requests per second and one big batch every this many seconds. */
export const OUTAGE_LOAD = {
  normalRatePerSec: 100,
  batchSize: 17_500,
  batchEverySec: 15,
  firstBatchSec: 3,
  setLimit: 50,
  hitRatio: 0.95,
  scyllaSec: 0.001,
  deadlineSec: 1,
  lineBytes: 400,
  maxIdleConns: 1000,
} as const;

/**
 * gc-dials: a forced GC cycle over a live heap of `liveMiB` (pointers) inside a burst of `goroutines`
 * failing dials at GOMAXPROCS `gomaxprocs` (one dedicated mark worker, runtime/mgcpacer.go), called as
 * the burst starts (`windowSec` 0; a cycle called after a sleep waited seconds for a P and a core behind
 * the dialers).
 */
export const GC_DIALS = { liveMiB: 128, goroutines: 2000, gomaxprocs: 4, windowSec: 0 } as const;

/** unit-costs: operations per phase (dials, gets, closes, goroutines parked in a get) and extra threads. */
export const UNIT_COSTS = { ops: 4000, extraThreads: 500 } as const;

export function goSettings(options: GoLabOptions = DEFAULT_GO_LAB): GoSetting[] {
  const out: GoSetting[] = [];
  const want = new Set(options.experiments);
  const base = { drainBytesPerSec: FAST_DRAIN_BYTES_PER_SEC, fillFirst: false, timeoutSec: 60 };
  if (want.has(GO_EXPERIMENT.failingDialThreads)) {
    for (const gomaxprocs of [2, 4, 16]) {
      for (const goroutines of [500, 2000]) {
        out.push({
          ...base,
          experiment: GO_EXPERIMENT.failingDialThreads,
          label: `gomaxprocs=${gomaxprocs} burst=${goroutines}`,
          gomaxprocs,
          goroutines,
          fillFirst: true,
          flags: [
            ...['-experiment', 'failing-dial', '-gomaxprocs', String(gomaxprocs)],
            ...['-goroutines', String(goroutines), '-serial', '10', '-timeout', LONG_DIAL_TIMEOUT],
          ],
        });
      }
    }
  }
  if (want.has(GO_EXPERIMENT.loggingThreads)) {
    for (const gomaxprocs of [2, 16]) {
      out.push({
        ...base,
        experiment: GO_EXPERIMENT.loggingThreads,
        label: `gomaxprocs=${gomaxprocs} lines=17500 drain=2MB/s`,
        gomaxprocs,
        goroutines: 17_500,
        drainBytesPerSec: SLOW_DRAIN_BYTES_PER_SEC,
        flags: [
          ...['-experiment', 'logging', '-gomaxprocs', String(gomaxprocs)],
          ...['-goroutines', '17500', '-line-bytes', String(OUTAGE_LOAD.lineBytes)],
        ],
      });
    }
  }
  if (want.has(GO_EXPERIMENT.failingDialCpu)) {
    out.push({
      ...base,
      experiment: GO_EXPERIMENT.failingDialCpu,
      label: 'gomaxprocs=2 burst=500 request-workers=4',
      gomaxprocs: 2,
      goroutines: 500,
      fillFirst: true,
      flags: [
        ...['-experiment', 'failing-dial', '-gomaxprocs', '2', '-goroutines', '500', '-serial', '10'],
        ...['-timeout', LONG_DIAL_TIMEOUT, '-request-workers', '4', '-warm-conns', '8', '-window-sec', '2'],
      ],
    });
  }
  if (want.has(GO_EXPERIMENT.gc)) {
    const gc = (label: string, goroutines: number, extra: readonly string[]): GoSetting => ({
      ...base,
      experiment: GO_EXPERIMENT.gc,
      label,
      gomaxprocs: 2,
      goroutines,
      flags: [
        ...['-experiment', 'gc', '-gomaxprocs', '2', '-goroutines', String(goroutines)],
        ...['-alloc-workers', '2', '-duration-sec', '4', ...extra],
      ],
    });
    out.push(gc('live=64MiB', 0, ['-live-mb', '64']));
    out.push(gc('live=256MiB', 0, ['-live-mb', '256']));
    out.push(gc('live=64MiB goroutines=20000', 20_000, ['-live-mb', '64']));
    out.push(gc('live=64MiB threads=+1000', 0, ['-live-mb', '64', '-extra-threads', '1000']));
    out.push(
      gc('live=64MiB GOMEMLIMIT=80MiB', 0, ['-live-mb', '64', '-gomemlimit', String(80 * 1024 * 1024)]),
    );
  }
  if (want.has(GO_EXPERIMENT.gcDials)) {
    const g = GC_DIALS;
    out.push({
      ...base,
      experiment: GO_EXPERIMENT.gcDials,
      label: `gomaxprocs=${g.gomaxprocs} live=${g.liveMiB}MiB burst=${g.goroutines}`,
      gomaxprocs: g.gomaxprocs,
      goroutines: g.goroutines,
      fillFirst: true,
      flags: [
        ...['-experiment', 'gc-dials', '-gomaxprocs', String(g.gomaxprocs), '-gogc', '-1'],
        ...['-live-mb', String(g.liveMiB), '-goroutines', String(g.goroutines)],
        ...['-window-sec', String(g.windowSec), '-timeout', LONG_DIAL_TIMEOUT],
      ],
    });
  }
  if (want.has(GO_EXPERIMENT.unitCosts)) {
    out.push({
      ...base,
      experiment: GO_EXPERIMENT.unitCosts,
      label: `gomaxprocs=1 ops=${UNIT_COSTS.ops} threads=+${UNIT_COSTS.extraThreads}`,
      gomaxprocs: 1,
      goroutines: UNIT_COSTS.ops,
      flags: [
        ...['-experiment', 'costs', '-gomaxprocs', '1', '-local-ip', 'fixed'],
        ...['-goroutines', String(UNIT_COSTS.ops), '-extra-threads', String(UNIT_COSTS.extraThreads)],
      ],
    });
  }
  if (want.has(GO_EXPERIMENT.scaledOutage)) {
    const L = OUTAGE_LOAD;
    for (const [label, extra] of [
      ['no fix', ['-local-ip', 'fixed']],
      ['SetLimit(50)', ['-local-ip', 'fixed', '-set-limit', String(L.setLimit)]],
      ['random local IP', ['-local-ip', 'random']],
    ] as const) {
      out.push({
        ...base,
        experiment: GO_EXPERIMENT.scaledOutage,
        label,
        gomaxprocs: 2,
        goroutines: L.batchSize,
        drainBytesPerSec: OUTAGE_DRAIN_BYTES_PER_SEC,
        timeoutSec: options.outageSec + 60,
        flags: [
          ...['-experiment', 'outage', '-gomaxprocs', '2', '-duration-sec', String(options.outageSec)],
          ...['-normal-rate', String(L.normalRatePerSec), '-batch-size', String(L.batchSize)],
          ...['-batch-every-sec', String(L.batchEverySec), '-first-batch-sec', String(L.firstBatchSec)],
          ...['-hit-ratio', String(L.hitRatio), '-scylla', `${L.scyllaSec * 1000}ms`],
          ...['-deadline-sec', String(L.deadlineSec), '-line-bytes', String(L.lineBytes)],
          ...['-max-idle', String(L.maxIdleConns), ...extra],
        ],
      });
    }
  }
  return out;
}
