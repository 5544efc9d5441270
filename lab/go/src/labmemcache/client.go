// Package labmemcache is a small memcached client with the connection-pool semantics of gomemcache
// (github.com/bradfitz/gomemcache, memcache/memcache.go, v1.0.0 and later), which the post-mortem's
// data plane used. Debian's gomemcache is the 2014 snapshot (idle limit fixed at 2, no DialContext), so
// the lab carries this client instead. What it keeps from gomemcache, as documented there:
//
//   - one free list per server address, LIFO: getFreeConn pops the most recently released connection;
//   - when the free list is empty, a new connection is dialed: there is no cap on open connections;
//   - putFreeConn closes the connection when MaxIdleConns are already idle (the client is the active
//     closer, so the socket enters TIME_WAIT); DefaultMaxIdleConns is 2;
//   - condRelease: a connection is returned only after a success or a resumable error (a cache miss);
//     on any other error (timeouts, I/O) it is closed;
//   - Timeout (DefaultTimeout 500 ms) bounds the dial and, as a deadline set before each op, every op;
//   - DialContext, when set, replaces net.Dialer's dial (the band-aid used it to pick the source address).
package labmemcache

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultTimeout is gomemcache's default per-dial and per-op timeout.
const DefaultTimeout = 500 * time.Millisecond

// DefaultMaxIdleConns is gomemcache's default idle limit per server.
const DefaultMaxIdleConns = 2

// ErrCacheMiss is returned by Get for a key that is not stored.
var ErrCacheMiss = errors.New("memcache: cache miss")

// ConnectTimeoutError is a dial that did not finish within Timeout.
type ConnectTimeoutError struct{ Addr net.Addr }

func (e *ConnectTimeoutError) Error() string {
	return "memcache: connect timeout to " + e.Addr.String()
}

// Client talks to one memcached server.
type Client struct {
	Addr         string
	Timeout      time.Duration
	MaxIdleConns int
	DialContext  func(ctx context.Context, network, address string) (net.Conn, error)

	mu   sync.Mutex
	free []*conn

	// Counters since the client was made.
	Dials, DialErrors, Closes atomic.Int64
	// DialNanos is the wall time of every dial (success or failure), summed.
	DialNanos atomic.Int64
}

type conn struct {
	nc net.Conn
	rw *bufio.ReadWriter
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) maxIdle() int {
	if c.MaxIdleConns > 0 {
		return c.MaxIdleConns
	}
	return DefaultMaxIdleConns
}

// Idle is the number of connections on the free list.
func (c *Client) Idle() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.free)
}

func (c *Client) getFreeConn() *conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.free)
	if n == 0 {
		return nil
	}
	cn := c.free[n-1]
	c.free = c.free[:n-1]
	return cn
}

func (c *Client) putFreeConn(cn *conn) {
	c.mu.Lock()
	if len(c.free) >= c.maxIdle() {
		c.mu.Unlock()
		c.close(cn)
		return
	}
	c.free = append(c.free, cn)
	c.mu.Unlock()
}

func (c *Client) close(cn *conn) {
	c.Closes.Add(1)
	cn.nc.Close()
}

func (c *Client) dial() (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout())
	defer cancel()
	start := time.Now()
	var nc net.Conn
	var err error
	if c.DialContext != nil {
		nc, err = c.DialContext(ctx, "tcp", c.Addr)
	} else {
		var d net.Dialer
		nc, err = d.DialContext(ctx, "tcp", c.Addr)
	}
	c.DialNanos.Add(int64(time.Since(start)))
	c.Dials.Add(1)
	if err != nil {
		c.DialErrors.Add(1)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			addr, _ := net.ResolveTCPAddr("tcp", c.Addr)
			return nil, &ConnectTimeoutError{addr}
		}
		return nil, err
	}
	return nc, nil
}

// getConn pops an idle connection or dials a new one (no cap on open connections).
func (c *Client) getConn() (*conn, error) {
	if cn := c.getFreeConn(); cn != nil {
		return cn, nil
	}
	nc, err := c.dial()
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, rw: bufio.NewReadWriter(bufio.NewReader(nc), bufio.NewWriter(nc))}, nil
}

// condRelease returns the connection after a success or a cache miss, and closes it otherwise.
func (c *Client) condRelease(cn *conn, err *error) {
	if *err == nil || *err == ErrCacheMiss {
		c.putFreeConn(cn)
	} else {
		c.close(cn)
	}
}

// Get fetches one key: ErrCacheMiss when it is not stored, a dial or I/O error otherwise.
func (c *Client) Get(key string) (value []byte, err error) {
	cn, err := c.getConn()
	if err != nil {
		return nil, err
	}
	defer c.condRelease(cn, &err)
	if err = cn.nc.SetDeadline(time.Now().Add(c.timeout())); err != nil {
		return nil, err
	}
	if _, err = fmt.Fprintf(cn.rw, "get %s\r\n", key); err != nil {
		return nil, err
	}
	if err = cn.rw.Flush(); err != nil {
		return nil, err
	}
	return readGetReply(cn.rw.Reader, key)
}

// Set stores a value.
func (c *Client) Set(key string, value []byte) (err error) {
	cn, err := c.getConn()
	if err != nil {
		return err
	}
	defer c.condRelease(cn, &err)
	if err = cn.nc.SetDeadline(time.Now().Add(c.timeout())); err != nil {
		return err
	}
	if _, err = fmt.Fprintf(cn.rw, "set %s 0 0 %d\r\n%s\r\n", key, len(value), value); err != nil {
		return err
	}
	if err = cn.rw.Flush(); err != nil {
		return err
	}
	line, err := cn.rw.ReadSlice('\n')
	if err != nil {
		return err
	}
	if !bytes.Equal(line, []byte("STORED\r\n")) {
		return fmt.Errorf("memcache: unexpected reply to set: %q", line)
	}
	return nil
}

func readGetReply(r *bufio.Reader, key string) ([]byte, error) {
	var value []byte
	for i := 0; i < 2; i++ {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return nil, err
		}
		if bytes.Equal(line, []byte("END\r\n")) {
			if value == nil {
				return nil, ErrCacheMiss
			}
			return value, nil
		}
		// VALUE <key> <flags> <bytes>\r\n
		f := bytes.Fields(line)
		if len(f) != 4 || string(f[0]) != "VALUE" || string(f[1]) != key {
			return nil, fmt.Errorf("memcache: unexpected line in get reply: %q", line)
		}
		n, err := strconv.Atoi(string(f[3]))
		if err != nil {
			return nil, fmt.Errorf("memcache: bad length in get reply: %q", line)
		}
		value = make([]byte, n+2)
		if _, err := io.ReadFull(r, value); err != nil {
			return nil, err
		}
		value = value[:n]
	}
	return nil, fmt.Errorf("memcache: get reply for %q has no END", key)
}

// Close closes every idle connection.
func (c *Client) Close() {
	c.mu.Lock()
	free := c.free
	c.free = nil
	c.mu.Unlock()
	for _, cn := range free {
		c.close(cn)
	}
}
