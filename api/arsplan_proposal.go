package api

import (
	"encoding/json"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/plan"
)

// patternInput is the body of POST /bodies/{slug}/arsplan-proposal: how
// the body meets (see plan.Pattern), given as copy_year, as rrule, or as
// per_year with weekday, start and duration_minutes.
type patternInput struct {
	CopyYear        json.RawMessage `json:"copy_year"`
	RRule           json.RawMessage `json:"rrule"`
	PerYear         json.RawMessage `json:"per_year"`
	Weekday         json.RawMessage `json:"weekday"`
	Start           json.RawMessage `json:"start"`
	DurationMinutes json.RawMessage `json:"duration_minutes"`
	ExcludedWeeks   json.RawMessage `json:"excluded_weeks"`
	Room            json.RawMessage `json:"room"`
}

type proposalJSON struct {
	Start string  `json:"start"`
	End   string  `json:"end"`
	Room  *string `json:"room"`
	// Location, OnlineURL and Title come from the copied meeting
	// (copy_year), "" otherwise; CopiedFrom is its id, null otherwise.
	Location   string `json:"location"`
	OnlineURL  string `json:"online_url"`
	Title      string `json:"title"`
	CopiedFrom *int64 `json:"copied_from"`
	// Moved is true when the meeting was moved off Original, its first
	// candidate (same ISO week and weekday, the rule's date, the evenly
	// spread date); Reasons say why, in Swedish.
	Moved    bool     `json:"moved"`
	Original string   `json:"original"`
	Reasons  []string `json:"reasons"`
}

// leftOutJSON is a meeting of the copied year that the proposal leaves
// out, with the reason in Swedish.
type leftOutJSON struct {
	Meeting int64  `json:"meeting"`
	Start   string `json:"start"`
	End     string `json:"end"`
	AllDay  bool   `json:"all_day"`
	Reason  string `json:"reason"`
}

type arsplanProposalJSON struct {
	Body      string         `json:"body"`
	Year      int            `json:"year"`
	Proposals []proposalJSON `json:"proposals"`
	// LeftOut lists the meetings of copy_year that are not proposed
	// (all-day meetings, events, a cancelled meeting replaced in its week),
	// each with the reason; empty for the other patterns.
	LeftOut []leftOutJSON `json:"left_out"`
	// Created and Existing, with apply=true only: the ids of the meetings
	// written, and of those already stored under the same key (written by
	// an earlier apply), which are left as they are.
	Created  *[]int64 `json:"created,omitempty"`
	Existing *[]int64 `json:"existing,omitempty"`
}

// patternFields converts the body into a plan.Pattern, naming the field of
// every mistake.
func patternFields(f *fields, in *patternInput) plan.Pattern {
	var p plan.Pattern
	if v := value[int](f, "copy_year", in.CopyYear, true); v != nil {
		p.CopyYear = *v
	}
	if v := value[string](f, "rrule", in.RRule, true); v != nil {
		p.RRule = *v
	}
	if v := value[int](f, "per_year", in.PerYear, true); v != nil {
		p.PerYear = *v
	}
	if v := value[calendar.Weekday](f, "weekday", in.Weekday, true); v != nil {
		p.Weekday = *v
	}
	if v := value[calendar.Clock](f, "start", in.Start, true); v != nil {
		p.Start = *v
	}
	if v := value[int](f, "duration_minutes", in.DurationMinutes, true); v != nil {
		p.DurationMinutes = *v
	}
	if v := value[[]int](f, "excluded_weeks", in.ExcludedWeeks, true); v != nil {
		p.ExcludedWeeks = *v
	}
	if v := value[string](f, "room", in.Room, true); v != nil {
		p.Room = *v
	}
	return p
}

// arsplanProposal proposes a body's årsplan for a year:
// POST /api/v1/bodies/{slug}/arsplan-proposal?year=2026[&apply=true] with a
// pattern as the body. It writes nothing unless apply=true, which writes
// the proposals as proposed meetings, keyed by body and day, in one
// transaction with the proposing.
func (s *Server) arsplanProposal(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "year", "apply")
	year := q.integer("year", plan.MinPlanYear, plan.MaxPlanYear)
	if _, given := q.v["year"]; !given {
		q.add("Query parameter year is required: the year to propose, e.g. ?year=2026.")
	}
	apply := false
	if v := q.one("apply"); v != nil {
		switch *v {
		case "true":
			apply = true
		case "false":
		default:
			q.add("Query parameter apply=%q must be true or false.", *v)
		}
	}
	if err := q.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	var in patternInput
	if !s.decodeBody(w, r, &in) {
		return
	}
	var f fields
	pat := patternFields(&f, &in)
	if err := f.err(); err != nil {
		s.Error(w, r, err)
		return
	}
	ctx := r.Context()
	b, err := s.store.FindBodyBySlug(ctx, mux.Vars(r)["slug"])
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if !s.keepsBody(w, r, b.Slug) {
		return
	}
	var yp *plan.YearProposal
	var created, existing []*calendar.Meeting
	err = s.store.InTx(ctx, func(tx calendar.Store) error {
		var err error
		if yp, err = plan.ProposeYear(ctx, tx, b.Slug, *year, pat); err != nil || !apply {
			return err
		}
		created, existing, err = plan.ApplyProposals(ctx, tx, b.Slug, yp.Proposals)
		return err
	})
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := arsplanProposalJSON{Body: b.Slug, Year: *year, Proposals: make([]proposalJSON, 0, len(yp.Proposals)),
		LeftOut: make([]leftOutJSON, 0, len(yp.LeftOut))}
	for _, p := range yp.Proposals {
		pj := proposalJSON{Start: stamp(p.Start), End: stamp(p.End), Room: optSlug(p.Room), Location: p.Location,
			OnlineURL: p.OnlineURL, Title: p.Title, Moved: p.Moved, Original: stamp(p.Original), Reasons: nonNil(p.Reasons)}
		if p.CopiedFrom != 0 {
			pj.CopiedFrom = &p.CopiedFrom
		}
		out.Proposals = append(out.Proposals, pj)
	}
	for _, l := range yp.LeftOut {
		out.LeftOut = append(out.LeftOut, leftOutJSON{Meeting: l.Meeting, Start: stamp(l.Start), End: stamp(l.End),
			AllDay: l.AllDay, Reason: l.Reason})
	}
	if apply {
		ids := func(ms []*calendar.Meeting) *[]int64 {
			out := make([]int64, 0, len(ms))
			for _, m := range ms {
				out = append(out, m.ID)
			}
			return &out
		}
		out.Created, out.Existing = ids(created), ids(existing)
		s.wrote()
	}
	JSONOK(w, out)
}
