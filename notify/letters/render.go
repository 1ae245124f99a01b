package letters

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"unicode"
	"unicode/utf8"

	"github.com/samkal/samkal/calendar"
)

// templateFS holds one text and one HTML template per kind of email, and a
// layout of each that frames them with greeting, closing and footer.
//
//go:embed templates/*.tmpl
var templateFS embed.FS

// kinds are the emails, named as their template files are.
var kinds = []string{"call", "digest", "notice", "justering", "overdue", "booking", "signin", "declined", "calendarlink", "forhinder"}

// TextWidth is the width the text part is wrapped to. Longer lines remain
// only where one word (a link) is longer.
const TextWidth = 78

type templateSet struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
}

// templates parses the embedded templates once. A parse error is a
// programming error that every test shows; it is returned, not panicked.
var templates = sync.OnceValues(func() (*templateSet, error) {
	set := &templateSet{
		text: map[string]*texttemplate.Template{},
		html: map[string]*htmltemplate.Template{},
	}
	for _, k := range kinds {
		t, err := texttemplate.New(k).ParseFS(templateFS, "templates/layout.txt.tmpl", "templates/"+k+".txt.tmpl")
		if err != nil {
			return nil, fmt.Errorf("letters: parsing the text template of %s: %w", k, err)
		}
		set.text[k] = t
		h, err := htmltemplate.New(k).ParseFS(templateFS, "templates/layout.html.tmpl", "templates/"+k+".html.tmpl")
		if err != nil {
			return nil, fmt.Errorf("letters: parsing the HTML template of %s: %w", k, err)
		}
		set.html[k] = h
	}
	return set, nil
})

// view is the one view model both templates of an email render. Every
// string in it is already flattened to one line where it is shown as one.
type view struct {
	Subject   string
	Heading   string // the HTML's h1
	Greeting  string // "Hej Maria!"
	Secretary *Person
	Region    string
	Footer    string
	M         meetingView

	Deadline    string // Day(deadline)
	LinkURL     string
	LinkUntil   string // Day(the last day the personal link works)
	DocumentURL string
	AgendaURL   string
	PageURL     string
	Items       []itemView
	Count       string // "en punkt", "tre punkter" …

	Update, Cancel bool
	Changes        []changeView

	Chair    bool
	Reminder int
	Overdue  bool

	Moved            bool
	PreviousDeadline string // Day(previous deadline), "" when not known

	// Proposal is a declined item's title; Message the secretary's text:
	// a cancellation's message or a decline's reason (one paragraph each),
	// or the personal message atop a kallelse (line by line, "" for a
	// blank line between paragraphs).
	Proposal string
	Message  []string

	// StandsIn is the name of the member an ersättare stands in for;
	// ForhinderURL the link to say "Jag kan inte komma".
	StandsIn     string
	ForhinderURL string
	// Absent, Substitute and the note's kind (Given, Withdrawn, NotNeeded)
	// of a ForhinderNote.
	Absent, Substitute          string
	Given, Withdrawn, NotNeeded bool

	Pending []Person
	Until   string // "kl. 09.15" (the sign-in link)
	Window  string
	Weeks   string
	Bodies  []string
}

type meetingView struct {
	Title     string
	When      string
	For       string // the bodies, when they read differently from Title
	Place     string
	OnlineURL string
	PageURL   string
}

type itemView struct {
	Marker      string // "3." or "-" in the text
	Pad         string // spaces as wide as Marker and one space
	Number      int
	Title       string
	Kind        string // "information", "beslut", "dialog" or ""
	Presenter   string
	SubmittedBy string
	SubPoints   []string
	Links       []linkView
}

type linkView struct {
	Title string // "" when the link has none
	Desc  string // the HTML link text: Title or "Underlag: <item title>"
	URL   string
}

type changeView struct{ What, Now, Before string }

// render executes the kind's templates on v and finishes the text.
func render(kind string, v *view) (Letter, error) {
	set, err := templates()
	if err != nil {
		return Letter{}, err
	}
	var text, html bytes.Buffer
	if err := set.text[kind].ExecuteTemplate(&text, "layout", v); err != nil {
		return Letter{}, fmt.Errorf("letters: rendering the text of %s: %w", kind, err)
	}
	if err := set.html[kind].ExecuteTemplate(&html, "layout", v); err != nil {
		return Letter{}, fmt.Errorf("letters: rendering the HTML of %s: %w", kind, err)
	}
	return Letter{Subject: v.Subject, Text: tidyText(text.String()), HTML: tidyHTML(html.String())}, nil
}

// oneLine flattens user text to one line: every run of white space, line
// breaks included (CR, LF, U+2028 …), becomes one space, control
// characters are dropped, and the ends are trimmed.
func oneLine(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || r == utf8.RuneError:
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// messageLines splits a message of several lines into lines, each
// cleaned as oneLine does; runs of blank lines become one, and blank lines
// at the ends go. nil for a message with no words.
func messageLines(s string) []string {
	var out []string
	blank := false
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		l = oneLine(l)
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return out
}

func oneLines(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = oneLine(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// firstName is what the greeting calls a person: the first word of the
// name ("Ann-Christine" of "Ann-Christine Appelqvist").
func firstName(name string) string {
	name, _, _ = strings.Cut(oneLine(name), ",")
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

func greeting(p Person) string {
	if n := firstName(p.Name); n != "" {
		return "Hej " + n + "!"
	}
	return "Hej!"
}

// countOf says "en punkt", "tre punkter", "14 punkter": Swedish text
// writes small numbers in words.
func countOf(n int, one, many string) string {
	words := [...]string{"inga", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"}
	switch {
	case n == 1:
		return "en " + one
	case n >= 0 && n < len(words):
		return words[n] + " " + many
	}
	return strconv.Itoa(n) + " " + many
}

// footer says who sent the email and, when a secretary signs it, where
// replies go (the sender sets Reply-To to the secretary).
func footer(region string, sec *Person, toSecretary bool) string {
	s := "Det här mejlet skickades automatiskt av Samkal för " + region
	switch {
	case toSecretary:
		return s + " till dig som sekreterare."
	case sec != nil && sec.Name != "":
		return s + ". Om du svarar på mejlet går svaret till sekreteraren, " + sec.Name + "."
	case sec != nil:
		return s + ". Om du svarar på mejlet går svaret till sekreteraren."
	}
	return s + "."
}

// problems collects what is wrong with a view model, so that one error
// names all of it.
type problems struct {
	what string // "call to jenny@example.org"
	list []string
}

func (p *problems) add(format string, args ...any) {
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

func (p *problems) required(field, value string) {
	if strings.TrimSpace(value) == "" {
		p.add("%s is required", field)
	}
}

// link checks an address that ends up in an href: it must be an absolute
// http(s) address without spaces. html/template would otherwise silently
// replace a javascript: address with "#ZgotmplZ".
func (p *problems) link(field, value string, required bool) {
	if value == "" {
		if required {
			p.add("%s is required", field)
		}
		return
	}
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsFunc(value, unicode.IsSpace) {
		p.add("%s %q is not an http(s) address", field, value)
	}
}

func (p *problems) email(field, value string) {
	switch {
	case strings.TrimSpace(value) == "":
		p.add("%s is required", field)
	case !plainAddress(value):
		p.add("%s %q is not an email address", field, value)
	}
}

// plainAddress reports whether s is a bare address such as
// "maria.lindborg@example.org": it parses as one, without a display name,
// and holds nothing that would change a mailto: link (?, #, /).
func plainAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && !strings.ContainsAny(s, "?#/\\%")
}

func (p *problems) person(field string, v *Person) {
	if v != nil && v.Email != "" {
		p.email(field+".Email", v.Email)
	}
}

func (p *problems) date(field string, d calendar.Date) {
	if d.IsZero() {
		p.add("%s is required", field)
	}
}

func (p *problems) meeting(field string, m Meeting) {
	p.required(field+".Title", m.Title)
	if m.Start.IsZero() {
		p.add("%s.Start is required", field)
	}
	p.link(field+".OnlineURL", m.OnlineURL, false)
	p.link(field+".PageURL", m.PageURL, false)
}

func (p *problems) agenda(field string, items []AgendaItem) {
	for i, it := range items {
		f := fmt.Sprintf("%s[%d]", field, i)
		p.required(f+".Title", it.Title)
		for j, l := range it.Links {
			p.link(fmt.Sprintf("%s.Links[%d].URL", f, j), l.URL, true)
		}
	}
}

// err returns nil or one EINVALID error naming every problem.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	msg := p.what + ": " + p.list[0]
	if len(p.list) > 1 {
		msg += fmt.Sprintf(" (and %d more problems)", len(p.list)-1)
	}
	details := make([]string, len(p.list))
	for i, s := range p.list {
		details[i] = p.what + ": " + s
	}
	return &calendar.Error{Code: calendar.EINVALID, Message: msg, Details: details}
}

func newProblems(kind string, to Person) *problems {
	what := kind
	if e := oneLine(to.Email); e != "" {
		what += " to " + e
	}
	return &problems{what: what}
}

// cleanPerson flattens a person's name and address.
func cleanPerson(p *Person) *Person {
	if p == nil {
		return nil
	}
	c := Person{Name: oneLine(p.Name), Email: oneLine(p.Email)}
	if c.Name == "" && c.Email == "" {
		return nil
	}
	return &c
}

// meetingOf builds the view of m.
func meetingOf(m Meeting) meetingView {
	v := meetingView{
		Title:     oneLine(m.Title),
		When:      When(m),
		Place:     oneLine(m.Place),
		OnlineURL: strings.TrimSpace(m.OnlineURL),
		PageURL:   strings.TrimSpace(m.PageURL),
	}
	if bodies := joinList(oneLines(m.Bodies)); bodies != "" && !strings.EqualFold(bodies, v.Title) {
		v.For = bodies
	}
	return v
}

var kindMark = map[calendar.AgendaKind]string{
	calendar.AgendaInformation: "information",
	calendar.AgendaDecision:    "beslut",
	calendar.AgendaDialog:      "dialog",
}

// itemsOf builds the agenda's views; numbered as on the agenda, or as a
// bulleted list of proposals that carries who submitted each.
func itemsOf(items []AgendaItem, numbered bool) []itemView {
	out := make([]itemView, len(items))
	for i, it := range items {
		v := itemView{
			Number:    it.Number,
			Title:     oneLine(it.Title),
			Kind:      kindMark[it.Kind],
			Presenter: oneLine(it.Presenter),
			SubPoints: oneLines(it.SubPoints),
			Marker:    "-",
		}
		if v.Number <= 0 {
			v.Number = i + 1
		}
		if numbered {
			v.Marker = strconv.Itoa(v.Number) + "."
		} else {
			v.SubmittedBy = oneLine(it.SubmittedBy)
		}
		v.Pad = strings.Repeat(" ", utf8.RuneCountInString(v.Marker)+1)
		for _, l := range it.Links {
			lv := linkView{Title: oneLine(l.Title), URL: strings.TrimSpace(l.URL)}
			lv.Desc = lv.Title
			if lv.Desc == "" {
				lv.Desc = "Underlag: " + v.Title
			}
			v.Links = append(v.Links, lv)
		}
		out[i] = v
	}
	return out
}

// Letter renders the call for agenda items. Required: Region, To.Email,
// Meeting.Title and Start, Deadline, LinkURL.
func (c Call) Letter() (Letter, error) {
	p := newProblems("call", c.To)
	p.required("Region", c.Region)
	p.email("To.Email", c.To.Email)
	p.person("Secretary", c.Secretary)
	p.meeting("Meeting", c.Meeting)
	p.date("Deadline", c.Deadline)
	p.link("LinkURL", c.LinkURL, true)
	if err := p.err(); err != nil {
		return Letter{}, err
	}
	v := &view{
		Greeting:  greeting(c.To),
		Secretary: cleanPerson(c.Secretary),
		Region:    oneLine(c.Region),
		M:         meetingOf(c.Meeting),
		Deadline:  Day(c.Deadline),
		LinkURL:   strings.TrimSpace(c.LinkURL),
		Moved:     c.Moved,
	}
	if c.Moved && !c.PreviousDeadline.IsZero() && c.PreviousDeadline != c.Deadline {
		v.PreviousDeadline = Day(c.PreviousDeadline)
	}
	v.Footer = footer(v.Region, v.Secretary, false)
	v.Subject = "Anmäl punkter till " + v.M.Title + " " + dayMonth(calendar.DateOf(c.Meeting.Start))
	v.Heading = "Anmäl punkter till " + v.M.Title
	if c.Moved {
		v.Subject = "Ändrad tid: " + v.Subject
		v.Heading = "Ändrad tid: " + v.Heading
	}
	return render("call", v)
}

// Letter renders the digest of proposed items for the secretary.
// Required: Region, To.Email, Meeting.Title and Start, Deadline.
func (d Digest) Letter() (Letter, error) {
	p := newProblems("digest", d.To)
	p.required("Region", d.Region)
	p.email("To.Email", d.To.Email)
	p.meeting("Meeting", d.Meeting)
	p.date("Deadline", d.Deadline)
	agendaURL := strings.TrimSpace(d.AgendaURL)
	if agendaURL == "" {
		agendaURL = strings.TrimSpace(d.Meeting.PageURL)
	}
	p.link("AgendaURL", agendaURL, false)
	p.agenda("Items", d.Items)
	if err := p.err(); err != nil {
		return Letter{}, err
	}
	v := &view{
		Greeting:  greeting(d.To),
		Region:    oneLine(d.Region),
		M:         meetingOf(d.Meeting),
		Deadline:  Day(d.Deadline),
		AgendaURL: agendaURL,
		Items:     itemsOf(d.Items, false),
		Count:     countOf(len(d.Items), "punkt", "punkter"),
	}
	if v.M.PageURL == agendaURL {
		v.M.PageURL = "" // the email links it for the agenda already
	}
	v.Footer = footer(v.Region, nil, true)
	on := " till " + v.M.Title + " " + dayMonth(calendar.DateOf(d.Meeting.Start))
	if len(d.Items) == 0 {
		v.Subject = "Inga anmälda punkter" + on
	} else {
		v.Subject = "Anmälda punkter (" + strconv.Itoa(len(d.Items)) + ")" + on
	}
	v.Heading = "Anmälda punkter till " + v.M.Title
	return render("digest", v)
}

// paragraphs splits user text into its non-empty lines, each flattened
// (oneLine): a message of several paragraphs keeps them.
func paragraphs(s string) []string {
	return oneLines(strings.Split(calendar.NormalizeNewlines(s), "\n"))
}

// Letter renders the note to a member whose proposal was declined.
// Required: Region, To.Email, Meeting.Title and Start, Title, Note.
func (d Declined) Letter() (Letter, error) {
	p := newProblems("declined proposal", d.To)
	p.required("Region", d.Region)
	p.email("To.Email", d.To.Email)
	p.person("Secretary", d.Secretary)
	p.meeting("Meeting", d.Meeting)
	p.required("Title", oneLine(d.Title))
	note := paragraphs(d.Note)
	if len(note) == 0 {
		p.add("Note is required")
	}
	if err := p.err(); err != nil {
		return Letter{}, err
	}
	v := &view{
		Greeting:  greeting(d.To),
		Secretary: cleanPerson(d.Secretary),
		Region:    oneLine(d.Region),
		M:         meetingOf(d.Meeting),
		Proposal:  oneLine(d.Title),
		Message:   note,
	}
	v.Footer = footer(v.Region, v.Secretary, false)
	v.Subject = "Ditt förslag ”" + v.Proposal + "” tas inte upp på " + v.M.Title + " " + dayMonth(calendar.DateOf(d.Meeting.Start))
	v.Heading = "Ditt förslag tas inte upp"
	return render("declined", v)
}

// Letter renders the kallelse, its update or the cancellation. Required:
// Region, To.Email, Meeting.Title and Start.
func (n Notice) Letter() (Letter, error) {
	p := newProblems("notice", n.To)
	p.required("Region", n.Region)
	p.email("To.Email", n.To.Email)
	p.person("Secretary", n.Secretary)
	p.meeting("Meeting", n.Meeting)
	p.agenda("Agenda", n.Agenda)
	if n.Change < NoticeFirst || n.Change > NoticeCancel {
		p.add("Change %d is not NoticeFirst, NoticeUpdate or NoticeCancel", n.Change)
	}
	if n.Previous != nil {
		p.link("Previous.OnlineURL", n.Previous.OnlineURL, false)
	}
	if err := p.err(); err != nil {
		return Letter{}, err
	}
	v := &view{
		Greeting:  greeting(n.To),
		Secretary: cleanPerson(n.Secretary),
		Region:    oneLine(n.Region),
		M:         meetingOf(n.Meeting),
		Items:     itemsOf(n.Agenda, true),
		Cancel:    n.Change == NoticeCancel || n.Meeting.Cancelled,
	}
	v.Update = n.Change == NoticeUpdate && !v.Cancel
	if !v.Cancel {
		v.Message = messageLines(n.PersonalMessage)
		v.StandsIn = oneLine(n.StandsInFor)
		v.ForhinderURL = n.ForhinderURL
	}
	if v.Cancel {
		v.M.OnlineURL = "" // nobody is to join a cancelled meeting
		v.Message = paragraphs(n.CancelMessage)
	}
	v.Footer = footer(v.Region, v.Secretary, false)
	when := " " + whenShort(n.Meeting)
	switch {
	case v.Cancel:
		v.Subject = "Inställt: " + v.M.Title + when
		v.Heading = "Inställt: " + v.M.Title
	case v.Update:
		v.Subject = "Ändrad kallelse: " + v.M.Title + when
		v.Heading = "Ändrad kallelse till " + v.M.Title
		if n.Previous != nil {
			v.Changes = changesOf(*n.Previous, n.Meeting)
		}
	case v.StandsIn != "":
		v.Subject = "Kallelse som ersättare: " + v.M.Title + when
		v.Heading = "Kallelse som ersättare till " + v.M.Title
	default:
		v.Subject = "Kallelse: " + v.M.Title + when
		v.Heading = "Kallelse till " + v.M.Title
	}
	return render("notice", v)
}

// Letter renders a note about a förhinder. Required: Region, To.Email,
// Meeting.Title and Start, Absent.
func (n ForhinderNote) Letter() (Letter, error) {
	p := newProblems("förhinder", n.To)
	p.required("Region", n.Region)
	p.email("To.Email", n.To.Email)
	p.person("Secretary", n.Secretary)
	p.meeting("Meeting", n.Meeting)
	p.required("Absent", oneLine(n.Absent))
	p.link("PageURL", n.PageURL, false)
	if n.Change < ForhinderGiven || n.Change > ForhinderNotNeeded {
		p.add("Change %d is not ForhinderGiven, ForhinderWithdrawn or ForhinderNotNeeded", n.Change)
	}
	if err := p.err(); err != nil {
		return Letter{}, err
	}
	v := &view{
		Greeting:   greeting(n.To),
		Secretary:  cleanPerson(n.Secretary),
		Region:     oneLine(n.Region),
		M:          meetingOf(n.Meeting),
		Absent:     oneLine(n.Absent),
		Substitute: oneLine(n.Substitute),
		Message:    paragraphs(n.Message),
		PageURL:    n.PageURL,
		Given:      n.Change == ForhinderGiven,
		Withdrawn:  n.Change == ForhinderWithdrawn,
		NotNeeded:  n.Change == ForhinderNotNeeded,
	}
	v.Footer = footer(v.Region, v.Secretary, n.Change != ForhinderNotNeeded)
	day := " " + dayMonth(calendar.DateOf(n.Meeting.Start))
	switch n.Change {
	case ForhinderGiven:
		v.Subject = "Förhinder: " + v.Absent + " kan inte komma till " + v.M.Title + day
		v.Heading = v.Absent + " kan inte komma"
	case ForhinderWithdrawn:
		v.Subject = "Förhinder återkallat: " + v.Absent + " kan komma till " + v.M.Title + day
		v.Heading = v.Absent + " kan komma ändå"
	default:
		v.Subject = "Du behövs inte som ersättare: " + v.M.Title + day
		v.Heading = "Du behövs inte som ersättare"
	}
	return render("forhinder", v)
}

// changesOf lists what differs between the meeting as it was announced and
// as it is now: time, place, the digital link.
func changesOf(before, now Meeting) []changeView {
	var out []changeView
	if w, b := When(now), When(before); w != b && b != "" {
		out = append(out, changeView{"Tid", w, b})
	}
	place := func(m Meeting) string {
		if s := oneLine(m.Place); s != "" {
			return s
		}
		if strings.TrimSpace(m.OnlineURL) != "" {
			return "endast digitalt"
		}
		return "ingen plats angiven"
	}
	if w, b := place(now), place(before); w != b {
		out = append(out, changeView{"Plats", w, b})
	}
	bu, nu := strings.TrimSpace(before.OnlineURL), strings.TrimSpace(now.OnlineURL)
	switch {
	case bu == nu:
	case bu == "":
		out = append(out, changeView{"Digitalt möte", "nu kan du också delta digitalt", ""})
	case nu == "":
		out = append(out, changeView{"Digitalt möte", "det går inte längre att delta digitalt", ""})
	default:
		out = append(out, changeView{"Digitalt möte", "ny länk till mötet", ""})
	}
	return out
}

// Letter renders the request to approve the minutes, or a reminder of it.
// Required: Region, To.Email, Meeting.Title and Start, Role (justerare or
// ordforande), DocumentURL, LinkURL, Deadline.
func (j JusteringRequest) Letter() (Letter, error) {
	p := newProblems("justering request", j.To)
	p.required("Region", j.Region)
	p.email("To.Email", j.To.Email)
	p.person("Secretary", j.Secretary)
	p.meeting("Meeting", j.Meeting)
	if j.Role != calendar.ApproverJusterare && j.Role != calendar.ApproverChair {
		p.add("Role %q is not %q or %q", j.Role, calendar.ApproverJusterare, calendar.ApproverChair)
	}
	p.link("DocumentURL", j.DocumentURL, true)
	p.link("LinkURL", j.LinkURL, true)
	p.date("Deadline", j.Deadline)
	if j.Reminder < 0 {
		p.add("Reminder must be 0 (the first email) or more, not %d", j.Reminder)
	}
	if err := p.err(); err != nil {
		return Letter{}, err
	}
	v := &view{
		Greeting:    greeting(j.To),
		Secretary:   cleanPerson(j.Secretary),
		Region:      oneLine(j.Region),
		M:           meetingOf(j.Meeting),
		Deadline:    Day(j.Deadline),
		DocumentURL: strings.TrimSpace(j.DocumentURL),
		LinkURL:     strings.TrimSpace(j.LinkURL),
		Chair:       j.Role == calendar.ApproverChair,
		Reminder:    j.Reminder,
		Overdue:     j.Overdue,
	}
	v.Footer = footer(v.Region, v.Secretary, false)
	v.Subject = "Justera protokollet från " + v.M.Title + " " + dayMonth(calendar.DateOf(j.Meeting.Start))
	if j.Reminder > 0 {
		v.Subject = "Påminnelse: " + v.Subject
	}
	v.Heading = "Justera protokollet från " + v.M.Title
	return render("justering", v)
}

// Letter renders the notice to the secretary that approvals are missing
// after the deadline. Required: Region, To.Email, Meeting.Title and Start,
// Deadline, at least one Pending person.
func (o JusteringOverdue) Letter() (Letter, error) {
	p := newProblems("justering overdue", o.To)
	p.required("Region", o.Region)
	p.email("To.Email", o.To.Email)
	p.meeting("Meeting", o.Meeting)
	p.date("Deadline", o.Deadline)
	if len(o.Pending) == 0 {
		p.add("Pending must name at least one approver who has not approved")
	}
	pending := make([]Person, 0, len(o.Pending))
	for i, q := range o.Pending {
		c := cleanPerson(&q)
		if c == nil {
			p.add("Pending[%d] has neither name nor email", i)
			continue
		}
		if c.Email != "" {
			p.email(fmt.Sprintf("Pending[%d].Email", i), c.Email)
		}
		pending = append(pending, *c)
	}
	if err := p.err(); err != nil {
		return Letter{}, err
	}
	v := &view{
		Greeting: greeting(o.To),
		Region:   oneLine(o.Region),
		M:        meetingOf(o.Meeting),
		Deadline: Day(o.Deadline),
		Pending:  pending,
		Count:    countOf(len(pending), "justering", "justeringar"),
	}
	v.Footer = footer(v.Region, nil, true)
	v.Subject = "Protokollet från " + v.M.Title + " " + dayMonth(calendar.DateOf(o.Meeting.Start)) + " är inte justerat"
	v.Heading = "Protokollet från " + v.M.Title + " är inte justerat"
	return render("overdue", v)
}

// Letter renders the reminder to book meetings in the booking weeks.
// Required: Region, To.Email, Window, Weeks, Deadline, at least one body,
// and LinkUntil when LinkURL is given.
func (b BookingReminder) Letter() (Letter, error) {
	p := newProblems("booking reminder", b.To)
	p.required("Region", b.Region)
	p.email("To.Email", b.To.Email)
	p.required("Window", b.Window)
	if len(b.Weeks) == 0 {
		p.add("Weeks must hold at least one ISO week")
	}
	p.date("Deadline", b.Deadline)
	bodies := oneLines(b.Bodies)
	if len(bodies) == 0 {
		p.add("Bodies must name at least one body that has not booked")
	}
	p.link("LinkURL", b.LinkURL, false)
	if strings.TrimSpace(b.LinkURL) != "" {
		p.date("LinkUntil", b.LinkUntil)
	}
	if err := p.err(); err != nil {
		return Letter{}, err
	}
	v := &view{
		Greeting: greeting(b.To),
		Region:   oneLine(b.Region),
		Window:   oneLine(b.Window),
		Weeks:    Weeks(b.Weeks),
		Deadline: Day(b.Deadline),
		Bodies:   bodies,
		LinkURL:  strings.TrimSpace(b.LinkURL),
	}
	if v.LinkURL != "" {
		v.LinkUntil = Day(b.LinkUntil)
	}
	v.Footer = footer(v.Region, nil, true)
	v.Subject = "Boka möten " + v.Weeks + " (" + v.Window + ")"
	v.Heading = "Boka möten " + v.Weeks
	return render("booking", v)
}

// Letter renders the email with a one-time sign-in link. Required:
// Region, To.Email, LinkURL and Expires.
func (s SignIn) Letter() (Letter, error) {
	p := newProblems("sign-in link", s.To)
	p.required("Region", s.Region)
	p.email("To.Email", s.To.Email)
	p.link("LinkURL", s.LinkURL, true)
	if s.Expires.IsZero() {
		p.add("Expires is required")
	}
	if err := p.err(); err != nil {
		return Letter{}, err
	}
	v := &view{
		Greeting: greeting(s.To),
		Region:   oneLine(s.Region),
		LinkURL:  strings.TrimSpace(s.LinkURL),
		Until:    "kl. " + clock(calendar.In(s.Expires)),
	}
	v.Footer = "Det här mejlet skickades av Samkal för " + v.Region + " därför att någon bad om en inloggningslänk till din adress på Samkals webbplats. " +
		"Bad du inte om den kan du bortse från mejlet: ingen kan logga in utan länken."
	v.Subject = "Logga in i Samkal"
	v.Heading = "Logga in i Samkal"
	return render("signin", v)
}

func (c CalendarLink) Letter() (Letter, error) {
	p := newProblems("calendar link", c.To)
	p.required("Region", c.Region)
	p.email("To.Email", c.To.Email)
	p.link("FeedURL", c.FeedURL, true)
	p.link("PageURL", c.PageURL, true)
	if err := p.err(); err != nil {
		return Letter{}, err
	}
	v := &view{
		Greeting: greeting(c.To),
		Region:   oneLine(c.Region),
		LinkURL:  strings.TrimSpace(c.FeedURL),
		PageURL:  strings.TrimSpace(c.PageURL),
	}
	v.Footer = "Det här mejlet skickades av Samkal för " + v.Region + " därför att någon bad om kalenderlänken till din adress på Samkals startsida. " +
		"Bad du inte om den kan du bortse från mejlet. Har adressen kommit på villovägar kan du byta den på Mina möten."
	v.Subject = "Din kalender med dina möten i Samkal"
	v.Heading = "Din kalender i Samkal"
	return render("calendarlink", v)
}

// tidyHTML trims the blank lines the templates' actions leave.
func tidyHTML(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimRight(line, " \t"); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// tidyText trims trailing spaces, keeps at most one blank line between
// paragraphs and wraps long lines at TextWidth.
func tidyText(s string) string {
	var out []string
	blank := true // drops leading blank lines
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, wrap(line, TextWidth)...)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n") + "\n"
}

// listMarker is the start of a list item ("3. ", "- "), whose wrapped lines
// are indented to the item's text.
var listMarker = regexp.MustCompile(`^(\d+\. |- )`)

// dayNumber matches the day of a month ("21" in "21 januari").
var dayNumber = regexp.MustCompile(`^\d{1,2}$`)

// wrap breaks line at spaces into lines of at most width characters. The
// following lines keep the line's indentation, and a list item's lines are
// indented to its text. A word longer than width (a link) stays whole on a
// line of its own. Words that belong together stay on one line: "kl. 13.00",
// "v 37", "21 januari", and an en dash stays at the end of a line.
func wrap(line string, width int) []string {
	if utf8.RuneCountInString(line) <= width {
		return []string{line}
	}
	body := strings.TrimLeft(line, " ")
	indent := len(line) - len(body)
	hang := indent + len(listMarker.FindString(body))
	words := glue(strings.Fields(body))
	var out []string
	cur := strings.Repeat(" ", indent) + words[0]
	n := utf8.RuneCountInString(cur)
	for _, w := range words[1:] {
		wn := utf8.RuneCountInString(w)
		if n+1+wn > width {
			out = append(out, cur)
			cur = strings.Repeat(" ", hang) + w
			n = hang + wn
			continue
		}
		cur += " " + w
		n += 1 + wn
	}
	return append(out, cur)
}

// glue joins the words that must not be split over two lines.
func glue(words []string) []string {
	out := make([]string, 0, len(words))
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "–" && len(out) > 0 {
			out[len(out)-1] += " " + w
			continue
		}
		for i+1 < len(words) && (w == "kl." || w == "v" || (dayNumber.MatchString(w) && isMonth(words[i+1]))) {
			i++
			w += " " + words[i]
		}
		out = append(out, w)
	}
	return out
}

func isMonth(w string) bool {
	w = strings.TrimRight(w, ",.:;")
	for _, m := range monthNames {
		if w == m {
			return true
		}
	}
	return false
}
