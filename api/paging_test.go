package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPaging: the API's lists come a page at a time. Following "next"
// from a small limit gives every item once, in the same order as one
// large page; the last page has no next; a bad limit or a cursor the
// server never gave is a 400 in words.
func TestPaging(t *testing.T) {
	e := newEnv(t, nil)
	loadExample(t, e)
	type item struct {
		ID   int64  `json:"id"`
		Slug string `json:"slug"`
		Key  string `json:"key"`
	}
	type page struct {
		Items []item `json:"items"`
		Next  string `json:"next"`
	}
	for _, list := range []string{"/api/v1/meetings", "/api/v1/meetings?year=2025", "/api/v1/people", "/api/v1/bodies",
		"/api/v1/memberships", "/api/v1/organisations", "/api/v1/rooms", "/api/v1/booking-windows"} {
		t.Run(list, func(t *testing.T) {
			whole := decode[page](t, e.adminGet(list))
			if whole.Next != "" || len(whole.Items) < 2 {
				t.Fatalf("%s in one page: %d items, next %q; want all (at least 2) and no next", list, len(whole.Items), whole.Next)
			}
			sep := "?"
			if strings.Contains(list, "?") {
				sep = "&"
			}
			var got []item
			pages := 0
			for path := list + sep + "limit=3"; path != ""; pages++ {
				r := e.adminGet(path)
				if r.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d %s", path, r.StatusCode, r.body)
				}
				p := decode[page](t, r)
				if len(p.Items) > 3 || (p.Next != "" && len(p.Items) != 3) {
					t.Fatalf("%s: %d items with next %q; want 3 on every page but the last", path, len(p.Items), p.Next)
				}
				got = append(got, p.Items...)
				if p.Next != "" && !strings.Contains(p.Next, "limit=3") {
					t.Fatalf("next %q drops the limit", p.Next)
				}
				path = p.Next
				if pages > len(whole.Items) {
					t.Fatal("next never ends")
				}
			}
			if len(got) != len(whole.Items) || pages != (len(whole.Items)+2)/3 {
				t.Fatalf("%d items in %d pages; want %d in %d", len(got), pages, len(whole.Items), (len(whole.Items)+2)/3)
			}
			for i := range got {
				if got[i] != whole.Items[i] {
					t.Fatalf("item %d: paged %+v, whole %+v", i, got[i], whole.Items[i])
				}
			}
		})
	}
	wantProblem(t, e.adminGet("/api/v1/meetings?limit=0"), http.StatusBadRequest, "limit", "1 to 1000")
	wantProblem(t, e.adminGet("/api/v1/meetings?limit=5000"), http.StatusBadRequest, "limit")
	wantProblem(t, e.adminGet("/api/v1/people?cursor=!!!"), http.StatusBadRequest, "cursor", "next")
	// Well-formed base64, but no meeting's place.
	wantProblem(t, e.adminGet("/api/v1/meetings?cursor=bm9uc2Vuc2U"), http.StatusBadRequest, "cursor", "next")
}
