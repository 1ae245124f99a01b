package api

// The årsplan as a file, from a body's page: GET
// /mina-organ/{slug}/exportera?ar=YYYY downloads the year in the årsplan
// YAML format (calendar/arsplan, the same as `samkal export`), and
// /mina-organ/{slug}/importera reads one back: upload → preview (what would
// be created and changed, or the problems by line) → "Importera". The
// preview applies the file in a transaction that is rolled back; the
// confirm carries the file in a hidden field and applies it again, checked
// again, in the transaction that writes it.
//
// A secretary may import only what they could do on the pages: meetings,
// members and booking windows of bodies they keep, and new people. A file
// that would create or change an organisation, a room or a body itself, or
// change a stored person, needs an admin.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/access"
	"github.com/samkal/samkal/calendar/arsplan"
)

// maxArsplanFile is the largest årsplan taken from the page (1 MiB): a
// body's years of meetings are a few kilobytes.
const maxArsplanFile = 1 << 20

func arsplanImportPath(slug string) string { return "/mina-organ/" + slug + "/importera" }
func arsplanExportPath(slug string, year int) string {
	return fmt.Sprintf("/mina-organ/%s/exportera?ar=%d", slug, year)
}

// exportArsplan answers GET /mina-organ/{slug}/exportera?ar=YYYY: the
// file, as a download named e.g. arsplan-2026-chefsgrupp-folkhalsa.yaml.
func (s *Server) exportArsplan(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, false)
	if b == nil {
		return
	}
	year := s.pageYear(r)
	data, err := arsplan.Export(r.Context(), s.store, b.Slug, year)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/yaml; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="arsplan-%d-%s.yaml"`, year, b.Slug))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
}

// kindNames are a Report's kinds in Swedish, in the order the preview
// lists them.
var kindNames = []struct{ Kind, Name string }{
	{"meetings", "Möten"}, {"memberships", "Medlemskap"}, {"people", "Personer"}, {"bodies", "Organ"},
	{"booking_windows", "Bokningsveckor"}, {"rooms", "Lokaler"}, {"organisations", "Organisationer"},
}

type reportRow struct {
	Name                        string
	Created, Updated, Unchanged int
}

type fileMeeting struct{ When, What, Status string }

type arsplanImportPage struct {
	page
	Body, Slug, Action, Confirm, Plan string
	FileName, Content                 string
	Errors                            []formError
	ErrorFor                          map[string]string
	Problems                          []string // the file's problems by line, in Swedish
	Report                            []reportRow
	Meetings                          []fileMeeting
	Changes                           bool
}

func (s *Server) renderArsplanImport(w http.ResponseWriter, r *http.Request, status int, b *calendar.Body, data arsplanImportPage) {
	title := "Importera årsplan – " + b.Name
	if data.Report != nil {
		title = "Förhandsgranska årsplan – " + b.Name
	}
	if len(data.Errors) > 0 {
		title = "Fel: " + title
	}
	data.page = page{Title: title, Region: s.region, Home: "/"}
	data.Body, data.Slug, data.Plan = b.Name, b.Slug, "/mina-organ/"+b.Slug
	data.Action, data.Confirm = arsplanImportPath(b.Slug), arsplanImportPath(b.Slug)+"/spara"
	data.ErrorFor = errorFor(data.Errors)
	s.renderPage(w, r, status, s.pages.arsplanImport, data)
}

// arsplanImportPage answers GET /mina-organ/{slug}/importera.
func (s *Server) arsplanImportPage(w http.ResponseWriter, r *http.Request) {
	if b := s.bodyOfPage(w, r, false); b != nil {
		s.renderArsplanImport(w, r, http.StatusOK, b, arsplanImportPage{})
	}
}

// errDryRun rolls back the preview's Apply; errNotYours the confirm's when
// the file goes beyond what the caller keeps.
var (
	errDryRun   = errors.New("dry run")
	errNotYours = errors.New("not the caller's")
)

// applyArsplan parses data and applies it in one transaction, which is
// rolled back unless write is true or when the caller may not do all of
// it. It returns the file, the report, and the problems in Swedish (by
// line, then what the caller may not do); err is for internal errors only.
func (s *Server) applyArsplan(ctx context.Context, p *access.Principal, name string, data []byte, write bool) (*arsplan.File, *arsplan.Report, []string, error) {
	f, err := arsplan.Parse(name, data)
	if err != nil {
		return nil, nil, fileProblems(err), nil
	}
	var rep *arsplan.Report
	var problems []string
	// The first error ends the import (calendar.AllOrNothing).
	err = s.store.InTx(calendar.AllOrNothing(ctx), func(tx calendar.Store) error {
		before, err := meetingsByID(ctx, tx, f)
		if err != nil {
			return err
		}
		if rep, err = arsplan.Apply(ctx, tx, f); err != nil {
			return err
		}
		after, err := meetingsByID(ctx, tx, f)
		if err != nil {
			return err
		}
		if problems = notYours(p, f, rep, before, after); len(problems) > 0 {
			return errNotYours
		}
		if !write {
			return errDryRun
		}
		return nil
	})
	switch {
	case err == nil, errors.Is(err, errDryRun):
		return f, rep, nil, nil
	case errors.Is(err, errNotYours):
		return f, nil, problems, nil
	}
	var es arsplan.Errors
	if errors.As(err, &es) {
		return f, nil, fileProblems(es), nil
	}
	return nil, nil, nil, err
}

// meetingsByID reads the stored meetings that the file's meetings name,
// keyed as the file names them (key, or uid for a meeting without one),
// with the time stamps cleared so that two readings compare equal when
// nothing changed. One query: the store has no lookup by several keys.
func meetingsByID(ctx context.Context, tx calendar.Store, f *arsplan.File) (map[string]calendar.Meeting, error) {
	out := map[string]calendar.Meeting{}
	if len(f.Meetings) == 0 {
		return out, nil
	}
	all, err := tx.FindMeetings(ctx, calendar.MeetingFilter{})
	if err != nil {
		return nil, err
	}
	for _, m := range all {
		v := *m
		v.CreatedAt, v.UpdatedAt = time.Time{}, time.Time{}
		if m.Key != "" {
			out["key/"+m.Key] = v
		}
		out["uid/"+m.UID] = v
	}
	return out, nil
}

func fileMeetingID(m *arsplan.Meeting) string {
	if m.Key != "" {
		return "key/" + m.Key
	}
	return "uid/" + m.UID
}

// notYours lists what in the file the caller may not do, in Swedish: a
// meeting created or changed must be of bodies the caller keeps, before
// and after; a body's entry with members, a body they keep; a booking
// window created or changed, all its bodies. References and entries that
// change nothing need nothing, so that an exported file (with the other
// bodies of joint meetings) imports back.
func notYours(p *access.Principal, f *arsplan.File, rep *arsplan.Report, before, after map[string]calendar.Meeting) []string {
	var out []string
	seen := map[string]bool{}
	need := func(line int, bodies []string) {
		if len(bodies) == 0 && !p.Change() && !seen[""] {
			seen[""] = true
			out = append(out, fmt.Sprintf("Rad %d: ett möte utan organ kan bara en administratör lägga in eller ändra.", line))
		}
		for _, b := range bodies {
			if !p.Change(b) && !seen[b] {
				seen[b] = true
				out = append(out, fmt.Sprintf("Rad %d: du är inte sekreterare för organet %s, så filen kan inte ändra det.", line, b))
			}
		}
	}
	for _, b := range f.Bodies {
		if !b.Ref || len(b.Members) > 0 {
			need(b.Pos.Line, []string{b.Slug})
		}
	}
	for _, m := range f.Meetings {
		id := fileMeetingID(m)
		old, had := before[id]
		now := after[id]
		if had && reflect.DeepEqual(old, now) {
			continue
		}
		if had {
			need(m.Pos.Line, old.Bodies)
		}
		need(m.Pos.Line, m.Bodies)
	}
	if rep.Created["booking_windows"]+rep.Updated["booking_windows"] > 0 {
		for _, x := range f.BookingWindows {
			need(x.Pos.Line, x.Bodies)
		}
	}
	if p.Administer() {
		return out
	}
	for _, k := range []struct{ kind, what string }{{"organisations", "organisationer"}, {"rooms", "lokaler"}, {"bodies", "organ"}} {
		if n := rep.Created[k.kind] + rep.Updated[k.kind]; n > 0 {
			out = append(out, fmt.Sprintf("Filen lägger till eller ändrar %[2]s (%[1]d st.). Det kan bara en administratör göra: ta bort ändringen ur filen eller be en administratör importera den.", n, k.what))
		}
	}
	if n := rep.Updated["people"]; n > 0 {
		out = append(out, fmt.Sprintf("Filen ändrar uppgifterna för personer som redan finns (%d st.). Det kan bara en administratör göra.", n))
	}
	return out
}

// fileProblems says an årsplan's problems in Swedish, by line.
func fileProblems(err error) []string {
	var es arsplan.Errors
	if !errors.As(err, &es) {
		return []string{"Filen kunde inte läsas som en årsplan."}
	}
	var out []string
	for _, e := range es {
		where := "Filen"
		if e.Line > 0 {
			where = "Rad " + strconv.Itoa(e.Line)
		}
		out = append(out, where+": "+swedishFileMessage(e.Msg))
	}
	return out
}

// fileMessages put the file's problems in Swedish; the keys of the format
// (date, start, bodies …) are the file's own words and stay as written.
// What is not here gets a general sentence with the line.
var fileMessages = []struct {
	re *regexp.Regexp
	sv string
}{
	{regexp.MustCompile(`^this is not valid YAML`), "filen är inte giltig YAML. Kontrollera indrag och kolon på raden."},
	{regexp.MustCompile(`^the file is \d+ bytes`), "filen är för stor."},
	{regexp.MustCompile(`unknown key "([^"]+)"; did you mean "([^"]+)"\?`), "okänd nyckel ”$1”. Menade du ”$2”?"},
	{regexp.MustCompile(`unknown key "([^"]+)"`), "okänd nyckel ”$1”."},
	{regexp.MustCompile(`(\w+) "([^"]*)" is not a date`), "”$2” är inget datum. Skriv $1 som ÅÅÅÅ-MM-DD, till exempel 2026-01-21."},
	{regexp.MustCompile(`(\w+) "([^"]*)" is not a time of day`), "”$2” är ingen tid. Skriv $1 som TT:MM inom citattecken, till exempel \"13:00\"."},
	{regexp.MustCompile(`\bbody "([^"]+)" does not exist`), "organet ”$1” finns varken i Samkal eller i filen. Kontrollera stavningen."},
	{regexp.MustCompile(`\broom "([^"]+)" does not exist`), "lokalen ”$1” finns varken i Samkal eller i filen. Kontrollera stavningen."},
	{regexp.MustCompile(`\bperson "([^"]+)" does not exist`), "personen ”$1” finns varken i Samkal eller i filen. Kontrollera stavningen."},
	{regexp.MustCompile(`\borganisation "([^"]+)" does not exist`), "organisationen ”$1” finns varken i Samkal eller i filen. Kontrollera stavningen."},
	{regexp.MustCompile(`"([^"]+)" does not exist`), "”$1” finns varken i Samkal eller i filen. Kontrollera stavningen."},
	{regexp.MustCompile(`"([^"]+)" is (?:defined|written) twice \(first at line (\d+)\)`), "”$1” står två gånger i filen (första gången på rad $2)."},
	{regexp.MustCompile(`^(?:.*: )?(\w+) is required`), "$1 saknas."},
	{regexp.MustCompile(`(\w+) must be true or false, not "([^"]*)"`), "$1 ska vara true eller false, inte ”$2”."},
	{regexp.MustCompile(`(\w+) must be a whole number`), "$1 ska vara ett heltal."},
	{regexp.MustCompile(`is not after start|before it starts`), "slutet kommer före början."},
	{regexp.MustCompile(`the clocks go forward`), "tiden finns inte den dagen: klockan ställs fram en timme den natten. Välj en annan tid."},
	{regexp.MustCompile(`the clocks go back`), "tiden finns två gånger den natten klockan ställs tillbaka. Välj en annan tid."},
}

func swedishFileMessage(msg string) string {
	for _, m := range fileMessages {
		if loc := m.re.FindStringSubmatchIndex(msg); loc != nil {
			return string(m.re.ExpandString(nil, m.sv, msg, loc))
		}
	}
	return "posten stämmer inte med årsplanens format. Jämför med en fil som Samkal har exporterat, eller be en administratör om hjälp."
}

// previewArsplanImport answers POST /mina-organ/{slug}/importera
// (multipart): what the file would do, writing nothing.
func (s *Server) previewArsplanImport(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, true)
	if b == nil {
		return
	}
	up, ok, err := s.readUpload(w, r, maxArsplanFile)
	if !ok {
		return
	}
	switch {
	case errors.Is(err, errUploadTooLarge):
		s.renderArsplanImport(w, r, http.StatusRequestEntityTooLarge, b, arsplanImportPage{FileName: up.Name,
			Errors: []formError{{uploadField, "Filen är större än 1 MB. En årsplan brukar vara några kilobyte: välj rätt fil."}}})
		return
	case errors.Is(err, errNoFile):
		s.renderArsplanImport(w, r, http.StatusUnprocessableEntity, b, arsplanImportPage{
			Errors: []formError{{uploadField, "Välj en årsplan (en YAML-fil)."}}})
		return
	}
	s.arsplanResult(w, r, b, up.Name, up.Data, false)
}

// saveArsplanImport answers POST /mina-organ/{slug}/importera/spara: the
// file of the hidden field, parsed, checked and applied again.
func (s *Server) saveArsplanImport(w http.ResponseWriter, r *http.Request) {
	b := s.bodyOfPage(w, r, true)
	if b == nil {
		return
	}
	values, ok := s.pageForm(w, r, 4*maxArsplanFile)
	if !ok {
		return
	}
	s.arsplanResult(w, r, b, values.Get("filnamn"), []byte(values.Get("innehall")), true)
}

func (s *Server) arsplanResult(w http.ResponseWriter, r *http.Request, b *calendar.Body, name string, data []byte, write bool) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "årsplan.yaml"
	}
	f, rep, problems, err := s.applyArsplan(r.Context(), principalOf(r), name, data, write)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if len(problems) > 0 {
		s.renderArsplanImport(w, r, http.StatusUnprocessableEntity, b, arsplanImportPage{FileName: name, Problems: problems,
			Errors: []formError{{uploadField, fmt.Sprintf("Filen %s kan inte importeras: rätta raderna nedan och välj filen igen. Ingenting har sparats.", name)}}})
		return
	}
	if write {
		s.wrote()
		year := s.pageYear(r)
		if len(f.Meetings) > 0 {
			year = calendar.In(f.Meetings[0].Start).Year()
		}
		seeOther(w, fmt.Sprintf("/mina-organ/%s?ar=%d&importerad=1", b.Slug, year))
		return
	}
	data2 := arsplanImportPage{FileName: name, Content: string(data), Report: []reportRow{}}
	for _, k := range kindNames {
		row := reportRow{Name: k.Name, Created: rep.Created[k.Kind], Updated: rep.Updated[k.Kind], Unchanged: rep.Unchanged[k.Kind]}
		if row.Created+row.Updated+row.Unchanged > 0 {
			data2.Report = append(data2.Report, row)
		}
		data2.Changes = data2.Changes || row.Created+row.Updated > 0
	}
	for _, m := range f.Meetings {
		data2.Meetings = append(data2.Meetings, fileMeeting{When: weekDate(m.Start) + ", " + swedishSpan(&m.Meeting),
			What: strings.Join(m.Bodies, ", "), Status: shortStatus(m.Status)})
	}
	s.renderArsplanImport(w, r, http.StatusOK, b, data2)
}
