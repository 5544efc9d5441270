// Command portcost measures the kernel's cost of choosing an ephemeral source port against how full the
// range is: wall time and system CPU per dial at each occupancy step, for one dial mode and one state of
// the occupying sockets (TIME_WAIT or ESTABLISHED), on a locked OS thread. It runs inside a network
// namespace of its own (the caller makes it: loopback only, its own ip_local_port_range) and listens on
// 127.0.0.1:11211 itself. It prints one JSON object per line: the steps, then "done" (or "error").
//
// Build (standard library only, GOPATH mode, offline):
//
//	GO111MODULE=off GOPATH=$PWD/lab/go go build -o /tmp/portcost portcost
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "hold" {
		fs := flag.NewFlagSet("hold", flag.ExitOnError)
		mode := fs.String("mode", modeBind, "dial mode")
		local := fs.String("local", "127.32.0.1", "local IP")
		fs.Parse(os.Args[2:])
		ip, err := parseIP(*local)
		if err == nil {
			err = hold(*mode, ip, serverAddr())
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	var c config
	flag.StringVar(&c.mode, "mode", modeBind, "dial mode: bind, connect or bind-no-port")
	flag.StringVar(&c.state, "state", stateTimeWait, "state of the occupying sockets: time-wait or established")
	flag.IntVar(&c.low, "low", 32768, "first port of ip_local_port_range (as set in the namespace)")
	flag.IntVar(&c.high, "high", 60999, "last port of ip_local_port_range")
	steps := flag.String("steps", "0,25,50,75,90,95,99,100", "occupancy steps, percent of the range")
	flag.IntVar(&c.dials, "dials", 300, "measured dials per step (at most)")
	flag.Float64Var(&c.stepSec, "step-sec", 1.5, "time budget of the measured dials of one step")
	local := flag.String("local", "127.32.0.1", "local IP of bind and bind-no-port dials")
	flag.Int64Var(&c.seed, "seed", 1, "seed of the fill layout")
	flag.Float64Var(&c.maxSec, "max-sec", 120, "give up after this long")
	flag.IntVar(&c.holderCap, "holder-cap", 18000, "sockets per holder process (below the fd limit)")
	flag.IntVar(&c.fillWorkers, "fill-workers", 2, "threads (TIME_WAIT) or holder processes (ESTABLISHED) that fill at once")
	flag.Parse()
	var err error
	if c.local, err = parseIP(*local); err == nil {
		c.steps, err = parseSteps(*steps)
	}
	if err == nil {
		err = c.check()
	}
	if err == nil {
		err = run(c, json.NewEncoder(os.Stdout))
	}
	if err != nil {
		json.NewEncoder(os.Stdout).Encode(map[string]string{"type": "error", "message": err.Error()})
		os.Exit(1)
	}
}

func serverAddr() *syscall.SockaddrInet4 {
	return &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: 11211}
}

func parseIP(s string) ([4]byte, error) {
	var ip [4]byte
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return ip, fmt.Errorf("-local: expected an IPv4 address, got %q", s)
	}
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v > 255 {
			return ip, fmt.Errorf("-local: expected an IPv4 address, got %q", s)
		}
		ip[i] = byte(v)
	}
	return ip, nil
}

func parseSteps(s string) ([]float64, error) {
	var out []float64
	prev := -1.0
	for _, p := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || v > 100 || v <= prev {
			return nil, fmt.Errorf("-steps: expected increasing percentages in [0, 100], got %q", s)
		}
		out = append(out, v)
		prev = v
	}
	return out, nil
}
