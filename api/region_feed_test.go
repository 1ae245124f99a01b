package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// TestRegionFeedBounded: the region's feed of everything reaches back a
// year; the body's own feed keeps its whole history (five years).
func TestRegionFeedBounded(t *testing.T) {
	e := newEnv(t, nil)
	seed(t, e)
	ctx := context.Background()
	old := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"chefsgrupp-folkhalsa"}, Title: "Gammalt möte",
		Start: start.AddDate(-2, 0, 0), End: start.AddDate(-2, 0, 0).Add(2 * time.Hour), Status: calendar.StatusConfirmed}
	recent := &calendar.Meeting{Kind: calendar.KindMeeting, Bodies: []string{"chefsgrupp-folkhalsa"}, Title: "Möte i höstas",
		Start: start.AddDate(0, -11, 0), End: start.AddDate(0, -11, 0).Add(2 * time.Hour), Status: calendar.StatusConfirmed}
	for _, m := range []*calendar.Meeting{old, recent} {
		must(t, e.store.CreateMeeting(ctx, m))
	}
	body := e.get("/feeds/bodies/chefsgrupp-folkhalsa.ics").text()
	all := e.get("/feeds/all.ics").text()
	if !strings.Contains(body, old.UID) || !strings.Contains(body, recent.UID) {
		t.Error("the body's feed lost its history")
	}
	if strings.Contains(all, old.UID) || !strings.Contains(all, recent.UID) {
		t.Errorf("the region's feed: a meeting two years ago shown %v, eleven months ago shown %v; want false, true",
			strings.Contains(all, old.UID), strings.Contains(all, recent.UID))
	}
}
