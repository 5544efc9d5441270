package main

import (
	"math/rand"
	"sort"
)

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

// examinedStats is the distribution, over every start a bind(ip, 0) can draw, of the ports it examines in
// the current layout (the one it takes included): what the model's linear-probing formula estimates.
type examinedStats struct {
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
}

// examined computes examinedStats exactly from the layout: for each odd offset (each is drawn with the
// same probability, Intn(remaining) | 1), the distance to the first free port of that parity, wrapping;
// when the odd parity is full, all of it plus the same search of the even parity from offset - 1. Valid
// while the ports the fill marked used are the ones held (bind mode); nil when no port is free.
func (b *bindOrder) examined() *examinedStats {
	half := b.remaining / 2
	dist := func(parity int) []int {
		// d[i]: ports examined from index i of this parity (i -> port offset 2i + parity).
		d := make([]int, half)
		free := -1
		for i := 0; i < half; i++ {
			if !b.used[2*i+parity] {
				free = i
				break
			}
		}
		if free < 0 {
			return nil
		}
		// Walk backwards from a free index around the circle: each used index examines one more than the
		// index after it.
		next := 0
		for k := 0; k < half; k++ {
			i := ((free-k)%half + half) % half
			if !b.used[2*i+parity] {
				next = 1
			} else {
				next++
			}
			d[i] = next
		}
		return d
	}
	counts := dist(1)
	if counts == nil {
		even := dist(0)
		if even == nil {
			return nil
		}
		// offset - 1 of odd index i is even index i.
		counts = make([]int, half)
		for i := range even {
			counts[i] = half + even[i]
		}
	}
	s := append([]int(nil), counts...)
	sort.Ints(s)
	sum := 0
	for _, v := range s {
		sum += v
	}
	return &examinedStats{Mean: float64(sum) / float64(half), P50: float64(s[(half-1)/2])}
}
