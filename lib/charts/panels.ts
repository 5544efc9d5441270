/**
 * The standard panels of a host timeline (fields of `hostRows`), with per-interval titles that follow
 * the timeline's step. Scales are chosen from the data by `timelineChart` (symlog for counts and failed
 * requests that span orders of magnitude); RSS stays linear and fitted to the data.
 */
import { perInterval } from '../analysis/host-rows.js';
import type { TimelinePanel } from './charts.js';

export const HOST_PANEL_FIELDS = [
  'timeWait',
  'dialErrors',
  'threads',
  'rssGiB',
  'gcPauseMaxMs',
  'oomKills',
  'failedPct',
] as const;

export type HostPanelField = (typeof HOST_PANEL_FIELDS)[number];

export function hostPanels(
  stepSec: number,
  fields: readonly HostPanelField[] = HOST_PANEL_FIELDS,
): TimelinePanel[] {
  const step = perInterval(stepSec);
  const all: Record<HostPanelField, TimelinePanel> = {
    timeWait: { field: 'timeWait', title: 'TIME_WAIT sockets' },
    dialErrors: { field: 'dialErrors', title: `dial errors / ${step}` },
    threads: { field: 'threads', title: 'OS threads' },
    rssGiB: { field: 'rssGiB', title: 'RSS (GiB)', scale: 'linear' },
    gcPauseMaxMs: { field: 'gcPauseMaxMs', title: 'max GC pause (ms)' },
    oomKills: { field: 'oomKills', title: `OOM kills / ${step}` },
    failedPct: { field: 'failedPct', title: 'requests failed (%)' },
  };
  return fields.map((f) => all[f]);
}
