/** The report's section "Trigger, root cause and contributing factors": trigger, root cause, contributing factors and the causal chain. */
import { causalChain } from '../causal-chain.js';
import type { Section, SectionContext } from './context.js';

export function causesSection({ f, S }: SectionContext): Section {
  return {
    id: 'causes',
    title: 'Trigger, root cause and contributing factors',
    html: `<p><strong>Trigger.</strong> A new internal client started calling <code>GetPostRecord</code> with
batches of ${f('params.batchLow')} to ${f('params.batchHigh')} URIs, where normal callers send at most
${f('params.workload.normalBatchMax')}. In the model the first port exhaustion comes
${f('derived.firstExhaustionAfterTriggerSec', 'd1')} s after the client starts (mean over replicates).</p>
<p><strong>Root cause.</strong> The handler started one goroutine per URI with no limit, and each goroutine
took its own memcached connection. The pool keeps ${f('params.poolSize')} idle connections and closes the
rest, each close leaving a socket in <code>TIME_WAIT</code> for ${f('params.kernel.timeWaitSec')} s; with
bind-before-connect on one local address, ${f('params.portsPerIp')} ports run out within a batch or two.</p>
<p><strong>Contributing factors.</strong> Every failed dial was logged: ${S('outage', 'logLinesAttempted')}
error lines attempted per host, about ${f('derived.logPerDialError', 'd1')} per failed dial. Failing
<code>bind()</code> calls scan the whole port range, milliseconds of kernel CPU each: the Go runtime hands
their Ps to new OS threads (never released) only as fast as those threads get a CPU, so the threads grow far
less than the goroutines, while the scans take the cores from the requests (the Go lab measures both). A GOMEMLIMIT
of ${f('params.runtime.memLimitBytes', 'gib')} under a container limit of
${f('params.process.memoryLimitBytes', 'gib')} left little room for the memory spike of a burst, so the
host was OOM-killed, and restarted into a port table still full of <code>TIME_WAIT</code>.</p>
${causalChain(f)}`,
  };
}
