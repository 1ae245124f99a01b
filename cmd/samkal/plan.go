package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/arsplan"
	"github.com/samkal/samkal/calendar/plan"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// The plan commands print in Swedish for the secretary at the terminal:
// ISO week numbers and Swedish weekday names, as the bodies write their
// dates ("v 37  tis 9 sep 2025  13.00–15.00").

// planSubcommands are the subcommands of `samkal plan`.
var planSubcommands = []struct{ name, args, summary string }{
	{"window", "FILE.yaml [--name NAME] [--apply]", "plan a booking window read from a file; --apply stores it and writes the plan as proposed meetings"},
	{"suggest", "--window ID --body SLUG [--limit N]", "list free times for one body of a stored booking window, best first"},
	{"next-year", "--body SLUG --year YYYY (--copy-year YYYY | --rrule RULE | --per-year N --weekday DAY) [--start HH:MM --duration MIN] [--exclude-weeks W,W] [--room SLUG] [--apply]",
		"propose a body's årsplan for a year; --apply writes it as proposed meetings"},
}

// planCmd runs `samkal plan SUBCOMMAND`.
func planCmd(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		w := e.stderr
		code := exitUsage
		if len(args) > 0 {
			w, code = e.stdout, exitOK
		}
		fmt.Fprint(w, "Usage:\n")
		for _, s := range planSubcommands {
			fmt.Fprintf(w, "  samkal plan %s %s\n      %s\n", s.name, s.args, s.summary)
		}
		fmt.Fprint(w, "\nEvery subcommand also takes --config FILE and --db DSN; 'samkal plan SUBCOMMAND -h' lists its flags.\n")
		return code
	}
	switch args[0] {
	case "window":
		return planWindow(ctx, e, args[1:])
	case "suggest":
		return planSuggest(ctx, e, args[1:])
	case "next-year":
		return planNextYear(ctx, e, args[1:])
	}
	fmt.Fprintf(e.stderr, "samkal plan: unknown subcommand %q; use window, suggest or next-year\n", args[0])
	return exitUsage
}

// usageProblems prints problems with the command line and the flags'
// help, and returns exitUsage.
func usageProblems(e *env, fs *flag.FlagSet, problems []string) int {
	for _, p := range problems {
		fmt.Fprintf(e.stderr, "%s: %s\n", fs.Name(), p)
	}
	fs.Usage()
	return exitUsage
}

// openForCommand loads the configuration and opens the store; on failure it
// has printed why and returns nil with the exit code.
func openForCommand(ctx context.Context, e *env, fs *flag.FlagSet, path string) (*sqlstore.Store, int) {
	cfg, err := loadConfig(e, fs, path)
	if err != nil {
		return nil, exitUsage
	}
	return openStore(ctx, e, cfg, newLogger(cfg, e.stderr))
}

// failure prints a command's error: a domain error's message and every
// problem it lists, or the whole error for anything else. An error after
// ctx ended (Ctrl+C, SIGTERM) is an interruption, whatever the driver made
// of it: every command here writes in one transaction, so nothing was
// written.
func failure(ctx context.Context, e *env, name string, err error) int {
	if ctx.Err() != nil {
		fmt.Fprintf(e.stderr, "%s: interrupted before it finished; nothing was written\n", name)
		return exitInterrupted
	}
	var es arsplan.Errors
	if errors.As(err, &es) {
		fmt.Fprintln(e.stderr, es)
		return exitFailure
	}
	fmt.Fprintf(e.stderr, "%s: %s\n", name, errorText(err))
	var ce *calendar.Error
	if errors.As(err, &ce) && len(ce.Details) > 1 {
		for _, d := range ce.Details {
			fmt.Fprintf(e.stderr, "  - %s\n", d)
		}
	}
	return exitFailure
}

// planWindow plans the booking window of a file. The file holds one window
// (its fields at the top, as in the API's JSON) or is an årsplan file with
// booking_windows:, of which --name picks one when there are several.
// Without --apply it only prints: a stored window of the same name lends
// its id, so that the plan ignores that window's own earlier proposals.
// With --apply the window is stored (created, or updated by name) and the
// plan written as proposed meetings, in one transaction. Exit code 1 when
// no plan keeps every rule.
func planWindow(ctx context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "plan window", "FILE.yaml [--name NAME] [--apply]", "db")
	name := fs.String("name", "", "the `name` of the window to plan, when the file has several")
	apply := fs.Bool("apply", false, "store the window and write the plan as proposed meetings")
	verbose := fs.Bool("v", false, "print the reasons behind each time's score")
	files, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(err)
	}
	if len(files) != 1 {
		return usageProblems(e, fs, []string{"name exactly one file with a booking window"})
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: cannot read: %v\n", files[0], unwrapPathError(err))
		return exitFailure
	}
	windows, err := arsplan.ParseBookingWindows(files[0], data)
	if err != nil {
		return failure(ctx, e, "samkal plan window", err)
	}
	w, err := pickWindow(windows, *name, files[0])
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal plan window: %v\n", err)
		return exitFailure
	}
	store, code := openForCommand(ctx, e, fs, *path)
	if store == nil {
		return code
	}
	defer store.Close()

	var wp *plan.WindowPlan
	var written []*calendar.Meeting
	err = store.InTx(ctx, func(tx calendar.Store) error {
		stored, err := storedWindow(ctx, tx, w.Name)
		if err != nil {
			return err
		}
		if stored != nil {
			w.ID = stored.ID
		}
		if *apply {
			if stored == nil {
				err = tx.CreateBookingWindow(ctx, w)
			} else {
				_, err = tx.UpdateBookingWindow(ctx, stored.ID, w)
			}
			if err != nil {
				return err
			}
		}
		if wp, err = plan.PlanWindow(ctx, tx, w, time.Now(), plan.Options{}); err != nil {
			return err
		}
		if !*apply {
			return nil
		}
		if !wp.Result.Feasible {
			return errInfeasible // nothing is written, the window neither
		}
		written, err = plan.ApplyWindowPlan(ctx, tx, w, wp.Result)
		return err
	})
	if err != nil && !errors.Is(err, errInfeasible) {
		return failure(ctx, e, "samkal plan window", err)
	}
	names, err := loadNames(ctx, store)
	if err != nil {
		return failure(ctx, e, "samkal plan window", err)
	}
	printPlan(e.stdout, w, wp, names, *verbose, time.Now())
	switch {
	case !wp.Result.Feasible && *apply:
		fmt.Fprintln(e.stdout, "\nInget skrevs, inte heller bokningsfönstret: planen bryter mot reglerna.")
	case *apply:
		ids := make([]string, len(written))
		for i, m := range written {
			ids[i] = strconv.FormatInt(m.ID, 10)
		}
		fmt.Fprintf(e.stdout, "\nBokningsfönstret är sparat (id %d). Skrev %d föreslagna möten", w.ID, len(written))
		if len(ids) > 0 {
			fmt.Fprintf(e.stdout, " (id %s)", strings.Join(ids, ", "))
		}
		fmt.Fprintln(e.stdout, ".")
	}
	if !wp.Result.Feasible {
		return exitFailure
	}
	return exitOK
}

// errInfeasible undoes planWindow's transaction when --apply meets a plan
// that breaks the rules.
var errInfeasible = errors.New("the plan breaks the rules")

// pickWindow returns the window named name, or the only one.
func pickWindow(ws []*arsplan.BookingWindow, name, file string) (*calendar.BookingWindow, error) {
	if name != "" {
		for _, w := range ws {
			if w.Name == name {
				return &w.BookingWindow, nil
			}
		}
		return nil, fmt.Errorf("%s has no booking window named %q%s", file, name, windowNames(ws))
	}
	switch len(ws) {
	case 0:
		return nil, fmt.Errorf("%s has no booking window: write one (name, weeks, bodies …) or a booking_windows: list", file)
	case 1:
		return &ws[0].BookingWindow, nil
	}
	return nil, fmt.Errorf("%s has %d booking windows; pick one with --name%s", file, len(ws), windowNames(ws))
}

func windowNames(ws []*arsplan.BookingWindow) string {
	if len(ws) == 0 {
		return ""
	}
	names := make([]string, len(ws))
	for i, w := range ws {
		names[i] = strconv.Quote(w.Name)
	}
	return ": " + strings.Join(names, ", ")
}

// storedWindow returns the stored window named name, or nil; more than
// one of that name is an error, since the file cannot say which.
func storedWindow(ctx context.Context, store calendar.Store, name string) (*calendar.BookingWindow, error) {
	all, err := store.FindBookingWindows(ctx)
	if err != nil {
		return nil, err
	}
	var found *calendar.BookingWindow
	for _, w := range all {
		if w.Name == name {
			if found != nil {
				return nil, calendar.Errorf(calendar.EINVALID, "several stored booking windows are named %q; rename all but one", name)
			}
			found = w
		}
	}
	return found, nil
}

// names are the display names of bodies, rooms and people.
type names struct{ bodies, rooms, people map[string]string }

func loadNames(ctx context.Context, store calendar.Store) (*names, error) {
	n := &names{bodies: map[string]string{}, rooms: map[string]string{}, people: map[string]string{}}
	bodies, err := store.FindBodies(ctx, calendar.BodyFilter{})
	if err != nil {
		return nil, err
	}
	for _, b := range bodies {
		n.bodies[b.Slug] = b.Name
	}
	rooms, err := store.FindRooms(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rooms {
		n.rooms[r.Slug] = r.Name
	}
	people, err := store.FindPeople(ctx, calendar.PersonFilter{})
	if err != nil {
		return nil, err
	}
	for _, p := range people {
		n.people[p.Key] = p.Name
	}
	return n, nil
}

func (n *names) body(slug string) string { return cmp.Or(n.bodies[slug], slug) }

func (n *names) room(slug string) string {
	if slug == "" {
		return "digitalt"
	}
	return cmp.Or(n.rooms[slug], slug)
}

func (n *names) list(m map[string]string, keys []string) string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = cmp.Or(m[k], k)
	}
	return swedishList(out)
}

var (
	svWeekdays = [...]string{"sön", "mån", "tis", "ons", "tor", "fre", "lör"}
	svMonths   = [...]string{"jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}
)

// svDay writes a day the Swedish way: "tis 9 sep 2025".
func svDay(d calendar.Date) string {
	return fmt.Sprintf("%s %d %s %d", svWeekdays[d.Weekday()], d.Day, svMonths[d.Month-1], d.Year)
}

// svWeek writes a day's ISO week: "v 37".
func svWeek(d calendar.Date) string { _, w := d.ISOWeek(); return fmt.Sprintf("v %d", w) }

// svSpan writes a time span: "13.00–15.00".
func svSpan(start, end time.Time) string {
	return calendar.In(start).Format("15.04") + "–" + calendar.In(end).Format("15.04")
}

// svScore writes a score with a decimal comma: "poäng 96,5".
func svScore(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s) > i+3 {
		s = strconv.FormatFloat(f, 'f', 2, 64)
	}
	return "poäng " + strings.Replace(s, ".", ",", 1)
}

// swedishList joins "a, b och c".
func swedishList(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " och " + s[len(s)-1]
}

// table lines up rows of cells in columns two spaces apart; each row may
// carry notes, printed on their own lines under it, indented to the fourth
// column, so that they neither widen nor break the columns.
type table struct {
	rows  [][]string
	notes [][]string
}

// add and note keep the text as the terminal may show it: the store
// refuses control and bidi characters, but rows written before it did
// (or by hand in the database) must not move the cursor or reverse a line.
func (t *table) add(cells ...string) {
	for i, c := range cells {
		cells[i] = calendar.LineText.Clean(c)
	}
	t.rows = append(t.rows, cells)
	t.notes = append(t.notes, nil)
}

func (t *table) note(s string) {
	t.notes[len(t.notes)-1] = append(t.notes[len(t.notes)-1], calendar.LineText.Clean(s))
}

func (t *table) write(out io.Writer) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	indent := 0
	for i := 0; i < 3 && i < len(widths); i++ {
		indent += widths[i] + 2
	}
	for i, r := range t.rows {
		var b strings.Builder
		for j, c := range r {
			b.WriteString(c)
			if j < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[j]-utf8.RuneCountInString(c)+2))
			}
		}
		fmt.Fprintln(out, strings.TrimRight(b.String(), " "))
		for _, n := range t.notes[i] {
			fmt.Fprintf(out, "%s%s\n", strings.Repeat(" ", indent), n)
		}
	}
}

// printPlan writes the plan as a table, with what a secretary must know
// before it and, when no plan keeps every rule, why.
func printPlan(out io.Writer, w *calendar.BookingWindow, wp *plan.WindowPlan, n *names, verbose bool, now time.Time) {
	id := "inte sparat"
	if w.ID > 0 {
		id = fmt.Sprintf("id %d", w.ID)
	}
	fmt.Fprintf(out, "%s (%s)\n", w.Name, id)
	for _, note := range windowNotes(w, wp, n, now) {
		fmt.Fprintf(out, "Obs: %s\n", note)
	}
	res := wp.Result
	if !res.Feasible {
		fmt.Fprintln(out, "\nDet går inte att planera alla möten utan att bryta mot reglerna. Varför:")
		for _, c := range res.Conflicts {
			fmt.Fprintf(out, "  - %s\n", c.Reason)
			var parts []string
			if len(c.Bodies) > 0 {
				bs := make([]string, len(c.Bodies))
				for i, b := range c.Bodies {
					bs[i] = n.body(b)
				}
				parts = append(parts, "organ: "+swedishList(bs))
			}
			if len(c.People) > 0 {
				parts = append(parts, "personer: "+n.list(n.people, c.People))
			}
			if len(c.Rooms) > 0 {
				parts = append(parts, "lokaler: "+n.list(n.rooms, c.Rooms))
			}
			if len(c.Days) > 0 {
				ds := make([]string, len(c.Days))
				for i, d := range c.Days {
					ds[i] = svDay(d)
				}
				parts = append(parts, "möjliga dagar: "+swedishList(ds))
			}
			if len(parts) > 0 {
				fmt.Fprintf(out, "    (%s)\n", strings.Join(parts, "; "))
			}
		}
	}
	if len(res.Assignments) == 0 {
		if wp.Problem == nil {
			fmt.Fprintln(out, "\nAlla organ i fönstret har redan bokat sina möten; inget att planera.")
		}
		return
	}
	switch {
	case !res.Feasible:
		fmt.Fprintln(out, "\nBästa möjliga plan, som bryter mot reglerna där det står \"bryter mot\":")
	case res.Exact:
		fmt.Fprintln(out, "\nPlan (bästa möjliga enligt reglerna och önskemålen):")
	default:
		fmt.Fprintln(out, "\nPlan (håller alla regler; inte bevisat bästa):")
	}
	as := slices.Clone(res.Assignments)
	slices.SortStableFunc(as, func(a, b plan.Assignment) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(n.body(a.Body), n.body(b.Body)))
	})
	var t table
	for _, a := range as {
		d := calendar.DateOf(a.Start)
		t.add(svWeek(d), svDay(d), svSpan(a.Start, a.End), n.body(a.Body), n.room(a.Room), svScore(a.Score))
		if verbose && len(a.Reasons) > 0 {
			t.note(strings.Join(a.Reasons, ", "))
		}
		for _, v := range a.Violations {
			t.note("bryter mot: " + v)
		}
	}
	t.write(out)
	fmt.Fprintf(out, "Totalt %s.\n", svScore(res.Score))
}

// windowNotes are the Swedish notes before a plan: weeks in the past, a
// passed deadline, holidays left out, bodies already booked.
func windowNotes(w *calendar.BookingWindow, wp *plan.WindowPlan, n *names, now time.Time) []string {
	var out []string
	today := calendar.DateOf(now)
	var past []string
	for _, wk := range w.Weeks {
		if wk.Monday().AddDays(6).Before(today) {
			past = append(past, fmt.Sprintf("v %d %d", wk.Week, wk.Year))
		}
	}
	if len(past) > 0 {
		out = append(out, fmt.Sprintf("%s har redan varit; planen visar hur det hade kunnat bli.", swedishList(past)))
	}
	if !w.Deadline.IsZero() && w.Deadline.Before(today) {
		out = append(out, fmt.Sprintf("Sista bokningsdag var %s.", svDay(w.Deadline)))
	}
	for _, d := range w.Days() {
		if name, ok := plan.Holiday(d); ok && slices.Contains(w.Weekdays, calendar.Weekday(d.Weekday())) {
			out = append(out, fmt.Sprintf("%s är %s; den dagen planeras inget.", svDay(d), name))
		}
	}
	for _, b := range wp.AlreadyBooked {
		var when []string
		for _, m := range b.Meetings {
			when = append(when, svDay(calendar.DateOf(m.Start))+" "+svSpan(m.Start, m.End))
		}
		out = append(out, fmt.Sprintf("%s har redan bokat (%s) och planeras inte igen.", n.body(b.Body), swedishList(when)))
	}
	return out
}

// planSuggest lists free times for one body of a stored window.
func planSuggest(ctx context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "plan suggest", "--window ID --body SLUG [--limit N]", "db")
	id := fs.Int64("window", 0, "the `id` of the stored booking window")
	body := fs.String("body", "", "the `slug` of one of the window's bodies")
	limit := fs.Int("limit", 10, "list at most `n` times")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(err)
	}
	var problems []string
	if len(rest) > 0 {
		problems = append(problems, fmt.Sprintf("unexpected arguments %q", rest))
	}
	if *id <= 0 {
		problems = append(problems, "--window is required: the id of a stored booking window")
	}
	if *body == "" {
		problems = append(problems, "--body is required")
	}
	if *limit < 1 {
		problems = append(problems, "--limit must be at least 1")
	}
	if len(problems) > 0 {
		return usageProblems(e, fs, problems)
	}
	store, code := openForCommand(ctx, e, fs, *path)
	if store == nil {
		return code
	}
	defer store.Close()
	w, err := store.FindBookingWindowByID(ctx, *id)
	if err != nil {
		return failure(ctx, e, "samkal plan suggest", err)
	}
	sg, err := plan.SuggestWindow(ctx, store, w, *body, time.Now(), *limit)
	if err != nil {
		return failure(ctx, e, "samkal plan suggest", err)
	}
	n, err := loadNames(ctx, store)
	if err != nil {
		return failure(ctx, e, "samkal plan suggest", err)
	}
	fmt.Fprintf(e.stdout, "Lediga tider för %s i %s (id %d), bästa först:\n", n.body(*body), w.Name, w.ID)
	if len(sg) == 0 {
		fmt.Fprintln(e.stdout, "Ingen ledig tid: alla som måste vara med, eller lokalerna, är upptagna.")
		return exitOK
	}
	var t table
	for _, x := range sg {
		d := calendar.DateOf(x.Start)
		t.add(svWeek(d), svDay(d), svSpan(x.Start, x.End), n.room(x.Room), svScore(x.Score), strings.Join(x.Reasons, ", "))
	}
	t.write(e.stdout)
	return exitOK
}

// planNextYear proposes a body's årsplan for a year.
func planNextYear(ctx context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "plan next-year", "--body SLUG --year YYYY (--copy-year YYYY | --rrule RULE | --per-year N --weekday DAY) …", "db")
	body := fs.String("body", "", "the `slug` of the body")
	year := fs.Int("year", 0, "the `year` to propose")
	copyYear := fs.Int("copy-year", 0, "copy this `year`'s meetings to the same ISO week and weekday")
	rule := fs.String("rrule", "", "an RFC 5545 recurrence `rule`, e.g. FREQ=MONTHLY;INTERVAL=2;BYDAY=TH;BYSETPOS=3")
	perYear := fs.Int("per-year", 0, "spread this `number` of meetings evenly over the year")
	weekday := fs.String("weekday", "", "the `day` for --per-year: mon … fri (or mån … fre)")
	start := fs.String("start", "", "the `time` of day for --rrule and --per-year, e.g. 13:00")
	duration := fs.Int("duration", 0, "the length in `minutes` for --rrule and --per-year")
	exclude := fs.String("exclude-weeks", "", "ISO week `numbers` never used, e.g. 27,28,29,30,31,32")
	room := fs.String("room", "", "the room `slug` of every meeting")
	apply := fs.Bool("apply", false, "write the proposals as proposed meetings")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(err)
	}
	var problems []string
	if len(rest) > 0 {
		problems = append(problems, fmt.Sprintf("unexpected arguments %q", rest))
	}
	if *body == "" {
		problems = append(problems, "--body is required")
	}
	if *year == 0 {
		problems = append(problems, "--year is required, e.g. --year 2026")
	}
	pat := plan.Pattern{CopyYear: *copyYear, RRule: *rule, PerYear: *perYear, DurationMinutes: *duration, Room: *room}
	if *weekday != "" {
		d, err := calendar.ParseWeekday(*weekday)
		if err != nil {
			problems = append(problems, "--weekday: "+calendar.ErrorMessage(err))
		}
		pat.Weekday = d
	}
	if *start != "" {
		c, err := calendar.ParseClock(*start)
		if err != nil {
			problems = append(problems, "--start: "+calendar.ErrorMessage(err))
		}
		pat.Start = c
	}
	for _, s := range strings.FieldsFunc(*exclude, func(r rune) bool { return r == ',' || r == ' ' }) {
		w, err := strconv.Atoi(s)
		if err != nil {
			problems = append(problems, fmt.Sprintf("--exclude-weeks: %q is not a week number", s))
			continue
		}
		pat.ExcludedWeeks = append(pat.ExcludedWeeks, w)
	}
	if len(problems) > 0 {
		return usageProblems(e, fs, problems)
	}
	store, code := openForCommand(ctx, e, fs, *path)
	if store == nil {
		return code
	}
	defer store.Close()
	var yp *plan.YearProposal
	var created, existing []*calendar.Meeting
	err = store.InTx(ctx, func(tx calendar.Store) error {
		if _, err := tx.FindBodyBySlug(ctx, *body); err != nil {
			return err
		}
		var err error
		if yp, err = plan.ProposeYear(ctx, tx, *body, *year, pat); err != nil || !*apply {
			return err
		}
		created, existing, err = plan.ApplyProposals(ctx, tx, *body, yp.Proposals)
		return err
	})
	if err != nil {
		return failure(ctx, e, "samkal plan next-year", err)
	}
	n, err := loadNames(ctx, store)
	if err != nil {
		return failure(ctx, e, "samkal plan next-year", err)
	}
	fmt.Fprintf(e.stdout, "Förslag till årsplan %d för %s:\n", *year, n.body(*body))
	var t table
	for _, p := range yp.Proposals {
		d := calendar.DateOf(p.Start)
		cells := []string{svWeek(d), svDay(d), svSpan(p.Start, p.End), proposalPlace(p, n)}
		if p.Title != "" {
			cells = append(cells, p.Title)
		}
		t.add(cells...)
		for _, r := range p.Reasons {
			t.note(r)
		}
	}
	t.write(e.stdout)
	if len(yp.LeftOut) > 0 {
		// Nothing of the copied year is dropped without a word.
		fmt.Fprintf(e.stdout, "\nInte med i förslaget (%d av %d års möten):\n", len(yp.LeftOut), *copyYear)
		var lt table
		for _, l := range yp.LeftOut {
			d := calendar.DateOf(l.Start)
			span := svSpan(l.Start, l.End)
			if l.AllDay {
				span = "heldag"
			}
			lt.add(svWeek(d), svDay(d), span, "möte "+strconv.FormatInt(l.Meeting, 10))
			lt.note(l.Reason)
		}
		lt.write(e.stdout)
	}
	if *apply {
		fmt.Fprintf(e.stdout, "\nSkrev %d föreslagna möten; %d fanns redan och lämnades som de var.\n", len(created), len(existing))
	}
	return exitOK
}

// proposalPlace is where a proposed meeting is held, as the table shows
// it: the room or the place, with "+ digitalt" when it has an online link
// as well.
func proposalPlace(p plan.Proposal, n *names) string {
	var place string
	switch {
	case p.Room != "":
		place = n.room(p.Room)
	case p.Location != "":
		place = p.Location
	case p.OnlineURL != "":
		return "digitalt"
	default:
		return "lokal ej vald"
	}
	if p.OnlineURL != "" {
		place += " + digitalt"
	}
	return place
}

// conflictsCmd prints the clash report for a period.
func conflictsCmd(ctx context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "conflicts", "--from YYYY-MM-DD --to YYYY-MM-DD", "db")
	from := fs.String("from", "", "the first `day` of the period, YYYY-MM-DD")
	to := fs.String("to", "", "the last `day` of the period (included), YYYY-MM-DD")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(err)
	}
	var problems []string
	if len(rest) > 0 {
		problems = append(problems, fmt.Sprintf("unexpected arguments %q", rest))
	}
	day := func(flag, v string) calendar.Date {
		if v == "" {
			problems = append(problems, fmt.Sprintf("--%s is required, e.g. --%s 2025-01-01", flag, flag))
			return calendar.Date{}
		}
		d, err := calendar.ParseDate(v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("--%s: %s", flag, calendar.ErrorMessage(err)))
		}
		return d
	}
	first, last := day("from", *from), day("to", *to)
	if !first.IsZero() && !last.IsZero() && last.Before(first) {
		problems = append(problems, fmt.Sprintf("--to %s is before --from %s", last, first))
	}
	if len(problems) > 0 {
		return usageProblems(e, fs, problems)
	}
	store, code := openForCommand(ctx, e, fs, *path)
	if store == nil {
		return code
	}
	defer store.Close()
	cs, err := plan.FindClashes(ctx, store, first.Start(), last.AddDays(1).Start())
	if err != nil {
		return failure(ctx, e, "samkal conflicts", err)
	}
	if len(cs) == 0 {
		fmt.Fprintf(e.stdout, "Inga krockar %s – %s.\n", svDay(first), svDay(last))
		return exitOK
	}
	kinds := map[string]string{plan.ClashPerson: "dubbelbokad person", plan.ClashRoom: "dubbelbokad lokal",
		plan.ClashHoliday: "helgdag", plan.ClashHours: "tid", plan.ClashWeekend: "helg", plan.ClashCannotDo: "kan inte"}
	fmt.Fprintf(e.stdout, "%d krockar %s – %s:\n", len(cs), svDay(first), svDay(last))
	var t table
	for _, c := range cs {
		ids := make([]string, len(c.Meetings))
		for i, id := range c.Meetings {
			ids[i] = strconv.FormatInt(id, 10)
		}
		t.add(svWeek(c.Day), svDay(c.Day), cmp.Or(kinds[c.Kind], c.Kind), "möte "+strings.Join(ids, ", "))
		t.note(c.Detail)
	}
	t.write(e.stdout)
	return exitOK
}
