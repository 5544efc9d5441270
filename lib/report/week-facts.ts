/**
 * The outage week's figures under the short names the report's prose quotes (`week.facts.*`): user
 * availability per data center, affected hours, kill rates, the deploy times on the incident's calendar,
 * and the traffic at the peaks of Monday and of the weekend.
 */
import { resolveRunParams } from '../run/run-scenario.js';
import { INCIDENT_WEEK, utcAt } from '../scenario/calendar.js';
import { findScenario } from '../scenario/scenarios.js';
import type { WeekData } from './week.js';

export type WeekReportData = WeekData & { readonly facts: Readonly<Record<string, number | string | null>> };

/** The week's figures the prose quotes, under short names. */
export function weekFacts(week: WeekData): WeekReportData {
  // What a host failing every call would log at the peaks of Monday and of the weekend, and what its
  // log pipe drains (parameters of the week scenario).
  const p = resolveRunParams(findScenario(week.scenarios.week)!);
  const w = p.workload;
  const getsPerSec =
    w.postRatePerSec * ((w.normalBatchMin + w.normalBatchMax) / 2) + w.userRatePerSec + w.countsRatePerSec;
  const peak = 1 + p.load.diurnalAmplitude;
  const fig = (id: string, key: string) => week.observations.find((o) => o.id === id)?.figures[key] ?? null;
  const [a, b] = week.fleets.week.dcs;
  const noFixA = week.fleets.withoutFix.dcs[0]!;
  const calendarText = (iso: string | null) => {
    if (iso === null) return null;
    const d = new Date(iso);
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
    return `${day} ${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  };
  const deployAt = (label: string) => {
    const d = findScenario(week.scenarios.week)?.deploys?.find((x) => x.label === label);
    return d ? calendarText(utcAt(INCIDENT_WEEK.startUtcSec, d.atSec)) : null;
  };
  const afterTrigger = fig('O1', 'firstDialErrorAfterTriggerSec');
  return {
    ...week,
    facts: {
      hostsPerDc: a!.hosts,
      representativeHosts: a!.representativeHosts,
      userShareA: a!.userShare,
      userAvailabilityA: a!.userAvailability,
      userAvailabilityB: b!.userAvailability,
      userAvailabilityAll: week.fleets.week.userAvailability,
      noFixUserAvailabilityA: noFixA.userAvailability,
      callAvailabilityA: a!.callAvailability,
      affectedHoursA: a!.affectedHours,
      affectedHoursB: b!.affectedHours,
      noFixAffectedHoursA: noFixA.affectedHours,
      mondayAffectedHours: fig('O9', 'mondayAffectedHours'),
      worstHourA: a!.worstHourUserAvailability,
      oomKillsA: a!.oomKills,
      noFixOomKillsA: noFixA.oomKills,
      mondayKillsPerHour: fig('O7', 'mondayKillsPerHour'),
      weekendKillsPerHour: fig('O7', 'weekendKillsPerHour'),
      upMinutes: fig('O7', 'upMinutes'),
      peakThreads: a!.peakThreads,
      threadRatio: fig('O5', 'ratio'),
      peakLogLinesPerSec: a!.peakLogLinesPerSec,
      peakOpsPerSec: a!.peakMemcachedOpsPerSec,
      bandAidOomKills: fig('O10', 'bandAidOomKills'),
      withoutFixOomKills: fig('O10', 'withoutFixOomKills'),
      bandAidUserAvailability: fig('O10', 'bandAidUserAvailability'),
      withoutFixUserAvailability: fig('O10', 'withoutFixUserAvailability'),
      firstDialErrorAfterTriggerSec: fig('O1', 'firstDialErrorAfterTriggerSec'),
      nominalGetsPerSec: getsPerSec,
      mondayPeakGetsPerSec: getsPerSec * p.load.mondayFactor * peak,
      weekendPeakGetsPerSec: getsPerSec * p.load.weekendFactor * peak,
      logDrainLinesPerSec: p.logging.pipeBytesPerSec / p.logging.lineBytes,
      mondayRekillShare: fig('O7', 'mondayRekillShare'),
      weekendRekillShare: fig('O7', 'weekendRekillShare'),
      failedRestarts: fig('O8', 'failedRestarts'),
      restarts: fig('O8', 'restarts'),
      triggerUtc: calendarText(utcAt(INCIDENT_WEEK.startUtcSec, INCIDENT_WEEK.triggerSec)),
      firstDialErrorUtc:
        afterTrigger === null
          ? null
          : calendarText(utcAt(INCIDENT_WEEK.startUtcSec, INCIDENT_WEEK.triggerSec + afterTrigger)),
      bandAidUtc: deployAt('band-aid'),
      setLimitUtc: deployAt('set-limit'),
      bandAidRemovedUtc: deployAt('band-aid-removed'),
    },
  };
}
