package busy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// The horizon of the tests: four weeks around the end of summer time
// (Sunday 25 October 2026, 03:00 CEST → 02:00 CET).
var (
	testFrom = time.Date(2026, 10, 12, 0, 0, 0, 0, calendar.Location)
	testTo   = time.Date(2026, 11, 9, 0, 0, 0, 0, calendar.Location)
)

// show writes periods as "2026-10-26 09:00+01–10:00+01" in Swedish time,
// the offset telling summer from winter time.
func show(ps []calendar.BusyPeriod) string {
	var b strings.Builder
	for _, p := range ps {
		s, e := calendar.In(p.Start), calendar.In(p.End)
		end := e.Format("15:04-07")
		if calendar.DateOf(s) != calendar.DateOf(e) {
			end = e.Format("2006-01-02 15:04-07")
		}
		b.WriteString(s.Format("2006-01-02 15:04-07") + "–" + end + "\n")
	}
	return b.String()
}

func TestParseExports(t *testing.T) {
	for _, tc := range []struct {
		file string
		want string
	}{
		{
			// Exchange's "Publicera kalender": a Windows TZID with its
			// VTIMEZONE, Windows TZIDs without one (Romance: Paris time,
			// GMT: London time, an hour behind after 25 October), a
			// "Customized Time Zone", a weekly series with an EXDATE and
			// an instance moved by RECURRENCE-ID, an all-day absence,
			// tentative (busy), free and cancelled (not busy).
			file: "outlook_publicerad.ics",
			want: `2026-10-12 09:00+02–10:00+02
2026-10-21 13:00+02–14:30+02
2026-10-23 00:00+02–2026-10-24 00:00+02
2026-10-26 09:00+01–10:00+01
2026-10-27 11:00+01–12:00+01
2026-10-28 08:00+01–08:30+01
2026-10-29 15:00+01–16:00+01
2026-11-03 14:00+01–15:00+01
`,
		},
		{
			// Google's secret address: a Tuesday and Thursday series with
			// UNTIL in UTC, an EXDATE (22 Oct), an instance moved (27 → 26
			// Oct) and one cancelled by RECURRENCE-ID (3 Nov); a weekly
			// all-day series with an EXDATE (21 Oct); a birthday, which
			// Google makes transparent; a three-day holiday; UTC times on
			// both sides of the change.
			file: "google_hemlig.ics",
			want: `2026-10-13 17:00+02–18:30+02
2026-10-14 00:00+02–2026-10-15 00:00+02
2026-10-15 17:00+02–18:30+02
2026-10-16 14:00+02–15:00+02
2026-10-20 17:00+02–18:30+02
2026-10-26 13:00+01–14:00+01
2026-10-26 18:00+01–19:30+01
2026-10-28 00:00+01–2026-10-29 00:00+01
2026-10-29 17:00+01–18:30+01
2026-11-02 00:00+01–2026-11-05 00:00+01
2026-11-05 17:00+01–18:30+01
`,
		},
		{
			// Nextcloud (SabreDAV): a floating time written by Thunderbird
			// (Swedish time), DURATION instead of DTEND, a weekly series
			// with COUNT, an EXDATE and a moved instance, an all-day event
			// and a transparent one.
			file: "nextcloud_personligt.ics",
			want: `2026-10-14 10:00+02–11:30+02
2026-10-15 08:00+02–08:45+02
2026-10-19 13:00+02–14:00+02
2026-10-22 12:00+02–12:45+02
2026-10-30 09:00+01–11:00+01
2026-11-05 08:00+01–08:45+01
2026-11-06 00:00+01–2026-11-07 00:00+01
`,
		},
		{
			// A VFREEBUSY (Sabre's free-busy answer): BUSY (also by
			// default), BUSY-TENTATIVE as start/duration, BUSY-UNAVAILABLE
			// over midnight; FREE is not busy.
			file: "nextcloud_ledigupptagen.ics",
			want: `2026-10-13 09:00+02–10:30+02
2026-10-20 09:00+02–10:30+02
2026-10-21 14:00+02–15:00+02
2026-10-26 17:00+01–2026-10-27 00:00+01
2026-11-04 14:00+01–14:30+01
`,
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			ps, err := Parse(data, testFrom, testTo)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := show(ps); got != tc.want {
				t.Errorf("busy periods:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}
