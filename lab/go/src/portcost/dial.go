package main

// One dial on a locked OS thread, timed by the wall clock, by getrusage(RUSAGE_THREAD) and by
// clock_gettime(CLOCK_THREAD_CPUTIME_ID). Raw syscalls from package syscall only.

import (
	"syscall"
	"time"
	"unsafe"
)

const (
	ipBindAddressNoPort = 24 // IP_BIND_ADDRESS_NO_PORT, include/uapi/linux/in.h (Linux >= 4.2)
	rusageThread        = 1  // RUSAGE_THREAD, include/uapi/linux/resource.h
	clockThreadCPUTime  = 3  // CLOCK_THREAD_CPUTIME_ID, include/uapi/linux/time.h
)

// Dial modes, as the model names them.
const (
	modeBind    = "bind"         // bind(localIP, 0) then connect(): Go's Dialer.LocalAddr
	modeConnect = "connect"      // connect() autobind, no local address
	modeNoPort  = "bind-no-port" // IP_BIND_ADDRESS_NO_PORT, bind(localIP, 0), port chosen in connect()
)

type dialTiming struct {
	ok       bool
	errno    string
	wallNs   int64 // socket() .. connect() returns
	searchNs int64 // the syscall that chooses the port: bind() in bind mode, connect() otherwise
	sysNs    int64 // ru_stime delta (microsecond resolution)
	userNs   int64 // ru_utime delta
	cpuNs    int64 // thread CPU time delta (user + system, nanoseconds)
	fd       int
}

func threadCPUNs() int64 {
	var ts syscall.Timespec
	syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}

func threadRusage() (sysNs, userNs int64) {
	var ru syscall.Rusage
	syscall.RawSyscall(syscall.SYS_GETRUSAGE, rusageThread, uintptr(unsafe.Pointer(&ru)), 0)
	return ru.Stime.Nano(), ru.Utime.Nano()
}

func errnoName(err error) string {
	if e, ok := err.(syscall.Errno); ok {
		switch e {
		case syscall.EADDRINUSE:
			return "EADDRINUSE"
		case syscall.EADDRNOTAVAIL:
			return "EADDRNOTAVAIL"
		case syscall.ECONNREFUSED:
			return "ECONNREFUSED"
		case syscall.ETIMEDOUT:
			return "ETIMEDOUT"
		case syscall.EMFILE:
			return "EMFILE"
		}
		return e.Error()
	}
	return err.Error()
}

// dialOnce makes one connection to dst in the given mode. With localPort > 0 it binds that port
// explicitly (the fill's fast path). The caller must be on a locked OS thread for the CPU figures.
// On success the socket stays open and its fd is returned.
func dialOnce(mode string, local [4]byte, localPort int, dst *syscall.SockaddrInet4) dialTiming {
	var d dialTiming
	s0, u0 := threadRusage()
	c0 := threadCPUNs()
	t0 := time.Now()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		d.errno = errnoName(err)
		return d
	}
	var ts0, ts1 time.Time
	if mode == modeNoPort {
		err = syscall.SetsockoptInt(fd, syscall.IPPROTO_IP, ipBindAddressNoPort, 1)
	}
	if err == nil && (mode != modeConnect || localPort > 0) {
		ts0 = time.Now()
		err = syscall.Bind(fd, &syscall.SockaddrInet4{Addr: local, Port: localPort})
		ts1 = time.Now()
	}
	if err == nil {
		tc0 := time.Now()
		err = syscall.Connect(fd, dst)
		tc1 := time.Now()
		if mode != modeBind || localPort > 0 {
			ts0, ts1 = tc0, tc1
		}
	}
	t1 := time.Now()
	c1 := threadCPUNs()
	s1, u1 := threadRusage()
	d.wallNs = t1.Sub(t0).Nanoseconds()
	d.searchNs = ts1.Sub(ts0).Nanoseconds()
	d.cpuNs = c1 - c0
	d.sysNs = s1 - s0
	d.userNs = u1 - u0
	if err != nil {
		d.errno = errnoName(err)
		syscall.Close(fd)
		return d
	}
	d.ok = true
	d.fd = fd
	return d
}

// resetClose closes with SO_LINGER {on, 0}: an RST, so the socket leaves no TIME_WAIT and frees its port.
func resetClose(fd int) {
	syscall.SetsockoptLinger(fd, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0})
	syscall.Close(fd)
}
