package main

// A holder process keeps ESTABLISHED client sockets open on behalf of the measuring process, so that a
// full range (28,232 sockets) fits under the per-process fd limit. It runs in the same network
// namespace (a child inherits it) and reads one command per line on stdin:
//   ports P1 P2 ...   dial with explicit local ports (bind mode's fill)
//   auto N            N dials with port 0 in the holder's mode (connect modes' fill)
// and answers "ok <dialled> <failed> <first error or ->". On EOF it resets every socket and exits.

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

func hold(mode string, local [4]byte, dst *syscall.SockaddrInet4) error {
	runtime.LockOSThread()
	var fds []int
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	for in.Scan() {
		f := strings.Fields(in.Text())
		if len(f) == 0 {
			continue
		}
		ok, failed, firstErr := 0, 0, "-"
		try := func(port int) {
			d := dialOnce(mode, local, port, dst)
			if d.ok {
				fds = append(fds, d.fd)
				ok++
				return
			}
			failed++
			if firstErr == "-" {
				firstErr = d.errno
			}
		}
		switch f[0] {
		case "ports":
			for _, p := range f[1:] {
				port, err := strconv.Atoi(p)
				if err != nil {
					return fmt.Errorf("hold: bad port %q", p)
				}
				try(port)
			}
		case "auto":
			n, err := strconv.Atoi(f[1])
			if err != nil || n < 0 || n > 100000 {
				return fmt.Errorf("hold: bad count %q", f[1])
			}
			for i := 0; i < n; i++ {
				try(0)
			}
		default:
			return fmt.Errorf("hold: unknown command %q", f[0])
		}
		fmt.Printf("ok %d %d %s\n", ok, failed, firstErr)
	}
	for _, fd := range fds {
		resetClose(fd)
	}
	return in.Err()
}
