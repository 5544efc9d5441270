/**
 * outage-lab's public library: what notebooks and other programs import (`dist/index.js` once built).
 */
export * from './analysis/detection.js';
export * from './analysis/host-rows.js';
export * from './analysis/intervals.js';
export * from './analysis/recovery.js';
export * from './analysis/runs.js';
export * from './calibration/week.js';
export * from './charts/charts.js';
export * from './charts/panels.js';
export * from './charts/render.js';
export * from './charts/scales.js';
export * from './fleet/fleet.js';
export type { TimelineColumn, TimelineRow } from './metrics/timeline.js';
export { TIMELINE_COLUMNS } from './metrics/timeline.js';
export { DEPLOYABLE_PATHS, type Deploy, resolveDeploys } from './model/deploys.js';
export * from './model/load.js';
export { defaultParams, getPath, listParamSpecs, type Params } from './model/params.js';
export { applyOverrides, InputError, type Overrides } from './model/resolve-params.js';
export * from './notebook/display.js';
export * from './notebook/knobs.js';
export * from './notebook/metastability.js';
export * from './notebook/mime.js';
export * from './notebook/rows.js';
export * from './notebook/week.js';
export { acquireSweep } from './report/sweeps.js';
export * from './run/run-scenario.js';
export { INCIDENT_WEEK, utcAt } from './scenario/calendar.js';
export { formatDuration, parseDuration } from './scenario/duration.js';
export { FIXES, findScenario, SCENARIOS, type Scenario } from './scenario/scenarios.js';
export * from './sweep/aggregate.js';
export { pointAt, pointCount, runAt, runCount } from './sweep/grid.js';
export { mergeSweeps } from './sweep/merge.js';
export * from './sweep/regimes.js';
export { runSweep, type SweepOptions, type SweepReport } from './sweep/runner.js';
export { parseShard, type Shard } from './sweep/shard.js';
export { loadSweepSpec, parseSweepSpec, SWEEP_AXES, type SweepSpec } from './sweep/spec.js';
export { PACKAGE_VERSION } from './version.js';
