package main

import "math/rand"

// bindOrder replays in user space the order in which the kernel's bind(ip, 0) picks ports
// (net/ipv4/inet_connection_sock.c, inet_csk_find_open_port, Linux >= 4.6, no SO_REUSEADDR): the range
// [low, high] is taken as [low, high+1) rounded down to an even size; the scan starts at a random odd
// offset, steps by 2 (wrapping) over that parity, and only when every port of it is taken restarts one
// below the offset, on the other parity. Filling the range by explicit-port binds at the ports this
// returns gives the layout that port-0 binds would have made, in a fraction of the time.
type bindOrder struct {
	low, remaining int
	used           []bool
	rng            *rand.Rand
}

func newBindOrder(low, high int, rng *rand.Rand) *bindOrder {
	remaining := high + 1 - low
	if remaining > 1 {
		remaining &^= 1
	}
	return &bindOrder{low: low, remaining: remaining, used: make([]bool, high+1-low), rng: rng}
}

// next returns the port a bind(ip, 0) would get now, and marks it used; -1 when none is free.
func (b *bindOrder) next() int {
	offset := (b.rng.Intn(b.remaining)) | 1
	for parity := 0; parity < 2; parity++ {
		for i := 0; i < b.remaining; i += 2 {
			off := (offset + i) % b.remaining
			if !b.used[off] {
				b.used[off] = true
				return b.low + off
			}
		}
		offset--
	}
	return -1
}
