/**
 * The kernel cost lab, end to end: run the real kernel (search-cost-run.ts), fit the model's constants
 * and compare (search-cost-fit.ts), with the defaults of params.ts shown beside.
 */
import { defaultParams } from '../model/params.js';
import { compareSearchCost, type SearchCostConstants, type SearchCostReport } from './search-cost-fit.js';
import {
  DEFAULT_SEARCH_COST_LAB,
  FILL_METHOD,
  runSearchCostKernel,
  type SearchCostLabConfig,
} from './search-cost-run.js';

/** The model's current search-cost constants (the defaults of `outage-lab params`). */
export function defaultSearchCostConstants(): SearchCostConstants {
  const k = defaultParams().kernel;
  return {
    dialSyscallSec: k.dialSyscallSec,
    portProbeSec: k.portProbeSec,
    portProbeEstablishedSec: k.portProbeEstablishedSec,
    connectPortProbeSec: k.connectPortProbeSec,
    connectPortProbeEstablishedSec: k.connectPortProbeEstablishedSec,
    dialSysCpuFraction: k.dialSysCpuFraction,
  };
}

export async function runSearchCostLab(
  config: SearchCostLabConfig = DEFAULT_SEARCH_COST_LAB,
  log: (line: string) => void = () => {},
): Promise<SearchCostReport> {
  const runs = await runSearchCostKernel(config, log);
  return compareSearchCost(runs, defaultSearchCostConstants(), FILL_METHOD);
}
