package notify_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/notify"
	"github.com/samkal/samkal/notify/mail"
)

// BenchmarkDeliver sends 10,000 queued emails from a SQLite outbox to an
// in-process SMTP sink, one connection per message (mail.Sender), with
// RSA-2048 and Ed25519 keys, signed when enqueued (the outbox holds the
// final bytes, the way Samkal works) or by the Sender at send time (for
// comparison). Each iteration delivers all 10,000; run it with
// -benchtime=1x. It reports messages per second of delivery, enqueue
// (compose, sign, insert) per second, and the peak heap in use during
// delivery. Figures: docs/benchmarks.md, "Email delivery".
func BenchmarkDeliver(b *testing.B) {
	const n = 10000
	for _, key := range []string{"ed25519", "rsa2048"} {
		for _, at := range []string{"enqueue", "send"} {
			b.Run(fmt.Sprintf("%s/sign-at-%s", key, at), func(b *testing.B) {
				signer := newSigner(b, key)
				s := startSink(b, false)
				var delivered time.Duration
				var enqueued time.Duration
				var peak uint64
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					b.StopTimer()
					st, err := sqlstore.Open(context.Background(), filepath.Join(b.TempDir(), fmt.Sprintf("bench%d.db", i)), sqlstore.Options{})
					if err != nil {
						b.Fatal(err)
					}
					t0 := time.Now()
					snd := s.sender(nil)
					if at == "enqueue" {
						enqueue(b, st, signer, n)
					} else {
						enqueue(b, st, nil, n)
						snd = s.sender(signer)
					}
					enqueued += time.Since(t0)
					d := &notify.Deliverer{Store: st, Sender: snd, From: "bounce@region.test.example",
						Worker: notify.NewWorkerName(), Batch: 100}
					runtime.GC()
					stop := samplePeakHeap(&peak)
					b.StartTimer()
					t1 := time.Now()
					stats, err := d.RunOnce(context.Background(), false)
					delivered += time.Since(t1)
					b.StopTimer()
					stop()
					if err != nil || stats.Sent != n {
						b.Fatalf("got %+v, %v; want %d sent", stats, err, n)
					}
					st.Close()
					b.StartTimer()
				}
				b.StopTimer()
				if got := len(s.counts()); got != n {
					b.Fatalf("sink got %d distinct messages, want %d", got, n)
				}
				b.ReportMetric(float64(n*b.N)/delivered.Seconds(), "msgs/s")
				b.ReportMetric(float64(n*b.N)/enqueued.Seconds(), "enqueued/s")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			})
		}
	}
}

// samplePeakHeap records the largest HeapInuse seen into *peak until the
// returned stop is called.
func samplePeakHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			*peak = max(*peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

var _ calendar.OutboxStore = (*sqlstore.Store)(nil)
var _ notify.Sender = (*mail.Sender)(nil)
