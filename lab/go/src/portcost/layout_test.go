package main

import (
	"math/rand"
	"testing"
)

// A layout small enough to count by hand: 8 ports (offsets 0-7), odd offsets 1, 3, 5, 7.
func TestExaminedByHand(t *testing.T) {
	b := newBindOrder(100, 107, rand.New(rand.NewSource(1)))
	if e := b.examined(); e.Mean != 1 || e.P50 != 1 {
		t.Fatalf("empty range: got %+v, want mean 1, p50 1", *e)
	}
	// Odd offsets 1 and 3 used: from 1 a bind examines 1, 3, 5 (3 ports); from 3, 2; from 5 and 7, 1.
	b.used[1], b.used[3] = true, true
	if e := b.examined(); e.Mean != 7.0/4 || e.P50 != 1 {
		t.Fatalf("two held: got %+v, want mean 1.75, p50 1", *e)
	}
	// Odd parity full, even offset 4 free only: from odd index i the search takes the 4 odd ports, then
	// even offsets from 2i upward: index 0 -> 0, 2, 4 (3); 1 -> 2, 4 (2); 2 -> 4 (1); 3 -> 6, 0, 2, 4 (4).
	b.used[5], b.used[7], b.used[0], b.used[2], b.used[6] = true, true, true, true, true
	if e := b.examined(); e.Mean != 4+10.0/4 || e.P50 != 6 {
		t.Fatalf("odd full: got %+v, want mean 6.5, p50 6", *e)
	}
	b.used[4] = true
	if e := b.examined(); e != nil {
		t.Fatalf("full range: got %+v, want nil", *e)
	}
}

// The exact figures agree with bind(ip, 0) replayed from random starts (next() without marking).
func TestExaminedMatchesReplay(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	b := newBindOrder(32768, 60999, rng)
	for i := 0; i < 27_000; i++ {
		b.next()
	}
	e := b.examined()
	sum := 0
	const draws = 200_000
	for d := 0; d < draws; d++ {
		offset := rng.Intn(b.remaining) | 1
		n := 0
	scan:
		for parity := 0; parity < 2; parity++ {
			for i := 0; i < b.remaining; i += 2 {
				n++
				if !b.used[(offset+i)%b.remaining] {
					break scan
				}
			}
			offset--
		}
		sum += n
	}
	replay := float64(sum) / draws
	if replay < e.Mean*0.97 || replay > e.Mean*1.03 {
		t.Fatalf("replayed mean %.1f, exact %.1f", replay, e.Mean)
	}
}
