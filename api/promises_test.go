package api_test

import (
	"strings"
	"testing"
)

// TestPersonalFeedLinksOnlyPages: an event's "Mer information" link (and
// URL) leads to the meeting's page, which exists only for a public
// meeting; a restricted meeting in a member's own feed links none rather
// than "Sidan finns inte".
func TestPersonalFeedLinksOnlyPages(t *testing.T) {
	e := newEnv(t, nil)
	f := seed(t, e)
	events := feed(t, e, "/feeds/people/"+f.maria.FeedToken+".ics").text()
	var restricted, public string
	for _, ev := range strings.Split(events, "BEGIN:VEVENT")[1:] {
		switch {
		case strings.Contains(ev, "UID:"+f.restricted.UID):
			restricted = ev
		case strings.Contains(ev, "UID:"+f.mixed.UID):
			public = ev
		}
	}
	if restricted == "" || public == "" {
		t.Fatalf("Maria's feed lacks the restricted or the mixed meeting:\n%s", events)
	}
	unfold := func(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }
	if strings.Contains(unfold(restricted), "/moten/") {
		t.Errorf("the restricted meeting links a page that does not exist for anyone:\n%s", restricted)
	}
	if !strings.Contains(unfold(public), "URL:https://samkal.example.se/moten/") {
		t.Errorf("the public meeting does not link its page:\n%s", public)
	}
}
