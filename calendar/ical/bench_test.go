package ical_test

import (
	"strconv"
	"testing"

	"github.com/samkal/samkal/calendar/ical"
)

// BenchmarkEncode renders a feed of 10 and of 1,000 meetings, each with a
// room, a link and an agenda, as the region-wide feed has them. The figures
// are in docs/benchmarks.md under "Feed rendering".
func BenchmarkEncode(b *testing.B) {
	for _, n := range []int{10, 1000} {
		f := bigFeed(n)
		b.Run(strconv.Itoa(n)+"_meetings", func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				size = len(ical.Encode(f))
			}
			b.ReportMetric(float64(size), "bytes/feed")
		})
	}
}
