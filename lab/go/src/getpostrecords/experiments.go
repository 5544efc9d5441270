package main

import (
	"errors"
	"math/rand"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sync/errgroup"

	"labmemcache"
)

// Window is what the process did between two instants.
type Window struct {
	ThreadsBefore  int     `json:"threadsBefore"`
	PeakThreads    int     `json:"peakThreads"`
	WallSec        float64 `json:"wallSec"`
	UserCPUSec     float64 `json:"userCpuSec"`
	SysCPUSec      float64 `json:"sysCpuSec"`
	GCCycles       uint64  `json:"gcCycles"`
	GCPauseP50Ms   float64 `json:"gcPauseP50Ms"`
	GCPauseP99Ms   float64 `json:"gcPauseP99Ms"`
	GCPauseMaxMs   float64 `json:"gcPauseMaxMs"`
	GCCPUFraction  float64 `json:"gcCpuFraction"`
	HeapBytesAfter uint64  `json:"heapBytesAfter"`
}

type mark struct {
	t          time.Time
	user, sys  float64
	threads    int
	pauses     *runtimeHist
	gcCPUTotal float64
	cycles     uint64
}

type runtimeHist = metrics.Float64Histogram

func histOf(h *runtimeHist) *metrics.Float64Histogram { return h }

// gcCPUSec is the GC's P time as of the last mark termination (gcPSecAtLastGC) and the cycles so far.
func gcCPUSec() (float64, uint64) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return gcPSecAtLastGC(&ms), uint64(ms.NumGC)
}

var processStart = time.Now()

func markNow() mark {
	u, s := CPU()
	gcs, cyc := gcCPUSec()
	h := PauseHistogram()
	return mark{t: time.Now(), user: u, sys: s, threads: Threads(), pauses: h, gcCPUTotal: gcs, cycles: cyc}
}

func windowBetween(a, b mark, peak int) Window {
	p50, p99, mx := PauseQuantiles(histOf(a.pauses), histOf(b.pauses))
	wall := b.t.Sub(a.t).Seconds()
	if b.threads > peak {
		peak = b.threads
	}
	frac := 0.0
	if wall > 0 {
		frac = (b.gcCPUTotal - a.gcCPUTotal) / (wall * float64(runtime.GOMAXPROCS(0)))
	}
	return Window{
		ThreadsBefore: a.threads, PeakThreads: peak, WallSec: wall,
		UserCPUSec: b.user - a.user, SysCPUSec: b.sys - a.sys,
		GCCycles: b.cycles - a.cycles, GCPauseP50Ms: p50, GCPauseP99Ms: p99, GCPauseMaxMs: mx,
		GCCPUFraction: frac,
	}
}

// quantiles of durations in seconds.
func quantiles(d []float64) map[string]float64 {
	if len(d) == 0 {
		return nil
	}
	s := append([]float64(nil), d...)
	sort.Float64s(s)
	at := func(q float64) float64 { return s[int(q*float64(len(s)-1)+0.5)] }
	sum := 0.0
	for _, x := range s {
		sum += x
	}
	return map[string]float64{"p10": at(0.1), "p50": at(0.5), "p90": at(0.9), "p99": at(0.99), "max": s[len(s)-1], "mean": sum / float64(len(s))}
}

func newClient(f Flags) (*labmemcache.Client, error) {
	dial, err := Dialer(f.localIP, f.seed)
	if err != nil {
		return nil, err
	}
	return &labmemcache.Client{Addr: f.addr, Timeout: f.timeout, MaxIdleConns: f.maxIdle, DialContext: dial}, nil
}

// failingDial: a burst of -goroutines concurrent gets whose dials fail (a full range), each its own
// goroutine on an empty pool; optionally -request-workers serving gets on warmed idle connections in a
// loop, to count the requests the burst displaces.
func failingDial(f Flags, out *Output) (interface{}, error) {
	// The request loop's connections come from SideIP, dialed before the burst and kept idle in the
	// pool: they never dial again, so the burst's full range does not touch them.
	side := SideDialer(f.timeout)
	serving := &labmemcache.Client{Addr: f.addr, Timeout: f.timeout, MaxIdleConns: f.warmConns + 1, DialContext: side.DialContext}
	if err := serving.Set("lab-key", []byte("v")); err != nil {
		return nil, err
	}
	// Warm idle connections before the fill, so the serving loop never dials.
	var warm sync.WaitGroup
	for i := 0; i < f.warmConns; i++ {
		warm.Add(1)
		go func() { defer warm.Done(); serving.Get("lab-key") }()
	}
	warm.Wait()
	var fill FillResult
	if f.fill {
		fill = FillTimeWait(f.addr, 64)
	}
	counters := &Counters{}
	stopWorkers := make(chan struct{})
	var served atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < f.workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stopWorkers:
					return
				default:
				}
				if _, err := serving.Get("lab-key"); err == nil {
					served.Add(1)
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	probe := NewProbe()
	stop := make(chan struct{})
	peakCh := RunSampler(probe, counters, out, f.sample, stop)
	rate := func(sec float64) float64 {
		a := served.Load()
		time.Sleep(time.Duration(sec * float64(time.Second)))
		return float64(served.Load()-a) / sec
	}
	before := 0.0
	if f.workers > 0 {
		before = rate(f.windowSec)
	}
	burst, _ := newClient(f)
	// Serial failing dials first: the cost of one with nothing else in the kernel.
	var serial []float64
	su0, ss0 := CPU()
	for i := 0; i < f.serial; i++ {
		t := time.Now()
		burst.Get("lab-key")
		serial = append(serial, time.Since(t).Seconds())
	}
	su1, ss1 := CPU()
	burst, _ = newClient(f)
	durations := make([]float64, f.goroutines)
	m0 := markNow()
	served0 := served.Load()
	var bg sync.WaitGroup
	for i := 0; i < f.goroutines; i++ {
		bg.Add(1)
		go func(i int) {
			defer bg.Done()
			t := time.Now()
			_, err := burst.Get("lab-key")
			durations[i] = time.Since(t).Seconds()
			if err != nil {
				counters.RequestsFailed.Add(1)
				counters.Error(ErrorKind(err))
			} else {
				counters.RequestsOk.Add(1)
			}
		}(i)
	}
	bg.Wait()
	m1 := markNow()
	servedDuring := served.Load() - served0
	after := 0.0
	if f.workers > 0 {
		after = rate(f.windowSec)
	}
	close(stopWorkers)
	wg.Wait()
	close(stop)
	w := windowBetween(m0, m1, <-peakCh)
	burst.Close()
	serving.Close()
	return map[string]interface{}{
		"window": w, "fill": fill,
		"serialDialSec": quantiles(serial), "serialSysCpuSec": ss1 - ss0, "serialUserCpuSec": su1 - su0, "serialDials": f.serial, "dialSec": quantiles(durations),
		"dialNanosTotal": burst.DialNanos.Load(), "dials": burst.Dials.Load(), "dialErrors": burst.DialErrors.Load(),
		"requestsOk": counters.RequestsOk.Load(), "requestsFailed": counters.RequestsFailed.Load(),
		"errors":             counters.ErrorsCopy(),
		"servedPerSecBefore": before, "servedPerSecDuring": float64(servedDuring) / w.WallSec, "servedPerSecAfter": after,
	}, nil
}

// logging: -goroutines goroutines each log one line to stderr (a pipe the lab drains slowly).
func logging(f Flags, out *Output) (interface{}, error) {
	lg := NewLogger(f.lineBytes)
	counters := &Counters{}
	time.Sleep(200 * time.Millisecond)
	probe := NewProbe()
	stop := make(chan struct{})
	peakCh := RunSampler(probe, counters, out, f.sample, stop)
	m0 := markNow()
	var wg sync.WaitGroup
	dialErr := syscall.EADDRINUSE
	for i := 0; i < f.goroutines; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			lg.Error("memcached get failed", "at://did:plc:lab/app.bsky.feed.post/"+strconv.Itoa(i),
				&netOpError{"dial tcp 127.32.0.1:0->127.0.0.1:11211: bind", dialErr})
			counters.RequestsFailed.Add(1)
		}(i)
	}
	wg.Wait()
	m1 := markNow()
	close(stop)
	w := windowBetween(m0, m1, <-peakCh)
	return map[string]interface{}{"window": w, "linesWritten": lg.Written.Load(), "lineBytes": f.lineBytes}, nil
}

var errStopped = errors.New("the run ended before this URI started")

type netOpError struct {
	op  string
	err error
}

func (e *netOpError) Error() string { return e.op + ": " + e.err.Error() }
func (e *netOpError) Unwrap() error { return e.err }

var sink atomic.Pointer[[]byte]

// blockInSyscall starts n goroutines, each blocked in nanosleep(2) for d: the runtime hands their Ps off
// and starts OS threads for the others. The group is done when all have woken.
func blockInSyscall(n int, d time.Duration) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ts := syscall.NsecToTimespec(int64(d))
			syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
		}()
	}
	return &wg
}

// node is 1 KiB of pointers: the live heap's unit.
type node struct {
	ptrs [128]*node
}

// buildLiveHeap makes mb MiB of live heap and returns its root. Each 1 KiB object is all pointers (128
// words: the previous object, then objects drawn at random from those made before it), so the mark scans
// every word of the live heap and follows pointers across it, as in a heap of structs, maps and strings.
// With pointer-free payloads the mark would touch one word per object and measure the object count, not
// the bytes.
func buildLiveHeap(mb int) *node {
	nodes := make([]*node, 0, mb*1024)
	rng := rand.New(rand.NewSource(1))
	var live *node
	for i := 0; i < mb*1024; i++ {
		n := &node{}
		n.ptrs[0] = live
		for k := 1; k < len(n.ptrs) && len(nodes) > 0; k++ {
			n.ptrs[k] = nodes[rng.Intn(len(nodes))]
		}
		nodes = append(nodes, n)
		live = n
	}
	return live
}

// gc: a live heap of -live-mb in 1 KiB objects made of pointers, -goroutines parked goroutines,
// -extra-threads OS threads made first (each a goroutine in a blocking nanosleep), then -alloc-workers
// allocating garbage for -duration-sec.
func gc(f Flags, out *Output) (interface{}, error) {
	if f.extraThreads > 0 {
		blockInSyscall(f.extraThreads, 300*time.Millisecond).Wait()
	}
	live := buildLiveHeap(f.liveMB)
	park := make(chan struct{})
	var parked sync.WaitGroup
	for i := 0; i < f.goroutines; i++ {
		parked.Add(1)
		go func() { parked.Done(); <-park }()
	}
	parked.Wait()
	runtime.GC()
	counters := &Counters{}
	probe := NewProbe()
	stop := make(chan struct{})
	peakCh := RunSampler(probe, counters, out, f.sample, stop)
	m0 := markNow()
	deadline := time.Now().Add(time.Duration(f.durationSec * float64(time.Second)))
	var wg sync.WaitGroup
	var allocated atomic.Int64
	for i := 0; i < f.allocWorkers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			for time.Now().Before(deadline) {
				for j := 0; j < 256; j++ {
					b := make([]byte, 1024)
					sink.Store(&b)
				}
				n += 256 * 1024
			}
			allocated.Add(int64(n))
		}()
	}
	wg.Wait()
	m1 := markNow()
	close(stop)
	w := windowBetween(m0, m1, <-peakCh)
	w.HeapBytesAfter = uint64(probe.Take(nil).HeapBytes)
	close(park)
	runtime.KeepAlive(live)
	return map[string]interface{}{"window": w, "allocatedBytes": allocated.Load(), "liveBytes": f.liveMB * 1024 * 1024}, nil
}

// outage: normal requests (1-50 URIs, Poisson at -normal-rate) and big batches every -batch-every-sec
// through GetPostRecords for -duration-sec, logging every failed op.
func outage(f Flags, out *Output) (interface{}, error) {
	mc, err := newClient(f)
	if err != nil {
		return nil, err
	}
	const keys = 2000
	// Store the hit share of the keys (bounded: one set each, with a fresh client on autobind so the
	// fill of the pool does not shape the experiment), then start from an empty pool.
	loader := &labmemcache.Client{Addr: f.addr, MaxIdleConns: 4}
	for k := 0; k < keys; k++ {
		if float64(k%100) < f.hitRatio*100 {
			if err := loader.Set("post:"+strconv.Itoa(k), []byte("record")); err != nil {
				return nil, err
			}
		}
	}
	loader.Close()
	lg := NewLogger(f.lineBytes)
	counters := &Counters{}
	var latMu sync.Mutex
	var latencies []float64
	var bigOk, bigFailed atomic.Int64
	// The run ends at `end` (set below): URIs not started by then are skipped, so the failing dials of a
	// batch cannot keep the process past its window (they can stall it for a minute on 2 cores).
	var end time.Time
	var skipped atomic.Int64
	fetch := func(uri int) error {
		if time.Now().After(end) {
			skipped.Add(1)
			return errStopped
		}
		_, err := mc.Get("post:" + strconv.Itoa(uri))
		if err == labmemcache.ErrCacheMiss {
			time.Sleep(f.scyllaSec)
			return nil
		}
		if err != nil {
			counters.Error(ErrorKind(err))
			lg.Error("failed to get post record from memcached", "post:"+strconv.Itoa(uri), err)
		}
		return err
	}
	getPostRecords := func(uris []int) error {
		var g errgroup.Group
		if f.setLimit > 0 {
			g.SetLimit(f.setLimit)
		}
		for _, u := range uris {
			u := u
			g.Go(func() error { return fetch(u) })
		}
		return g.Wait()
	}
	rng := rand.New(rand.NewSource(f.seed))
	var inflight sync.WaitGroup
	time.Sleep(200 * time.Millisecond)
	probe := NewProbe()
	stop := make(chan struct{})
	peakCh := RunSampler(probe, counters, out, f.sample, stop)
	m0 := markNow()
	start := time.Now()
	end = start.Add(time.Duration(f.durationSec * float64(time.Second)))
	nextNormal := start
	nextBatch := start.Add(time.Duration(f.firstBatchSec * float64(time.Second)))
	if f.batchEverySec <= 0 {
		nextBatch = end.Add(time.Hour)
	}
	for n := 0; n < 10_000_000; n++ {
		now := time.Now()
		if !now.Before(end) {
			break
		}
		if !nextBatch.After(now) {
			size := int(float64(f.batchSize) * (1 + (rng.Float64()*2-1)/7))
			uris := make([]int, size)
			for i := range uris {
				uris[i] = rng.Intn(keys)
			}
			inflight.Add(1)
			go func() {
				defer inflight.Done()
				if getPostRecords(uris) == nil {
					bigOk.Add(1)
				} else {
					bigFailed.Add(1)
				}
			}()
			nextBatch = nextBatch.Add(time.Duration(f.batchEverySec * float64(time.Second)))
			continue
		}
		if !nextNormal.After(now) {
			size := 1 + rng.Intn(50)
			uris := make([]int, size)
			for i := range uris {
				uris[i] = rng.Intn(keys)
			}
			inflight.Add(1)
			go func() {
				defer inflight.Done()
				t := time.Now()
				err := getPostRecords(uris)
				d := time.Since(t).Seconds()
				if errors.Is(err, errStopped) {
					return // cut by the end of the run: neither ok nor failed
				}
				latMu.Lock()
				latencies = append(latencies, d)
				latMu.Unlock()
				if err == nil && d <= f.deadlineSec {
					counters.RequestsOk.Add(1)
				} else {
					counters.RequestsFailed.Add(1)
				}
			}()
			nextNormal = nextNormal.Add(time.Duration(rng.ExpFloat64() / f.normalRate * float64(time.Second)))
			continue
		}
		wake := nextNormal
		if nextBatch.Before(wake) {
			wake = nextBatch
		}
		if end.Before(wake) {
			wake = end
		}
		time.Sleep(time.Until(wake))
	}
	m1 := markNow()
	// Requests still in flight at the end are not waited for beyond a grace period (bounded run).
	waitDone := make(chan struct{})
	go func() { inflight.Wait(); close(waitDone) }()
	drained := true
	select {
	case <-waitDone:
	case <-time.After(3 * time.Second):
		drained = false
	}
	close(stop)
	peak := m1.threads
	select {
	case peak = <-peakCh:
	case <-time.After(2 * time.Second):
	}
	w := windowBetween(m0, m1, peak)
	latMu.Lock()
	lat := quantiles(latencies)
	latMu.Unlock()
	return map[string]interface{}{
		"window": w, "requestsOk": counters.RequestsOk.Load(), "requestsFailed": counters.RequestsFailed.Load(),
		"bigOk": bigOk.Load(), "bigFailed": bigFailed.Load(), "errors": counters.ErrorsCopy(),
		"latencySec": lat, "dials": mc.Dials.Load(), "dialErrors": mc.DialErrors.Load(), "closes": mc.Closes.Load(),
		"linesLogged": lg.Written.Load(), "drained": drained, "urisSkippedAtEnd": skipped.Load(),
	}, nil
}

// markCycle is one forced GC cycle: its mark's wall time (from the call of runtime.GC to the end of mark
// termination, MemStats.LastGC) and the P time the runtime charged to the GC in it (dedicated, fractional
// and assist workers and the pauses: work.totaltime, behind GCCPUFraction, runtime/mgc.go gcMarkTermination).
type markCycle struct {
	// StartSec is when runtime.GC was called, from the instant given (the burst's start; 0 alone).
	StartSec    float64 `json:"startSec"`
	MarkWallSec float64 `json:"markWallSec"`
	GCPSec      float64 `json:"gcPSec"`
	end         time.Time
}

// gcPSecAtLastGC is the GC's P time since the process started, as of the last mark termination:
// GCCPUFraction is work.totaltime over the P time available until then (GOMAXPROCS integrated from the
// runtime's start). Counting GOMAXPROCS as today's from processStart is off by the few milliseconds
// before main set it, a constant that cancels in a difference. work.totaltime charges the stop-the-world
// pauses at min(GOMAXPROCS, cores) Ps and leaves the idle Ps' mark workers out (runtime/mgc.go).
func gcPSecAtLastGC(ms *runtime.MemStats) float64 {
	up := float64(int64(ms.LastGC)-processStart.UnixNano()) / 1e9
	return ms.GCCPUFraction * up * float64(runtime.GOMAXPROCS(0))
}

// forcedCycle runs one cycle. ms holds the MemStats read after the previous cycle and is updated: no
// ReadMemStats (a stop-the-world, which a burst can hold up for seconds) comes before the cycle.
func forcedCycle(ms *runtime.MemStats, since time.Time) markCycle {
	p0 := gcPSecAtLastGC(ms)
	t0 := time.Now()
	if since.IsZero() {
		since = t0
	}
	runtime.GC()
	runtime.ReadMemStats(ms)
	end := time.Unix(0, int64(ms.LastGC))
	return markCycle{
		StartSec: t0.Sub(since).Seconds(), MarkWallSec: end.Sub(t0).Seconds(), GCPSec: gcPSecAtLastGC(ms) - p0,
		end: end,
	}
}

// gcDials: does the GC get its Ps and its CPU while failing dials hold them? A live heap of -live-mb (as
// in gc), the GC otherwise off (-gogc -1), the range on 127.32.0.1 full (-fill). Three forced cycles with
// nothing else running give the mark's cost alone: their user CPU (aloneUserCpuSec), the sweep of a heap
// without garbage aside. Then a burst of -goroutines failing gets, started by a goroutine of its own, and
// one forced cycle inside it. With -window-sec 0 main calls it at once, before the dialers take the Ps
// (main keeps its P when it starts a goroutine); after a sleep main would wait for a P and a core behind
// the dialers' threads, for seconds. Each cycle reports its mark's wall time and the GC's P time:
// gcPSec / (markWallSec x GOMAXPROCS) is the GC's share of the Ps during the mark. burstAfterMarkSec is
// from the end of the mark to the burst's last return (negative: the burst ended first).
func gcDials(f Flags, out *Output) (interface{}, error) {
	live := buildLiveHeap(f.liveMB)
	runtime.GC()
	var fill FillResult
	if f.fill {
		fill = FillTimeWait(f.addr, 64)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	alone := make([]markCycle, 3)
	u0, _ := CPU()
	for i := range alone {
		alone[i] = forcedCycle(&ms, time.Time{})
	}
	u1, _ := CPU()
	burst, err := newClient(f)
	if err != nil {
		return nil, err
	}
	counters := &Counters{}
	probe := NewProbe()
	stop := make(chan struct{})
	peakCh := RunSampler(probe, counters, out, f.sample, stop)
	m0 := markNow()
	var bg sync.WaitGroup
	var returned, lastReturn atomic.Int64
	bg.Add(f.goroutines)
	burstStart := time.Now()
	stopRunnable := make(chan struct{})
	runnableCh := RunnableSampler(burstStart, 20*time.Millisecond, stopRunnable)
	go func() {
		for i := 0; i < f.goroutines; i++ {
			go func() {
				defer bg.Done()
				if _, err := burst.Get("lab-key"); err != nil {
					counters.RequestsFailed.Add(1)
					counters.Error(ErrorKind(err))
				} else {
					counters.RequestsOk.Add(1)
				}
				if returned.Add(1) == int64(f.goroutines) {
					lastReturn.Store(time.Now().UnixNano())
				}
			}()
		}
	}()
	if f.windowSec > 0 {
		time.Sleep(time.Duration(f.windowSec * float64(time.Second)))
	}
	beforeMark := returned.Load()
	during := forcedCycle(&ms, burstStart)
	bg.Wait()
	close(stopRunnable)
	runnable := <-runnableCh
	burstAfterMark := time.Unix(0, lastReturn.Load()).Sub(during.end).Seconds()
	m1 := markNow()
	close(stop)
	w := windowBetween(m0, m1, <-peakCh)
	burst.Close()
	runtime.KeepAlive(live)
	return map[string]interface{}{
		"window": w, "fill": fill, "liveBytes": f.liveMB * 1024 * 1024, "alone": alone, "during": during,
		"aloneUserCpuSec":    u1 - u0,
		"returnedBeforeMark": beforeMark, "burstAfterMarkSec": burstAfterMark, "dials": burst.Dials.Load(),
		"dialErrors": burst.DialErrors.Load(), "requestsFailed": counters.RequestsFailed.Load(),
		"errors": counters.ErrorsCopy(), "runnable": runnable,
	}, nil
}
