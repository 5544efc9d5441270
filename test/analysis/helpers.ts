import { TIMELINE_COLUMNS, type TimelineRow } from '../../lib/metrics/timeline.js';

/** 1-second timeline rows, all quiet and healthy unless `at(t)` says otherwise. */
export function rows(count: number, at: (tSec: number) => Partial<TimelineRow> = () => ({})): TimelineRow[] {
  return Array.from({ length: count }, (_, i) => {
    const tSec = i + 1;
    const row = Object.fromEntries(TIMELINE_COLUMNS.map((c) => [c, 0]));
    Object.assign(row, {
      utc: null,
      tSec,
      processState: 'up',
      userAvailability: 1,
      threads: 150,
      events: '',
      'reqOk:appview-posts': 800,
      'reqOk:appview-users': 10_000,
      'reqOk:appview-counts': 10_000,
      'urisMax:appview-posts': 50,
    });
    Object.assign(row, at(tSec));
    return row as unknown as TimelineRow;
  });
}
