package main

import "sort"

// quantiles of a sample in microseconds: nearest rank on the sorted values.
type quantiles struct {
	N    int     `json:"n"`
	P10  float64 `json:"p10"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Mean float64 `json:"mean"`
}

func quantilesUs(ns []int64) quantiles {
	if len(ns) == 0 {
		return quantiles{}
	}
	s := append([]int64(nil), ns...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(p float64) float64 {
		i := int(p*float64(len(s))+0.999999) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(s) {
			i = len(s) - 1
		}
		return float64(s[i]) / 1e3
	}
	var sum int64
	for _, v := range s {
		sum += v
	}
	return quantiles{N: len(s), P10: at(0.1), P50: at(0.5), P90: at(0.9), P99: at(0.99), Mean: float64(sum) / float64(len(s)) / 1e3}
}
