package main

// The whole of a Go dial, as a Go program makes it: net.Dialer.Dial in a goroutine of its own (not
// locked to a thread), with its runtime work (netpoll registration, the non-blocking connect and its
// wake-up, socket options) besides the system calls that dialOnce times.

import (
	"net"
	"syscall"
	"time"
)

type goDialResult struct {
	Type         string    `json:"type"`
	Mode         string    `json:"mode"`
	Dials        int       `json:"dials"`
	Failed       int       `json:"failed"`
	WallUs       quantiles `json:"wallUs"`
	CPUUsPerDial float64   `json:"cpuUsPerDial"` // getrusage(RUSAGE_SELF) user + system over the dials
	SysUsPerDial float64   `json:"sysUsPerDial"`
}

func goDialer(mode string, local [4]byte) *net.Dialer {
	d := &net.Dialer{Timeout: 2 * time.Second}
	if mode == modeConnect {
		return d
	}
	d.LocalAddr = &net.TCPAddr{IP: net.IPv4(local[0], local[1], local[2], local[3])}
	if mode == modeNoPort {
		d.Control = func(network, address string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IP, ipBindAddressNoPort, 1)
			})
			if err != nil {
				return err
			}
			return serr
		}
	}
	return d
}

func processRusage() (sysNs, userNs int64) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Stime.Nano(), ru.Utime.Nano()
}

// measureGoDials makes up to `count` Go dials within `budget`, each closed with an RST.
func measureGoDials(mode string, local [4]byte, count int, budget time.Duration) goDialResult {
	done := make(chan goDialResult)
	go func() {
		d := goDialer(mode, local)
		r := goDialResult{Type: "go-dial", Mode: mode}
		var wall []int64
		s0, u0 := processRusage()
		start := time.Now()
		for i := 0; i < count && (i < 10 || time.Since(start) < budget); i++ {
			t0 := time.Now()
			c, err := d.Dial("tcp4", "127.0.0.1:11211")
			wall = append(wall, time.Since(t0).Nanoseconds())
			r.Dials++
			if err != nil {
				r.Failed++
				continue
			}
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
		s1, u1 := processRusage()
		r.WallUs = quantilesUs(wall)
		r.CPUUsPerDial = float64(s1-s0+u1-u0) / float64(r.Dials) / 1e3
		r.SysUsPerDial = float64(s1-s0) / float64(r.Dials) / 1e3
		done <- r
	}()
	return <-done
}
