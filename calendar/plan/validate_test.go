package plan

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samkal/samkal/calendar"
)

// TestValidate checks that bad input gives EINVALID with a message that
// says what is wrong, from Validate and from every entry point.
func TestValidate(t *testing.T) {
	at := func(s string) time.Time { return day(s).At(10, 0) }
	tests := []struct {
		name  string
		setup func(p *Problem)
		want  string // in the error's details
	}{
		{"no window", func(p *Problem) { p.Window = nil }, "needs a booking window"},
		{"unknown week", func(p *Problem) { p.Window.Weeks = []calendar.ISOWeek{{Year: 2025, Week: 54}} }, "2025-W54 does not exist"},
		{"no weeks", func(p *Problem) { p.Window.Weeks = nil }, "at least one ISO week"},
		{"hours end before start", func(p *Problem) { p.Window.Hours = []calendar.TimeSpan{{From: 12 * 60, To: 9 * 60}} }, "end must be after start"},
		{"span shorter than the meeting", func(p *Problem) { p.Window.DurationMinutes = 240 }, "shorter than the meeting"},
		{"body with nobody who must attend", func(p *Problem) { p.Demands[1].Attendees = nil }, `body "organ-2" has nobody who must attend`},
		{"empty window: only holidays", func(p *Problem) {
			p.Window.Weeks = []calendar.ISOWeek{{Year: 2025, Week: 52}}
			p.Window.Weekdays = []calendar.Weekday{3, 4, 5}
		}, "no day to meet on"},
		{"empty window: all blacked out", func(p *Problem) {
			p.Window.Blackouts = []calendar.DateRange{{From: day("2025-09-01"), To: day("2025-09-30")}}
		}, "in blackout periods"},
		{"demand for another body", func(p *Problem) { p.Demands[0].Body = "annat-organ" }, `demand 1 is for body "annat-organ"`},
		{"demand missing", func(p *Problem) { p.Demands = p.Demands[:1] }, "2 bodies"},
		{"count zero", func(p *Problem) { p.Demands[0].Count = 0 }, "must be 1–20"},
		{"busy ends before it starts", func(p *Problem) {
			p.Busy = []Busy{{Start: at("2025-09-09"), End: at("2025-09-08"), People: []string{"anna"}, Label: "Fel"}}
		}, `busy meeting "Fel" ends`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := problemOf(window("2025-W37"), []string{"anna"}, []string{"bertil"})
			tt.setup(p)
			check := func(what string, err error) {
				t.Helper()
				if calendar.ErrorCode(err) != calendar.EINVALID {
					t.Fatalf("%s: error %v, want code %s", what, err, calendar.EINVALID)
				}
				var details []string
				if e, ok := err.(*calendar.Error); ok {
					details = append(details, e.Message)
					details = append(details, e.Details...)
				}
				if !strings.Contains(strings.Join(details, "\n"), tt.want) {
					t.Errorf("%s: error %v (details %q), want it to say %q", what, err, details, tt.want)
				}
			}
			check("Validate", p.Validate())
			_, err := Solve(context.Background(), p, Options{})
			check("Solve", err)
			_, err = p.Suggest("organ-1", 5)
			check("Suggest", err)
			_, err = Exhaustive(p)
			check("Exhaustive", err)
		})
	}
	var nilProblem *Problem
	if err := nilProblem.Validate(); calendar.ErrorCode(err) != calendar.EINVALID {
		t.Errorf("nil problem: %v, want %s", err, calendar.EINVALID)
	}
}

// TestValidateListsEveryProblem checks that one error carries them all.
func TestValidateListsEveryProblem(t *testing.T) {
	p := problemOf(window("2025-W37"), nil, nil)
	p.Demands[0].Count = 30
	err := p.Validate()
	e, ok := err.(*calendar.Error)
	if !ok || len(e.Details) != 3 {
		t.Fatalf("err = %#v, want 3 details", err)
	}
	if !strings.Contains(e.Message, "and 2 more problems") {
		t.Errorf("message %q does not count the other problems", e.Message)
	}
}

// TestWarnings checks the notes that do not stop planning.
func TestWarnings(t *testing.T) {
	w := window("2025-W22", "2025-W37")
	w.Deadline = day("2025-06-13")
	p := problemOf(w, []string{"anna"})
	p.Now = day("2025-09-10").At(8, 0)
	got := strings.Join(p.Warnings(), "\n")
	for _, want := range []string{
		"week 2025-W22 is in the past",
		"week 2025-W37 has begun",
		"booking deadline 2025-06-13 has passed",
		"2025-05-29 (Kristi himmelsfärdsdag) is a holiday and is left out",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings %q lack %q", got, want)
		}
	}
	p.Now = day("2025-01-10").At(8, 0)
	if got := p.Warnings(); len(got) != 1 {
		t.Errorf("warnings before the window = %q, want only the holiday", got)
	}
	res, err := Solve(context.Background(), p, Options{})
	if err != nil || len(res.Warnings) != 1 {
		t.Errorf("Solve warnings = %v, %v; want the holiday", res, err)
	}
	nine := make([][]string, 9)
	for i := range nine {
		nine[i] = []string{"anna"}
	}
	if _, err := Exhaustive(problemOf(window("2025-W37"), nine...)); calendar.ErrorCode(err) != calendar.EINVALID || !strings.Contains(err.Error(), "at most 8 bodies") {
		t.Errorf("Exhaustive with 9 bodies: %v, want %s about 8 bodies", err, calendar.EINVALID)
	}
}
