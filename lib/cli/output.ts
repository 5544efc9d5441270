/**
 * Output helpers shared by the commands that stream a timeline: open the CSV (bad paths are input
 * errors naming the option), and run the work so that the file is moved into place only on success and
 * the progress display always stops.
 */

import { InputError } from '../errors.js';
import { isDirectory } from '../io/paths.js';
import type { Schema, TIMELINE_SCHEMA } from '../metrics/timeline.js';
import { TimelineCsvWriter } from '../metrics/timeline-csv.js';
import { formatDuration } from '../scenario/duration.js';
import type { Scenario } from '../scenario/scenarios.js';
import type { Progress } from './progress.js';

/**
 * Deploys of the scenario that fall after a shorter `--duration` do not happen: say so (scenario files
 * themselves are refused when a deploy lies beyond their own duration).
 */
export function noteDeploysBeyond(scenario: Scenario, durationSec: number, quiet: boolean): void {
  const later = (scenario.deploys ?? []).filter((d) => d.atSec > durationSec);
  if (later.length === 0 || quiet) return;
  const list = later.map((d) => `${d.label} at ${formatDuration(d.atSec)}`).join(', ');
  process.stderr.write(
    `note: --duration ${formatDuration(durationSec)} ends before ${later.length} deploy(s) of ${scenario.id} (${list}); they do not happen in this run\n`,
  );
}

export function openTimelineCsv<S extends Schema = typeof TIMELINE_SCHEMA>(
  path: string,
  schema?: S,
): TimelineCsvWriter<S> {
  if (path.trim() === '')
    throw new InputError(`--timeline: expected a file path, got ${JSON.stringify(path)}`);
  if (isDirectory(path)) throw new InputError(`--timeline ${path}: is a directory; expected a file path`);
  try {
    return new TimelineCsvWriter<S>(path, schema);
  } catch (e) {
    throw new InputError(
      `--timeline ${path}: cannot create the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** Run `work`; commit the writer if it succeeds, delete its file if it fails; stop the progress display. */
export async function streamed<T, S extends Schema>(
  writer: TimelineCsvWriter<S> | undefined,
  progress: Progress,
  work: () => Promise<T>,
): Promise<T> {
  try {
    const result = await work();
    writer?.commit();
    return result;
  } catch (e) {
    writer?.abort();
    throw e;
  } finally {
    progress.stop();
  }
}
