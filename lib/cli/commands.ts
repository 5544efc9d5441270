/**
 * The CLI's commands: thin wrappers that parse options, call the library, and print.
 */

import { InputError } from '../errors.js';
import type { TimelineRow } from '../metrics/timeline.js';
import { describeExpected, parseText } from '../model/param-spec.js';
import { getPath, listParamSpecs, specAt } from '../model/params.js';
import { parseAssignments } from '../model/resolve-params.js';
import {
  checkDuration,
  checkResolution,
  ENGINES,
  type EngineId,
  type RunSummary,
  resolveRunParams,
  SUMMARY_FIELDS,
} from '../run/run-scenario.js';
import { formatDuration, parseDuration } from '../scenario/duration.js';
import { resolveScenario } from '../scenario/scenario-file.js';
import { SCENARIOS } from '../scenario/scenarios.js';
import { formatBytes, table } from './format.js';
import { runOffThread } from './off-thread.js';
import { parseSeed } from './options.js';
import { noteDeploysBeyond, openTimelineCsv, streamed } from './output.js';
import { createProgress } from './progress.js';

export function scenariosCommand(opts: { json?: boolean }): void {
  if (opts.json) {
    const out = SCENARIOS.map((s) => ({
      id: s.id,
      title: s.title,
      description: s.description,
      durationSec: s.durationSec,
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const rows = [
    ['id', 'duration', 'description'],
    ...SCENARIOS.map((s) => [s.id, formatDuration(s.durationSec), s.description]),
  ];
  process.stdout.write(`${table(rows)}\n`);
}

export function paramsCommand(opts: { json?: boolean; scenario?: string }): void {
  const scenario = opts.scenario ? resolveScenario(opts.scenario) : undefined;
  const params = scenario
    ? resolveRunParams(scenario)
    : resolveRunParams({ id: 'defaults', title: '', description: '', durationSec: 1, overrides: {} });
  const entries = listParamSpecs().map(([path, spec]) => ({
    path,
    value: getPath(params, path),
    default: spec.default,
    unit: spec.unit,
    expected: describeExpected(spec),
    doc: spec.doc,
    source: spec.source,
  }));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return;
  }
  const rows = [
    ['parameter', 'value', 'unit', 'source'],
    ...entries.map((e) => [e.path, String(e.value), e.unit, e.source]),
  ];
  process.stdout.write(`${table(rows)}\n`);
}

export interface RunOptions {
  scenario: string;
  engine?: string;
  duration?: string;
  seed?: string;
  batchSize?: string;
  concurrencyLimit?: string;
  poolSize?: string;
  logRate?: string;
  set?: string[];
  timeline?: string;
  resolution?: string;
  json?: boolean;
  quiet?: boolean;
}

/** The four sweep axes as CLI flags, typed by their specs. */
function axisOverrides(opts: RunOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const axes = [
    ['batchSize', opts.batchSize],
    ['concurrencyLimit', opts.concurrencyLimit],
    ['poolSize', opts.poolSize],
    ['logRate', opts.logRate],
  ] as const;
  for (const [path, text] of axes) if (text !== undefined) out[path] = parseText(specAt(path)!, text);
  return out;
}

export async function runCommand(opts: RunOptions): Promise<void> {
  const scenario = resolveScenario(opts.scenario);
  const engine = (opts.engine ?? 'des') as EngineId;
  if (!ENGINES.includes(engine))
    throw new InputError(`--engine: expected one of ${ENGINES.join(', ')}, got "${opts.engine}"`);
  const seed = parseSeed(opts.seed);
  const durationSec =
    opts.duration === undefined ? scenario.durationSec : parseDuration(opts.duration, '--duration');
  const resolutionSec = opts.resolution === undefined ? 1 : parseDuration(opts.resolution, '--resolution');
  const overrides = { ...axisOverrides(opts), ...parseAssignments(opts.set ?? []) };
  // Validate everything before any output is created.
  noteDeploysBeyond(scenario, durationSec, opts.quiet ?? false);
  resolveRunParams(scenario, overrides);
  checkDuration(durationSec);
  checkResolution(resolutionSec, durationSec);
  const writer = opts.timeline !== undefined ? openTimelineCsv(opts.timeline) : undefined;
  const progress = createProgress(`run ${scenario.id}`, durationSec, 'sim s', opts.quiet ?? false);
  const summary = await streamed(writer, progress, () =>
    runOffThread<TimelineRow>(
      {
        kind: 'run',
        request: { scenario, engine, seed, durationSec, overrides, resolutionSec },
        timeline: writer !== undefined,
      },
      {
        ...(writer && { onRow: (row: TimelineRow) => writer.write(row) }),
        onProgress: (sec) => progress.update(sec),
      },
    ),
  );
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  process.stdout.write(`${formatSummary(summary)}\n`);
  if (opts.timeline !== undefined) process.stdout.write(`timeline: ${opts.timeline}\n`);
}

export function formatSummary(s: RunSummary): string {
  const show = (key: (typeof SUMMARY_FIELDS)[number]): string => {
    const v = s[key];
    if (v === null) return '-';
    if (key === 'peakRssBytes') return formatBytes(v as number);
    if (key === 'availability') return `${((v as number) * 100).toFixed(4)} %`;
    if (typeof v === 'number' && !Number.isInteger(v)) return String(+v.toFixed(3));
    return String(v);
  };
  return table(SUMMARY_FIELDS.map((k) => [k, show(k)]));
}
