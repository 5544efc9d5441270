/**
 * The mechanisms' configurations read off the parameters, in one place for both engines.
 */
import type { CpuConfig } from './cpu.js';
import type { GcConfig } from './gc.js';
import type { GoRuntimeConfig } from './go-runtime.js';
import type { ErrorLogConfig } from './logging.js';
import type { Params } from './params.js';
import type { PortTableConfig } from './port-table.js';

export function portTableConfig(p: Params): PortTableConfig {
  const k = p.kernel;
  return {
    portCount: k.portRangeHigh - k.portRangeLow + 1,
    timeWaitSec: k.timeWaitSec,
    twReuse: k.twReuse,
    twReuseDelaySec: k.twReuseDelaySec,
    timeWaitTimerGranularitySec: k.timeWaitTimerGranularitySec,
    maxTwBuckets: k.maxTwBuckets,
    portProbeSec: k.portProbeSec,
    dialSyscallSec: k.dialSyscallSec,
    portProbeEstablishedSec: k.portProbeEstablishedSec,
    connectPortProbeSec: k.connectPortProbeSec,
    connectPortProbeEstablishedSec: k.connectPortProbeEstablishedSec,
    dialMode: k.dialMode,
    dialSysCpuFraction: k.dialSysCpuFraction,
  };
}

export function gcConfig(p: Params): GcConfig {
  const rt = p.runtime;
  return {
    gogcPercent: rt.gogcPercent,
    memLimitBytes: rt.memLimitBytes,
    gcCpuLimitFraction: rt.gcCpuLimitFraction,
    markBytesPerSecPerCore: rt.markBytesPerSecPerCore,
    gomaxprocs: rt.gomaxprocs,
    stwBaseSec: rt.stwBaseSec,
    stwPerThreadSec: rt.stwPerThreadSec,
  };
}

export function errorLogConfig(p: Params): ErrorLogConfig {
  return {
    logRate: p.logRate,
    sampleFraction: p.logging.sampleFraction,
    lineBytes: p.logging.lineBytes,
    pipeBytesPerSec: p.logging.pipeBytesPerSec,
  };
}

export function goRuntimeConfig(p: Params): GoRuntimeConfig {
  const rt = p.runtime;
  return {
    gomaxprocs: rt.gomaxprocs,
    baseThreads: rt.baseThreads,
    maxThreads: rt.maxThreads,
    sysmonTickSec: rt.sysmonTickSec,
    handoffSec: Math.max(rt.sysmonTickSec, rt.saturatedHandoffSec),
  };
}

export function cpuConfig(p: Params): CpuConfig {
  return { cores: p.host.cores, gomaxprocs: p.runtime.gomaxprocs };
}
