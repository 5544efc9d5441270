package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"

	"labmemcache"
)

// Phase is the CPU one phase of the costs experiment used, and over how many operations.
type Phase struct {
	Ops        int     `json:"ops"`
	WallSec    float64 `json:"wallSec"`
	UserCPUSec float64 `json:"userCpuSec"`
	SysCPUSec  float64 `json:"sysCpuSec"`
}

func phase(ops int, run func() error) (Phase, error) {
	t0 := time.Now()
	u0, s0 := CPU()
	err := run()
	u1, s1 := CPU()
	return Phase{Ops: ops, WallSec: time.Since(t0).Seconds(), UserCPUSec: u1 - u0, SysCPUSec: s1 - s0}, err
}

// stackBytes is the runtime's memory in goroutine stacks (runtime/metrics).
func stackBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// kernelStackBytes is the machine's kernel stacks (/proc/meminfo KernelStack): one per OS thread.
func kernelStackBytes() int64 { return procKiB("/proc/meminfo", "KernelStack:") }

// costs: the unit costs the model charges, each measured over -goroutines operations made one at a time
// by one goroutine at an empty port range (run with -gomaxprocs 1, so that nothing else runs):
//   - dials: bind-before-connect from -local-ip to memcached (socket, bind, connect with the loopback
//     handshake, the netpoller), each connection left open;
//   - gets: one get through the lab's client on one idle connection (write, the netpoller's wait, read),
//     the cheapest of three phases;
//   - closes: closing the dialed connections (the FIN; each socket into TIME_WAIT, the client closing);
//
// and memory, with the GC off so that no stack shrinks while it is measured:
//   - per goroutine parked after a get: goroutine stack bytes (runtime/metrics) and RSS;
//   - per extra OS thread blocked in a syscall: RSS, Go stack bytes (g0 and the signal stack) and kernel
//     stack (/proc/meminfo KernelStack, machine-wide).
func costs(f Flags, out *Output) (interface{}, error) {
	n := f.goroutines
	if n < 1 {
		return nil, errors.New("-goroutines: expected >= 1")
	}
	dial, err := Dialer(f.localIP, f.seed)
	if err != nil {
		return nil, err
	}
	debug.SetGCPercent(-1)
	defer debug.SetGCPercent(f.gogc)
	// Gets: one warm connection from the side address, reused by every get.
	mc := &labmemcache.Client{Addr: f.addr, Timeout: f.timeout, MaxIdleConns: 1, DialContext: SideDialer(f.timeout).DialContext}
	if err := mc.Set("lab-key", []byte("v")); err != nil {
		return nil, err
	}
	// The gets phase three times, keeping the cheapest: disturbance (another process, a wake-up missed)
	// only adds CPU time.
	var gets Phase
	for rep := 0; rep < 3; rep++ {
		p, err := phase(n, func() error {
			for i := 0; i < n; i++ {
				if _, err := mc.Get("lab-key"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if rep == 0 || p.UserCPUSec+p.SysCPUSec < gets.UserCPUSec+gets.SysCPUSec {
			gets = p
		}
	}
	// Dials, in slices of 500 with a get on the last connection of each slice: memcached has accepted
	// every connection before the next slice, so its accept backlog never overflows (a dropped SYN would
	// wait a second for its retransmission).
	conns := make([]net.Conn, 0, n)
	ctx := context.Background()
	var dials Phase
	for len(conns) < n {
		k := n - len(conns)
		if k > 500 {
			k = 500
		}
		p, err := phase(k, func() error {
			for i := 0; i < k; i++ {
				c, err := dial(ctx, "tcp", f.addr)
				if err != nil {
					return err
				}
				conns = append(conns, c)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		dials.Ops += p.Ops
		dials.WallSec += p.WallSec
		dials.UserCPUSec += p.UserCPUSec
		dials.SysCPUSec += p.SysCPUSec
		if err := pingConn(conns[len(conns)-1], f.timeout); err != nil {
			return nil, err
		}
	}
	closes, err := phase(n, func() error {
		for _, c := range conns {
			if err := c.Close(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Goroutines parked inside a get, as a batch's goroutines wait for memcached: each get dials its own
	// connection (from the side address) to a listener in this process that accepts and never answers, so
	// every goroutine parks in the netpoller's read of its reply.
	stacks1, rss1, parked, err := parkedInGets(n, f.timeout)
	if err != nil {
		return nil, err
	}
	// Extra OS threads, each blocked in nanosleep(2) long enough to be counted.
	threads0 := Threads()
	stacksT0, rssT0, kstack0 := stackBytes(), rssBytes(), kernelStackBytes()
	extra := f.extraThreads
	sleepers := blockInSyscall(extra, 3*time.Second)
	deadline := time.Now().Add(2 * time.Second)
	for Threads() < threads0+extra && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	threads1 := Threads()
	stacksT1, rssT1, kstack1 := stackBytes(), rssBytes(), kernelStackBytes()
	sleepers.Wait()
	mc.Close()
	return map[string]interface{}{
		"dials": dials, "gets": gets, "closes": closes,
		"parkedGoroutines": parked, "stackBytesDelta": stacks1, "rssBytesDelta": rss1,
		"threadsAdded": threads1 - threads0, "threadRssBytesDelta": rssT1 - rssT0,
		"threadStackBytesDelta": int64(stacksT1) - int64(stacksT0), "kernelStackBytesDelta": kstack1 - kstack0,
	}, nil
}

// pingConn makes one get on a raw connection: memcached has accepted it once it answers.
func pingConn(c net.Conn, timeout time.Duration) error {
	if err := c.SetDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	if _, err := c.Write([]byte("get lab-ping\r\n")); err != nil {
		return err
	}
	buf := make([]byte, 64)
	got := 0
	for !bytes.HasSuffix(buf[:got], []byte("END\r\n")) {
		k, err := c.Read(buf[got:])
		if err != nil {
			return err
		}
		got += k
		if got == len(buf) {
			return errors.New("memcached: unexpected reply to a get")
		}
	}
	return c.SetDeadline(time.Time{})
}

// parkedInGets starts n goroutines, each in a get that waits for a reply that never comes, and returns the
// growth of goroutine stacks and of RSS once all n are parked (then it lets them fail and waits for them).
func parkedInGets(n int, timeout time.Duration) (stackDelta, rssDelta int64, parked int, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, 0, err
	}
	var mu sync.Mutex
	var accepted []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			accepted = append(accepted, c)
			mu.Unlock()
		}
	}()
	silent := &labmemcache.Client{Addr: ln.Addr().String(), Timeout: 30 * time.Second, MaxIdleConns: 0, DialContext: SideDialer(timeout).DialContext}
	runtime.GC()
	stacks0, rss0 := stackBytes(), rssBytes()
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); silent.Get("lab-key") }()
	}
	// Parked when every connection is accepted and the goroutine count has settled.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		k := len(accepted)
		mu.Unlock()
		if k >= n {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	stackDelta, rssDelta = int64(stackBytes())-int64(stacks0), rssBytes()-rss0
	mu.Lock()
	parked = len(accepted)
	for _, c := range accepted {
		c.Close()
	}
	mu.Unlock()
	ln.Close()
	wg.Wait()
	if parked < n {
		return 0, 0, parked, errors.New("costs: not every get reached the silent listener in 10 s")
	}
	return stackDelta, rssDelta, parked, nil
}
