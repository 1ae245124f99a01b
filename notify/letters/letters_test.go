package letters

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/samkal/samkal/calendar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const region = "Region Örebro län"

func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, calendar.Location)
}

var (
	maria = &Person{Name: "Maria Lindborg", Email: "maria.lindborg@example.org"}
	malin = &Person{Name: "Malin Duckert Ek", Email: "malin.duckert-ek@example.org"}
	siw   = Person{Name: "Siw Lunader", Email: "siw.lunader@example.org"}

	// chefsgrupp is the first meeting of 2025 from the seed's "Mötestider
	// förslag 2025", held at Länsstyrelsen while the region moves house.
	chefsgrupp = Meeting{
		Title:   "Chefsgrupp folkhälsa",
		Bodies:  []string{"Chefsgrupp folkhälsa"},
		Start:   at(2025, time.January, 21, 13, 0),
		End:     at(2025, time.January, 21, 16, 30),
		Place:   "Länsstyrelsen, Stortorget 22, Örebro",
		PageURL: "https://samkal.example.org/moten/142",
	}

	// samverkansrad is the joint meeting of the two councils in the seed
	// protocol of 2024-09-20.
	samverkansrad = Meeting{
		Title: "Specifika samverkansrådet för social välfärd samt vård och omsorg och Specifika samverkansrådet för folkhälsa",
		Bodies: []string{"Specifika samverkansrådet för social välfärd samt vård och omsorg",
			"Specifika samverkansrådet för folkhälsa"},
		Start:     at(2024, time.September, 20, 9, 0),
		End:       at(2024, time.September, 20, 12, 0),
		Place:     "Lokal Eken, Eklundavägen 1, Örebro",
		OnlineURL: "https://meet.example.org/samverkansrad-2024-09-20",
		PageURL:   "https://samkal.example.org/moten/97",
	}

	// norr is the seed's "Norr: … 2/12" partner meeting, held digitally.
	norr = Meeting{
		Title:     "Länsdel Norr",
		Bodies:    []string{"Länsdel Norr"},
		Start:     at(2024, time.December, 2, 9, 0),
		End:       at(2024, time.December, 2, 11, 0),
		OnlineURL: "https://meet.example.org/lansdel-norr",
		PageURL:   "https://samkal.example.org/moten/120",
		Cancelled: true,
	}

	// uppfoljningsdag is the seed's follow-up day of 14 March 2025.
	uppfoljningsdag = Meeting{
		Title:   "Uppföljningsdag folkhälsa",
		Bodies:  []string{"Chefsgrupp folkhälsa", "Specifika samverkansrådet för folkhälsa"},
		Start:   at(2025, time.March, 14, 0, 0),
		End:     at(2025, time.March, 15, 0, 0),
		AllDay:  true,
		Place:   "Lokal Enen, Eklundavägen 1, Örebro",
		PageURL: "https://samkal.example.org/moten/150",
	}
)

// chefsgruppAgenda is an agenda in the shape of the seed's minutes.
var chefsgruppAgenda = []AgendaItem{
	{Number: 1, Title: "Mötet öppnas", Kind: calendar.AgendaStandard},
	{Number: 2, Title: "Fastställande av dagordning", Kind: calendar.AgendaStandard},
	{Number: 3, Title: "Föregående mötes minnesanteckningar", Kind: calendar.AgendaStandard,
		Links: []calendar.AgendaLink{{Title: "Minnesanteckningar 19 november 2024", URL: "https://samkal.example.org/filer/chefsgrupp-folkhalsa-2024-11-19.pdf"}}},
	{Number: 4, Title: "Gemensam samverkansplan för folkhälsa", Presenter: "Maria Lindborg", Kind: calendar.AgendaDialog,
		SubPoints: []string{
			"Presentation av arbetsgruppens arbete samt förslag till gemensam samverkansplan, ej för beslut utan för diskussion",
			"Vad ser vi framför oss när det gäller prioriteringar?",
		}},
	{Number: 5, Title: "Liv & hälsa – kvalitativ rapport", Presenter: "Maria Lindborg och Anna Swift Johannison", Kind: calendar.AgendaInformation,
		Links: []calendar.AgendaLink{{Title: "Presentation Liv och hälsa", URL: "https://samkal.example.org/filer/liv-och-halsa.pdf"}, {URL: "https://samkal.example.org/filer/liv-och-halsa-rapport.pdf"}}},
	{Number: 6, Title: "Rapporter", Kind: calendar.AgendaInformation, SubPoints: []string{"Norr", "Söder", "Väster", "Örebro", "RF-SISU"}},
	{Number: 7, Title: "Mötestider 2025", Kind: calendar.AgendaDecision},
	{Number: 8, Title: "Övriga frågor", Kind: calendar.AgendaStandard},
	{Number: 9, Title: "Mötet avslutas", Kind: calendar.AgendaStandard},
}

// samverkansradAgenda is the agenda of the seed protocol of 2024-09-20.
var samverkansradAgenda = []AgendaItem{
	{Number: 1, Title: "Mötet öppnas", Kind: calendar.AgendaStandard},
	{Number: 2, Title: "Fastställande av dagordning", Kind: calendar.AgendaStandard},
	{Number: 3, Title: "Val av justerare", Kind: calendar.AgendaStandard},
	{Number: 4, Title: "Föregående möte och protokoll", Kind: calendar.AgendaStandard},
	{Number: 5, Title: "Rapport från chefsgrupp social välfärd samt vård och omsorg och chefsgrupp folkhälsa", Presenter: "Ingmar Ångman", Kind: calendar.AgendaInformation},
	{Number: 6, Title: "Aktuellt inom områdena", Presenter: "Ingmar Ångman", Kind: calendar.AgendaInformation},
	{Number: 7, Title: "Förändringar med statsbidrag nära vård och psykisk hälsa", Presenter: "Ingmar Ångman", Kind: calendar.AgendaInformation},
	{Number: 8, Title: "Ny socialtjänstlag", Presenter: "Ingmar Ångman", Kind: calendar.AgendaInformation},
	{Number: 9, Title: "Introduktion dialog om arbetssätt för specifika samverkansråden", Presenter: "Ingmar Ångman", Kind: calendar.AgendaDialog},
	{Number: 10, Title: "Gruppdialoger arbetssätt specifika samverkansråden", Presenter: "Maria Lindborg och Malin Duckert Ek", Kind: calendar.AgendaDialog,
		SubPoints: []string{
			"Syfte – vad tänker du är syftet med råden?",
			"Tillsammans – Vilka frågor är viktiga att båda råden har gemensam tid för?",
			"Engagemang – Vad ökar deltagande och engagemang inför och under mötet?",
			"Attraktivitet – Vad krävs för att du ska längta till nästa möte?",
			"Delaktighet – Hur jobbar du vidare på hemmaplan med det som tas upp på råden?",
		}},
	{Number: 11, Title: "Kvalitativ rapport Liv och hälsa med fokus på äldre och jämställdhet", Presenter: "Maria Lindborg och Anna Swift Johannison", Kind: calendar.AgendaInformation},
	{Number: 12, Title: "Övriga frågor", Kind: calendar.AgendaStandard},
	{Number: 13, Title: "Beslut och implementering av ny överenskommelse för hälso- och sjukvård i hemmet", Presenter: "Malin Duckert Ek", Kind: calendar.AgendaDecision},
	{Number: 14, Title: "Mötet avslutas", Kind: calendar.AgendaStandard},
}

// withoutPage returns m without its page, as for a restricted body's
// meeting.
func withoutPage(m Meeting) Meeting {
	m.PageURL = ""
	return m
}

// lettering is anything with a Letter method.
type lettering interface{ Letter() (Letter, error) }

// goldenCases are the emails kept under testdata/: every kind and variant.
func goldenCases() []struct {
	name string
	in   lettering
} {
	earlier := samverkansrad
	earlier.Start, earlier.End = at(2024, time.September, 19, 13, 0), at(2024, time.September, 19, 16, 0)
	earlier.Place = "Lokal Enen, Eklundavägen 1, Örebro"
	earlier.OnlineURL = ""
	return []struct {
		name string
		in   lettering
	}{
		{"call", Call{Region: region, Meeting: chefsgrupp, To: Person{Name: "Ingmar Ångman", Email: "ingmar.angman@example.org"}, Secretary: maria,
			Deadline: calendar.Date{Year: 2025, Month: time.January, Day: 10},
			LinkURL:  "https://samkal.example.org/anmalan/q7Vx2mKp9RtLw4YbN8cZ3dHf6JgS1aUe0iOo5nBvXyA"}},
		{"call_moved", Call{Region: region, Meeting: chefsgrupp, To: Person{Name: "Ingmar Ångman", Email: "ingmar.angman@example.org"}, Secretary: maria,
			Deadline: calendar.Date{Year: 2025, Month: time.January, Day: 10}, Moved: true,
			PreviousDeadline: calendar.Date{Year: 2025, Month: time.January, Day: 3},
			LinkURL:          "https://samkal.example.org/anmalan/q7Vx2mKp9RtLw4YbN8cZ3dHf6JgS1aUe0iOo5nBvXyA"}},
		{"digest", Digest{Region: region, Meeting: chefsgrupp, To: *maria,
			Deadline: calendar.Date{Year: 2025, Month: time.January, Day: 10},
			Items: []AgendaItem{
				{Number: 4, Title: "Liv & hälsa – kvalitativ rapport", Presenter: "Anna Swift Johannison", Kind: calendar.AgendaInformation, SubmittedBy: "Anna Swift Johannison",
					Links: []calendar.AgendaLink{{Title: "Rapporten", URL: "https://samkal.example.org/filer/liv-och-halsa-rapport.pdf"}}},
				{Number: 5, Title: "Ofrivillig ensamhet", Kind: calendar.AgendaDialog, SubmittedBy: "Ingmar Ångman",
					SubPoints: []string{"Hur arbetar kommunerna med äldres ensamhet?"}},
				{Number: 6, Title: "Lokal till första mötet 2025", SubmittedBy: "Peter Bergvall Virtanen"},
			}}},
		{"digest_empty", Digest{Region: region, Meeting: chefsgrupp, To: *maria,
			Deadline: calendar.Date{Year: 2025, Month: time.January, Day: 10}}},
		// A restricted body's meeting has no public page to link.
		{"digest_no_page", Digest{Region: region, Meeting: withoutPage(chefsgrupp), To: *maria,
			Deadline: calendar.Date{Year: 2025, Month: time.January, Day: 10},
			Items:    []AgendaItem{{Title: "Lokal till första mötet 2025", SubmittedBy: "Peter Bergvall Virtanen"}}}},
		{"notice_first", Notice{Region: region, Meeting: chefsgrupp, To: Person{Name: "Ingmar Ångman", Email: "ingmar.angman@example.org"},
			Secretary: maria, Agenda: chefsgruppAgenda}},
		// The secretary's message stands at the top; markup in it is text.
		{"notice_first_message", Notice{Region: region, Meeting: chefsgrupp, To: Person{Name: "Ingmar Ångman", Email: "ingmar.angman@example.org"},
			Secretary: maria, Agenda: chefsgruppAgenda[:2],
			PersonalMessage: "Välkomna till årets första möte!\r\n\n\nVi bjuder på <b>fika</b> från kl. 12.30.\nTa med er årsplanen."}},
		{"notice_substitute", Notice{Region: region, Meeting: chefsgrupp, To: Person{Name: "Eva Ek", Email: "eva.ek@example.org"},
			Secretary: maria, Agenda: chefsgruppAgenda[:2], StandsInFor: "Ingmar Ångman",
			ForhinderURL: "https://samkal.example.org/forhinder/Fq2mX8vLp2RwK7cZ1nYb5HdF9gJs4aUe6oIi0tEnGhW"}},
		{"forhinder_given", ForhinderNote{Region: region, Meeting: chefsgrupp, To: *maria, Change: ForhinderGiven, Absent: "Ingmar Ångman",
			Message: "Jag är på kurs.\nFrågor om punkt 3 kan gå till Jenny.", Substitute: "Eva Ek", PageURL: "https://samkal.example.org/mina-organ/moten/42"}},
		{"forhinder_withdrawn", ForhinderNote{Region: region, Meeting: chefsgrupp, To: *maria, Change: ForhinderWithdrawn, Absent: "Ingmar Ångman",
			Substitute: "Eva Ek", PageURL: "https://samkal.example.org/mina-organ/moten/42"}},
		{"forhinder_not_needed", ForhinderNote{Region: region, Meeting: chefsgrupp, To: Person{Name: "Eva Ek", Email: "eva.ek@example.org"},
			Secretary: maria, Change: ForhinderNotNeeded, Absent: "Ingmar Ångman"}},
		{"notice_first_no_agenda", Notice{Region: region, Meeting: uppfoljningsdag, To: Person{Name: "Jenny Steen", Email: "jenny.steen@example.org"}, Secretary: maria}},
		{"notice_update", Notice{Region: region, Meeting: samverkansrad, To: Person{Name: "Anna Karlsson", Email: "anna.karlsson@example.org"},
			Secretary: malin, Agenda: samverkansradAgenda, Change: NoticeUpdate, Previous: &earlier}},
		{"notice_update_unknown_before", Notice{Region: region, Meeting: chefsgrupp, To: Person{Name: "Ingmar Ångman", Email: "ingmar.angman@example.org"},
			Secretary: maria, Change: NoticeUpdate}},
		{"notice_cancel", Notice{Region: region, Meeting: norr, To: Person{Name: "Jari Mehtäläinen", Email: "jari.mehtalainen@example.org"},
			Secretary: maria, Agenda: chefsgruppAgenda[:2], Change: NoticeCancel}},
		{"notice_cancel_message", Notice{Region: region, Meeting: norr, To: Person{Name: "Jari Mehtäläinen", Email: "jari.mehtalainen@example.org"},
			Secretary: maria, Change: NoticeCancel,
			CancelMessage: "Många har förhinder veckan före jul.\r\n\r\nVi tar frågorna på mötet i februari i stället, <b>välkomna</b> då!"}},
		{"declined", Declined{Region: region, Meeting: chefsgrupp, To: Person{Name: "Peter Bergvall Virtanen", Email: "peter.bergvall@example.org"},
			Secretary: maria, Title: "Lokal till\nförsta mötet 2025",
			Note: "Lokalerna bokas av regionen.\nHör av dig till Lokalservice, så hjälper de dig."}},
		{"justering_first", JusteringRequest{Region: region, Meeting: samverkansrad, To: siw, Secretary: malin, Role: calendar.ApproverJusterare,
			DocumentURL: "https://samkal.example.org/filer/protokoll-samverkansrad-2024-09-20.pdf",
			LinkURL:     "https://samkal.example.org/justering/Zr4kT9wQ2mXc7VbN1pLs8HdF3gJy6uAe5oIi0tRnKqM",
			Deadline:    calendar.Date{Year: 2024, Month: time.October, Day: 1}}},
		{"justering_reminder", JusteringRequest{Region: region, Meeting: samverkansrad, To: siw, Secretary: malin, Role: calendar.ApproverJusterare,
			DocumentURL: "https://samkal.example.org/filer/protokoll-samverkansrad-2024-09-20.pdf",
			LinkURL:     "https://samkal.example.org/justering/Zr4kT9wQ2mXc7VbN1pLs8HdF3gJy6uAe5oIi0tRnKqM",
			Deadline:    calendar.Date{Year: 2024, Month: time.October, Day: 1}, Reminder: 2}},
		{"justering_overdue", JusteringRequest{Region: region, Meeting: samverkansrad, To: siw, Secretary: malin, Role: calendar.ApproverJusterare,
			DocumentURL: "https://samkal.example.org/filer/protokoll-samverkansrad-2024-09-20.pdf",
			LinkURL:     "https://samkal.example.org/justera/Zr4kT9wQ2mXc7VbN1pLs8HdF3gJy6uAe5oIi0tRnKqM",
			Deadline:    calendar.Date{Year: 2024, Month: time.October, Day: 1}, Reminder: 5, Overdue: true}},
		{"justering_chair", JusteringRequest{Region: region, Meeting: samverkansrad, To: Person{Name: "Bechet Barsom", Email: "bechet.barsom@example.org"},
			Secretary: malin, Role: calendar.ApproverChair,
			DocumentURL: "https://samkal.example.org/filer/protokoll-samverkansrad-2024-09-20.pdf",
			LinkURL:     "https://samkal.example.org/justering/b3Hq8sLm1VxT6cRk0wYp4NfJ9gDz2aUe7oIi5tEnGhK",
			Deadline:    calendar.Date{Year: 2024, Month: time.October, Day: 1}}},
		{"overdue", JusteringOverdue{Region: region, Meeting: samverkansrad, To: *malin,
			Deadline: calendar.Date{Year: 2024, Month: time.October, Day: 1},
			Pending:  []Person{siw, {Name: "Bechet Barsom", Email: "bechet.barsom@example.org"}}}},
		{"booking", BookingReminder{Region: region, To: *maria, Window: "Samverkansmöten hösten 2025",
			Weeks:     []calendar.ISOWeek{{Year: 2025, Week: 37}, {Year: 2025, Week: 38}, {Year: 2025, Week: 48}, {Year: 2025, Week: 49}},
			Deadline:  calendar.Date{Year: 2025, Month: time.August, Day: 29},
			Bodies:    []string{"Länsdel Söder", "Länsdel Väster", "ÖLBF"},
			LinkURL:   "https://samkal.example.org/bokning/Hc5pW2nYq8LxT4bR0kVz7mJd3sFg6aUe1oIi9tEnGhQ",
			LinkUntil: calendar.Date{Year: 2025, Month: time.December, Day: 7}}},
		{"booking_no_link", BookingReminder{Region: region, To: *maria, Window: "Samverkansmöten hösten 2025",
			Weeks:    []calendar.ISOWeek{{Year: 2025, Week: 48}, {Year: 2025, Week: 49}},
			Deadline: calendar.Date{Year: 2025, Month: time.August, Day: 29},
			Bodies:   []string{"ÖLBF"}}},
		{"signin", SignIn{Region: region, To: *maria, LinkURL: "https://samkal.example.org/logga-in/Tq3mX8vLp2RwK7cZ1nYb5HdF9gJs4aUe6oIi0tEnGhV",
			Expires: at(2025, time.January, 10, 9, 15)}},
		{"calendarlink", CalendarLink{Region: region, To: *maria,
			FeedURL: "https://samkal.example.org/feeds/people/Pk4nR7wQz1XcV8bT2mLs5HdF9gJy3aUe6oIi0tEnGhB.ics",
			PageURL: "https://samkal.example.org/mina-moten"}},
	}
}

// TestGolden renders every kind and variant and compares Subject+Text with
// testdata/<name>.txt and HTML with testdata/<name>.html.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			l, err := c.in.Letter()
			if err != nil {
				t.Fatalf("Letter: %v", err)
			}
			golden(t, c.name+".txt", "Subject: "+l.Subject+"\n\n"+l.Text)
			golden(t, c.name+".html", l.HTML)
		})
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./notify/letters -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; run go test ./notify/letters -update and review the diff\ngot:\n%s", path, got)
	}
}

// TestGoldenHTMLDocuments parses every HTML golden file with the HTML5
// parser and checks the document shape: lang="sv", a charset, a title,
// links with text to http(s) or mailto addresses, no scripts, no external
// resources.
func TestGoldenHTMLDocuments(t *testing.T) {
	files, err := filepath.Glob("testdata/*.html")
	if err != nil {
		t.Fatal(err)
	}
	if want := len(goldenCases()); len(files) != want {
		t.Fatalf("found %d HTML golden files, want %d (one per case; run -update)", len(files), want)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checkHTMLDocument(t, string(b))
		})
	}
}

func checkHTMLDocument(t *testing.T, src string) {
	t.Helper()
	if !strings.HasPrefix(src, "<!DOCTYPE html>\n") {
		t.Errorf("document does not start with <!DOCTYPE html>")
	}
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var lang, charset, title string
	h1 := 0
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "html":
			lang = attr(n, "lang")
		case "meta":
			if v := attr(n, "charset"); v != "" {
				charset = v
			}
		case "title":
			title = strings.TrimSpace(text(n))
		case "h1":
			h1++
		case "a":
			if strings.TrimSpace(text(n)) == "" {
				t.Errorf("link to %q has no text", attr(n, "href"))
			}
			href := attr(n, "href")
			if !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "mailto:") {
				t.Errorf("link %q is not https or mailto", href)
			}
		case "script", "img", "link", "iframe", "style", "object":
			t.Errorf("unexpected <%s> element: no scripts or external resources", n.Data)
		}
		for _, a := range n.Attr {
			if a.Key == "src" || strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s> has attribute %s", n.Data, a.Key)
			}
		}
	}
	if lang != "sv" {
		t.Errorf(`<html lang> = %q, want "sv"`, lang)
	}
	if charset != "utf-8" {
		t.Errorf(`<meta charset> = %q, want "utf-8"`, charset)
	}
	if title == "" {
		t.Errorf("<title> is empty")
	}
	if h1 != 1 {
		t.Errorf("%d <h1> elements, want 1", h1)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// TestEscaping: user text is escaped in the HTML and left alone in the
// text; line breaks in user text never reach the subject.
func TestEscaping(t *testing.T) {
	m := chefsgrupp
	m.Title = "Chefsgrupp <script>alert(1)</script>\r\nfolkhälsa"
	n := Notice{Region: region, Meeting: m, To: Person{Name: "Ingmar\nÅngman", Email: "ingmar.angman@example.org"}, Secretary: maria,
		Agenda: []AgendaItem{{Number: 1, Title: "Föräldraskapsstöd & 1177", Kind: calendar.AgendaDialog, Presenter: `Anna "Swift" <Johannison>`,
			Links: []calendar.AgendaLink{{Title: "Q&A", URL: "https://example.org/a?x=1&y=2"}}}}}
	l, err := n.Letter()
	if err != nil {
		t.Fatal(err)
	}
	wantTitle := "Chefsgrupp <script>alert(1)</script> folkhälsa"
	if want := "Kallelse: " + wantTitle + " tisdag 21 januari kl. 13.00"; l.Subject != want {
		t.Errorf("subject = %q, want %q", l.Subject, want)
	}
	for _, want := range []string{wantTitle, "Föräldraskapsstöd & 1177 (dialog)", `Anna "Swift" <Johannison>`, "https://example.org/a?x=1&y=2", "Hej Ingmar!"} {
		if !strings.Contains(l.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, l.Text)
		}
	}
	if strings.Contains(l.HTML, "<script>") {
		t.Errorf("HTML contains an unescaped <script>:\n%s", l.HTML)
	}
	for _, want := range []string{"Chefsgrupp &lt;script&gt;alert(1)&lt;/script&gt; folkhälsa", "Föräldraskapsstöd &amp; 1177", "&lt;Johannison&gt;",
		`href="https://example.org/a?x=1&amp;y=2"`, ">Q&amp;A</a>"} {
		if !strings.Contains(l.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, l.HTML)
		}
	}
	checkHTMLDocument(t, l.HTML)
}

// TestSubjectsOneLine: whatever line breaks user text holds, no subject
// of any kind carries CR or LF.
func TestSubjectsOneLine(t *testing.T) {
	m := chefsgrupp
	m.Title = "Chefsgrupp\r\nBcc: evil@example.org\rfolkhälsa\u2028x"
	to := Person{Name: "A\nB", Email: "a@example.org"}
	d := calendar.Date{Year: 2025, Month: time.January, Day: 10}
	all := []lettering{
		Call{Region: "Region\nÖrebro län", Meeting: m, To: to, Deadline: d, LinkURL: "https://example.org/x"},
		Digest{Region: region, Meeting: m, To: to, Deadline: d},
		Notice{Region: region, Meeting: m, To: to},
		Notice{Region: region, Meeting: m, To: to, Change: NoticeUpdate},
		Notice{Region: region, Meeting: m, To: to, Change: NoticeCancel},
		JusteringRequest{Region: region, Meeting: m, To: to, Role: calendar.ApproverChair, DocumentURL: "https://example.org/d", LinkURL: "https://example.org/l", Deadline: d, Reminder: 1},
		JusteringOverdue{Region: region, Meeting: m, To: to, Deadline: d, Pending: []Person{to}},
		BookingReminder{Region: region, To: to, Window: "Höst\r\n2025", Weeks: []calendar.ISOWeek{{Year: 2025, Week: 37}}, Deadline: d, Bodies: []string{"Norr\n"}},
	}
	for i, in := range all {
		l, err := in.Letter()
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if strings.ContainsAny(l.Subject, "\r\n\u2028") {
			t.Errorf("%d: subject %q holds a line break", i, l.Subject)
		}
		if strings.Contains(l.Text, "\r") {
			t.Errorf("%d: text holds a CR", i)
		}
	}
}

// TestTextWidth: no text line is longer than TextWidth unless it is one
// word (a link), in every golden case.
func TestTextWidth(t *testing.T) {
	for _, c := range goldenCases() {
		l, err := c.in.Letter()
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(l.Text, "\n") {
			if utf8.RuneCountInString(line) > TextWidth && len(strings.Fields(line)) > 1 {
				t.Errorf("%s: line of %d characters: %q", c.name, utf8.RuneCountInString(line), line)
			}
		}
		if !strings.HasSuffix(l.Text, "\n") || strings.HasSuffix(l.Text, "\n\n") || strings.Contains(l.Text, "\n\n\n") {
			t.Errorf("%s: text does not end with exactly one newline or has a double blank line", c.name)
		}
	}
}

// TestContent checks the sentences that carry a rule, independent of the
// golden files' wording elsewhere.
func TestContent(t *testing.T) {
	cases := goldenCases()
	find := func(name string) Letter {
		i := slices.IndexFunc(cases, func(c struct {
			name string
			in   lettering
		}) bool {
			return c.name == name
		})
		l, err := cases[i].in.Letter()
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	tests := []struct {
		name     string
		subject  string
		text     []string // in the text (unwrapped: compared with lines joined)
		notInTxt []string
	}{
		{"call", "Anmäl punkter till Chefsgrupp folkhälsa 21 januari",
			[]string{"Hej Ingmar!", "senast fredag 10 januari 2025", "Länken är personlig och fungerar till och med fredag 10 januari 2025",
				"Maria Lindborg maria.lindborg@example.org", "automatiskt av Samkal för Region Örebro län", "svaret till sekreteraren, Maria Lindborg"}, nil},
		{"call_moved", "Ändrad tid: Anmäl punkter till Chefsgrupp folkhälsa 21 januari",
			[]string{"har fått en ny tid: tisdag 21 januari 2025 kl. 13.00–16.30", "(tidigare fredag 3 januari 2025)",
				"senast fredag 10 januari 2025", "fungerar till och med fredag 10 januari 2025"}, []string{"Nu kan du anmäla"}},
		{"digest", "Anmälda punkter (3) till Chefsgrupp folkhälsa 21 januari",
			[]string{"Hej Maria!", "gick ut fredag 10 januari 2025", "anmält tre punkter", "Anmäld av: Ingmar Ångman", "Ofrivillig ensamhet (dialog)",
				"Punkterna kommer med på dagordningen först när de har godkänts i Samkal.",
				"med de punkter som redan är godkända, finns på mötets sida: https://samkal.example.org/moten/142", "till dig som sekreterare"},
			[]string{"lägg in dem på dagordningen här"}},
		{"digest_empty", "Inga anmälda punkter till Chefsgrupp folkhälsa 21 januari",
			[]string{"Ingen har anmält någon punkt", "Dagordningen som den ser ut nu finns på mötets sida: https://samkal.example.org/moten/142"},
			[]string{"Mötets sida:"}},
		// No page takes proposals: the email does not send the secretary
		// to one, and without a page it links none.
		{"digest_no_page", "Anmälda punkter (1) till Chefsgrupp folkhälsa 21 januari",
			[]string{"Punkten kommer med på dagordningen först när den har godkänts i Samkal."},
			[]string{"https://", "lägg in dem", "mötets sida"}},
		{"notice_first", "Kallelse: Chefsgrupp folkhälsa tisdag 21 januari kl. 13.00",
			[]string{"Tid: tisdag 21 januari 2025 kl. 13.00–16.30", "Plats: Länsstyrelsen, Stortorget 22, Örebro", "1. Mötet öppnas 2.",
				"4. Gemensam samverkansplan för folkhälsa (dialog)", "7. Mötestider 2025 (beslut)", "Föredragande: Maria Lindborg"},
			[]string{"(standard)", "Mötet öppnas (", "Dagordningen skickas senare"}},
		{"notice_first_message", "Kallelse: Chefsgrupp folkhälsa tisdag 21 januari kl. 13.00",
			[]string{"Hej Ingmar! Välkomna till årets första möte! Vi bjuder på <b>fika</b> från kl. 12.30. Ta med er årsplanen. Härmed kallas du"}, nil},
		{"notice_substitute", "Kallelse som ersättare: Chefsgrupp folkhälsa tisdag 21 januari kl. 13.00",
			[]string{"Härmed kallas du som ersättare till följande möte. Du ersätter Ingmar Ångman, som har förhinder.", "1. Mötet öppnas",
				"Kan du inte komma? Säg det här, så får sekreteraren veta det: https://samkal.example.org/forhinder/Fq2mX8vLp2RwK7cZ1nYb5HdF9gJs4aUe6oIi0tEnGhW"},
			[]string{"svara på det här mejlet"}},
		{"forhinder_given", "Förhinder: Ingmar Ångman kan inte komma till Chefsgrupp folkhälsa 21 januari",
			[]string{"Hej Maria!", "Ingmar Ångman har meddelat förhinder", "Meddelande: Jag är på kurs. Frågor om punkt 3 kan gå till Jenny.",
				"Ersättaren Eva Ek har kallats in i stället", "https://samkal.example.org/mina-organ/moten/42", "till dig som sekreterare"}, nil},
		{"forhinder_withdrawn", "Förhinder återkallat: Ingmar Ångman kan komma till Chefsgrupp folkhälsa 21 januari",
			[]string{"Ingmar Ångman har återkallat sitt förhinder", "Ersättaren Eva Ek, som hade kallats in, har fått veta att hen inte behövs."},
			[]string{"Meddelande:"}},
		{"forhinder_not_needed", "Du behövs inte som ersättare: Chefsgrupp folkhälsa 21 januari",
			[]string{"Hej Eva!", "Ingmar Ångman kan komma till mötet nedan ändå, så du behövs inte som ersättare", "svaret till sekreteraren, Maria Lindborg"},
			[]string{"mina-organ"}},
		{"notice_first_no_agenda", "Kallelse: Uppföljningsdag folkhälsa fredag 14 mars, heldag",
			[]string{"Dagordningen skickas senare", "Tid: fredag 14 mars 2025, heldag", "För: Chefsgrupp folkhälsa och Specifika samverkansrådet för folkhälsa"}, nil},
		{"notice_update", "Ändrad kallelse: " + samverkansrad.Title + " fredag 20 september kl. 09.00",
			[]string{"Mötet har ändrats", "- Tid: fredag 20 september 2024 kl. 09.00–12.00 (tidigare torsdag 19 september 2024 kl. 13.00–16.00)",
				"- Plats: Lokal Eken, Eklundavägen 1, Örebro (tidigare Lokal Enen, Eklundavägen 1, Örebro)", "nu kan du också delta digitalt",
				"13. Beslut och implementering"}, nil},
		{"notice_update_unknown_before", "Ändrad kallelse: Chefsgrupp folkhälsa tisdag 21 januari kl. 13.00",
			[]string{"Mötet har ändrats", "Dagordningen skickas senare"}, []string{"tidigare"}},
		{"notice_cancel", "Inställt: Länsdel Norr måndag 2 december kl. 09.00",
			[]string{"Följande möte är inställt", "Tid: måndag 2 december 2024 kl. 09.00–11.00"}, []string{"Dagordning", "Mötet öppnas", "meet.example.org"}},
		{"notice_cancel_message", "Inställt: Länsdel Norr måndag 2 december kl. 09.00",
			[]string{"Följande möte är inställt", "Meddelande från sekreteraren:", "Många har förhinder veckan före jul.",
				"Vi tar frågorna på mötet i februari i stället, <b>välkomna</b> då!"}, []string{"Dagordning", "meet.example.org", "\r"}},
		{"declined", "Ditt förslag ”Lokal till första mötet 2025” tas inte upp på Chefsgrupp folkhälsa 21 januari",
			[]string{"Hej Peter!", "det tas inte upp på dagordningen", "Ditt förslag: Lokal till första mötet 2025",
				"Sekreterarens besked:", "Lokalerna bokas av regionen.", "Hör av dig till Lokalservice", "Tid: tisdag 21 januari 2025 kl. 13.00–16.30",
				"svara på det här mejlet", "svaret till sekreteraren, Maria Lindborg"}, nil},
		{"justering_first", "Justera protokollet från " + samverkansrad.Title + " 20 september",
			[]string{"Hej Siw!", "Du valdes till justerare", "Sista dag för justering: tisdag 1 oktober 2024", "knappen ”Justera”",
				"Att bara öppna länken justerar ingenting", "https://samkal.example.org/filer/protokoll-samverkansrad-2024-09-20.pdf"}, []string{"Påminnelse"}},
		{"justering_reminder", "Påminnelse: Justera protokollet från " + samverkansrad.Title + " 20 september",
			[]string{"väntar fortfarande på din justering", "knappen ”Justera”"}, nil},
		{"justering_overdue", "Påminnelse: Justera protokollet från " + samverkansrad.Title + " 20 september",
			[]string{"Protokollet skulle ha justerats senast tisdag 1 oktober 2024", "knappen ”Justera”"}, []string{"Sista dag"}},
		{"justering_chair", "Justera protokollet från " + samverkansrad.Title + " 20 september",
			[]string{"Hej Bechet!", "som ordförande"}, []string{"Du valdes till justerare"}},
		{"overdue", "Protokollet från " + samverkansrad.Title + " 20 september är inte justerat",
			[]string{"senast tisdag 1 oktober 2024", "saknas fortfarande två justeringar", "- Siw Lunader, siw.lunader@example.org", "- Bechet Barsom"}, nil},
		{"booking", "Boka möten v 37–38 och 48–49 (Samverkansmöten hösten 2025)",
			[]string{"ombeds läggas v 37–38 och 48–49", "- Länsdel Väster", "senast fredag 29 augusti 2025",
				"lediga tider för dem som inte har det", "https://samkal.example.org/bokning/Hc5pW2nYq8LxT4bR0kVz7mJd3sFg6aUe1oIi9tEnGhQ",
				"Länken är personlig och fungerar till och med söndag 7 december 2025"},
			[]string{"krockar med varandra"}},
		{"booking_no_link", "Boka möten v 48–49 (Samverkansmöten hösten 2025)",
			[]string{"Boka mötena senast fredag 29 augusti 2025."}, []string{"https://", "Samkal får du", "Länken"}},
		{"signin", "Logga in i Samkal",
			[]string{"Hej Maria!", "https://samkal.example.org/logga-in/Tq3mX8vLp2RwK7cZ1nYb5HdF9gJs4aUe6oIi0tEnGhV",
				"Länken fungerar en gång och gäller till kl. 09.15", "bortse från mejlet"}, nil},
		{"calendarlink", "Din kalender med dina möten i Samkal",
			[]string{"Hej Maria!", "https://samkal.example.org/feeds/people/Pk4nR7wQz1XcV8bT2mLs5HdF9gJy3aUe6oIi0tEnGhB.ics",
				"Prenumerera från webben", "Från webbadress", "Lägg till prenumererad kalender", "I nätverket", "ungefär en gång per dygn",
				"dela den inte", "https://samkal.example.org/mina-moten", "bortse från mejlet"}, []string{"webcal://", "logga-in/"}},
	}
	if len(tests) != len(cases) {
		t.Errorf("%d content tests for %d golden cases", len(tests), len(cases))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := find(tt.name)
			if l.Subject != tt.subject {
				t.Errorf("subject = %q, want %q", l.Subject, tt.subject)
			}
			flat := strings.Join(strings.Fields(l.Text), " ")
			for _, s := range tt.text {
				if !strings.Contains(flat, s) {
					t.Errorf("text lacks %q:\n%s", s, l.Text)
				}
			}
			for _, s := range tt.notInTxt {
				if strings.Contains(flat, s) {
					t.Errorf("text holds %q:\n%s", s, l.Text)
				}
			}
			if !strings.Contains(l.HTML, "<title>"+htmlEscape(l.Subject)+"</title>") {
				t.Errorf("HTML title is not the subject %q", l.Subject)
			}
		})
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// TestErrors: missing required fields and bad links give one EINVALID
// error naming every problem.
func TestErrors(t *testing.T) {
	to := Person{Name: "Siw Lunader", Email: "siw.lunader@example.org"}
	d := calendar.Date{Year: 2024, Month: time.October, Day: 1}
	tests := []struct {
		name string
		in   lettering
		want []string
	}{
		{"call without anything", Call{}, []string{"Region is required", "To.Email is required", "Meeting.Title is required", "Meeting.Start is required", "Deadline is required", "LinkURL is required"}},
		{"call with a javascript link", Call{Region: region, Meeting: chefsgrupp, To: to, Deadline: d, LinkURL: "javascript:alert(1)"}, []string{`LinkURL "javascript:alert(1)" is not an http(s) address`}},
		{"call with a bad address", Call{Region: region, Meeting: chefsgrupp, To: Person{Email: "siw at example"}, Deadline: d, LinkURL: "https://example.org"}, []string{`To.Email "siw at example" is not an email address`}},
		{"notice to an address with a query", Notice{Region: region, Meeting: chefsgrupp, To: Person{Email: "a@example.org?bcc=b@example.org"}}, []string{`To.Email "a@example.org?bcc=b@example.org" is not an email address`}},
		{"notice with a secretary given as name and address", Notice{Region: region, Meeting: chefsgrupp, To: to, Secretary: &Person{Email: "Maria <maria@example.org>"}}, []string{`Secretary.Email "Maria <maria@example.org>" is not an email address`}},
		{"digest with a javascript page", Digest{Region: region, Meeting: chefsgrupp, To: to, Deadline: d, AgendaURL: "javascript:alert(1)"}, []string{`AgendaURL "javascript:alert(1)" is not an http(s) address`}},
		{"booking link without its last day", BookingReminder{Region: region, To: to, Window: "Höst", Weeks: []calendar.ISOWeek{{Year: 2025, Week: 37}},
			Deadline: d, Bodies: []string{"Norr"}, LinkURL: "https://example.org/bokning/x"}, []string{"LinkUntil is required"}},
		{"digest with an item without title", Digest{Region: region, Meeting: chefsgrupp, To: to, Deadline: d, Items: []AgendaItem{{Title: " "}}}, []string{"Items[0].Title is required"}},
		{"notice with a bad change", Notice{Region: region, Meeting: chefsgrupp, To: to, Change: 7}, []string{"Change 7 is not"}},
		{"notice with a file link", Notice{Region: region, Meeting: chefsgrupp, To: to, Agenda: []AgendaItem{{Title: "A", Links: []calendar.AgendaLink{{URL: "file:///etc/passwd"}}}}}, []string{`Agenda[0].Links[0].URL "file:///etc/passwd" is not an http(s) address`}},
		{"notice with a bad online link", Notice{Region: region, Meeting: Meeting{Title: "X", Start: chefsgrupp.Start, OnlineURL: "teams meeting"}, To: to}, []string{`Meeting.OnlineURL "teams meeting" is not an http(s) address`}},
		{"justering without role and links", JusteringRequest{Region: region, Meeting: samverkansrad, To: to, Deadline: d, Reminder: -1}, []string{`Role "" is not`, "DocumentURL is required", "LinkURL is required", "Reminder must be 0"}},
		{"overdue without pending", JusteringOverdue{Region: region, Meeting: samverkansrad, To: to, Deadline: d}, []string{"Pending must name at least one"}},
		{"overdue with an empty person", JusteringOverdue{Region: region, Meeting: samverkansrad, To: to, Deadline: d, Pending: []Person{{}}}, []string{"Pending[0] has neither name nor email"}},
		{"förhinder without anyone absent", ForhinderNote{Region: region, Meeting: chefsgrupp, To: to, Change: 9, PageURL: "javascript:x"},
			[]string{"Absent is required", `PageURL "javascript:x" is not an http(s) address`, "Change 9 is not"}},
		{"booking without weeks and bodies", BookingReminder{Region: region, To: to, Deadline: d, Bodies: []string{" "}}, []string{"Window is required", "Weeks must hold at least one ISO week", "Bodies must name at least one body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.in.Letter()
			if err == nil {
				t.Fatal("got no error")
			}
			if code := calendar.ErrorCode(err); code != calendar.EINVALID {
				t.Errorf("code = %q, want %q (%v)", code, calendar.EINVALID, err)
			}
			var details string
			if e, ok := err.(*calendar.Error); ok {
				details = strings.Join(e.Details, "\n")
			}
			for _, w := range tt.want {
				if !strings.Contains(details, w) {
					t.Errorf("error details lack %q:\n%s", w, details)
				}
			}
			if n := len(err.(*calendar.Error).Details); n != len(tt.want) {
				t.Errorf("%d problems reported, want %d:\n%s", n, len(tt.want), details)
			}
		})
	}
}

// TestCancelledMeeting: a Notice of a cancelled meeting is the
// cancellation even when Change says otherwise.
func TestCancelledMeeting(t *testing.T) {
	l, err := Notice{Region: region, Meeting: norr, To: siw}.Letter()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(l.Subject, "Inställt: ") {
		t.Errorf("subject = %q, want the cancellation", l.Subject)
	}
	if !strings.Contains(l.Text, "Samkal – Region Örebro län") || strings.Contains(l.Text, "svaret till sekreteraren") {
		t.Errorf("without a secretary Samkal signs and no reply address is promised:\n%s", l.Text)
	}
}
