// Command fixedbytes is the floor that docs/benchmarks.md compares Samkal's
// feed serving with: a plain net/http server that fetches one feed from a
// running Samkal server once, at start, and then answers every request with
// the same bytes and the same headers (200 plain or gzipped by
// Accept-Encoding, 304 for a matching If-None-Match), and does nothing
// else: no routing, no logging, no metrics.
//
//	go run ./docs/bench/fixedbytes -from http://127.0.0.1:8080/feeds/all.ics -addr 127.0.0.1:8081
//
// Both addresses must be on this machine (loopback): it is a load-test
// target, never anything else.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	from := flag.String("from", "http://127.0.0.1:8080/feeds/all.ics", "feed to copy (loopback only)")
	addr := flag.String("addr", "127.0.0.1:8081", "address to serve on (loopback only)")
	flag.Parse()
	u, err := url.Parse(*from)
	if err != nil || !loopback(u.Hostname()) {
		log.Fatalf("fixedbytes: -from %q is not a URL on this machine (127.0.0.0/8, localhost or [::1])", *from)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !loopback(host) {
		log.Fatalf("fixedbytes: -addr %q is not a loopback host:port", *addr)
	}
	plain, plainHdr := fetch(*from, "")
	gz, gzHdr := fetch(*from, "gzip")
	fmt.Fprintf(os.Stderr, "fixedbytes: serving %d bytes (%d gzipped) from %s on %s\n", len(plain), len(gz), *from, *addr)

	srv := &http.Server{Addr: *addr, ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, hdr := plain, plainHdr
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			body, hdr = gz, gzHdr
		}
		h := w.Header()
		for k, v := range hdr {
			h[k] = v
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == plainHdr.Get("Etag") || inm == gzHdr.Get("Etag")) {
			h.Del("Content-Length")
			h.Del("Content-Type")
			h.Del("Content-Encoding")
			h.Del("Content-Disposition")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})}
	log.Fatal(srv.ListenAndServe())
}

// fetch gets the feed once and keeps the headers a feed answer carries.
func fetch(from, encoding string) ([]byte, http.Header) {
	req, _ := http.NewRequest(http.MethodGet, from, nil)
	if encoding != "" {
		req.Header.Set("Accept-Encoding", encoding) // set by hand: the transport then leaves the bytes compressed
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatalf("fixedbytes: %v", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		log.Fatalf("fixedbytes: GET %s: %d %v", from, res.StatusCode, err)
	}
	h := http.Header{}
	for _, k := range []string{"Content-Type", "Content-Disposition", "Cache-Control", "Vary", "Last-Modified", "Etag",
		"X-Content-Type-Options", "Content-Encoding"} {
		if v := res.Header.Values(k); len(v) > 0 {
			h[k] = v
		}
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	return body, h
}

// loopback reports whether host is on this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
