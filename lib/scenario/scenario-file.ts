/**
 * Scenario files: `{ "id": "...", "title": "...", "description": "...", "base": "outage",
 * "duration": "2h", "params": { "poolSize": 5000, "kernel": { "dialMode": "connect" } } }`.
 * Every field but `params` or `base` is optional; `params` may be nested or use dotted paths.
 * `"deploys": [{ "at": "3d", "label": "band-aid", "params": { "kernel.localIpMode": "random" } }]` changes
 * the configuration during the run (model/deploys.ts; the fast engine only); `at` is a duration or seconds.
 * Without `deploys`, a file with a `base` keeps the base's deploys.
 */
import { InputError } from '../errors.js';
import { checkJsonTree, readJsonFile } from '../io/json-file.js';
import type { Deploy } from '../model/deploys.js';
import { checkValue } from '../model/param-spec.js';
import { specAt } from '../model/params.js';
import { flattenOverrides } from '../model/resolve-params.js';
import { MAX_DURATION_SEC, parseDuration } from './duration.js';
import { findScenario, SCENARIOS, type Scenario } from './scenarios.js';

const KNOWN_KEYS = ['id', 'title', 'description', 'base', 'duration', 'params', 'deploys'];

// Read JSON files through lib/io; re-exported for the modules that import it from here.
export { readJsonFile } from '../io/json-file.js';

export function scenarioFromJson(json: unknown, where: string): Scenario {
  checkJsonTree(json, where);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InputError(
      `${where}: expected a JSON object with "params" (and optionally id, title, base, duration)`,
    );
  }
  const o = json as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN_KEYS.includes(key))
      throw new InputError(`${where}: unknown field "${key}"; expected one of ${KNOWN_KEYS.join(', ')}`);
  }
  const text = (key: string): string | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length === 0)
      throw new InputError(`${where}: ${key}: expected a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  };
  const baseId = text('base');
  const base = baseId === undefined ? undefined : findScenario(baseId);
  if (baseId !== undefined && !base) {
    throw new InputError(
      `${where}: base: expected one of ${SCENARIOS.map((s) => s.id).join(', ')}, got "${baseId}"`,
    );
  }
  const durationText = o['duration'];
  let durationSec = base?.durationSec ?? 600;
  if (durationText !== undefined) {
    if (typeof durationText !== 'string' && typeof durationText !== 'number') {
      throw new InputError(
        `${where}: duration: expected a duration (e.g. "2h") or seconds, got ${JSON.stringify(durationText)}`,
      );
    }
    durationSec = parseDuration(String(durationText), `${where}: duration`);
    if (durationSec > MAX_DURATION_SEC) {
      throw new InputError(`${where}: duration: expected at most 30 d, got ${durationSec} s`);
    }
  }
  const params = o['params'] === undefined ? {} : flattenOverrides(o['params'], '', `${where}: params`);
  const deploys = o['deploys'] === undefined ? base?.deploys : parseDeploys(o['deploys'], where, durationSec);
  return {
    ...(deploys && { deploys }),
    id: text('id') ?? base?.id ?? 'custom',
    title: text('title') ?? base?.title ?? 'Custom scenario',
    description: text('description') ?? base?.description ?? `Loaded from ${where}`,
    durationSec,
    overrides: { ...(base?.overrides ?? {}), ...params },
  };
}

function parseDeploys(json: unknown, where: string, durationSec: number): Deploy[] {
  if (!Array.isArray(json))
    throw new InputError(`${where}: deploys: expected an array, got ${JSON.stringify(json)}`);
  return json.map((d, i) => {
    const at = `${where}: deploys[${i}]`;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) {
      throw new InputError(`${at}: expected an object with at, label and params`);
    }
    const o = d as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!['at', 'label', 'params'].includes(key)) {
        throw new InputError(`${at}: unknown field "${key}"; expected at, label, params`);
      }
    }
    if (typeof o['label'] !== 'string') throw new InputError(`${at}.label: expected a string`);
    if (typeof o['at'] !== 'number' && typeof o['at'] !== 'string') {
      throw new InputError(`${at}.at: expected a duration (e.g. "3d", "90m") or seconds`);
    }
    const atSec = typeof o['at'] === 'number' ? o['at'] : parseDuration(o['at'], `${at}.at`);
    if (!(atSec > 0 && atSec <= durationSec)) {
      throw new InputError(
        `${at}.at: expected a time within the scenario's duration (0 s, ${durationSec} s], got ${atSec} s`,
      );
    }
    const overrides = flattenOverrides(o['params'] ?? {}, '', `${at}.params`);
    for (const [path, value] of Object.entries(overrides)) {
      const spec = specAt(path);
      if (!spec) throw new InputError(`${at}.params.${path}: unknown parameter (see \`outage-lab params\`)`);
      const problem = checkValue(spec, value);
      if (problem) throw new InputError(`${at}.params.${path}: ${problem}`);
    }
    return { atSec, label: o['label'], overrides };
  });
}

export function loadScenarioFile(path: string): Scenario {
  return scenarioFromJson(readJsonFile(path, 'scenario'), path);
}

/** A scenario id, or a path to a JSON scenario file. */
export function resolveScenario(idOrPath: string): Scenario {
  const named = findScenario(idOrPath);
  if (named) return named;
  if (idOrPath.endsWith('.json')) return loadScenarioFile(idOrPath);
  throw new InputError(
    `scenario: expected a scenario id (${SCENARIOS.map((s) => s.id).join(', ')}) or a .json file, got "${idOrPath}"`,
    'scenario',
  );
}
