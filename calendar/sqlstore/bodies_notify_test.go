package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

func TestBodyNotify(t *testing.T) {
	runSuite(t, time.Date(2025, 1, 10, 9, 0, 0, 0, calendar.Location), []suiteCase{
		{"RoundTrip", testBodyNotifyRoundTrip},
		{"Update", testBodyNotifyUpdate},
		{"Invalid", testBodyNotifyInvalid},
	})
}

// notifyText is n as "call/deadline/notice", "-" for the server's default.
func notifyText(n calendar.BodyNotify) string {
	f := func(v *int) string {
		if v == nil {
			return "-"
		}
		return fmt.Sprint(*v)
	}
	return f(n.CallDays) + "/" + f(n.CallDeadlineDays) + "/" + f(n.NoticeDays)
}

func (e *env) bodyNotify(slug string) string {
	e.t.Helper()
	b, err := e.s.FindBodyBySlug(e.ctx, slug)
	must(e.t, err)
	return notifyText(b.Notify)
}

func testBodyNotifyRoundTrip(t *testing.T, e *env) {
	for _, tc := range []struct {
		slug   string
		notify calendar.BodyNotify
		want   string
	}{
		{"defaults", calendar.BodyNotify{}, "-/-/-"},
		{"all-set", calendar.BodyNotify{CallDays: ptr(14), CallDeadlineDays: ptr(7), NoticeDays: ptr(5)}, "14/7/5"},
		// 0 turns an email off: it must not read back as "default".
		{"calls-off", calendar.BodyNotify{CallDays: ptr(0), NoticeDays: ptr(10)}, "0/-/10"},
		{"deadline-only", calendar.BodyNotify{CallDeadlineDays: ptr(3)}, "-/3/-"},
	} {
		t.Run(tc.slug, func(t *testing.T) {
			b := &calendar.Body{Slug: tc.slug, Name: "Organ " + tc.slug, Kind: calendar.BodySpecificCouncil, Visibility: calendar.Public,
				Notify: tc.notify}
			must(t, e.s.CreateBody(e.ctx, b))
			if got := e.bodyNotify(tc.slug); got != tc.want {
				t.Errorf("FindBodyBySlug notify = %s, want %s", got, tc.want)
			}
			cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("body"), EntityID: &b.ID, Limit: 1})
			must(t, err)
			recorded := cs[0].Fields["call_days"].New + "/" + cs[0].Fields["call_deadline_days"].New + "/" + cs[0].Fields["notice_days"].New
			// The record of changes writes the default as "".
			if want := strings.ReplaceAll(tc.want, "-", ""); recorded != want {
				t.Errorf("recorded creation = %q, want %q", recorded, want)
			}
		})
	}
	all, err := e.s.FindBodies(e.ctx, calendar.BodyFilter{})
	must(t, err)
	got := map[string]string{}
	for _, b := range all {
		got[b.Slug] = notifyText(b.Notify)
	}
	if got["all-set"] != "14/7/5" || got["calls-off"] != "0/-/10" || got["defaults"] != "-/-/-" {
		t.Errorf("FindBodies notify = %v", got)
	}
}

func testBodyNotifyUpdate(t *testing.T, e *env) {
	b := &calendar.Body{Slug: "regionala-samverkansradet", Name: "Regionala samverkansrådet", Kind: calendar.BodyRegionalCouncil,
		Visibility: calendar.Public, MinutesNeedApproval: true, Notify: calendar.BodyNotify{CallDays: ptr(14), CallDeadlineDays: ptr(7), NoticeDays: ptr(5)}}
	must(t, e.s.CreateBody(e.ctx, b))

	// Other fields leave the timings alone.
	_, err := e.s.UpdateBody(e.ctx, b.Slug, calendar.BodyUpdate{Description: ptr("Det politiska rådet.")})
	must(t, err)
	if got := e.bodyNotify(b.Slug); got != "14/7/5" {
		t.Errorf("after updating the description: notify %s, want 14/7/5", got)
	}

	// Notify replaces all three.
	updated := e.clock.Advance(time.Hour)
	notice := 3
	u, err := e.s.UpdateBody(e.ctx, b.Slug, calendar.BodyUpdate{Notify: &calendar.BodyNotify{NoticeDays: &notice}})
	must(t, err)
	notice = 99 // the caller's variable is not the stored body's
	if got := notifyText(u.Notify); got != "-/-/3" {
		t.Errorf("UpdateBody notify = %s, want -/-/3", got)
	}
	if got := e.bodyNotify(b.Slug); got != "-/-/3" {
		t.Errorf("stored notify = %s, want -/-/3", got)
	}
	sameTime(t, "UpdatedAt", u.UpdatedAt, updated)
	cs, err := e.s.FindChanges(e.ctx, calendar.ChangeFilter{Entity: ptr("body"), EntityID: &b.ID, Limit: 1})
	must(t, err)
	want := map[string]calendar.FieldChange{
		"call_days": {Old: "14", New: ""}, "call_deadline_days": {Old: "7", New: ""}, "notice_days": {Old: "5", New: "3"},
	}
	if len(cs[0].Fields) != len(want) {
		t.Errorf("recorded fields = %v, want %v", cs[0].Fields, want)
	}
	for k, w := range want {
		if cs[0].Fields[k] != w {
			t.Errorf("recorded %s = %+v, want %+v", k, cs[0].Fields[k], w)
		}
	}

	// The same timings again change nothing.
	before := e.changeCount()
	e.clock.Advance(time.Hour)
	same, err := e.s.UpdateBody(e.ctx, b.Slug, calendar.BodyUpdate{Notify: &calendar.BodyNotify{NoticeDays: ptr(3)}})
	must(t, err)
	if n := e.changeCount(); n != before || !same.UpdatedAt.Equal(updated) {
		t.Errorf("an unchanged Notify recorded %d changes and moved UpdatedAt to %v", n-before, same.UpdatedAt)
	}
	// Back to the server's defaults.
	_, err = e.s.UpdateBody(e.ctx, b.Slug, calendar.BodyUpdate{Notify: &calendar.BodyNotify{}})
	must(t, err)
	if got := e.bodyNotify(b.Slug); got != "-/-/-" {
		t.Errorf("after clearing: notify %s, want -/-/-", got)
	}
}

func testBodyNotifyInvalid(t *testing.T, e *env) {
	e.body("chefsgrupp-folkhalsa", calendar.Public)
	for _, tc := range []struct {
		name   string
		notify calendar.BodyNotify
		want   string
	}{
		{"too many days", calendar.BodyNotify{CallDays: ptr(400)}, "call_days must be between 0 and 365 days, not 400"},
		{"negative", calendar.BodyNotify{NoticeDays: ptr(-1)}, "notice_days must be between 0 and 365 days, not -1"},
		{"deadline before the call", calendar.BodyNotify{CallDays: ptr(7), CallDeadlineDays: ptr(7)},
			"call_deadline_days (7) must be fewer than call_days (7)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := e.s.CreateBody(e.ctx, &calendar.Body{Slug: "ny", Name: "Ny", Kind: calendar.BodyWorkingGroup, Visibility: calendar.Public, Notify: tc.notify})
			wantErr(t, err, calendar.EINVALID, tc.want)
			_, err = e.s.FindBodyBySlug(e.ctx, "ny")
			wantErr(t, err, calendar.ENOTFOUND)
			_, err = e.s.UpdateBody(e.ctx, "chefsgrupp-folkhalsa", calendar.BodyUpdate{Notify: &tc.notify})
			wantErr(t, err, calendar.EINVALID, tc.want)
			if got := e.bodyNotify("chefsgrupp-folkhalsa"); got != "-/-/-" {
				t.Errorf("a refused update stored notify %s", got)
			}
		})
	}
}
