/** The report's section "Lessons": lessons. */
import type { Section } from './context.js';

export function lessonsSection(): Section {
  return {
    id: 'lessons',
    title: 'Lessons',
    html: `<ul>
<li>A fan-out without a limit turns a client's request size into the server's resource use: goroutines,
connections, ports, threads and memory all scale with it.</li>
<li>Errors can be amplifiers: each failed dial cost a log line and a scan of the whole port range in the
kernel, CPU taken from the requests. The blocking log writes did not multiply OS threads: one writer per file
is in <code>write(2)</code>, the other loggers wait as goroutines (the Go lab).</li>
<li>Restarts do not reset the kernel: sockets in <code>TIME_WAIT</code> outlive the process that made them.</li>
<li>The band-aid and the root fix act on different links of the chain: the first on ports, the second on
the fan-out. Only the second removes the memory spike.</li>
</ul>`,
  };
}
