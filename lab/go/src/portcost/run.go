package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	stateTimeWait    = "time-wait"
	stateEstablished = "established"
	// The first TIME_WAIT sockets of a run expire 60-62 s after they were made (TCP_TIMEWAIT_LEN and the
	// timer wheel's granule): every step of a TIME_WAIT run must be measured before that.
	timeWaitBudgetSec = 56
)

type config struct {
	mode, state string
	low, high   int
	steps       []float64
	dials       int
	stepSec     float64
	local       [4]byte
	seed        int64
	maxSec      float64
	holderCap   int
	fillWorkers int
}

func (c config) check() error {
	switch {
	case c.mode != modeBind && c.mode != modeConnect && c.mode != modeNoPort:
		return fmt.Errorf("-mode: expected bind, connect or bind-no-port, got %q", c.mode)
	case c.state != stateTimeWait && c.state != stateEstablished:
		return fmt.Errorf("-state: expected time-wait or established, got %q", c.state)
	case c.low < 1024 || c.high > 65535 || c.high < c.low+3:
		return fmt.Errorf("-low/-high: expected 1024 <= low < high - 2 <= 65533, got %d-%d", c.low, c.high)
	case c.dials < 1 || c.dials > 100000:
		return fmt.Errorf("-dials: expected an integer in [1, 100000], got %d", c.dials)
	case c.fillWorkers < 1 || c.fillWorkers > 8:
		return fmt.Errorf("-fill-workers: expected an integer in [1, 8], got %d", c.fillWorkers)
	case c.holderCap < 1 || c.holderCap > 19000:
		return fmt.Errorf("-holder-cap: expected an integer in [1, 19000], got %d", c.holderCap)
	}
	return nil
}

// stepResult is one line of output: the dials measured at one occupancy.
type stepResult struct {
	Type          string         `json:"type"`
	Mode          string         `json:"mode"`
	State         string         `json:"state"`
	PortCount     int            `json:"portCount"`
	TargetPercent float64        `json:"targetPercent"`
	Held          int            `json:"held"`
	TimeWait      int            `json:"timeWait"`
	Established   int            `json:"established"`
	OtherStates   int            `json:"otherStates"` // client sockets in other states (FIN_WAIT2, ...)
	FillDials     int            `json:"fillDials"`
	FillSec       float64        `json:"fillSec"`
	Dials         int            `json:"dials"`
	Ok            int            `json:"ok"`
	Failed        int            `json:"failed"`
	Errors        map[string]int `json:"errors"`
	// Dials during which the thread lost its CPU (wall time above CPU time by more than 5% + 2 us): on a
	// shared machine they measure the other processes, so the CPU, system and search percentiles leave
	// them out; the wall percentiles keep every dial.
	OkDisturbed   int       `json:"okDisturbed"`
	FailDisturbed int       `json:"failDisturbed"`
	OkWallUs      quantiles `json:"okWallUs"`
	OkSearchUs    quantiles `json:"okSearchUs"`
	OkSysUs       quantiles `json:"okSysUs"`
	OkCPUUs       quantiles `json:"okCpuUs"`
	FailWallUs    quantiles `json:"failWallUs"`
	FailSysUs     quantiles `json:"failSysUs"`
	FailCPUUs     quantiles `json:"failCpuUs"`
	// Thread CPU time of every dial, disturbed or not (for steps where few ran undisturbed).
	OkCPUAllUs   quantiles `json:"okCpuAllUs"`
	FailCPUAllUs quantiles `json:"failCpuAllUs"`
	// Windows the step's dials ran in, and each one's median CPU time (of its failures when most of the
	// step's dials failed, else of its successes): the percentiles above are of the lowest window.
	Windows        int       `json:"windows"`
	WindowCPUP50Us []float64 `json:"windowCpuP50Us"`
	// Bind mode only: ports a bind(ip, 0) examines in this step's layout, over every start it can draw.
	BindExamined *examinedStats `json:"bindExamined"`
	ElapsedSec   float64        `json:"elapsedSec"`
}

type holder struct {
	cmd  *exec.Cmd
	in   *bufio.Writer
	out  *bufio.Scanner
	held int
}

func run(c config, out *json.Encoder) error {
	runtime.LockOSThread()
	start := time.Now()
	elapsed := func() float64 { return time.Since(start).Seconds() }
	lfd, err := listen()
	if err != nil {
		return err
	}
	defer syscall.Close(lfd)
	dst := serverAddr()
	n := c.high - c.low + 1
	order := newBindOrder(c.low, c.high, rand.New(rand.NewSource(c.seed)))
	var holders []*holder
	defer func() {
		for _, h := range holders {
			h.cmd.Process.Kill()
			h.cmd.Wait()
		}
	}()
	held := 0
	var firstHeldAt time.Time
	for _, pct := range c.steps {
		if elapsed() > c.maxSec {
			return fmt.Errorf("gave up after %.0f s (-max-sec)", c.maxSec)
		}
		target := int(math.Round(pct / 100 * float64(n)))
		fillStart := time.Now()
		fill := target - held
		if fill > 0 && held == 0 {
			firstHeldAt = fillStart
		}
		if fill > 0 {
			var got int
			if c.state == stateTimeWait {
				// The last step's dials were reset while queued: accept and close them first, or the fill's
				// accept() would take them instead of its own connection.
				if err := drainAcceptQueue(lfd); err != nil {
					return err
				}
				got, err = fillTimeWait(c, lfd, dst, order, fill)
				// A parallel fill can lose a socket to a close race (the server side closing first): count
				// them and top up one at a time, which cannot race.
				for try := 0; err == nil && try < 3; try++ {
					time.Sleep(20 * time.Millisecond) // let closes in flight land
					tw, _, other, cerr := countClientSockets(c.low, c.high)
					tw += other // a port is held in any state
					if cerr != nil || tw >= target {
						err = cerr
						break
					}
					one := c
					one.fillWorkers = 1
					var more int
					more, err = fillTimeWait(one, lfd, dst, order, target-tw)
					got = tw + more - held // what is really held now
				}
			} else {
				got, holders, err = fillEstablished(c, holders, order, fill)
			}
			held += got
			if err != nil {
				return fmt.Errorf("fill to %.0f%%: %d of %d sockets: %v", pct, got, fill, err)
			}
		}
		fillSec := time.Since(fillStart).Seconds()
		tw, est, other, err := countClientSockets(c.low, c.high)
		if err != nil {
			return err
		}
		r := stepResult{Type: "step", Mode: c.mode, State: c.state, PortCount: n, TargetPercent: pct, Held: held,
			TimeWait: tw, Established: est, OtherStates: other, FillDials: fill, FillSec: fillSec, Errors: map[string]int{}}
		if c.mode == modeBind {
			r.BindExamined = order.examined()
		}
		// The step's dials run in windows apart in time; its figures are those of the window whose median
		// CPU time is lowest (see measureStep).
		w := measureStep(c, dst)
		r.Dials, r.Ok, r.Failed, r.Errors = w.dials, w.ok, w.failed, w.errors
		r.OkDisturbed, r.FailDisturbed = w.best.okDisturbed, w.best.failDisturbed
		r.Windows, r.WindowCPUP50Us = len(w.p50Us), w.p50Us
		b := w.best
		r.OkWallUs, r.OkSearchUs, r.OkSysUs, r.OkCPUUs = quantilesUs(b.okWall), quantilesUs(b.okSearch), quantilesUs(b.okSys), quantilesUs(b.okCPU)
		r.FailWallUs, r.FailSysUs, r.FailCPUUs = quantilesUs(b.failWall), quantilesUs(b.failSys), quantilesUs(b.failCPU)
		r.OkCPUAllUs, r.FailCPUAllUs = quantilesUs(b.okCPUAll), quantilesUs(b.failCPUAll)
		r.ElapsedSec = elapsed()
		if c.state == stateTimeWait && held > 0 && time.Since(firstHeldAt).Seconds() > timeWaitBudgetSec {
			// Too late to trust: the first TIME_WAIT sockets may have expired during the step. Stop here.
			return out.Encode(map[string]interface{}{"type": "truncated", "atPercent": pct, "elapsedSec": elapsed(),
				"reason": fmt.Sprintf("step %.0f%% ended %.1f s after the first TIME_WAIT socket was made (limit %d s)", pct, time.Since(firstHeldAt).Seconds(), timeWaitBudgetSec)})
		}
		if err := out.Encode(r); err != nil {
			return err
		}
		if pct == 0 {
			if err := out.Encode(measureGoDials(c.mode, c.local, c.dials, time.Duration(c.stepSec*float64(time.Second)))); err != nil {
				return err
			}
		}
	}
	return out.Encode(map[string]interface{}{"type": "done", "elapsedSec": elapsed()})
}

// listen opens 127.0.0.1:11211 with a backlog above the whole range: in ESTABLISHED runs the occupying
// connections wait in the accept queue, never accepted, so they hold no fd on the server side.
func listen() (int, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
	if err := syscall.Bind(fd, serverAddr()); err != nil {
		syscall.Close(fd)
		return -1, fmt.Errorf("listen 127.0.0.1:11211: %v", err)
	}
	if err := syscall.Listen(fd, 1<<17); err != nil {
		syscall.Close(fd)
		return -1, fmt.Errorf("listen 127.0.0.1:11211: %v", err)
	}
	return fd, nil
}

// drainAcceptQueue accepts and closes whatever waits in the listener's queue, without blocking.
func drainAcceptQueue(lfd int) error {
	if err := syscall.SetNonblock(lfd, true); err != nil {
		return err
	}
	defer syscall.SetNonblock(lfd, false)
	for i := 0; i < 1<<20; i++ {
		sfd, _, err := syscall.Accept(lfd)
		if err == syscall.EAGAIN {
			return nil
		}
		if err != nil {
			return fmt.Errorf("accept: %v", err)
		}
		syscall.Close(sfd)
	}
	return fmt.Errorf("accept queue did not drain")
}

// fillTimeWait adds `count` client sockets in TIME_WAIT: dial, accept, close the client first (FIN),
// then the server side, so the client is the active closer. Bind mode binds the ports bindOrder gives
// (explicit-port binds, fast), one at a time; the other modes dial with port 0, as they would in
// production, which past half the range scans half of it per dial: there `workers` threads dial at
// once and one more accepts, reads to EOF (the client's FIN) and only then closes the server side.
func fillTimeWait(c config, lfd int, dst *syscall.SockaddrInet4, order *bindOrder, count int) (int, error) {
	if c.mode != modeBind && c.fillWorkers > 1 {
		return fillTimeWaitParallel(c, lfd, dst, count)
	}
	for i := 0; i < count; i++ {
		port := 0
		if c.mode == modeBind {
			if port = order.next(); port < 0 {
				return i, fmt.Errorf("no port left in the layout")
			}
		}
		d := dialOnce(c.mode, c.local, port, dst)
		if !d.ok {
			return i, fmt.Errorf("dial: %s", d.errno)
		}
		sfd, _, err := syscall.Accept(lfd)
		if err != nil {
			syscall.Close(d.fd)
			return i, fmt.Errorf("accept: %v", err)
		}
		syscall.Close(d.fd)
		syscall.Close(sfd)
	}
	return count, nil
}

func fillTimeWaitParallel(c config, lfd int, dst *syscall.SockaddrInet4, count int) (int, error) {
	type result struct {
		ok  int
		err error
	}
	var dialled, workersLeft int64 = 0, int64(c.fillWorkers)
	results := make(chan result, c.fillWorkers)
	for w := 0; w < c.fillWorkers; w++ {
		share := count / c.fillWorkers
		if w < count%c.fillWorkers {
			share++
		}
		go func(share int) {
			runtime.LockOSThread()
			defer atomic.AddInt64(&workersLeft, -1)
			for i := 0; i < share; i++ {
				d := dialOnce(c.mode, c.local, 0, dst)
				if !d.ok {
					results <- result{i, fmt.Errorf("dial: %s", d.errno)}
					return
				}
				atomic.AddInt64(&dialled, 1)
				syscall.Close(d.fd)
			}
			results <- result{share, nil}
		}(share)
	}
	// The acceptor polls a non-blocking listener until every worker is done and every connection they
	// made is accepted; the accepted socket is read (blocking) to EOF before it is closed.
	if err := syscall.SetNonblock(lfd, true); err != nil {
		return 0, err
	}
	defer syscall.SetNonblock(lfd, false)
	buf := make([]byte, 64)
	deadline := time.Now().Add(time.Duration(c.maxSec * float64(time.Second)))
	var acceptErr error
	for accepted := int64(0); ; {
		sfd, _, err := syscall.Accept(lfd)
		if err == syscall.EAGAIN {
			if atomic.LoadInt64(&workersLeft) == 0 && accepted >= atomic.LoadInt64(&dialled) {
				break
			}
			if time.Now().After(deadline) {
				acceptErr = fmt.Errorf("accept: gave up after %.0f s", c.maxSec)
				break
			}
			time.Sleep(20 * time.Microsecond)
			continue
		}
		if err != nil {
			acceptErr = fmt.Errorf("accept: %v", err)
			break
		}
		accepted++
		for k := 0; k < 100; k++ { // until EOF: the client has closed first
			if n, err := syscall.Read(sfd, buf); n <= 0 || err != nil {
				break
			}
		}
		syscall.Close(sfd)
	}
	ok := 0
	var firstErr error
	for w := 0; w < c.fillWorkers; w++ {
		r := <-results
		ok += r.ok
		if r.err != nil && firstErr == nil {
			firstErr = r.err
		}
	}
	if firstErr == nil {
		firstErr = acceptErr
	}
	return ok, firstErr
}

// fillEstablished adds `count` ESTABLISHED client sockets, held open by holder processes; the next
// `fillWorkers` holders with room dial at once (each is its own process).
func fillEstablished(c config, holders []*holder, order *bindOrder, count int) (int, []*holder, error) {
	done := 0
	for round := 0; done < count && round < 100; round++ {
		var open []*holder
		for _, h := range holders {
			if h.held < c.holderCap {
				open = append(open, h)
			}
		}
		for len(open) < c.fillWorkers {
			nh, err := startHolder(c)
			if err != nil {
				return done, holders, err
			}
			holders = append(holders, nh)
			open = append(open, nh)
		}
		open = open[:c.fillWorkers]
		left := count - done
		asked := make([]int, len(open))
		for i, h := range open {
			k := left / (len(open) - i)
			if room := c.holderCap - h.held; k > room {
				k = room
			}
			asked[i] = k
			left -= k
			var line strings.Builder
			if c.mode == modeBind {
				line.WriteString("ports")
				for j := 0; j < k; j++ {
					p := order.next()
					if p < 0 {
						return done, holders, fmt.Errorf("no port left in the layout")
					}
					line.WriteString(" " + strconv.Itoa(p))
				}
			} else {
				line.WriteString("auto " + strconv.Itoa(k))
			}
			line.WriteString("\n")
			h.in.WriteString(line.String())
			if err := h.in.Flush(); err != nil {
				return done, holders, fmt.Errorf("holder: %v", err)
			}
		}
		for i, h := range open {
			if !h.out.Scan() {
				return done, holders, fmt.Errorf("holder ended: %v", h.out.Err())
			}
			f := strings.Fields(h.out.Text())
			if len(f) != 4 || f[0] != "ok" {
				return done, holders, fmt.Errorf("holder: unexpected reply %q", h.out.Text())
			}
			ok, _ := strconv.Atoi(f[1])
			h.held += ok
			done += ok
			if ok < asked[i] {
				return done, holders, fmt.Errorf("holder dial: %s", f[3])
			}
		}
	}
	return done, holders, nil
}

func startHolder(c config) (*holder, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ip := fmt.Sprintf("%d.%d.%d.%d", c.local[0], c.local[1], c.local[2], c.local[3])
	cmd := exec.Command(self, "hold", "-mode", c.mode, "-local", ip)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the measurer
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &holder{cmd: cmd, in: bufio.NewWriter(in), out: bufio.NewScanner(outPipe)}, nil
}

// countClientSockets reads /proc/net/tcp: client sockets (local port in the range, remote port 11211)
// in TIME_WAIT (st 06), ESTABLISHED (st 01) and any other state.
func countClientSockets(low, high int) (tw, est, other int, err error) {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return 0, 0, 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Scan() // header
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) < 4 {
			continue
		}
		lp, rp := hexPort(fields[1]), hexPort(fields[2])
		if lp < low || lp > high || rp != 11211 {
			continue
		}
		switch fields[3] {
		case "06":
			tw++
		case "01":
			est++
		default:
			other++
		}
	}
	return tw, est, other, s.Err()
}

func hexPort(addr string) int {
	i := strings.IndexByte(addr, ':')
	if i < 0 {
		return -1
	}
	v, err := strconv.ParseInt(addr[i+1:], 16, 32)
	if err != nil {
		return -1
	}
	return int(v)
}

// window holds the timings of one window of a step's dials.
type window struct {
	okWall, okSearch, okSys, okCPU, okCPUAll []int64
	failWall, failSys, failCPU, failCPUAll   []int64
	ok, failed, okDisturbed, failDisturbed   int
	errors                                   map[string]int
}

type stepWindows struct {
	dials, ok, failed int
	errors            map[string]int
	p50Us             []float64
	best              window
}

const (
	stepWindowCount = 3
	// Between two windows: a neighbour's burst on a shared machine (its cache and memory traffic can
	// slow a scan of the whole range by a fifth for a second) should not span all of them.
	windowGap = 300 * time.Millisecond
)

// measureStep times the step's dials in stepWindowCount windows of c.stepSec/stepWindowCount each (at
// least 10 dials, at most c.dials in all), windowGap apart, and keeps the window with the lowest median
// CPU time: the kernel's cost when nothing else contends for the core's caches. Every dial, in any
// window, counts in dials, ok, failed and errors. Successful dials are reset at once, so every window
// sees the same occupancy.
func measureStep(c config, dst *syscall.SockaddrInet4) stepWindows {
	res := stepWindows{errors: map[string]int{}}
	perWindow := c.dials / stepWindowCount
	if perWindow < 10 {
		perWindow = 10
	}
	budget := time.Duration(c.stepSec / stepWindowCount * float64(time.Second))
	bestP50 := math.Inf(1)
	for k := 0; k < stepWindowCount; k++ {
		if k > 0 {
			time.Sleep(windowGap)
		}
		w := window{errors: map[string]int{}}
		start := time.Now()
		for i := 0; i < perWindow && (i < 10 || time.Since(start) < budget); i++ {
			d := dialOnce(c.mode, c.local, 0, dst)
			res.dials++
			undisturbed := d.wallNs <= d.cpuNs+d.cpuNs/20+2000
			if d.ok {
				resetClose(d.fd)
				w.ok++
				w.okWall, w.okCPUAll = append(w.okWall, d.wallNs), append(w.okCPUAll, d.cpuNs)
				if undisturbed {
					w.okSearch, w.okSys, w.okCPU = append(w.okSearch, d.searchNs), append(w.okSys, d.sysNs), append(w.okCPU, d.cpuNs)
				} else {
					w.okDisturbed++
				}
			} else {
				w.failed++
				w.errors[d.errno]++
				w.failWall, w.failCPUAll = append(w.failWall, d.wallNs), append(w.failCPUAll, d.cpuNs)
				if undisturbed {
					w.failSys, w.failCPU = append(w.failSys, d.sysNs), append(w.failCPU, d.cpuNs)
				} else {
					w.failDisturbed++
				}
			}
		}
		res.ok += w.ok
		res.failed += w.failed
		for e, n := range w.errors {
			res.errors[e] += n
		}
		cpu, all := w.okCPU, w.okCPUAll
		if w.failed > w.ok {
			cpu, all = w.failCPU, w.failCPUAll
		}
		if len(cpu) < 10 {
			cpu = all
		}
		p50 := quantilesUs(cpu).P50
		res.p50Us = append(res.p50Us, p50)
		if p50 < bestP50 {
			bestP50, res.best = p50, w
		}
	}
	return res
}
