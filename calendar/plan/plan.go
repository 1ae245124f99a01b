// Package plan places meetings of collaboration bodies in booking weeks
// (bokningsveckor): it suggests free slots for one body and plans a whole
// window at once, so that no person who must attend, and no room, is
// double-booked, nothing lands on a Swedish holiday, and the soft
// preferences give the best total score. Where no such plan exists it says
// why – the smallest set of bodies, people, rooms and days that cannot all
// fit – and returns the plan that breaks the fewest rules.
//
// Hard rules: a person who must attend is never in two meetings less than
// the window's BufferMinutes apart (against every Busy meeting and the
// other meetings of the plan), nor on a half day they said they cannot do
// (a Busy period with a Reason, no buffer); a room is never in two meetings at once
// (no buffer; "" is digital and never clashes); never on a Holiday; only
// on the window's weekdays, weeks and outside its blackouts; a meeting lies
// fully inside one of the window's time spans and starts on its
// granularity counted from the span's start. Times are Europe/Stockholm
// wall-clock times; a start or end that does not exist or occurs twice in
// the night of a DST change is never used.
//
// Scores: a meeting scores 100 points less 10 on a klämdag, 3 per person
// who must attend and has another meeting that day (Busy or planned), 4
// off the body's usual weekday, 1 per 30 minutes off its usual start (at
// most 6), and up to 8 for each of the body's other meetings (existing or
// planned) closer than an even spread (the window's span divided by the
// body's number of meetings, at least 7 days). A plan's score is the sum;
// higher is better. Scores are kept in milli-points, so equal plans score
// exactly equal.
package plan

import (
	"context"
	"time"

	"github.com/samkal/samkal/calendar"
)

// Busy is an existing meeting that blocks its people and its room, or a
// period a person has said they cannot do.
//
// A period that is no meeting has Room "", MeetingID 0 and People the one
// person. With Reason set it is what the person answered on the booking
// window's "kan inte" page: Reason, a Swedish phrase such as "Maria
// Lindborg kan inte tis 9 sep fm", is used verbatim in reasons,
// violations and conflicts; the window's buffer does not apply to it (a
// meeting may end at 12.00 when the person cannot do the afternoon), and
// it does not count as "another meeting the same day".
type Busy struct {
	Start, End time.Time
	People     []string // person keys
	Room       string   // "" = digital, never clashes
	Bodies     []string
	MeetingID  int64
	// Label names the meeting in explanations, in Swedish, e.g.
	// "Chefsgrupp folkhälsa 2025-09-09 13.00".
	Label string
	// Reason, when set, marks a period the person cannot do (see above)
	// and is the whole phrase that explains a clash with it.
	Reason string
}

// Demand is what one body of the window needs placed.
type Demand struct {
	Body  string
	Count int // meetings to place
	// Attendees are the person keys who must attend (derived by the loader
	// from memberships with calendar.BlockingRoles, or the window's override).
	Attendees    []string
	UsualWeekday *time.Weekday // the body's habit, nil if unknown
	UsualStart   *calendar.Clock
	// Existing are the starts of the body's other meetings around the
	// window, so that the new ones spread evenly between them.
	Existing []time.Time
}

// Problem is one booking window to plan: what each body needs and what is
// already booked.
type Problem struct {
	Window  *calendar.BookingWindow
	Demands []Demand // one per window body, in window order
	// Busy holds every existing non-cancelled meeting that touches the
	// window's days (± buffer), excluding the window's own planned ones when
	// re-planning.
	Busy []Busy
	Now  time.Time
	// Names maps person keys to display names for reasons and
	// explanations ("Maria Lindborg har ett annat möte samma dag");
	// optional, a key stands for a person without a name here.
	Names map[string]string
	// BodyNames maps body slugs to display names ("Länsdel Väster") for
	// the same texts; optional, a slug stands for a body without a name.
	BodyNames map[string]string
	// RoomNames maps room slugs to display names ("Lokal Eken"), the
	// same way.
	RoomNames map[string]string
}

// Suggestion is a free slot for one body, with its score (higher is
// better) and the reasons behind it.
type Suggestion struct {
	Start, End time.Time
	Room       string // "" = digital
	Score      float64
	// Reasons are short Swedish phrases behind the score, good and bad:
	// "klämdag efter Kristi himmelsfärdsdag", "vanlig veckodag (tisdag)",
	// "Maria Lindborg har ett annat möte samma dag (…)".
	Reasons []string
}

// Assignment is one placed meeting of a plan.
type Assignment struct {
	Body       string
	Start, End time.Time
	Room       string // "" = digital
	// Score is the meeting's points, each penalty it shares with another
	// planned meeting split between the two, so that they add up to
	// Result.Score.
	Score   float64
	Reasons []string // in Swedish, as for Suggestion
	// Kept marks a meeting the window laid in earlier that re-planning
	// leaves where it is (see PlanWindow): it scores nothing, and
	// ApplyWindowPlan does not touch it.
	Kept bool
	// Violations lists, in Swedish, the hard rules this meeting breaks
	// ("krockar med Chefsgrupp folkhälsa 2025-12-02 13.00 (Maria
	// Lindborg)"); only in an infeasible best-effort plan.
	Violations []string
}

// Conflict explains why a window cannot be planned: a smallest set of
// bodies that cannot all fit, with the people and rooms they share and the
// days they could use.
type Conflict struct {
	// Bodies is an irreducible set: without any one of them the rest fit.
	Bodies []string
	// People are the keys of those who must attend two or more of the
	// bodies (for one body: those whose meetings block it).
	People []string
	// Rooms are the window's rooms when they, not the people, are short.
	Rooms []string
	// Days are the days on which the bodies have any free time.
	Days []calendar.Date
	// Holidays are the window's days left out as holidays, "2025-12-25
	// (juldagen)"; the reason names them too.
	Holidays []string
	Reason   string // in Swedish, for the secretary
}

// Result is a plan for a whole window.
type Result struct {
	Feasible bool
	// Exact reports that the plan is proven optimal; when infeasible, that
	// no plan exists and that the plan breaks the fewest rules possible,
	// with the best score among those.
	Exact bool
	// Score is the total of the assignments' scores; higher is better.
	Score float64
	// Bound is an upper bound on the score of any plan breaking no hard
	// rule: equal to Score when the plan is feasible and exact, else how
	// far from the best possible the plan may be.
	Bound       float64
	Assignments []Assignment // one per meeting to place, ordered by body then start
	Conflicts   []Conflict   // when infeasible
	Warnings    []string
}

// Options tune Solve.
type Options struct {
	// MaxNodes is the search budget per component for proving a plan
	// optimal (0 = DefaultMaxNodes). When it runs out the best plan found
	// is returned with Exact false. It does not bound the search for a
	// first plan (see firstPlanNodes), so a small budget never turns a
	// window that can be planned into a failure.
	MaxNodes int
	// MaxWork bounds the work of the whole Solve, in steps of about one
	// candidate time looked at (0 = DefaultMaxWork), whatever the nodes.
	// When it runs out the best plan found is returned with Exact false
	// and a warning; when none was found yet, Solve fails with EINVALID:
	// the window is too large to plan.
	MaxWork int64
}

// Validate reports, as one calendar EINVALID error listing them all in
// Details, what makes the problem unplannable: an invalid window (unknown
// weeks such as 2025-W54, hours ending before they start, …), demands that
// do not match the window's bodies, a body with nobody who must attend,
// Busy meetings ending before they start, and a window with no slot at all
// (every day a holiday, outside the weekdays or blacked out).
func (p *Problem) Validate() error { return p.validate() }

// Warnings returns what a secretary should know but that does not stop
// planning, in English: weeks in the past (what-if planning is allowed),
// a passed booking deadline, holidays left out of the window.
func (p *Problem) Warnings() []string { return p.warnings() }

// Suggest returns up to limit (0: all) free slots for body, best first:
// starts where every person who must attend is free with the buffer and,
// with rooms, a room is free (the first in the window's order is given).
// Each carries its score and the reasons, in Swedish. An unknown body or
// an invalid problem is EINVALID.
func (p *Problem) Suggest(body string, limit int) ([]Suggestion, error) {
	return p.suggest(body, limit)
}

// Solve plans the whole window: one slot, and room, for every meeting so
// that no hard rule is broken, with the best total score. Bodies linked by
// shared people are planned together, each such component on its own
// (in parallel) by an exact branch-and-bound; rooms are then reconciled
// across components (see solve). Result.Exact says whether optimality –
// or, for an infeasible window, infeasibility and the fewest rules broken –
// was proven within opts.MaxNodes; Result.Bound says how far an unproven
// plan may be from the best. When no plan exists, Result.Conflicts names
// the smallest sets of bodies that cannot all fit and Result.Assignments
// is the plan that breaks the fewest rules, each break listed in the
// assignment's Violations.
//
// Solve looks at ctx every few thousand candidates and returns ctx's error
// as soon as it has ended, so a request whose client went away stops at
// once. Its work is bounded by opts.MaxWork (DefaultMaxWork): when that
// runs out the best plan found is returned, inexact, with a warning. Its
// memory is bounded by the window's limits (calendar.MaxWindowPlacements).
// Errors: EINVALID from Validate, EINVALID when the work budget ran out
// before any plan was found (the window is too large to plan), or ctx's
// error.
func Solve(ctx context.Context, p *Problem, opts Options) (*Result, error) {
	return solve(ctx, p, opts)
}

// Exhaustive plans the window by trying every combination of times and
// rooms; it is the reference Solve is tested against, for at most 8
// bodies and few candidate slots (larger windows take astronomically
// long). Its infeasible results carry no Conflicts. Errors: EINVALID.
func Exhaustive(p *Problem) (*Result, error) { return exhaustive(p) }
