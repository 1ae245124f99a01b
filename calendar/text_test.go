package calendar

import (
	"strings"
	"testing"
	"time"
)

// TestTextCheck is the table of the text rules: what each kind of field
// takes and refuses, and how the refusal is worded.
func TestTextCheck(t *testing.T) {
	tests := []struct {
		name     string
		kind     TextKind
		s        string
		required bool
		reason   TextReason // "" means accepted
		at       int
		msg      string // the English wording for field "f", or a part of it
	}{
		{"Swedish name", NameText, "Chefsgrupp folkhälsa – Örebro", true, "", 0, ""},
		{"emoji, combining marks, joiners", NameText, "Fika ☕ 👩‍👩‍👧 e\u0301 ﷺ", true, "", 0, ""},
		{"right-to-left name with marks", NameText, "مريم\u200f (Örebro)\u200e \u061c", true, "", 0, ""},
		{"empty optional", LineText, "", false, "", 0, ""},
		{"empty required", NameText, "", true, TextRequired, 0, "f is required"},
		{"blank required", NameText, " \t ", true, TextRequired, 0, "f is required"},
		{"exactly the limit", NameText, strings.Repeat("å", 200), true, "", 0, ""},
		{"one past the limit", NameText, strings.Repeat("å", 201), true, TextTooLong, 0, "f is 201 characters; at most 200"},
		{"1 MB location", LineText, strings.Repeat("x", 1<<20), false, TextTooLong, 0, "f is 1048576 characters; at most 500"},
		{"NUL", NameText, "ab\x00", true, TextControl, 3, "f contains a NUL byte (U+0000) at position 3; remove it"},
		{"NUL in notes", NoteText, "a\nb\x00", false, TextControl, 4, "U+0000"},
		{"ESC sequence", NameText, "Möte \x1b[31m", true, TextControl, 6, "f contains a control character (U+001B) at position 6"},
		{"BEL", LineText, "a\x07", false, TextControl, 2, "U+0007"},
		{"DEL", LineText, "a\x7f", false, TextControl, 2, "U+007F"},
		{"C1 control NEL", NameText, "a\u0085b", true, TextControl, 2, "U+0085"},
		{"C1 control CSI", NameText, "a\u009bb", true, TextControl, 2, "U+009B"},
		{"vertical tab", NoteText, "a\vb", false, TextControl, 2, "U+000B"},
		{"form feed", NoteText, "a\fb", false, TextControl, 2, "U+000C"},
		{"LF in one line", NameText, "a\nb", true, TextLineBreak, 2, "f contains a line break (U+000A) at position 2; it must be one line"},
		{"CR in one line", LineText, "a\rb", false, TextLineBreak, 2, "f contains a carriage return (U+000D) at position 2"},
		{"LF in notes", NoteText, "rad ett\nrad två\n", false, "", 0, ""},
		{"tab in notes", NoteText, "a\tb", false, "", 0, ""},
		{"tab in one line", NameText, "a\tb", true, TextControl, 2, "f contains a tab (U+0009) at position 2"},
		{"CR in notes", NoteText, "a\r\nb", false, TextControl, 2, "f contains a carriage return (U+000D) at position 2; end lines with LF alone"},
		{"line separator", NameText, "Maria\u2028Lindborg", true, TextLineBreak, 6, "f contains a line separator (U+2028) at position 6; it must be one line: use a space"},
		{"paragraph separator in notes", NoteText, "a\u2029b", false, TextLineBreak, 2, "paragraph separator (U+2029) at position 2; use an ordinary line break, or a space"},
		{"right-to-left override", NameText, "Möte \u202eetöm", true, TextBidi, 6, "f contains a bidirectional formatting character (U+202E) at position 6"},
		{"left-to-right embedding", NoteText, "\u202a", false, TextBidi, 1, "U+202A"},
		{"pop directional formatting", NameText, "a\u202c", true, TextBidi, 2, "U+202C"},
		{"right-to-left isolate", LinkText, "https://a.se/\u2067", false, TextBidi, 14, "U+2067"},
		{"pop directional isolate", NameText, "a\u2069", true, TextBidi, 2, "U+2069"},
		{"deprecated format character", NameText, "a\u206ab", true, TextInvisible, 2, "U+206A"},
		{"interlinear annotation", NameText, "a\ufff9b", true, TextInvisible, 2, "U+FFF9"},
		{"noncharacter U+FFFF", NoteText, "a\uffff", false, TextNoncharacter, 2, "f contains a noncharacter (U+FFFF) at position 2"},
		{"noncharacter U+FFFE", NameText, "\ufffe", true, TextNoncharacter, 1, "U+FFFE"},
		{"noncharacter U+FDD0", NameText, "a\ufdd0", true, TextNoncharacter, 2, "U+FDD0"},
		{"noncharacter U+10FFFF", NameText, "a\U0010ffff", true, TextNoncharacter, 2, "U+10FFFF"},
		{"invalid UTF-8", NameText, "Uppf\xf6ljning", true, TextInvalidUTF8, 5, "f contains a byte that is not UTF-8 (0xF6) at position 5"},
		{"replacement character itself", NameText, "a\ufffdb", true, "", 0, ""},
		{"leading space", NameText, " Eken", true, TextSpace, 1, "f starts with white space (U+0020); remove it"},
		{"trailing no-break space", LineText, "Eken\u00a0", false, TextSpace, 5, "f ends with white space (U+00A0)"},
		{"spaces inside", LineText, "Eklundavägen 1,  Örebro", false, "", 0, ""},
		{"notes may start and end with space", NoteText, "  indraget\n", false, "", 0, ""},
		{"counted in characters", EmailText, strings.Repeat("ö", 254), false, "", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.kind.Check(tc.s, tc.required)
			if tc.reason == "" {
				if p != nil {
					t.Fatalf("refused: %s", p.Describe("f"))
				}
				return
			}
			if p == nil {
				t.Fatalf("accepted, want %s", tc.reason)
			}
			if p.Reason != tc.reason || p.At != tc.at || p.Max != tc.kind.Max {
				t.Errorf("got reason %s at %d (max %d), want %s at %d (max %d)", p.Reason, p.At, p.Max, tc.reason, tc.at, tc.kind.Max)
			}
			if got := p.Describe("f"); !strings.Contains(got, tc.msg) {
				t.Errorf("got %q, want it to contain %q", got, tc.msg)
			}
		})
	}
}

// TestTextKindsRefuseWhatOutputsCannotCarry: every C0 and C1 control is
// refused in every kind, LF and tab only outside multi-line fields.
func TestTextKindsRefuseWhatOutputsCannotCarry(t *testing.T) {
	for _, k := range []TextKind{NameText, LineText, NoteText, LinkText, EmailText, PhoneText} {
		for r := rune(0); r <= 0x9f; r++ {
			if r >= 0x20 && r < 0x7f {
				continue
			}
			allowed := k.MultiLine && (r == '\n' || r == '\t')
			if p := k.Check("a"+string(r)+"b", false); (p == nil) != allowed {
				t.Errorf("%s: U+%04X accepted %v, want %v", k.Name, r, p == nil, allowed)
			}
		}
	}
}

func TestNormalizeNewlinesAndClean(t *testing.T) {
	if got := NormalizeNewlines("a\r\nb\rc\n"); got != "a\nb\nc\n" {
		t.Errorf("NormalizeNewlines: got %q", got)
	}
	got := NoteText.Clean("ok\r\n\x00\x1b[1m\u202e\xff\ttab")
	if got != "ok\n\ufffd\ufffd[1m\ufffd\ufffd\ttab" || NoteText.Check(got, false) != nil {
		t.Errorf("Clean: got %q", got)
	}
}

func TestIntRanges(t *testing.T) {
	r := Room{Slug: "lokal-eken", Name: "Lokal Eken"}
	for _, c := range []struct {
		capacity int
		ok       bool
	}{{0, true}, {100000, true}, {-1, false}, {100001, false}, {1 << 31, false}} {
		r.Capacity = c.capacity
		if err := r.Validate(); (err == nil) != c.ok {
			t.Errorf("capacity %d: got %v, want ok %v", c.capacity, err, c.ok)
		} else if err != nil && !strings.Contains(ErrorMessage(err), "room capacity must be from 0 to 100000") {
			t.Errorf("capacity %d: got %q", c.capacity, ErrorMessage(err))
		}
	}
}

// TestYearRange: one range of years for every date and time.
func TestYearRange(t *testing.T) {
	for _, c := range []struct {
		s    string
		want string // "" means accepted
	}{
		{"1900-01-01", ""}, {"2100-12-31", ""}, {"2025-02-28", ""},
		{"1899-12-31", `"1899-12-31": year 1899 is out of range; use a year from 1900 to 2100`},
		{"0000-01-01", "year 0 is out of range"}, {"2101-01-01", "year 2101"},
		{"2025-02-29", "is not a date"},
	} {
		_, err := ParseDate(c.s)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(ErrorMessage(err), c.want)) {
			t.Errorf("ParseDate(%q) = %v, want %q", c.s, err, c.want)
		}
	}
	if _, err := ParseISOWeek("1899-W10"); err == nil || !strings.Contains(ErrorMessage(err), "year 1899 is out of range") {
		t.Errorf("ParseISOWeek(1899-W10) = %v", err)
	}
	if !InYearRange(time.Date(MaxYear+1, 1, 1, 0, 0, 0, 0, Location)) || InYearRange(time.Date(MaxYear+1, 1, 1, 0, 0, 1, 0, Location)) {
		t.Errorf("the midnight that ends %d must be in range, a second later not", MaxYear)
	}

	at := func(y int) time.Time { return time.Date(y, 6, 3, 13, 0, 0, 0, Location) }
	m := Meeting{Kind: KindMeeting, Bodies: []string{"a"}, Status: StatusProposed, Start: at(0), End: at(0).Add(time.Hour)}
	checkProblems(t, m.Validate(), []string{"start is in year 0; use a year from 1900 to 2100", "end is in year 0"})
	m.Start, m.End = at(2101), at(2101).Add(time.Hour)
	checkProblems(t, m.Validate(), []string{"start is in year 2101", "end is in year 2101"})
	allDay := Meeting{Kind: KindEvent, Status: StatusConfirmed, AllDay: true,
		Start: Date{MaxYear, 12, 31}.Start(), End: Date{MaxYear + 1, 1, 1}.Start()}
	checkProblems(t, allDay.Validate(), nil)

	ms := Membership{Body: "a", Person: "b", Role: RoleMember, From: Date{1, 1, 1}, Until: Date{9999, 1, 1}}
	checkProblems(t, ms.Validate(), []string{"from 0001-01-01 is in year 1", "until 9999-01-01 is in year 9999"})
	j := Justering{MeetingID: 1, DocumentURL: "https://a.se/p.pdf", Justerare: []string{"a"}, Deadline: Date{3000, 1, 1}}
	checkProblems(t, j.Validate(), []string{"deadline 3000-01-01 is in year 3000"})
}

// TestWallClock: Swedish wall-clock times that do not exist or happen
// twice are refused by name, in the import's words and the API's.
func TestWallClock(t *testing.T) {
	spring, autumn := Date{2025, 3, 30}, Date{2025, 10, 26}
	if _, err := WallClock(spring, 2, 30); ErrorMessage(err) != "02:30 does not exist on 2025-03-30 in Swedish time: the clocks go forward an hour that night" {
		t.Errorf("spring: %v", err)
	}
	if _, err := WallClock(autumn, 2, 15); ErrorMessage(err) != "02:15 happens twice on 2025-10-26 in Swedish time: the clocks go back an hour that night" {
		t.Errorf("autumn: %v", err)
	}
	for _, ok := range []struct {
		d    Date
		h, m int
	}{{spring, 1, 59}, {spring, 3, 0}, {autumn, 1, 59}, {autumn, 3, 0}, {Date{2025, 1, 21}, 13, 0}} {
		got, err := WallClock(ok.d, ok.h, ok.m)
		if err != nil || got.Hour() != ok.h || got.Minute() != ok.m || DateOf(got) != ok.d {
			t.Errorf("WallClock(%s, %02d:%02d) = %s, %v", ok.d, ok.h, ok.m, got, err)
		}
	}

	utc := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	for _, c := range []struct {
		s    string
		want time.Time
		err  string
	}{
		{"2025-01-21T13:00", utc("2025-01-21T12:00:00Z"), ""},
		{"2025-01-21T13:00:30", utc("2025-01-21T12:00:30Z"), ""},
		{"2025-03-14", utc("2025-03-13T23:00:00Z"), ""},
		{"2025-06-03T13:00:00+02:00", utc("2025-06-03T11:00:00Z"), ""},
		{"2025-06-03T13:00+02:00", utc("2025-06-03T11:00:00Z"), ""},
		{"2025-06-03T11:00:00Z", utc("2025-06-03T11:00:00Z"), ""},
		{"2025-03-30T02:30", time.Time{}, "2025-03-30T02:30 does not exist in Swedish time: the clocks go forward an hour that night; choose another time"},
		{"2025-03-30T02:00:00", time.Time{}, "does not exist"},
		{"2025-03-30T03:00", utc("2025-03-30T01:00:00Z"), ""},
		{"2025-10-26T02:30", time.Time{}, "2025-10-26T02:30 happens twice in Swedish time: the clocks go back an hour that night; add the offset to say which: 2025-10-26T02:30+02:00 (summer time, the first) or 2025-10-26T02:30+01:00 (winter time, the second)"},
		{"2025-10-26T02:30+02:00", utc("2025-10-26T00:30:00Z"), ""},
		{"2025-10-26T02:30+01:00", utc("2025-10-26T01:30:00Z"), ""},
		{"2025-10-26T03:00", utc("2025-10-26T02:00:00Z"), ""},
		{"0000-06-03T13:00", time.Time{}, `"0000-06-03T13:00": year 0 is out of range; use a year from 1900 to 2100`},
		{"0000-06-03T13:00:00+01:00", time.Time{}, "year 0 is out of range"},
		{"2101-01-01T00:00:00+01:00", utc("2100-12-31T23:00:00Z"), ""},
		{"2101-01-01T00:00:01+01:00", time.Time{}, "year 2101"},
		{"9999-12-31", time.Time{}, "year 9999"},
		{"tisdag kl 13", time.Time{}, `"tisdag kl 13" is not a time; use RFC 3339`},
		{"2025-02-30T10:00", time.Time{}, "is not a time"},
		// Found by FuzzParseTime: a fraction of a second was taken and
		// then cut off by the store, which keeps whole seconds.
		{"2025-06-03T11:00:00.000Z", utc("2025-06-03T11:00:00Z"), ""},
		{"2025-06-03T13:00:00.5+02:00", time.Time{}, `"2025-06-03T13:00:00.5+02:00" has a fraction of a second; times are kept to the second`},
		{"2025-06-03T13:00:00.000000001", time.Time{}, "has a fraction of a second"},
		{"2025-06-03T13:00:00.0", utc("2025-06-03T11:00:00Z"), ""},
	} {
		got, err := ParseTime(c.s)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(ErrorMessage(err), c.err) || ErrorCode(err) != EINVALID):
			t.Errorf("ParseTime(%q) = %v, %v; want error %q", c.s, got, err, c.err)
		case c.err == "" && (err != nil || !got.Equal(c.want) || got.Location() != Location):
			t.Errorf("ParseTime(%q) = %v, %v; want %v in Europe/Stockholm", c.s, got, err, c.want)
		}
	}
}
