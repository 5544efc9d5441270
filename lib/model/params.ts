/**
 * Every parameter of the model, in one typed, readonly object. Each field carries its unit (in its name or
 * its spec), a default, bounds, and its source: the post-mortem ("April 2026 Outage Post-Mortem", Bluesky,
 * https://pckt.blog/b/jcalabro/april-2026-outage-post-mortem-219ebg2), a kernel or Go document, or the
 * word "assumption" with the range worth sweeping. Defaults describe ONE data-plane host of the affected
 * data center.
 *
 * The four sweep axes are top-level fields: `batchSize`, `concurrencyLimit`, `poolSize`, `logRate`.
 */
import type { BooleanSpec, EnumSpec, NumberSpec, ParamSpec } from './param-spec.js';

const PM = 'post-mortem';
/** Where the port-search constants come from: the kernel cost lab (machine and figures in README). */
const SEARCH_COST_SOURCE =
  'measured by `outage-lab lab --parts search-cost` (AMD EPYC, 2 cores, Linux 6.18, HZ=250; fit over 0-100% occupancy of 28,232 ports)';
/** The range stated for production hardware, for the per-port and fixed costs. */
const PRODUCTION_RANGE = 'production hardware: assumption 0.5-1.5x (faster cores, other kernels)';
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export const PARAM_SPECS = {
  batchSize: {
    kind: 'number',
    default: 17_500,
    min: 1,
    max: 1_000_000,
    integer: true,
    unit: 'URIs',
    doc: 'Mean URIs in one big GetPostRecord batch from the new client (drawn uniformly within +-batchSizeJitter).',
    source: `${PM}: "batches of 15-20 thousand URIs"; midpoint 17,500`,
  },
  concurrencyLimit: {
    kind: 'number',
    default: 'unbounded',
    min: 1,
    max: 1_000_000,
    integer: true,
    word: 'unbounded',
    unit: 'goroutines',
    doc: "GetPostRecord's errgroup limit (SetLimit k); 'unbounded' is a zero errgroup.Group.",
    source: `${PM}: the endpoint had no limit; every other handler used errgroup.SetLimit`,
  },
  poolSize: {
    kind: 'number',
    default: 1000,
    min: 0,
    max: 1_000_000,
    integer: true,
    unit: 'connections',
    doc: 'gomemcache MaxIdleConns: idle connections kept per server; beyond it a released connection is closed.',
    source: `${PM}: "our max idle conn pool size was 1000" (library default 2)`,
  },
  logRate: {
    kind: 'number',
    default: 'unlimited',
    min: 0,
    max: 100_000_000,
    word: 'unlimited',
    unit: 'lines/s',
    doc: "Most error log lines written per second per process (token bucket, 1 s burst); 'unlimited' logs every error.",
    source: `${PM}: every memcached error was logged`,
  },
  kernel: {
    portRangeLow: {
      kind: 'number',
      default: 32_768,
      min: 1,
      max: 65_535,
      integer: true,
      unit: 'port',
      doc: 'First port of net.ipv4.ip_local_port_range.',
      source: 'Linux Documentation/networking/ip-sysctl.rst (default 32768 60999)',
    },
    portRangeHigh: {
      kind: 'number',
      default: 60_999,
      min: 1,
      max: 65_535,
      integer: true,
      unit: 'port',
      doc: 'Last port of net.ipv4.ip_local_port_range (28,232 ports with the defaults).',
      source: 'Linux Documentation/networking/ip-sysctl.rst',
    },
    timeWaitSec: {
      kind: 'number',
      default: 60,
      min: 0,
      max: 600,
      unit: 's',
      doc: 'How long the active closer holds a socket in TIME_WAIT.',
      source: 'Linux include/net/tcp.h TCP_TIMEWAIT_LEN (60*HZ), a compile-time constant',
    },
    twReuse: {
      kind: 'enum',
      default: 2,
      values: [0, 1, 2],
      unit: '',
      doc: 'net.ipv4.tcp_tw_reuse: 0 off, 1 all, 2 loopback only. Applies to connect() port choice only.',
      source: 'Linux ip-sysctl.rst (default 2 since 4.19)',
    },
    twReuseDelaySec: {
      kind: 'number',
      default: 1,
      min: 0,
      max: 60,
      unit: 's',
      doc: 'Age a TIME_WAIT tuple must exceed before connect() may recycle it under tcp_tw_reuse.',
      source:
        'Linux >= 6.13 net.ipv4.tcp_tw_reuse_delay (default 1000 ms; read on these machines); older kernels: one tick of a seconds clock (0-1 s)',
    },
    timeWaitTimerGranularitySec: {
      kind: 'number',
      default: 2.048,
      min: 0,
      max: 60,
      unit: 's',
      doc: 'The TIME_WAIT timer fires at the next multiple of this granularity after close + timeWaitSec (timer-wheel rounding), so TIME_WAIT lasts 60 s plus up to one granule.',
      source:
        'Linux kernel/time/timer.c: a 60 s timer lands on wheel level 3 (512 jiffies = 2.048 s at HZ=250, as here; 4.096 s at HZ=1000); measured by the kernel lab (~62 s)',
    },
    maxTwBuckets: {
      kind: 'number',
      default: 131_072,
      min: 0,
      max: 100_000_000,
      integer: true,
      unit: 'sockets',
      doc: 'net.ipv4.tcp_max_tw_buckets: beyond it a closing socket skips TIME_WAIT (TCPTimeWaitOverflow).',
      source: 'ip-sysctl.rst (ehash_entries/2); 131,072 measured on these machines',
    },
    dialMode: {
      kind: 'enum',
      default: 'bind',
      values: ['bind', 'connect', 'bind-no-port'],
      unit: '',
      doc: "How a dial picks its source port: 'bind' = bind(localIP, 0) then connect (Go Dialer.LocalAddr), no TIME_WAIT reuse; 'connect' = autobind in connect(), tw_reuse applies; 'bind-no-port' = IP_BIND_ADDRESS_NO_PORT, port chosen at connect().",
      source: `${PM}: the error "dial tcp 127.32.0.1:0->127.0.0.1:11211: bind: address already in use" shows bind mode`,
    },
    localIpMode: {
      kind: 'enum',
      default: 'fixed',
      values: ['fixed', 'random'],
      unit: '',
      doc: "'fixed': every dial binds the same local IP; 'random': a random 127.x.y.z per dial (the band-aid).",
      source: `${PM}: band-aid DialContext with 127.(1+rand 254).(rand 256).(1+rand 254)`,
    },
    randomLocalIpCount: {
      kind: 'number',
      default: 16_516_096,
      min: 1,
      max: 16_777_216,
      integer: true,
      unit: 'addresses',
      doc: 'Distinct source addresses the random-local-IP dialer draws from.',
      source: `${PM}: 254 x 256 x 254 = 16,516,096`,
    },
    soLingerZero: {
      kind: 'boolean',
      default: false,
      unit: '',
      doc: 'SO_LINGER {on, 0} on client connections: close sends RST and skips TIME_WAIT.',
      source: 'socket(7) SO_LINGER; tcp(7)',
    },
    portProbeSec: {
      kind: 'number',
      default: 193e-9,
      min: 0,
      max: 1e-5,
      unit: 's',
      doc: 'bind(ip, 0): kernel time per port examined that a TIME_WAIT socket holds (bucket lock, owner walk). Once half the range is held every bind examines half of it (the other parity is scanned second), and a failing one all of it: 28,232 ports x 193 ns = 5.4 ms of system CPU.',
      source: `${SEARCH_COST_SOURCE}; ${PRODUCTION_RANGE}`,
    },
    portProbeEstablishedSec: {
      kind: 'number',
      default: 190e-9,
      min: 0,
      max: 1e-5,
      unit: 's',
      doc: 'bind(ip, 0): kernel time per port examined that an ESTABLISHED socket holds (idle pool connections).',
      source: `${SEARCH_COST_SOURCE}; ${PRODUCTION_RANGE}`,
    },
    connectPortProbeSec: {
      kind: 'number',
      default: 130e-9,
      min: 0,
      max: 1e-5,
      unit: 's',
      doc: 'connect() autobind and IP_BIND_ADDRESS_NO_PORT: kernel time per port examined that a TIME_WAIT socket holds (established-hash check of the 4-tuple, tw_reuse test).',
      source: `${SEARCH_COST_SOURCE}; ${PRODUCTION_RANGE}`,
    },
    connectPortProbeEstablishedSec: {
      kind: 'number',
      default: 50e-9,
      min: 0,
      max: 1e-5,
      unit: 's',
      doc: 'connect() autobind and IP_BIND_ADDRESS_NO_PORT: kernel time per port examined that an ESTABLISHED socket holds.',
      source: `${SEARCH_COST_SOURCE}; ${PRODUCTION_RANGE}`,
    },
    dialSyscallSec: {
      kind: 'number',
      default: 15e-6,
      min: 0,
      max: 0.01,
      unit: 's',
      doc: 'Fixed kernel time of socket + bind + connect on loopback (the handshake included), besides the port search. A whole Go net.Dialer dial took 21-29 us (median wall): Go adds 6-14 us of its own work between the syscalls, not charged here.',
      source: `${SEARCH_COST_SOURCE}: median thread CPU at an empty range (scripts/measure-dial.py's 28 us included Python); ${PRODUCTION_RANGE}`,
    },
    dialSysCpuFraction: {
      kind: 'number',
      default: 1,
      min: 0,
      max: 1,
      unit: 'fraction',
      doc: 'System CPU per second of dial syscall: the search spins on its CPU (never sleeps), so a failing dial at a full range costs its whole time in kernel CPU (PortTable.dialSysCpuSecAt(0)).',
      source: `${SEARCH_COST_SOURCE}: getrusage(RUSAGE_THREAD) system time over thread CPU time of failing dials (1.00); production: assumption 0.9-1 (the scan never sleeps)`,
    },
  },
  memcached: {
    maxConns: {
      kind: 'number',
      default: 65_536,
      min: 1,
      max: 10_000_000,
      integer: true,
      unit: 'connections',
      doc: 'memcached -c: beyond it the server answers "ERROR Too many open connections" and closes (server-side close, no client TIME_WAIT).',
      source: "memcached default 1,024; Bluesky's value unknown: assumption, raised well above 20,000",
    },
    threads: {
      kind: 'number',
      default: 4,
      min: 1,
      max: 256,
      integer: true,
      unit: 'threads',
      doc: 'memcached -t worker threads: servers of the request queue.',
      source: 'memcached default -t 4',
    },
    serviceSec: {
      kind: 'number',
      default: 6e-6,
      min: 1e-7,
      max: 0.01,
      unit: 's',
      doc: 'Server CPU time per get or set on one worker thread.',
      source: 'assumption (4-10 us): ~1.8 M gets/s on 16 threads',
    },
    rttMedianSec: {
      kind: 'number',
      default: 100e-6,
      min: 0,
      max: 0.1,
      unit: 's',
      doc: 'Median client-observed loopback round trip of one op, excluding server queueing.',
      source: 'assumption (50-200 us)',
    },
    rttP99OverMedian: {
      kind: 'number',
      default: 3,
      min: 1,
      max: 100,
      unit: 'ratio',
      doc: 'p99/median of the round trip (log-normal).',
      source: 'assumption (2-10)',
    },
    hitRatio: {
      kind: 'number',
      default: 0.95,
      min: 0,
      max: 1,
      unit: 'fraction',
      doc: 'Fraction of gets that hit.',
      source: 'assumption (0.8-0.99); the cache exists to keep load off Scylla',
    },
    timeoutSec: {
      kind: 'number',
      default: 0.5,
      min: 0.001,
      max: 60,
      unit: 's',
      doc: 'gomemcache Client.Timeout: dial timeout and per-op deadline; a timed-out connection is closed.',
      source: 'gomemcache memcache.go DefaultTimeout',
    },
    connBufferBytes: {
      kind: 'number',
      default: 8192,
      min: 0,
      max: 10 * MIB,
      integer: true,
      unit: 'bytes',
      doc: 'Client memory per open connection (bufio reader + writer).',
      source: 'gomemcache: 4 KB bufio.Reader + 4 KB bufio.Writer per conn',
    },
    getMulti: {
      kind: 'boolean',
      default: false,
      unit: '',
      doc: 'GetPostRecord fetches its whole batch with one GetMulti per server (one connection) instead of one get per URI.',
      source: 'gomemcache GetMulti: one connection per server per batch',
    },
    getMultiKeysPerSec: {
      kind: 'number',
      default: 2_000_000,
      min: 1,
      max: 1e9,
      unit: 'keys/s',
      doc: 'Server throughput for keys inside one multi-get, per thread.',
      source: 'assumption (1-5 M keys/s per thread)',
    },
  },
  scylla: {
    latencyMedianSec: {
      kind: 'number',
      default: 1e-3,
      min: 0,
      max: 10,
      unit: 's',
      doc: 'Median Scylla read latency on a cache miss.',
      source: 'assumption (0.5-5 ms)',
    },
    latencyP99OverMedian: {
      kind: 'number',
      default: 5,
      min: 1,
      max: 1000,
      unit: 'ratio',
      doc: 'p99/median of the Scylla latency (log-normal).',
      source: 'assumption (2-20)',
    },
    maxInFlight: {
      kind: 'number',
      default: 2048,
      min: 1,
      max: 1_000_000,
      integer: true,
      unit: 'requests',
      doc: 'Concurrent Scylla reads one host can have outstanding; more wait in a FIFO.',
      source: 'assumption (driver pool x per-connection streams; 512-32,768)',
    },
  },
  workload: {
    postRatePerSec: {
      kind: 'number',
      default: 800,
      min: 0,
      max: 1e6,
      unit: 'req/s',
      doc: 'Normal GetPostRecord requests per second to this host (user-facing, via the AppView).',
      source:
        'assumption: with user and counts traffic, ~42k memcached ops/s per host, ~2 M/s over ~48 hosts',
    },
    normalBatchMin: {
      kind: 'number',
      default: 1,
      min: 1,
      max: 1_000_000,
      integer: true,
      unit: 'URIs',
      doc: 'Smallest normal GetPostRecord batch (uniform between min and max).',
      source: `${PM}: "between 1-50 post lookups per request"`,
    },
    normalBatchMax: {
      kind: 'number',
      default: 50,
      min: 1,
      max: 1_000_000,
      integer: true,
      unit: 'URIs',
      doc: 'Largest normal GetPostRecord batch.',
      source: `${PM}: "between 1-50 post lookups per request"`,
    },
    userRatePerSec: {
      kind: 'number',
      default: 10_000,
      min: 0,
      max: 1e7,
      unit: 'req/s',
      doc: 'Requests to endpoints that read the user cache (one memcached op each) per second.',
      source: `assumption; ${PM} names a user cache sharing the memcached client`,
    },
    countsRatePerSec: {
      kind: 'number',
      default: 10_000,
      min: 0,
      max: 1e7,
      unit: 'req/s',
      doc: 'Requests to endpoints that read the interaction-counts cache (one op each) per second.',
      source: `assumption; ${PM} names an interaction counts cache`,
    },
    newClientRatePerSec: {
      kind: 'number',
      default: 0.1,
      min: 0,
      max: 1e4,
      unit: 'req/s',
      doc: 'GetPostRecord requests per second from the new internal client to this host.',
      source: `${PM}: "< 3 requests/s" to the affected DC; assumption ~25 hosts there -> ~0.1/s per host`,
    },
    bigBatchFraction: {
      kind: 'number',
      default: 0.1,
      min: 0,
      max: 1,
      unit: 'fraction',
      doc: 'Fraction of the new client requests that are big batches of ~batchSize URIs (the rest are normal size).',
      source: `${PM}: "sometimes" 15-20k URIs; assumption (0.1-1), set at the low end: at the high end (1) DC A's Monday on the coupled fleet is far worse (the report's "How sure are we"); the source's rhythm (M2-M4) is not reached at the defaults (\`outage-lab calibration\`)`,
    },
    batchSizeJitter: {
      kind: 'number',
      default: 1 / 7,
      min: 0,
      max: 1,
      unit: 'fraction',
      doc: 'Big batch sizes are uniform in batchSize x [1 - jitter, 1 + jitter].',
      source: `${PM}: 15,000-20,000 = 17,500 +- 1/7`,
    },
    maxUrisPerRequest: {
      kind: 'number',
      default: 'unbounded',
      word: 'unbounded',
      min: 1,
      max: 1_000_000,
      integer: true,
      unit: 'URIs',
      doc: 'API-side cap on URIs per GetPostRecord request (fix-batch-cap): a request above it is rejected at once (HTTP 400), before any goroutine or cache work.',
      source: `assumption (a fix the post-mortem lists among the options); at least workload.normalBatchMax so normal traffic is never rejected; sweep 50-20,000`,
    },
    triggerStartSec: {
      kind: 'number',
      default: 0,
      min: 0,
      max: 1e7,
      unit: 's',
      doc: 'When the new client starts sending (run clock).',
      source: 'scenario choice',
    },
    triggerStopSec: {
      kind: 'number',
      default: 'never',
      min: 0,
      max: 1e7,
      word: 'never',
      unit: 's',
      doc: "When the new client stops sending; 'never' keeps it on.",
      source: 'scenario choice',
    },
    upstreamDeadlineSec: {
      kind: 'number',
      default: 1,
      min: 0.001,
      max: 600,
      unit: 's',
      doc: 'AppView deadline per data-plane call: a user request answered later counts as failed.',
      source: 'assumption (0.5-5 s)',
    },
  },
  logging: {
    lineBytes: {
      kind: 'number',
      default: 400,
      min: 1,
      max: 1_000_000,
      integer: true,
      unit: 'bytes',
      doc: 'Size of one error log line.',
      source: `${PM}: the quoted JSON line is ~300 bytes; assumption 200-1,000`,
    },
    pipeBytesPerSec: {
      kind: 'number',
      default: 16 * MIB,
      min: 1,
      max: 100 * GIB,
      unit: 'bytes/s',
      doc: 'Rate at which the stderr pipe is drained (container log driver): one write(2) per line, one writer per fd at a time.',
      source: 'assumption (5-100 MB/s)',
    },
    allocBytesPerLine: {
      kind: 'number',
      default: 1024,
      min: 0,
      max: 1_000_000,
      integer: true,
      unit: 'bytes',
      doc: 'Heap allocated to format one line (garbage once written or dropped).',
      source: 'assumption (0.5-4 KB for slog JSON with attributes)',
    },
    sampleFraction: {
      kind: 'number',
      default: 1,
      min: 0,
      max: 1,
      unit: 'fraction',
      doc: 'Fraction of error lines kept by a sampler before the rate limit (1 keeps all).',
      source: 'fix option (log sampling)',
    },
  },
  runtime: {
    gomaxprocs: {
      kind: 'number',
      default: 16,
      min: 1,
      max: 1024,
      integer: true,
      unit: 'Ps',
      doc: 'GOMAXPROCS: processors that run goroutines.',
      source: 'assumption (8-64 cores per data-plane host)',
    },
    baseThreads: {
      kind: 'number',
      default: 150,
      min: 1,
      max: 10_000,
      integer: true,
      unit: 'Ms',
      doc: 'OS threads of a healthy, warmed-up process.',
      source: `${PM}: healthy baseline ~150 Ms`,
    },
    maxThreads: {
      kind: 'number',
      default: 10_000,
      min: 1,
      max: 1_000_000,
      integer: true,
      unit: 'Ms',
      doc: 'debug.SetMaxThreads limit: creating more is fatal ("thread exhaustion").',
      source: 'Go runtime/debug SetMaxThreads default 10,000',
    },
    sysmonTickSec: {
      kind: 'number',
      default: 20e-6,
      min: 1e-6,
      max: 0.01,
      unit: 's',
      doc: 'sysmon period while busy: a P blocked in a syscall longer than this is handed to another M.',
      source: 'Go runtime/proc.go sysmon (20 us, backing off to 10 ms when idle)',
    },
    saturatedHandoffSec: {
      kind: 'number',
      default: 1e-3,
      min: 0,
      max: 0.1,
      unit: 's',
      doc: 'Under a storm of CPU-bound slow syscalls (port scans keep every core busy), the time before the M that takes over a handed-off P gets a CPU and runs the next goroutine: a P admits one goroutine into the kernel per this interval, so the Ms per P are about the syscall time over it. The hand-off period is max(sysmonTickSec, this), plus the kernel work queued on the cores while they are saturated (GoRuntime.handoffUnderLoadSec, model/cpu.ts).',
      source: `measured by the Go lab (\`sudo npx outage-lab lab --parts go\`: failing-dial-threads at GOMAXPROCS 2, 4, 16 x 500 and 2,000 dials, and failing-dial-cpu) on a 2-core AMD EPYC VM, Linux 6.18, Go 1.19.8: kernel time of one failing dial over (Ms per P - 1) gives 0.35-1.22 ms over 7 runs, median 0.99 ms (the GOMAXPROCS 2 runs lowest); production: 0.5-3 ms (the Linux EEVDF slice is 0.75 ms x (1 + log2 min(cores, 8)), 1.5 ms here, 3 ms from 8 cores)`,
    },
    threadBytes: {
      kind: 'number',
      default: 64 * 1024,
      min: 0,
      max: 64 * MIB,
      integer: true,
      unit: 'bytes',
      doc: 'Resident memory per OS thread: g0 stack 16 KB + signal stack 32 KB + kernel task and stack.',
      source: 'Go runtime (g0 16 KB, gsignal 32 KB); kernel stack 16 KB; assumption 50-100 KB',
    },
    goroutineStackBytes: {
      kind: 'number',
      default: 8192,
      min: 2048,
      max: 1 * GIB,
      integer: true,
      unit: 'bytes',
      doc: 'Average stack of a goroutine (minimum 2 KB; initial size from the historic average since Go 1.19).',
      source: 'Go runtime; assumption 2-16 KB',
    },
    goroutineHeapBytes: {
      kind: 'number',
      default: 2048,
      min: 0,
      max: 1 * GIB,
      integer: true,
      unit: 'bytes',
      doc: 'Live heap held by one URI task or request goroutine while it lives (key, result, closures).',
      source: 'assumption (0.5-8 KB)',
    },
    allocBytesPerOp: {
      kind: 'number',
      default: 2048,
      min: 0,
      max: 1 * GIB,
      integer: true,
      unit: 'bytes',
      doc: 'Heap allocated (garbage afterwards) per memcached or Scylla op.',
      source: 'assumption (1-8 KB)',
    },
    baseLiveHeapBytes: {
      kind: 'number',
      default: 2 * GIB,
      min: 0,
      max: 1024 * GIB,
      integer: false,
      unit: 'bytes',
      doc: 'Live heap of a healthy process (in-process caches, indexes).',
      source: 'assumption (sized with memoryLimitBytes to leave the aggressive headroom described)',
    },
    nonHeapBytes: {
      kind: 'number',
      default: 200 * MIB,
      min: 0,
      max: 1024 * GIB,
      unit: 'bytes',
      doc: 'RSS outside the heap, stacks and thread memory (binary, runtime metadata, fragmentation).',
      source: 'assumption (100-500 MB)',
    },
    gogcPercent: {
      kind: 'number',
      default: 200,
      min: 1,
      max: 10_000,
      unit: '%',
      doc: 'GOGC: heap goal = live + (live + stacks) x GOGC/100.',
      source: `Go GC guide; ${PM}: "very aggressively tuned GOGC": assumption, a high GOGC that leaves GOMEMLIMIT in charge (50-400)`,
    },
    memLimitBytes: {
      kind: 'number',
      default: Math.round(0.932 * 4 * GIB),
      min: 0,
      max: 1024 * GIB,
      unit: 'bytes',
      doc: 'GOMEMLIMIT (soft): the heap goal is capped so total Go memory stays below it, while GC CPU allows.',
      source: `Go GC guide; ${PM}: aggressive GOMEMLIMIT; assumption 93.2% of the container limit (85-98%; the report's "How sure are we" gives DC A's Monday at each end); the OOM rhythm it was first set for (O7: about 30 min up under Monday load, rare at weekend load) is not reached`,
    },
    gcCpuLimitFraction: {
      kind: 'number',
      default: 0.5,
      min: 0.01,
      max: 1,
      unit: 'fraction',
      doc: 'GC CPU limiter: at most this share of CPU goes to GC; past it the heap outgrows GOMEMLIMIT.',
      source: 'Go runtime mgclimit.go (50%)',
    },
    markBytesPerSecPerCore: {
      kind: 'number',
      default: 250 * MIB,
      min: 1,
      max: 100 * GIB,
      unit: 'bytes/s',
      doc: 'Mark throughput of one core (heap and stacks scanned per second).',
      source: 'assumption (100 MB-1 GB per core-second)',
    },
    stwBaseSec: {
      kind: 'number',
      default: 70e-6,
      min: 0,
      max: 1,
      unit: 's',
      doc: 'Stop-the-world pause of one GC phase on a healthy process.',
      source:
        'measured by the Go lab (`sudo npx outage-lab lab --parts go`, gc) on a 2-core AMD EPYC VM, Go 1.19.8: median pause 0.074 ms with a 64 MiB live heap (0.04-0.09 ms over GOMEMLIMIT, 20,000 goroutines and 1,000 Ms; 0.21 ms at 256 MiB); production: 20-250 us (Go GC guide: sub-millisecond pauses)',
    },
    stwPerThreadSec: {
      kind: 'number',
      default: 12e-9,
      min: 0,
      max: 0.01,
      unit: 's',
      doc: 'Extra pause per OS thread. Stopping the world preempts the Ps, not the idle Ms, so the link is weak.',
      source: `measured by the Go lab (\`sudo npx outage-lab lab --parts go\`, gc, 64 MiB live) on a 2-core AMD EPYC VM, Go 1.19.8: median pause 0.074 ms with 5 Ms, 0.086 ms with 1,003 idle Ms, i.e. 12 ns per M, within the run-to-run spread; ${PM} ties more Ms to longer pauses (the p99, set by the host's CPU, is another matter); production: 0-100 ns`,
    },
    tickSec: {
      kind: 'number',
      default: 0.01,
      min: 0.0001,
      max: 10,
      unit: 's',
      doc: 'Step of the GC and memory accounting (a modelling resolution, not a runtime constant).',
      source: 'model choice: well below GC cycle times of ~1 s',
    },
  },
  host: {
    cores: {
      kind: 'number',
      default: 16,
      min: 1,
      max: 1024,
      integer: true,
      unit: 'cores',
      doc: 'CPU cores of the host. Kernel work in syscalls (port scans, writes, closes) runs on Ms without a P and can use all of them; Go work (mutator and GC) uses at most min(GOMAXPROCS, cores); all of it together at most this many.',
      source:
        'assumption: GOMAXPROCS defaults to the cores the process may use (Go runtime), so the same 16 as runtime.gomaxprocs (8-64)',
    },
    cpuPerRequestSec: {
      kind: 'number',
      default: 30e-6,
      min: 0,
      max: 0.1,
      unit: 's',
      doc: 'Mutator CPU of one data-plane request besides its cache ops: decode, errgroup, response encode.',
      source:
        'assumption (10-100 us); the Go lab bounds a whole request loop: 4 goroutines served 67,700 gets/s on 2 cores (failing-dial-cpu, before its burst), at most 2 / 67,700 = 29.5 us of CPU per request for client, loopback and memcached together',
    },
    cpuPerOpSec: {
      kind: 'number',
      default: 10e-6,
      min: 0,
      max: 0.1,
      unit: 's',
      doc: 'Mutator CPU of one memcached or Scylla op on the client: the goroutine, the protocol, the short read/write syscalls on an open connection.',
      source:
        "assumption (5-30 us); bounded above by the Go lab's 29.5 us per get for client, kernel loopback and server together (failing-dial-cpu, 67,700 gets/s on 2 cores)",
    },
    cpuPerLogLineSec: {
      kind: 'number',
      default: 3e-6,
      min: 0,
      max: 0.01,
      unit: 's',
      doc: 'Mutator CPU to JSON-encode one error log line (slog JSON handler with the error and its attributes).',
      source: 'assumption (1-10 us for a ~400-byte line)',
    },
    kernelPerLogWriteSec: {
      kind: 'number',
      default: 12.5e-6,
      min: 0,
      max: 0.01,
      unit: 's',
      doc: 'Kernel CPU of the write(2) of one log line to the stderr pipe (copy into the pipe buffer, wake the reader; with the pipe full, sleep until it drains and wake again).',
      source:
        'measured by the Go lab (`sudo npx outage-lab lab --parts go --go-experiments logging-threads`: 17,500 goroutines each logging a 400-byte line to one blocking pipe drained at 2 MB/s, system CPU over lines) on a 2-core Intel Xeon VM, Linux 6.18, Go 1.19.8: 11.3-16.6 us over 4 runs at GOMAXPROCS 2 and 16, median 12.6 us; production: 3-20 us (a pipe drained faster than it is written needs no sleep and wake per write: assumption 3 us; slower cores or a more contended fd more)',
    },
    kernelPerCloseSec: {
      kind: 'number',
      default: 5e-6,
      min: 0,
      max: 0.01,
      unit: 's',
      doc: 'Kernel CPU of closing one TCP connection (FIN, the socket into TIME_WAIT).',
      source: 'assumption (2-20 us)',
    },
  },
  process: {
    memoryLimitBytes: {
      kind: 'number',
      default: 4 * GIB,
      min: 1,
      max: 4096 * GIB,
      unit: 'bytes',
      doc: 'Container memory limit: RSS above it gets the process OOM-killed.',
      source: `${PM}: tight memory limits; assumption`,
    },
    restartDelaySec: {
      kind: 'number',
      default: 10,
      min: 0,
      max: 3600,
      unit: 's',
      doc: 'Restart delay after the second crash in a row (the first restarts at once); doubles per further crash (CrashLoopBackOff).',
      source:
        'Kubernetes pod lifecycle: 0 s, then 10 s doubling, capped at 5 min (kubernetes/kubernetes#133472)',
    },
    restartDelayMaxSec: {
      kind: 'number',
      default: 300,
      min: 0,
      max: 86_400,
      unit: 's',
      doc: 'Cap of the restart back-off.',
      source: 'Kubernetes: 5 min cap',
    },
    backoffResetSec: {
      kind: 'number',
      default: 600,
      min: 0,
      max: 86_400,
      unit: 's',
      doc: 'Running this long without a crash resets the back-off.',
      source: 'Kubernetes: 10 min',
    },
    startupSec: {
      kind: 'number',
      default: 5,
      min: 0,
      max: 3600,
      unit: 's',
      doc: 'From process start to serving traffic.',
      source: 'assumption (1-30 s)',
    },
  },
  load: {
    calendarStartUtcSec: {
      kind: 'number',
      default: 'none',
      min: 0,
      max: 4_102_444_800,
      word: 'none',
      unit: 's',
      doc: "UTC instant of the run's time 0 (Unix seconds): turns on the weekly and daily load shape below; 'none' keeps user traffic at its nominal rate.",
      source: `${PM}: the outage ran Friday 2026-04-03 to Wednesday 2026-04-08 (scenario choice)`,
    },
    weekendFactor: {
      kind: 'number',
      default: 0.7,
      min: 0.1,
      max: 2,
      unit: 'ratio',
      doc: 'User traffic on Saturday and Sunday (UTC) relative to a Tuesday-Friday day.',
      source: `${PM}: dips over the weekend, the spiral on Monday; assumption (0.6-1)`,
    },
    mondayFactor: {
      kind: 'number',
      default: 1.1,
      min: 0.1,
      max: 3,
      unit: 'ratio',
      doc: 'User traffic on Monday (UTC) relative to a Tuesday-Friday day.',
      source: `${PM}: "under Monday load"; assumption (1-1.3)`,
    },
    diurnalAmplitude: {
      kind: 'number',
      default: 0.15,
      min: 0,
      max: 0.9,
      unit: 'fraction',
      doc: 'Daily swing of user traffic: rate x (1 + a cos(2 pi (hour - peakHourUtc) / 24)).',
      source: 'assumption (0-0.4): a global social network with a daily cycle',
    },
    peakHourUtc: {
      kind: 'number',
      default: 17,
      min: 0,
      max: 24,
      unit: 'h',
      doc: 'UTC hour of the daily peak of user traffic.',
      source: 'assumption (14-20 UTC: afternoon in the Americas, evening in Europe)',
    },
  },
  upstream: {
    retries: {
      kind: 'number',
      default: 1,
      min: 0,
      max: 10,
      integer: true,
      unit: 'retries',
      doc: 'AppView retries of a failed data-plane call: with a share f of calls failing, each user request makes 1 + f + ... + f^retries calls (retry amplification) and fails with probability f^(retries+1).',
      source:
        'assumption (0-3); the post-mortem names AppView as the caller. At the calibrated memory limit 1 or 2 retries give the same Monday OOM rate (2.1 kills per host-hour, seeds 1-3)',
    },
    failureAverageSec: {
      kind: 'number',
      default: 300,
      min: 1,
      max: 86_400,
      unit: 's',
      doc: "Time constant of the failure share that drives retries: the data center's share, estimated by this host's own share averaged over this window (hosts are exchangeable and out of step, so a host's time average stands for its peers' instant average).",
      source: 'assumption (60-900 s): model choice for a representative host',
    },
  },
  fleet: {
    hostsPerDc: {
      kind: 'number',
      default: 24,
      min: 1,
      max: 10_000,
      integer: true,
      unit: 'hosts',
      doc: 'Data-plane hosts in each of the two data centers (the new client runs in DC A only).',
      source: `${PM}: ~2 M memcached requests/s fleet-wide; at ~42k ops/s per host (the workload defaults) about 48 hosts, 24 per DC; assumption (10-100)`,
    },
    representativeHosts: {
      kind: 'number',
      default: 'all',
      word: 'all',
      min: 1,
      max: 10_000,
      integer: true,
      unit: 'hosts',
      doc: "Hosts simulated per data center, coupled behind the AppView ('all' = hostsPerDc). A smaller number simulates a coupled slice of that many hosts (the new client's rate is per host, so the slice sees its share) whose totals are scaled to hostsPerDc.",
      source:
        'model choice: every host by default; a slice only where shown to give the same answers (bench/RESULTS.md)',
    },
    rolloutSec: {
      kind: 'number',
      default: 1800,
      min: 0,
      max: 86_400,
      unit: 's',
      doc: "Time a rolling deploy takes to reach every host of a DC (the fleet staggers a scenario's deploys over it).",
      source: 'assumption (5-60 min)',
    },
    userShareDcA: {
      kind: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      unit: 'fraction',
      doc: 'Share of users served by DC A (the affected data center); the rest by DC B.',
      source: `${PM}: "~1/2 our users"`,
    },
  },
  /** The AppView in front of a data center's hosts (lib/model/appview.ts): coupling of the fleet. */
  appview: {
    balancingPolicy: {
      kind: 'enum',
      default: 'round-robin',
      values: ['round-robin', 'least-outstanding', 'random'],
      unit: '',
      doc: "How the AppView spreads data-plane calls over the hosts in rotation: 'round-robin' and 'random' give each an even share (random also draws the new client's host at random); 'least-outstanding' gives each a share inversely proportional to its mean call latency (join-the-shortest-queue in the fluid limit) and the new client's request to the host with the fewest in progress.",
      source:
        "assumption (the AppView's client balancing is not described); Envoy load balancers: round robin, least request, random",
    },
    couplingStepSec: {
      kind: 'number',
      default: 1,
      min: 1,
      max: 60,
      integer: true,
      unit: 's',
      doc: "Step at which the fleet's hosts are advanced in lockstep and the AppView re-balances: routing shares, readiness, ejections and the new client's requests are decided once per step from the hosts' state at its start.",
      source:
        'model choice: the hosts close their seconds at whole seconds; 1 s vs 5 s compared in bench/RESULTS.md',
    },
    ejectFailShare: {
      kind: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      unit: 'fraction',
      doc: 'Outlier ejection: a host whose share of failed calls stays at or above this for ejectAfterSec is taken out of rotation (1 = only hosts failing every call).',
      source:
        'assumption (0.2-1); Envoy outlier detection (consecutive errors, success-rate) as the model of a health-checked balancer',
    },
    ejectAfterSec: {
      kind: 'number',
      default: 10,
      min: 1,
      max: 600,
      integer: true,
      unit: 's',
      doc: 'Seconds in a row at or above ejectFailShare before a host is ejected.',
      source: 'Envoy outlier_detection.interval default 10 s; assumption (5-60 s)',
    },
    ejectBaseSec: {
      kind: 'number',
      default: 30,
      min: 0,
      max: 3600,
      unit: 's',
      doc: 'An ejected host stays out for ejectBaseSec x the number of times it has been ejected (capped at 300 s), then returns to rotation.',
      source:
        'Envoy outlier_detection.base_ejection_time default 30 s, max_ejection_time 300 s; assumption (10-120 s)',
    },
    maxEjectedShare: {
      kind: 'number',
      default: 0.1,
      min: 0,
      max: 1,
      unit: 'fraction',
      doc: 'At most this share of the hosts is ejected at once (at least one host may always be ejected when above 0).',
      source: 'Envoy outlier_detection.max_ejection_percent default 10%; assumption (0-0.5)',
    },
    panicThreshold: {
      kind: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      unit: 'fraction',
      doc: "Below this share of hosts in rotation the balancer routes over every host of the DC, ready or not (panic mode: calls to a host that is down fail and are retried elsewhere), so that the first host to come back does not receive the whole DC's calls. 0 never panics.",
      source:
        'Envoy healthy_panic_threshold default 50%; assumption (0-0.5; the AppView balancer is not described)',
    },
    newClientRetries: {
      kind: 'number',
      default: 1,
      min: 0,
      max: 5,
      integer: true,
      unit: 'retries',
      doc: "Times the new internal client retries a failed batch, each on another host of its DC (routed like any call): a retrying client is a feedback loop (a failed big batch goes on to exhaust a second host's ports).",
      source: `assumption (0-3): ${PM} does not say; internal RPC clients commonly retry once`,
    },
    newClientRetryDelaySec: {
      kind: 'number',
      default: 1,
      min: 0,
      max: 600,
      unit: 's',
      doc: 'Delay before the new client retries a failed batch.',
      source: 'assumption (0-30 s)',
    },
  },
  metrics: {
    downtimeAvailability: {
      kind: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      unit: 'fraction',
      doc: 'A second counts as downtime when fewer than this share of user requests succeed in it.',
      source: 'report convention',
    },
    recoveryWindowSec: {
      kind: 'number',
      default: 60,
      min: 1,
      max: 86_400,
      integer: true,
      unit: 's',
      doc: 'Recovered = this many consecutive seconds without downtime or dial errors after the trigger stops.',
      source: 'report convention',
    },
  },
} as const satisfies SpecTree;

/** A tree whose leaves are parameter specs. */
export interface SpecTree {
  readonly [key: string]: ParamSpec | SpecTree;
}

type ValueOf<S> = S extends NumberSpec & { readonly word: infer W }
  ? number | W
  : S extends NumberSpec
    ? number
    : S extends EnumSpec & { readonly values: readonly (infer V)[] }
      ? V
      : S extends BooleanSpec
        ? boolean
        : never;

type ParamsOf<T> = {
  readonly [K in keyof T]: T[K] extends { readonly kind: string } ? ValueOf<T[K]> : ParamsOf<T[K]>;
};

/** The resolved parameters of one run. */
export type Params = ParamsOf<typeof PARAM_SPECS>;

function isSpec(node: ParamSpec | SpecTree): node is ParamSpec {
  return typeof (node as { kind?: unknown }).kind === 'string';
}

/** Every parameter as [dotted path, spec], in declaration order. */
export function listParamSpecs(): Array<[path: string, spec: ParamSpec]> {
  const out: Array<[string, ParamSpec]> = [];
  const walk = (tree: SpecTree, prefix: string): void => {
    for (const [key, node] of Object.entries(tree)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (isSpec(node)) out.push([path, node]);
      else walk(node, path);
    }
  };
  walk(PARAM_SPECS, '');
  return out;
}

/** The spec at a dotted path, or undefined. */
export function specAt(path: string): ParamSpec | undefined {
  let node: ParamSpec | SpecTree | undefined = PARAM_SPECS;
  for (const key of path.split('.')) {
    if (node === undefined || isSpec(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node !== undefined && isSpec(node) ? node : undefined;
}

/** Default value of the parameter at `path`. */
export function defaultAt(path: string): unknown {
  const spec = specAt(path);
  if (!spec) throw new Error(`no parameter at '${path}'`);
  return spec.default;
}

/** The default parameters (one host of the affected data center, outage settings). */
export function defaultParams(): Params {
  const out: Record<string, unknown> = {};
  for (const [path] of listParamSpecs()) setPath(out, path, defaultAt(path));
  return deepFreeze(out) as unknown as Params;
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  node[keys[keys.length - 1]!] = value;
}

export function getPath(source: unknown, path: string): unknown {
  let node = source;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
