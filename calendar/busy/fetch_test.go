package busy

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

var fetchNow = time.Date(2026, 10, 12, 8, 0, 0, 0, calendar.Location)

// testFetcher reaches the test's own server, with small bounds.
func testFetcher() *Fetcher {
	return &Fetcher{AllowInternal: true, MaxBytes: 64 << 10, Timeout: 200 * time.Millisecond, HorizonMonths: 1}
}

func TestFetch(t *testing.T) {
	google, err := os.ReadFile("testdata/google_hemlig.ics")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	defer close(release)
	mux := http.NewServeMux()
	mux.HandleFunc("/kalender.ics", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.Header().Set("ETag", `"v1"`)
		w.Write(google)
	})
	mux.HandleFunc("/flyttad", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/kalender.ics", http.StatusFound)
	})
	mux.HandleFunc("/snurra", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/snurra", http.StatusFound)
	})
	mux.HandleFunc("/stor.ics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		w.Write([]byte("BEGIN:VCALENDAR\r\n"))
		w.(http.Flusher).Flush() // no Content-Length: the limit must count
		w.Write([]byte(strings.Repeat("X-PADDING:"+strings.Repeat("x", 62)+"\r\n", 1200)))
	})
	mux.HandleFunc("/langsam.ics", func(w http.ResponseWriter, r *http.Request) {
		select { // answers only when the fetcher has given up
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/sida", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!DOCTYPE html><html lang=en><title>Sign in to Outlook</title></html>"))
	})
	mux.HandleFunc("/fel.ics", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx := context.Background()

	t.Run("good, then not modified", func(t *testing.T) {
		f := testFetcher()
		got := f.Fetch(ctx, srv.URL+"/kalender.ics", "", "", fetchNow)
		if got.Error != "" || len(got.Periods) != 14 || got.ETag != `"v1"` {
			t.Fatalf("Fetch = error %q, %d periods, ETag %q; want 14 (11 in the four weeks, 3 in the week before) and ETag \"v1\"", got.Error, len(got.Periods), got.ETag)
		}
		again := f.Fetch(ctx, srv.URL+"/kalender.ics", got.ETag, "", fetchNow)
		if !again.NotModified || again.Error != "" || again.Periods != nil {
			t.Errorf("Fetch with the ETag = %+v, want NotModified", again)
		}
		// webcal:// is https://; a redirect is followed.
		if got := f.Fetch(ctx, srv.URL+"/flyttad", "", "", fetchNow); got.Error != "" || len(got.Periods) != 14 {
			t.Errorf("Fetch through a redirect = %q, %d periods; want 14", got.Error, len(got.Periods))
		}
	})
	for _, tc := range []struct{ name, path, want string }{
		{"too large", "/stor.ics", "Kalendern är för stor: mer än 0 MiB"},
		{"too slow", "/langsam.ics", "Kalendern svarade inte inom 200 millisekunder"},
		{"not iCalendar", "/sida", "Adressen ger en webbsida, inte en kalender"},
		{"HTTP error", "/fel.ics", "Kalenderns server har fel just nu (svar 500)"},
		{"not found", "/finns-inte.ics", "Det finns ingen kalender på adressen (svar 404)"},
		{"redirect loop", "/snurra", "Adressen skickar vidare för många gånger"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := testFetcher().Fetch(ctx, srv.URL+tc.path, "", "", fetchNow)
			if !strings.HasPrefix(got.Error, tc.want) || got.Periods != nil {
				t.Errorf("Fetch(%s) error = %q, want it to start %q and no periods", tc.path, got.Error, tc.want)
			}
			if strings.Contains(got.Error, srv.URL) || strings.Contains(got.Error, "127.0.0.1") {
				t.Errorf("the error %q shows the address", got.Error)
			}
		})
	}
	t.Run("internal addresses refused by default", func(t *testing.T) {
		// The test server is on 127.0.0.1: a Fetcher without
		// AllowInternal refuses it when dialling, also behind a name.
		f := &Fetcher{Timeout: time.Second}
		for _, u := range []string{srv.URL + "/kalender.ics", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/kalender.ics"} {
			got := f.Fetch(ctx, u, "", "", fetchNow)
			if !strings.HasPrefix(got.Error, "Adressen pekar på ett internt nät") {
				t.Errorf("Fetch(%s) error = %q, want the internal-address refusal", u, got.Error)
			}
		}
	})
}

func TestCheckURL(t *testing.T) {
	for in, want := range map[string]string{
		"  https://outlook.office365.com/owa/calendar/abc@region.se/xyz/calendar.ics ": "https://outlook.office365.com/owa/calendar/abc@region.se/xyz/calendar.ics",
		"webcal://p52-caldav.icloud.com/published/2/MTIz":                              "https://p52-caldav.icloud.com/published/2/MTIz",
		"http://moln.example.se/remote.php/dav/public-calendars/k3y?export#x":          "http://moln.example.se/remote.php/dav/public-calendars/k3y?export",
	} {
		if got, err := (&Fetcher{}).CheckURL(in); err != nil || got != want {
			t.Errorf("CheckURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"":                         "Skriv kalenderns adress.",
		"file:///etc/passwd":       "Adressen måste börja med https://",
		"ftp://example.se/k.ics":   "Adressen måste börja med https://",
		"kalender.ics":             "Adressen måste börja med https://",
		"https:///k.ics":           "Adressen saknar en server",
		"http://169.254.169.254/x": "Adressen pekar på ett internt nät",
		"http://[::1]:8080/k.ics":  "Adressen pekar på ett internt nät",
		"https://10.1.2.3/k.ics":   "Adressen pekar på ett internt nät",
		"https://x.se/" + strings.Repeat("a", 2000): "Adressen är för lång",
	} {
		if _, err := (&Fetcher{}).CheckURL(in); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("CheckURL(%.40q) = %v, want %q", in, err, want)
		}
	}
}
