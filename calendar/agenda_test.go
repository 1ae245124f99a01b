package calendar

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestAgendaItemValidate(t *testing.T) {
	ok := func() AgendaItem {
		a := AgendaItem{MeetingID: 1, Title: "Generation Pep", Presenter: "Josefin Sejnelid", Kind: AgendaDialog,
			SubPoints: []string{"Årlig konferens 19/11"},
			Links:     []AgendaLink{{Title: "Rapport", URL: "https://liu.diva-portal.org/smash/get/diva2:1842456/FULLTEXT01.pdf"}}}
		a.Normalize()
		return a
	}
	for _, tc := range []struct {
		name   string
		change func(*AgendaItem)
		want   string // "" means valid
	}{
		{"valid", func(*AgendaItem) {}, ""},
		{"http link", func(a *AgendaItem) { a.Links[0].URL = "http://intranat.example.se/a.pptx" }, ""},
		{"title of 200 characters", func(a *AgendaItem) { a.Title = strings.Repeat("ö", 200) }, ""},
		{"title of 201 characters", func(a *AgendaItem) { a.Title = strings.Repeat("ö", 201) }, "title is 201 characters; at most 200"},
		{"blank title", func(a *AgendaItem) { a.Title = "  " }, "title is required"},
		{"title with CR", func(a *AgendaItem) { a.Title = "a\rb" }, "title contains a carriage return (U+000D) at position 2; it must be one line"},
		{"presenter on two lines", func(a *AgendaItem) { a.Presenter = "a\nb" }, "presenter contains a line break (U+000A) at position 2; it must be one line"},
		{"unknown kind", func(a *AgendaItem) { a.Kind = "info" }, `agenda kind "info" is unknown`},
		{"unknown status", func(a *AgendaItem) { a.Status = "rejected" }, `agenda status "rejected" is unknown`},
		{"no meeting", func(a *AgendaItem) { a.MeetingID = 0 }, "needs a meeting"},
		{"negative position", func(a *AgendaItem) { a.Position = -2 }, "position must be from 1 to 200"},
		{"position past any agenda", func(a *AgendaItem) { a.Position = 1 << 40 }, "position must be from 1 to 200"},
		{"link with a bidi override", func(a *AgendaItem) { a.Links[0].URL = "https://a.se/\u202efdp.exe" }, "link 1 contains a bidirectional formatting character (U+202E)"},
		{"sub-point with ESC", func(a *AgendaItem) { a.SubPoints[0] = "\x1b[2J" }, "sub-point 1 contains a control character (U+001B) at position 1"},
		{"javascript link", func(a *AgendaItem) { a.Links[0].URL = "javascript:alert(1)" }, "not an http(s) link"},
		{"mailto link", func(a *AgendaItem) { a.Links[0].URL = "mailto:maria@example.se" }, "not an http(s) link"},
		{"link without host", func(a *AgendaItem) { a.Links[0].URL = "https:///a" }, "not an http(s) link"},
		{"link with a space", func(a *AgendaItem) { a.Links[0].URL = "https://a.se/x y" }, "not an http(s) link"},
		{"empty link", func(a *AgendaItem) { a.Links[0].URL = "" }, "link 1"},
		{"link title on two lines", func(a *AgendaItem) { a.Links[0].Title = "a\nb" }, "link 1 title contains a line break"},
		{"too many links", func(a *AgendaItem) { a.Links = slices.Repeat(a.Links, 21) }, "at most 20 links"},
		{"empty sub-point", func(a *AgendaItem) { a.SubPoints = append(a.SubPoints, "") }, "sub-point 2 is required"},
		{"too many sub-points", func(a *AgendaItem) { a.SubPoints = slices.Repeat(a.SubPoints, 51) }, "at most 50 sub-points"},
		{"bad person key", func(a *AgendaItem) { a.SubmittedBy = "Maria Lindborg" }, "submitted_by person key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := ok()
			tc.change(&a)
			err := a.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("got error %v, want none", err)
			case tc.want != "" && ErrorCode(err) != EINVALID:
				t.Fatalf("got error %v, want EINVALID", err)
			case tc.want != "" && !strings.Contains(ErrorMessage(err), tc.want):
				t.Errorf("error %q does not contain %q", ErrorMessage(err), tc.want)
			}
		})
	}
}

func TestStandardItems(t *testing.T) {
	council := &Body{Slug: "specifika-samverkansradet", MinutesNeedApproval: true}
	group := &Body{Slug: "chefsgrupp-folkhalsa"}
	for _, tc := range []struct {
		name      string
		bodies    []*Body
		justerare bool
	}{
		{"council", []*Body{council}, true},
		{"management group", []*Body{group}, false},
		{"joint with a council", []*Body{group, council}, true},
		{"event without bodies", nil, false},
		{"council with its own closing list", []*Body{{Slug: "radet", MinutesNeedApproval: true, StandardClosing: []string{"Övriga frågor", "Mötet avslutas"}}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opening, closing := StandardItems(tc.bodies)
			if got := slices.Contains(opening, ChooseJusterare); got != tc.justerare {
				t.Errorf("opening %q has %q: %v, want %v", opening, ChooseJusterare, got, tc.justerare)
			}
			if opening[0] != "Mötet öppnas" || !slices.Equal(closing, []string{"Övriga frågor", "Mötet avslutas"}) {
				t.Errorf("opening %q, closing %q", opening, closing)
			}
			closing[0] = "changed"
			if StandardClosing[0] != "Övriga frågor" {
				t.Fatal("StandardItems returned the shared StandardClosing slice")
			}
		})
	}
}

// TestStandardItemsOwn: a body's own lists replace the defaults; for a
// joint meeting the first body by slug with its own list wins, each list
// on its own.
func TestStandardItemsOwn(t *testing.T) {
	council := &Body{Slug: "specifika-samverkansradet", MinutesNeedApproval: true,
		StandardOpening: []string{"Mötet öppnas", "Närvaro och jäv"}}
	group := &Body{Slug: "chefsgrupp-folkhalsa", StandardClosing: []string{"Nästa möte", "Avslutning"}}
	none := &Body{Slug: "arbetsgrupp", StandardOpening: []string{}}
	for _, tc := range []struct {
		name             string
		bodies           []*Body
		opening, closing []string
	}{
		{"own opening", []*Body{council}, council.StandardOpening, StandardClosing},
		{"own closing, default opening without justerare", []*Body{group},
			[]string{"Mötet öppnas", "Fastställande av dagordning", "Föregående mötes protokoll/minnesanteckningar"}, group.StandardClosing},
		{"joint: each list from the first body by slug that has one", []*Body{council, group}, council.StandardOpening, group.StandardClosing},
		{"joint: first by slug wins, not first given", []*Body{council, none}, []string{}, StandardClosing},
		{"empty list is none", []*Body{none}, []string{}, StandardClosing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opening, closing := StandardItems(tc.bodies)
			if !slices.Equal(opening, tc.opening) || !slices.Equal(closing, tc.closing) {
				t.Errorf("StandardItems = %q, %q; want %q, %q", opening, closing, tc.opening, tc.closing)
			}
			if len(opening) > 0 {
				opening[0] = "changed"
			}
			if council.StandardOpening[0] != "Mötet öppnas" {
				t.Fatal("StandardItems returned the body's own slice")
			}
		})
	}
}

func TestBacklogItemValidate(t *testing.T) {
	for _, tc := range []struct {
		item BacklogItem
		want string
	}{
		{BacklogItem{Body: "chefsgrupp-folkhalsa", Title: "Nära vård", Notes: "Två\nrader"}, ""},
		{BacklogItem{Body: "", Title: "x"}, "body slug is required"},
		{BacklogItem{Body: "chefsgrupp-folkhalsa"}, "title is required"},
		{BacklogItem{Body: "chefsgrupp-folkhalsa", Title: "x", Notes: strings.Repeat("n", 10000)}, ""},
		{BacklogItem{Body: "chefsgrupp-folkhalsa", Title: "x", Notes: strings.Repeat("n", 10001)}, "notes is 10001 characters; at most 10000"},
		{BacklogItem{Body: "chefsgrupp-folkhalsa", Title: "x", Notes: "a\x00"}, "notes contains a NUL byte (U+0000) at position 2"},
	} {
		err := tc.item.Validate()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(ErrorMessage(err), tc.want)) {
			t.Errorf("Validate(%+v) = %v, want %q", tc.item, err, tc.want)
		}
	}
}

// TestClosingStart: where the closing standard items begin, so that new
// items go before them.
func TestClosingStart(t *testing.T) {
	// Items are written "S:title" (standard), "P:title" (a proposal) or
	// "title" (an accepted item of another kind).
	agenda := func(spec ...string) []*AgendaItem {
		out := make([]*AgendaItem, len(spec))
		for i, s := range spec {
			a := &AgendaItem{Title: s, Kind: AgendaInformation, Status: AgendaAccepted, Position: i + 1}
			if t, ok := strings.CutPrefix(s, "S:"); ok {
				a.Title, a.Kind = t, AgendaStandard
			} else if t, ok := strings.CutPrefix(s, "P:"); ok {
				a.Title, a.Status = t, AgendaProposed
			} else if t, ok := strings.CutPrefix(s, "D:"); ok {
				a.Title, a.Status = t, AgendaDeclined
			}
			out[i] = a
		}
		return out
	}
	open := []string{"S:Mötet öppnas", "S:Fastställande av dagordning"}
	closing := []string{"S:Övriga frågor", "S:Mötet avslutas"}
	for _, tc := range []struct {
		name  string
		items []string
		want  int
	}{
		{"empty", nil, 0},
		{"no standard items", []string{"A", "B"}, 2},
		{"only standard items", slices.Concat(open, closing), 2},
		{"filled agenda", slices.Concat(open, []string{"A", "B"}, closing), 4},
		{"proposal before the closing items", slices.Concat(open, []string{"A", "P:B"}, closing), 4},
		{"old proposal after the closing items", slices.Concat(open, []string{"A"}, closing, []string{"P:B"}), 3},
		{"proposal between the closing items", slices.Concat(open, []string{"A", "S:Övriga frågor", "P:B", "S:Mötet avslutas"}), 3},
		{"declined proposals last", slices.Concat(open, []string{"A"}, closing, []string{"D:B", "D:C"}), 3},
		{"declined proposal between the closing items", slices.Concat(open, []string{"A", "S:Övriga frågor", "D:B", "S:Mötet avslutas"}), 3},
		{"own closing item next to them", slices.Concat(open, []string{"A", "S:Nästa möte"}, closing), 3},
		{"standard item in the middle", slices.Concat(open, []string{"A", "S:Lunch", "B"}, closing), 5},
		{"secretary's item after the closing items", slices.Concat(open, []string{"A"}, closing, []string{"Fika"}), 3},
		{"closing titles changed", slices.Concat(open, []string{"A", "S:Övrigt", "S:Avslutning"}), 3},
		{"titles changed, item after them", slices.Concat(open, []string{"A", "S:Avslutning", "Fika"}), 5},
		{"opening items only", slices.Concat(open, []string{"A"}), 3},
		{"a closing title that is a proposal does not count", slices.Concat(open, []string{"A", "P:Övriga frågor"}), 4},
		// A body's own lists (Body.StandardOpening/StandardClosing): the
		// closing items are still the standard items at the end.
		{"own closing titles", slices.Concat(open, []string{"A", "B", "S:Nästa möte", "S:Avslutning"}), 4},
		{"own opening and closing titles", []string{"S:Välkommen", "S:Närvaro", "A", "P:B", "S:Nästa möte", "S:Avslutning"}, 4},
		{"own closing titles, proposal after them", []string{"S:Välkommen", "A", "S:Nästa möte", "S:Avslutning", "P:B"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ClosingStart(agenda(tc.items...)); got != tc.want {
				t.Errorf("ClosingStart(%q) = %d, want %d", tc.items, got, tc.want)
			}
		})
	}

	// A body's own lists: an agenda of nothing but its standard items, which
	// only its opening list tells apart.
	own := &Body{Slug: "rad", StandardOpening: []string{"Mötet öppnas", "Närvaro"}, StandardClosing: []string{"Nästa möte", "Avslutning"}}
	only := agenda("S:Mötet öppnas", "S:Närvaro", "S:Nästa möte", "S:Avslutning")
	if got := ClosingStart(only, own); got != 2 {
		t.Errorf("ClosingStart of the body's own standard items only = %d, want 2", got)
	}
	if got := AppendIndex(only, &AgendaItem{Kind: AgendaDecision}, own); got != 2 {
		t.Errorf("AppendIndex with the body's own standard items = %d, want 2", got)
	}
	if got := AcceptIndex(agenda("S:Mötet öppnas", "S:Närvaro", "S:Nästa möte", "S:Avslutning"), 4, own); got != 2 {
		t.Errorf("AcceptIndex with the body's own standard items = %d, want 2", got)
	}
	// Defaults still count for an agenda filled before the body had its own.
	if got := ClosingStart(agenda(slices.Concat(open, []string{"A"}, closing)...), own); got != 3 {
		t.Errorf("ClosingStart of a default agenda of a body with its own lists = %d, want 3", got)
	}

	filled := agenda(slices.Concat(open, []string{"A"}, closing)...)
	if got := AppendIndex(filled, &AgendaItem{Kind: AgendaDecision}); got != 3 {
		t.Errorf("AppendIndex of a decision = %d, want 3", got)
	}
	if got := AppendIndex(filled, &AgendaItem{Kind: AgendaStandard}); got != 5 {
		t.Errorf("AppendIndex of a standard item = %d, want 5 (the end)", got)
	}
	if got := AcceptIndex(filled, 2); got != 2 {
		t.Errorf("AcceptIndex before the closing items = %d, want 2 (where it is)", got)
	}
	if got := AcceptIndex(filled, 5); got != 3 {
		t.Errorf("AcceptIndex after the closing items = %d, want 3", got)
	}

	numbered := NumberAccepted(agenda("S:Mötet öppnas", "P:Förslag", "A", "S:Mötet avslutas"))
	var got []string
	for _, a := range numbered {
		got = append(got, strconv.Itoa(a.Position)+" "+a.Title)
	}
	if want := []string{"1 Mötet öppnas", "2 A", "3 Mötet avslutas"}; !slices.Equal(got, want) {
		t.Errorf("NumberAccepted = %q, want %q", got, want)
	}
}

// TestDeclinedProposal: a declined item carries its note, only a declined
// one may, and a new status other than declined clears it.
func TestDeclinedProposal(t *testing.T) {
	a := AgendaItem{MeetingID: 1, Title: "Reklam", Kind: AgendaInformation, Status: AgendaDeclined, DeclineNote: "Hör hemma i nyhetsbrevet."}
	if err := a.Validate(); err != nil {
		t.Errorf("a declined item with a note: %v", err)
	}
	b := a
	b.Status = AgendaAccepted
	if err := b.Validate(); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "only a declined item has a decline note") {
		t.Errorf("an accepted item with a decline note: %v", err)
	}
	st := AgendaProposed
	if got := (AgendaItemUpdate{Status: &st}).Apply(a); got.DeclineNote != "" || got.Status != AgendaProposed {
		t.Errorf("back to proposed: %+v", got)
	}
	bad := a
	bad.DeclineNote = "a\x00b"
	if err := bad.Validate(); ErrorCode(err) != EINVALID {
		t.Errorf("a note with a NUL byte: %v", err)
	}
}
