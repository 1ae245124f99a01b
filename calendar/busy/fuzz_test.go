package busy

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParse: whatever a calendar server sends, Parse returns periods that
// lie in the horizon, start before they end and do not overlap, or an
// *Error – and never panics or runs away.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.ics")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261020\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := Parse(data, testFrom, testTo)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Parse error %T %v, want *Error", err, err)
			}
			return
		}
		var last time.Time
		for _, p := range ps {
			if p.Start.Before(testFrom) || p.End.After(testTo) || !p.End.After(p.Start) || p.Start.Before(last) {
				t.Fatalf("period %v–%v out of order or outside %v–%v", p.Start, p.End, testFrom, testTo)
			}
			last = p.End
		}
	})
}

// FuzzCheckURL: an address either comes back as an absolute http(s) URL
// with a host, no longer than the limit, or is refused with an *Error.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"https://outlook.office365.com/owa/calendar/x/y/calendar.ics", "webcal://p52-caldav.icloud.com/published/2/x",
		"http://10.0.0.1/", "javascript:alert(1)", "https://[::1]/", "https://user:pass@host/x#frag", " "} {
		f.Add(s)
	}
	fe := &Fetcher{}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := fe.CheckURL(raw)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("CheckURL error %T, want *Error", err)
			}
			return
		}
		u, perr := url.Parse(got)
		if perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.Fragment != "" {
			t.Fatalf("CheckURL(%q) = %q, not an absolute http(s) URL with a host", raw, got)
		}
	})
}
