package main

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"labmemcache"
)

// FixedLocalIP is the source address in the post-mortem's error line
// ("dial tcp 127.32.0.1:0->127.0.0.1:11211: bind: address already in use").
var FixedLocalIP = net.IPv4(127, 32, 0, 1)

// SideIP is the lab's own source address for connections that are not part of an experiment (readiness,
// the request loop of failing-dial-cpu). Not connect() autobind: once bind() has held every port of the
// range (TIME_WAIT included), autobind skips those ports on every address (__inet_hash_connect).
var SideIP = net.IPv4(127, 0, 0, 2)

// SideDialer binds SideIP, port 0.
func SideDialer(timeout time.Duration) *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: SideIP}, Timeout: timeout}
}

// Dialer returns a DialContext hook: bind-before-connect from 127.32.0.1 ("fixed"), from the band-aid's
// random 127.(1+rand 254).(rand 256).(1+rand 254) ("random"), or connect() autobind ("none").
func Dialer(mode string, seed int64) (func(ctx context.Context, network, addr string) (net.Conn, error), error) {
	switch mode {
	case "none":
		d := &net.Dialer{}
		return d.DialContext, nil
	case "fixed":
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: FixedLocalIP}}
		return d.DialContext, nil
	case "random":
		var mu sync.Mutex
		r := rand.New(rand.NewSource(seed))
		return func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			ip := net.IPv4(127, byte(1+r.Intn(254)), byte(r.Intn(256)), byte(1+r.Intn(254)))
			mu.Unlock()
			d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}}
			return d.DialContext(ctx, network, addr)
		}, nil
	}
	return nil, errors.New("-local-ip: expected fixed, random or none, got " + strconv.Quote(mode))
}

// ErrorKind names an error by its cause: the errno of a failed dial, a timeout, a cache miss.
func ErrorKind(err error) string {
	var te *labmemcache.ConnectTimeoutError
	var ne net.Error
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return "EADDRINUSE"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "EADDRNOTAVAIL"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "ECONNREFUSED"
	case errors.Is(err, syscall.ECONNRESET):
		return "ECONNRESET"
	case errors.Is(err, syscall.EMFILE):
		return "EMFILE"
	case errors.As(err, &te):
		return "connect-timeout"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "other"
}

// PortRange reads net.ipv4.ip_local_port_range of the namespace.
func PortRange() (low, high int, err error) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, 0, err
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0, 0, errors.New("unexpected ip_local_port_range: " + string(b))
	}
	low, _ = strconv.Atoi(f[0])
	high, _ = strconv.Atoi(f[1])
	return low, high, nil
}

// FillResult says how the range was filled.
type FillResult struct {
	Method      string  `json:"method"`
	Ports       int     `json:"ports"`
	Filled      int     `json:"filled"`
	AlreadyHeld int     `json:"alreadyHeld"`
	Failed      int     `json:"failed"`
	ToppedUp    int     `json:"toppedUp"`
	Sec         float64 `json:"sec"`
	// ProbeError is what a bind(127.32.0.1, 0) dial returns after the fill (EADDRINUSE when full).
	ProbeError string `json:"probeError"`
}

// FillTimeWait occupies every port of the range on 127.32.0.1 with a socket in TIME_WAIT: an explicit-port
// bind (fast, unlike port-0 binds near a full range), a connect to addr, and an immediate close by the
// client (the active closer). Ports already held (EADDRINUSE) count as filled. Bounded: one dial per port.
func FillTimeWait(addr string, workers int) FillResult {
	start := time.Now()
	low, high, err := PortRange()
	if err != nil {
		return FillResult{Method: "explicit-port binds", ProbeError: err.Error()}
	}
	var next atomic.Int64
	next.Store(int64(low))
	var filled, held, failed atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				p := int(next.Add(1) - 1)
				if p > high {
					return
				}
				d := net.Dialer{LocalAddr: &net.TCPAddr{IP: FixedLocalIP, Port: p}, Timeout: 2 * time.Second}
				c, err := d.Dial("tcp", addr)
				switch {
				case err == nil:
					c.Close()
					filled.Add(1)
				case errors.Is(err, syscall.EADDRINUSE):
					held.Add(1)
				default:
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	// The server closes on EOF; wait (bounded) until the closed sockets reach TIME_WAIT.
	for i := 0; i < 50; i++ {
		tw, _ := sockstat()
		if tw >= filled.Load() {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A few explicit-port connections may end without TIME_WAIT (a handshake dropped on a full accept
	// queue ends in a reset): take what is left with port-0 binds, each closed the same way (bounded).
	topped := 0
	for ; topped < 2000; topped++ {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: FixedLocalIP}, Timeout: 2 * time.Second}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			break
		}
		c.Close()
	}
	r := FillResult{
		Method: "explicit-port binds from 127.32.0.1, closed by the client (TIME_WAIT), then port-0 binds for the rest",
		Ports:  high - low + 1, Filled: int(filled.Load()), AlreadyHeld: int(held.Load()), Failed: int(failed.Load()),
		ToppedUp: topped, Sec: time.Since(start).Seconds(),
	}
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: FixedLocalIP}, Timeout: 2 * time.Second}
	if c, err := d.Dial("tcp", addr); err == nil {
		c.Close()
		r.ProbeError = "none"
	} else {
		r.ProbeError = ErrorKind(err)
	}
	return r
}

// Logger writes one JSON line per call to stderr, as slog's JSON handler does: a mutex around formatting
// and one write(2) per line. When stderr is a slow pipe, write(2) blocks; os.File's write lock lets one
// writer at a time into the kernel, the rest wait on the locks as goroutines.
type Logger struct {
	mu      sync.Mutex
	f       *os.File
	pad     string
	Written atomic.Int64
}

func NewLogger(lineBytes int) *Logger {
	// The quoted line is ~300 bytes; pad to the requested size.
	base := len(`{"time":"2026-04-06T12:00:00.000000000Z","level":"ERROR","msg":"failed to get post record","uri":"","err":""}`) + 80
	pad := ""
	if lineBytes > base {
		pad = strings.Repeat("x", lineBytes-base)
	}
	return &Logger{f: os.Stderr, pad: pad}
}

func (l *Logger) Error(msg, uri string, err error) {
	line := map[string]string{
		"time":  time.Now().UTC().Format(time.RFC3339Nano),
		"level": "ERROR",
		"msg":   msg,
		"uri":   uri,
		"err":   err.Error(),
		"kind":  ErrorKind(err),
	}
	if l.pad != "" {
		line["pad"] = l.pad
	}
	l.mu.Lock()
	b, _ := json.Marshal(line)
	b = append(b, '\n')
	l.f.Write(b)
	l.mu.Unlock()
	l.Written.Add(1)
}
