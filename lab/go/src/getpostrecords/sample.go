package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Sample is what the lab records every sample interval (100 ms by default).
type Sample struct {
	TSec           float64          `json:"tSec"`
	Threads        int              `json:"threads"`
	UserCPUSec     float64          `json:"userCpuSec"`
	SysCPUSec      float64          `json:"sysCpuSec"`
	RSSBytes       int64            `json:"rssBytes"`
	Goroutines     uint64           `json:"goroutines"`
	HeapBytes      uint64           `json:"heapBytes"`
	GCCycles       uint64           `json:"gcCycles"`
	GCPauseP50Ms   float64          `json:"gcPauseP50Ms"`
	GCPauseP99Ms   float64          `json:"gcPauseP99Ms"`
	GCPauseMaxMs   float64          `json:"gcPauseMaxMs"`
	TimeWait       int64            `json:"timeWait"`
	Established    int64            `json:"established"`
	RequestsOk     int64            `json:"requestsOk"`
	RequestsFailed int64            `json:"requestsFailed"`
	Errors         map[string]int64 `json:"errors"`
}

// Counters shared by the experiments and the sampler.
type Counters struct {
	RequestsOk, RequestsFailed atomic.Int64
	mu                         sync.Mutex
	errors                     map[string]int64
}

func (c *Counters) Error(kind string) {
	c.mu.Lock()
	if c.errors == nil {
		c.errors = map[string]int64{}
	}
	c.errors[kind]++
	c.mu.Unlock()
}

func (c *Counters) ErrorsCopy() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.errors))
	for k, v := range c.errors {
		out[k] = v
	}
	return out
}

var metricNames = []string{
	"/sched/goroutines:goroutines",
	"/memory/classes/heap/objects:bytes",
	"/gc/cycles/total:gc-cycles",
	"/gc/pauses:seconds",
}

// Probe reads the process's own state.
type Probe struct {
	start    time.Time
	samples  []metrics.Sample
	lastHist *metrics.Float64Histogram
}

func NewProbe() *Probe {
	p := &Probe{start: time.Now(), samples: make([]metrics.Sample, len(metricNames))}
	for i, n := range metricNames {
		p.samples[i].Name = n
	}
	return p
}

// Threads is the process's OS thread count (/proc/self/status).
func Threads() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("Threads:")) {
			n, _ := strconv.Atoi(string(bytes.TrimSpace(line[len("Threads:"):])))
			return n
		}
	}
	return -1
}

// RunnableThreads counts the process's threads in state R, running or waiting for a core
// (/proc/self/task/*/stat, the field after the command's closing parenthesis; proc(5)).
func RunnableThreads() int {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return -1
	}
	n := 0
	for _, t := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + t.Name() + "/stat")
		if err != nil {
			continue // the thread is gone
		}
		if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) && b[i+2] == 'R' {
			n++
		}
	}
	return n
}

// RunnableSampler counts runnable threads every interval until stop is closed, then sends the
// counts, each with its time since start.
func RunnableSampler(start time.Time, interval time.Duration, stop <-chan struct{}) <-chan []runnableSample {
	ch := make(chan []runnableSample, 1)
	go func() {
		var got []runnableSample
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				ch <- got
				return
			case now := <-t.C:
				got = append(got, runnableSample{TSec: now.Sub(start).Seconds(), Runnable: RunnableThreads()})
			}
		}
	}()
	return ch
}

type runnableSample struct {
	TSec     float64 `json:"tSec"`
	Runnable int     `json:"runnable"`
}

func rssBytes() int64 { return procKiB("/proc/self/status", "VmRSS:") }

// procKiB reads the "<prefix> <n> kB" line of a /proc file, in bytes (-1 when it cannot).
func procKiB(path, prefix string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return -1
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if bytes.HasPrefix(line, []byte(prefix)) {
			f := bytes.Fields(line[len(prefix):])
			if len(f) > 0 {
				n, _ := strconv.ParseInt(string(f[0]), 10, 64)
				return n * 1024
			}
		}
	}
	return -1
}

// CPU returns the process's user and system CPU seconds (getrusage).
func CPU() (user, sys float64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1, -1
	}
	return float64(ru.Utime.Nano()) / 1e9, float64(ru.Stime.Nano()) / 1e9
}

// sockstat: TIME_WAIT from /proc/net/sockstat and ESTABLISHED sockets from /proc/net/snmp (CurrEstab),
// both for the network namespace the process runs in. On loopback CurrEstab counts both ends.
func sockstat() (timeWait, established int64) {
	timeWait, established = -1, -1
	if b, err := os.ReadFile("/proc/net/sockstat"); err == nil {
		for _, line := range bytes.Split(b, []byte("\n")) {
			if !bytes.HasPrefix(line, []byte("TCP:")) {
				continue
			}
			f := bytes.Fields(line)
			for i := 1; i+1 < len(f); i += 2 {
				if string(f[i]) == "tw" {
					timeWait, _ = strconv.ParseInt(string(f[i+1]), 10, 64)
				}
			}
		}
	}
	if b, err := os.ReadFile("/proc/net/snmp"); err == nil {
		var header [][]byte
		for _, line := range bytes.Split(b, []byte("\n")) {
			if !bytes.HasPrefix(line, []byte("Tcp:")) {
				continue
			}
			f := bytes.Fields(line)
			if header == nil {
				header = f
				continue
			}
			for i := range header {
				if string(header[i]) == "CurrEstab" && i < len(f) {
					established, _ = strconv.ParseInt(string(f[i]), 10, 64)
				}
			}
		}
	}
	return timeWait, established
}

// PauseQuantiles of the GC pauses recorded between two histogram reads (upper bucket bounds, in ms).
func PauseQuantiles(prev, cur *metrics.Float64Histogram) (p50, p99, max float64) {
	counts := make([]uint64, len(cur.Counts))
	var total uint64
	for i := range cur.Counts {
		c := cur.Counts[i]
		if prev != nil && i < len(prev.Counts) {
			c -= prev.Counts[i]
		}
		counts[i] = c
		total += c
	}
	if total == 0 {
		return 0, 0, 0
	}
	q := func(f float64) float64 {
		need := uint64(f*float64(total) + 0.999999)
		if need < 1 {
			need = 1
		}
		var seen uint64
		for i, c := range counts {
			seen += c
			if seen >= need {
				return upper(cur.Buckets, i) * 1000
			}
		}
		return upper(cur.Buckets, len(counts)-1) * 1000
	}
	return q(0.5), q(0.99), q(1)
}

func upper(b []float64, i int) float64 {
	if i+1 < len(b) && b[i+1] < 1e300 {
		return b[i+1]
	}
	return b[i]
}

// PauseHistogram is a copy of the runtime's cumulative GC pause histogram.
func PauseHistogram() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: "/gc/pauses:seconds"}}
	metrics.Read(s)
	h := s[0].Value.Float64Histogram()
	return &metrics.Float64Histogram{Counts: append([]uint64(nil), h.Counts...), Buckets: h.Buckets}
}

// Take reads one sample; the pause quantiles cover the pauses since the previous Take.
func (p *Probe) Take(c *Counters) Sample {
	metrics.Read(p.samples)
	h := p.samples[3].Value.Float64Histogram()
	cur := &metrics.Float64Histogram{Counts: append([]uint64(nil), h.Counts...), Buckets: h.Buckets}
	p50, p99, mx := PauseQuantiles(p.lastHist, cur)
	p.lastHist = cur
	user, sys := CPU()
	tw, est := sockstat()
	s := Sample{
		TSec:         time.Since(p.start).Seconds(),
		Threads:      Threads(),
		UserCPUSec:   user,
		SysCPUSec:    sys,
		RSSBytes:     rssBytes(),
		Goroutines:   p.samples[0].Value.Uint64(),
		HeapBytes:    p.samples[1].Value.Uint64(),
		GCCycles:     p.samples[2].Value.Uint64(),
		GCPauseP50Ms: p50,
		GCPauseP99Ms: p99,
		GCPauseMaxMs: mx,
		TimeWait:     tw,
		Established:  est,
	}
	if c != nil {
		s.RequestsOk = c.RequestsOk.Load()
		s.RequestsFailed = c.RequestsFailed.Load()
		s.Errors = c.ErrorsCopy()
	}
	return s
}

// Output writes JSON lines to stdout, one at a time.
type Output struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func NewOutput() *Output { return &Output{w: bufio.NewWriterSize(os.Stdout, 1<<16)} }

func (o *Output) Line(kind string, v interface{}) {
	b, _ := json.Marshal(map[string]interface{}{kind: v})
	o.mu.Lock()
	o.w.Write(b)
	o.w.WriteByte('\n')
	o.w.Flush()
	o.mu.Unlock()
}

// RunSampler samples every interval until stop is closed; it returns the peak thread count seen.
func RunSampler(p *Probe, c *Counters, out *Output, interval time.Duration, stop <-chan struct{}) <-chan int {
	done := make(chan int, 1)
	go func() {
		peak := 0
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			s := p.Take(c)
			if s.Threads > peak {
				peak = s.Threads
			}
			out.Line("sample", s)
			select {
			case <-stop:
				done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return done
}
