package arsplan

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

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

// bodyDoc is a file with one body whose extra lines start at line 5.
func bodyDoc(extra ...string) []byte {
	return doc(append([]string{
		"bodies:",
		"  - slug: specifikt-rad-folkhalsa",
		"    name: Specifikt samverkansråd för folkhälsa",
		"    kind: specific-council",
	}, extra...)...)
}

func TestParseNotify(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"left out", bodyDoc(), "-/-/-"},
		{"empty", bodyDoc("    notify:"), "-/-/-"},
		{"empty mapping", bodyDoc("    notify: {}"), "-/-/-"},
		{"on one line", bodyDoc("    notify: {call_days: 14, call_deadline_days: 7, notice_days: 5}"), "14/7/5"},
		{"as a block", bodyDoc("    notify:", "      notice_days: 10", "      call_days: 21"), "21/-/10"},
		{"zero turns it off", bodyDoc("    notify: {call_days: 0, call_deadline_days: 3, notice_days: 0}"), "0/3/0"},
		{"empty value", bodyDoc("    notify: {call_days: , notice_days: 5}"), "-/-/5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := mustParse(t, "t.yaml", tc.data)
			if got := notifyText(f.Bodies[0].Notify); got != tc.want {
				t.Errorf("notify = %s, want %s", got, tc.want)
			}
			if f.Bodies[0].Ref {
				t.Error("a body with notify must not be a reference")
			}
		})
	}
}

func TestParseNotifyErrors(t *testing.T) {
	const body = `t.yaml:%d: body "specifikt-rad-folkhalsa": `
	for _, tc := range []struct {
		name string
		data []byte
		want []string
	}{
		{"unknown key", bodyDoc("    notify:", "      call_day: 14"),
			[]string{fmt.Sprintf(body, 6) + `notify: unknown key "call_day"; did you mean "call_days"?`}},
		{"not a number", bodyDoc("    notify:", "      call_days: 14", "      notice_days: fem"),
			[]string{fmt.Sprintf(body, 7) + `notify: notice_days must be a whole number of days, such as 7, not "fem"`}},
		{"a fraction", bodyDoc("    notify: {notice_days: 2.5}"),
			[]string{fmt.Sprintf(body, 5) + `notify: notice_days must be a whole number of days, such as 7, not "2.5"`}},
		{"too many days", bodyDoc("    notify:", "      call_days: 400"),
			[]string{fmt.Sprintf(body, 6) + `notify: call_days must be between 0 and 365 days, not 400`}},
		{"negative", bodyDoc("    notify:", "      notice_days: -2"),
			[]string{fmt.Sprintf(body, 6) + `notify: notice_days must be between 0 and 365 days, not -2`}},
		{"deadline not after the call", bodyDoc("    notify:", "      call_days: 7", "      call_deadline_days: 10"),
			[]string{fmt.Sprintf(body, 7) + `notify: call_deadline_days (10) must be fewer than call_days (7): the deadline comes after the call`}},
		{"not a mapping", bodyDoc("    notify: 14"),
			[]string{fmt.Sprintf(body, 5) + `notify must be a mapping of "key: value" lines, not the value "14"`}},
		{"a list", bodyDoc("    notify: [14, 7]"),
			[]string{fmt.Sprintf(body, 5) + `notify must be a mapping of "key: value" lines, not a list`}},
		{"a list of days", bodyDoc("    notify:", "      call_days: [14]"),
			[]string{fmt.Sprintf(body, 6) + `notify: call_days must be a single value, not a list`}},
		{"key twice", bodyDoc("    notify:", "      call_days: 14", "      call_days: 21"),
			[]string{fmt.Sprintf(body, 7) + `notify: key "call_days" is written twice (first at line 6)`}},
		{"with other problems", bodyDoc("    visibility: secret", "    notify: {call_days: 400}"),
			[]string{
				fmt.Sprintf(body, 5) + `visibility "secret" is unknown; use public or restricted`,
				fmt.Sprintf(body, 6) + `notify: call_days must be between 0 and 365 days, not 400`,
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", tc.data)
			if err == nil {
				t.Fatalf("Parse accepted\n%s", tc.data)
			}
			if got, want := err.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// notifyRegion is a small region whose bodies time their emails
// differently: the council has its own timings, the management group sends
// no call for agenda items, the länsdel group uses the server's defaults.
func notifyRegion(councilNotify ...string) []byte {
	lines := []string{
		"rooms:",
		"  - {slug: lokal-eken, name: Lokal Eken, address: 'Eklundavägen 1, Örebro'}",
		"bodies:",
		"  - slug: specifikt-rad-folkhalsa",
		"    name: Specifikt samverkansråd för folkhälsa",
		"    kind: specific-council",
		"    minutes_need_approval: true",
	}
	lines = append(lines, councilNotify...)
	lines = append(lines,
		"  - slug: chefsgrupp-folkhalsa",
		"    name: Chefsgrupp folkhälsa",
		"    kind: management-group",
		"    notify: {call_days: 0}",
		"  - slug: lansdel-norr",
		"    name: Länsdelsgrupp Norr",
		"    kind: lansdel-group",
		"meetings:",
		"  - key: folkhalsa-2025-09-19",
		"    bodies: [specifikt-rad-folkhalsa, chefsgrupp-folkhalsa]",
		"    date: 2025-09-19",
		`    start: "09:00"`,
		`    end: "12:00"`,
		"    room: lokal-eken",
		"  - key: lansdel-norr-2025-09-23",
		"    bodies: [lansdel-norr]",
		"    date: 2025-09-23",
		`    start: "13:00"`,
		`    end: "15:00"`,
	)
	return doc(lines...)
}

func TestApplyNotify(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		notifyOf := func(slug string) string {
			t.Helper()
			b, err := s.FindBodyBySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			return notifyText(b.Notify)
		}
		full := notifyRegion("    notify: {call_days: 21, call_deadline_days: 10, notice_days: 7}")
		mustApply(t, s, mustParse(t, "folkhalsa.yaml", full))
		for slug, want := range map[string]string{"specifikt-rad-folkhalsa": "21/10/7", "chefsgrupp-folkhalsa": "0/-/-", "lansdel-norr": "-/-/-"} {
			if got := notifyOf(slug); got != want {
				t.Errorf("%s: notify %s, want %s", slug, got, want)
			}
		}

		// The same file again changes nothing.
		before := dataVersion(t, s)
		rep := mustApply(t, s, mustParse(t, "folkhalsa.yaml", full))
		if rep.Unchanged["bodies"] != 3 || rep.Updated["bodies"] != 0 || dataVersion(t, s) != before {
			t.Errorf("re-import: %s; DataVersion %+v, was %+v", rep, dataVersion(t, s), before)
		}

		// Leaving a key out gives that email back to the server's default.
		edited := notifyRegion("    notify:", "      call_days: 21", "      call_deadline_days: 10")
		rep = mustApply(t, s, mustParse(t, "folkhalsa.yaml", edited))
		if rep.Updated["bodies"] != 1 || rep.Unchanged["bodies"] != 2 {
			t.Errorf("edited import: %s; want 1 body updated", rep)
		}
		if got := notifyOf("specifikt-rad-folkhalsa"); got != "21/10/-" {
			t.Errorf("after the edit: notify %s, want 21/10/-", got)
		}
		// As for every field, an entry is the whole body: without notify,
		// every timing is the default.
		mustApply(t, s, mustParse(t, "folkhalsa.yaml", notifyRegion()))
		if got := notifyOf("specifikt-rad-folkhalsa"); got != "-/-/-" {
			t.Errorf("without notify: %s, want -/-/-", got)
		}

		// A File built in code skips Parse's checks; the store's refusal
		// is reported on the body's line.
		f := mustParse(t, "folkhalsa.yaml", full)
		f.Bodies[0].Notify.CallDays = ptr(400)
		_, err := Apply(ctx, s, f)
		if want := `folkhalsa.yaml:4: body "specifikt-rad-folkhalsa": call_days must be between 0 and 365 days, not 400`; err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	})
}

func TestExportNotify(t *testing.T) {
	for _, tc := range []struct {
		body, golden string
	}{
		{"specifikt-rad-folkhalsa", "notify-specifikt-rad-folkhalsa-2025.yaml"},
		{"chefsgrupp-folkhalsa", "notify-chefsgrupp-folkhalsa-2025.yaml"},
		{"lansdel-norr", "notify-lansdel-norr-2025.yaml"},
	} {
		t.Run(tc.body, func(t *testing.T) {
			forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
				mustApply(t, s, mustParse(t, "folkhalsa.yaml", notifyRegion("    notify: {call_days: 21, call_deadline_days: 10, notice_days: 7}")))
				out, err := Export(t.Context(), s, tc.body, 2025)
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, filepath.Join("testdata", tc.golden), out)

				before := dataVersion(t, s)
				rep := mustApply(t, s, mustParse(t, tc.golden, out))
				if rep.Updated["bodies"]+rep.Created["bodies"] != 0 || dataVersion(t, s) != before {
					t.Errorf("re-applying the export changed something: %s", rep)
				}
			})
		})
	}
}

// TestMailReleaseYAML: notify's mail_release makes a body's calls and
// kallelser wait for "Skicka"; the import stores it, the export writes it
// (only when manual) and reads back unchanged, and a wrong value is named
// on its line.
func TestMailReleaseYAML(t *testing.T) {
	f := mustParse(t, "t.yaml", bodyDoc("    notify: {notice_days: 7, mail_release: manual}"))
	if got := f.Bodies[0].MailRelease; got != calendar.MailReleaseManual {
		t.Errorf("mail_release manual parsed as %q", got)
	}
	if got := mustParse(t, "t.yaml", bodyDoc("    notify: {mail_release: auto}")).Bodies[0].MailRelease; got != "" {
		t.Errorf("mail_release auto parsed as %q, want the default", got)
	}
	_, err := Parse("t.yaml", bodyDoc("    notify:", "      mail_release: ibland"))
	if want := `t.yaml:6: body "specifikt-rad-folkhalsa": notify: mail_release must be auto or manual, not "ibland"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %s", err, want)
	}

	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		mustApply(t, s, mustParse(t, "folkhalsa.yaml", notifyRegion("    notify: {call_days: 21, mail_release: manual}")))
		b, err := s.FindBodyBySlug(ctx, "specifikt-rad-folkhalsa")
		if err != nil {
			t.Fatal(err)
		}
		if b.MailRelease != calendar.MailReleaseManual {
			t.Fatalf("after import MailRelease = %q, want manual", b.MailRelease)
		}
		out, err := Export(ctx, s, "specifikt-rad-folkhalsa", 2025)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), "notify: {call_days: 21, mail_release: manual}") {
			t.Errorf("export lacks mail_release:\n%s", out)
		}
		before := dataVersion(t, s)
		if rep := mustApply(t, s, mustParse(t, "export.yaml", out)); rep.Updated["bodies"] != 0 || dataVersion(t, s) != before {
			t.Errorf("re-applying the export changed something: %s", rep)
		}
		// Without it, the body's letters go by themselves again.
		mustApply(t, s, mustParse(t, "folkhalsa.yaml", notifyRegion("    notify: {call_days: 21}")))
		if b, err = s.FindBodyBySlug(ctx, "specifikt-rad-folkhalsa"); err != nil || b.MailRelease.Manual() {
			t.Errorf("after importing without mail_release: %q (%v), want auto", b.MailRelease, err)
		}
	})
}

// TestStandardItemsYAML: a body's own standard agenda items in the årsplan
// file, standard_opening and standard_closing: parsed, checked on their
// line, applied, exported only when set and re-applied without a change;
// left out they are the defaults again.
func TestStandardItemsYAML(t *testing.T) {
	f := mustParse(t, "t.yaml", bodyDoc("    standard_opening: [Mötet öppnas, Närvaro och jäv]", "    standard_closing: []"))
	if b := f.Bodies[0]; fmt.Sprintf("%q %#v", b.StandardOpening, b.StandardClosing) != `["Mötet öppnas" "Närvaro och jäv"] []string{}` || b.Ref {
		t.Errorf("parsed %q %#v ref %v", b.StandardOpening, b.StandardClosing, b.Ref)
	}
	if b := mustParse(t, "t.yaml", bodyDoc("    standard_opening:")).Bodies[0]; b.StandardOpening != nil {
		t.Errorf("empty standard_opening parsed as %#v, want nil (the defaults)", b.StandardOpening)
	}
	_, err := Parse("t.yaml", bodyDoc("    description: x", "    standard_closing: [Slut, Slut]"))
	if want := `t.yaml:6: body "specifikt-rad-folkhalsa": standard_closing holds "Slut" twice`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %s", err, want)
	}

	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := t.Context()
		mustApply(t, s, mustParse(t, "folkhalsa.yaml", notifyRegion("    standard_closing:", "      - Nästa möte", "      - Mötet avslutas")))
		b, err := s.FindBodyBySlug(ctx, "specifikt-rad-folkhalsa")
		if err != nil {
			t.Fatal(err)
		}
		if b.StandardOpening != nil || fmt.Sprint(b.StandardClosing) != "[Nästa möte Mötet avslutas]" {
			t.Fatalf("after import %#v, %q", b.StandardOpening, b.StandardClosing)
		}
		out, err := Export(ctx, s, "specifikt-rad-folkhalsa", 2025)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), "standard_closing:\n      - Nästa möte\n      - Mötet avslutas\n") || strings.Contains(string(out), "standard_opening") {
			t.Errorf("export of the standard items:\n%s", out)
		}
		before := dataVersion(t, s)
		if rep := mustApply(t, s, mustParse(t, "export.yaml", out)); rep.Updated["bodies"] != 0 || dataVersion(t, s) != before {
			t.Errorf("re-applying the export changed something: %s", rep)
		}
		// Left out, the body has the defaults again.
		mustApply(t, s, mustParse(t, "folkhalsa.yaml", notifyRegion()))
		if b, err = s.FindBodyBySlug(ctx, "specifikt-rad-folkhalsa"); err != nil || b.StandardClosing != nil {
			t.Errorf("after importing without standard_closing: %q (%v), want nil", b.StandardClosing, err)
		}
	})
}
