package busy

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// cal wraps VEVENT lines into a calendar.
func cal(lines ...string) []byte {
	return []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VCALENDAR\r\n")
}

func event(lines ...string) string {
	return "BEGIN:VEVENT\r\nUID:" + fmt.Sprint(len(lines)) + lines[0] + "\r\n" + strings.Join(lines, "\r\n") + "\r\nEND:VEVENT"
}

func TestParseQuirks(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"mozilla prefixed TZID", cal(event("DTSTART;TZID=/mozilla.org/20050126_1/America/New_York:20261020T090000",
			"DTEND;TZID=/mozilla.org/20050126_1/America/New_York:20261020T100000")),
			"2026-10-20 15:00+02–16:00+02\n"},
		{"quoted Windows TZID", cal(event(`DTSTART;TZID="Eastern Standard Time":20261020T090000`,
			`DTEND;TZID="Eastern Standard Time":20261020T100000`)),
			"2026-10-20 15:00+02–16:00+02\n"},
		{"unknown TZID is Swedish time", cal(event("DTSTART;TZID=Mars Standard Time:20261020T090000",
			"DTEND;TZID=Mars Standard Time:20261020T100000")),
			"2026-10-20 09:00+02–10:00+02\n"},
		{"VTIMEZONE by X-LIC-LOCATION", cal("BEGIN:VTIMEZONE\r\nTZID:Min zon\r\nX-LIC-LOCATION:Europe/London\r\nBEGIN:STANDARD\r\nDTSTART:19701025T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE",
			event("DTSTART;TZID=Min zon:20261020T090000", "DTEND;TZID=Min zon:20261020T100000")),
			"2026-10-20 10:00+02–11:00+02\n"},
		{"VTIMEZONE without daylight time is a fixed offset", cal("BEGIN:VTIMEZONE\r\nTZID:(UTC+05:30) Chennai\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\nEND:VTIMEZONE",
			event(`DTSTART;TZID="(UTC+05:30) Chennai":20261020T150000`, `DTEND;TZID="(UTC+05:30) Chennai":20261020T160000`)),
			"2026-10-20 11:30+02–12:30+02\n"},
		{"clipped to the horizon", cal(event("DTSTART:20261011T220000", "DTEND:20261012T020000"),
			event("DTSTART:20261108T230000", "DTEND:20261109T010000"),
			event("DTSTART:20261001T090000", "DTEND:20261001T100000")),
			"2026-10-12 00:00+02–02:00+02\n2026-11-08 23:00+01–2026-11-09 00:00+01\n"},
		{"overlapping and touching periods merge", cal(event("DTSTART:20261020T090000", "DTEND:20261020T100000"),
			event("DTSTART:20261020T093000", "DTEND:20261020T110000"),
			event("DTSTART:20261020T110000", "DTEND:20261020T113000")),
			"2026-10-20 09:00+02–11:30+02\n"},
		{"an event of no length blocks nothing", cal(event("DTSTART:20261020T090000")), ""},
		{"all-day without DTEND is one day", cal(event("DTSTART;VALUE=DATE:20261020")),
			"2026-10-20 00:00+02–2026-10-21 00:00+02\n"},
		{"all-day series over the change keeps midnight", cal(event("DTSTART;VALUE=DATE:20261024", "RRULE:FREQ=DAILY;COUNT=2")),
			"2026-10-24 00:00+02–2026-10-26 00:00+01\n"},
		{"date-only UNTIL takes in its day", cal(event("DTSTART:20261019T170000", "DTEND:20261019T180000", "RRULE:FREQ=DAILY;UNTIL=20261020")),
			"2026-10-19 17:00+02–18:00+02\n2026-10-20 17:00+02–18:00+02\n"},
		{"RDATE adds, EXDATE in UTC removes", cal(event("DTSTART;TZID=Europe/Stockholm:20261019T170000", "DURATION:PT1H",
			"RRULE:FREQ=WEEKLY;COUNT=2", "RDATE;TZID=Europe/Stockholm:20261021T080000", "EXDATE:20261026T160000Z")),
			"2026-10-19 17:00+02–18:00+02\n2026-10-21 08:00+02–09:00+02\n"},
		{"a series that began long ago", cal(event("DTSTART;TZID=Europe/Stockholm:19990104T090000", "DTEND;TZID=Europe/Stockholm:19990104T093000",
			"RRULE:FREQ=WEEKLY;BYDAY=MO;INTERVAL=2")),
			"2026-10-19 09:00+02–09:30+02\n2026-11-02 09:00+01–09:30+01\n"},
		{"a broken rule skips its event only", cal(event("DTSTART:20261019T090000", "DTEND:20261019T100000", "RRULE:FREQ=FORTNIGHTLY"),
			event("DTSTART:20261020T090000", "DTEND:20261020T100000")),
			"2026-10-20 09:00+02–10:00+02\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := Parse(tc.data, testFrom, testTo)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := show(ps); got != tc.want {
				t.Errorf("busy periods:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"HTML", []byte("<!DOCTYPE html>\n<html><head><title>Outlook</title></head></html>"), "Adressen ger en webbsida, inte en kalender"},
		{"JSON", []byte(`{"error":"nope"}`), "Adressen ger ingen kalender i formatet iCalendar"},
		{"empty", nil, "Adressen ger ingen kalender"},
		{"too many periods", cal(event("DTSTART:20261020T090000Z", "DURATION:PT1S", "RRULE:FREQ=MINUTELY;COUNT=10001")), "fler än 10000 upptagna tider"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.data, testFrom, testTo)
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(e.Message, tc.want) {
				t.Errorf("Parse = %v, want an *Error saying %q", err, tc.want)
			}
		})
	}
}

func TestDuration(t *testing.T) {
	for in, want := range map[string]string{"PT1H30M": "0 1h30m0s", "P1D": "1 0s", "P2W": "14 0s", "-PT15M": "0 -15m0s", "P1DT2H": "1 2h0m0s"} {
		days, d, err := duration(in)
		if got := fmt.Sprintf("%d %v", days, d); err != nil || got != want {
			t.Errorf("duration(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "P", "PT", "1H", "PH", "P1H", "PT1D"} {
		if _, _, err := duration(bad); err == nil {
			t.Errorf("duration(%q) = nil error, want one", bad)
		}
	}
}

func TestParseWorkBounded(t *testing.T) {
	var evs []string
	for i := range 11 { // 11 × 100 000 instances looked at: more than the budget
		evs = append(evs, event(fmt.Sprintf("DTSTART:20260101T00%02d00Z", i), "DURATION:PT1S", "RRULE:FREQ=SECONDLY"))
	}
	_, err := Parse(cal(evs...), testFrom, testTo)
	if err == nil || !strings.Contains(err.Error(), "för många upprepade händelser") {
		t.Errorf("Parse of 11 rules every second = %v, want refused", err)
	}
}
