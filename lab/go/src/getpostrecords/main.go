// Command getpostrecords is the Go lab's program: the post-mortem's GetPostRecords handler (an
// errgroup.Group per request, one goroutine per URI, optionally SetLimit(k)) over a memcached client with
// gomemcache's pool semantics (package labmemcache), dialing with bind-before-connect from 127.32.0.1 or
// the band-aid's random 127.x.y.z, logging one JSON line per failed op to stderr. It runs one experiment
// (-experiment) and prints JSON lines on stdout: a "sample" every -sample-ms, then one "result".
// Source: "April 2026 Outage Post-Mortem", Bluesky,
// https://pckt.blog/b/jcalabro/april-2026-outage-post-mortem-219ebg2
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"labmemcache"
)

type Flags struct {
	experiment    string
	gomaxprocs    int
	gogc          int
	gomemlimit    int64
	addr          string
	localIP       string
	seed          int64
	maxIdle       int
	timeout       time.Duration
	sample        time.Duration
	fill          bool
	goroutines    int
	serial        int
	lineBytes     int
	workers       int
	warmConns     int
	windowSec     float64
	liveMB        int
	extraThreads  int
	allocWorkers  int
	durationSec   float64
	normalRate    float64
	batchSize     int
	batchEverySec float64
	firstBatchSec float64
	setLimit      int
	hitRatio      float64
	scyllaSec     time.Duration
	deadlineSec   float64
}

func parseFlags() Flags {
	var f Flags
	flag.StringVar(&f.experiment, "experiment", "", "fill | failing-dial | logging | gc | gc-dials | outage | costs")
	flag.IntVar(&f.gomaxprocs, "gomaxprocs", runtime.NumCPU(), "GOMAXPROCS")
	flag.IntVar(&f.gogc, "gogc", 100, "GOGC percent (-1: off)")
	flag.Int64Var(&f.gomemlimit, "gomemlimit", 0, "GOMEMLIMIT in bytes (0: none)")
	flag.StringVar(&f.addr, "memcached", "127.0.0.1:11211", "memcached address")
	flag.StringVar(&f.localIP, "local-ip", "fixed", "fixed (127.32.0.1) | random (127.x.y.z) | none")
	flag.Int64Var(&f.seed, "seed", 1, "seed of the random local IPs and of the load driver")
	flag.IntVar(&f.maxIdle, "max-idle", 1000, "MaxIdleConns")
	flag.DurationVar(&f.timeout, "timeout", labmemcache.DefaultTimeout, "dial and per-op timeout")
	flag.DurationVar(&f.sample, "sample", 100*time.Millisecond, "sample interval")
	flag.BoolVar(&f.fill, "fill", false, "fill the port range on 127.32.0.1 with TIME_WAIT first")
	flag.IntVar(&f.goroutines, "goroutines", 500, "goroutines of the burst (failing-dial, gc-dials, logging), parked (gc), or operations of each phase (costs)")
	flag.IntVar(&f.serial, "serial", 0, "failing-dial: failing dials made one at a time before the burst")
	flag.IntVar(&f.lineBytes, "line-bytes", 400, "bytes per error log line")
	flag.IntVar(&f.workers, "request-workers", 0, "failing-dial: goroutines serving requests in a loop")
	flag.IntVar(&f.warmConns, "warm-conns", 0, "failing-dial: idle connections dialed before the fill")
	flag.Float64Var(&f.windowSec, "window-sec", 2, "failing-dial: request-rate window before and after the burst; gc-dials: the burst's run before the forced cycle")
	flag.IntVar(&f.liveMB, "live-mb", 64, "gc, gc-dials: live heap in MiB")
	flag.IntVar(&f.extraThreads, "extra-threads", 0, "gc: OS threads to create first; costs: OS threads to measure (blocking syscalls)")
	flag.IntVar(&f.allocWorkers, "alloc-workers", 2, "gc: goroutines allocating garbage")
	flag.Float64Var(&f.durationSec, "duration-sec", 5, "gc, outage: length of the measured window")
	flag.Float64Var(&f.normalRate, "normal-rate", 100, "outage: normal requests (1-50 URIs) per second")
	flag.IntVar(&f.batchSize, "batch-size", 17500, "outage: URIs of a big batch (+-1/7, uniform)")
	flag.Float64Var(&f.batchEverySec, "batch-every-sec", 10, "outage: seconds between big batches (0: none)")
	flag.Float64Var(&f.firstBatchSec, "first-batch-sec", 5, "outage: time of the first big batch")
	flag.IntVar(&f.setLimit, "set-limit", 0, "outage: errgroup SetLimit (0: unbounded)")
	flag.Float64Var(&f.hitRatio, "hit-ratio", 0.95, "outage: share of keys stored in memcached")
	flag.DurationVar(&f.scyllaSec, "scylla", time.Millisecond, "outage: latency of the database read on a miss")
	flag.Float64Var(&f.deadlineSec, "deadline-sec", 1, "outage: a normal request later than this counts as failed")
	flag.Parse()
	return f
}

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stdout, `{"fatal":%q}`+"\n", fmt.Sprintf(format, a...))
	os.Exit(2)
}

// startThreads is the OS thread count when main starts: the runtime's own threads (sysmon among them).
var startThreads = Threads()

func main() {
	f := parseFlags()
	if f.gomaxprocs < 1 {
		fail("-gomaxprocs: expected >= 1, got %d", f.gomaxprocs)
	}
	runtime.GOMAXPROCS(f.gomaxprocs)
	debug.SetGCPercent(f.gogc)
	if f.gomemlimit > 0 {
		debug.SetMemoryLimit(f.gomemlimit)
	}
	out := NewOutput()
	if err := waitForServer(f.addr, 3*time.Second); err != nil {
		fail("memcached at %s: %v", f.addr, err)
	}
	var result interface{}
	var err error
	switch f.experiment {
	case "fill":
		result = FillTimeWait(f.addr, 64)
	case "failing-dial":
		result, err = failingDial(f, out)
	case "logging":
		result, err = logging(f, out)
	case "gc":
		result, err = gc(f, out)
	case "gc-dials":
		result, err = gcDials(f, out)
	case "outage":
		result, err = outage(f, out)
	case "costs":
		result, err = costs(f, out)
	default:
		fail("-experiment: expected fill, failing-dial, logging, gc, gc-dials, outage or costs, got %q", f.experiment)
	}
	if err != nil {
		fail("%s: %v", f.experiment, err)
	}
	out.Line("result", map[string]interface{}{
		"experiment": f.experiment, "startThreads": startThreads, "gomaxprocs": runtime.GOMAXPROCS(0),
		"numCpu": runtime.NumCPU(), "goVersion": runtime.Version(), "stderrNonblocking": stderrNonblocking(),
		"figures": result,
	})
}

// waitForServer dials addr (from the side address, bounded in time) until it accepts.
func waitForServer(addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		c, err := SideDialer(200*time.Millisecond).Dial("tcp", addr)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stderrNonblocking says whether fd 2 has O_NONBLOCK (then Go parks writers in the netpoller instead of
// blocking a thread in write(2)); the lab hands it a blocking pipe, as a container runtime does.
func stderrNonblocking() bool {
	fl, _, errno := syscall.Syscall(syscall.SYS_FCNTL, 2, syscall.F_GETFL, 0)
	return errno == 0 && fl&syscall.O_NONBLOCK != 0
}
