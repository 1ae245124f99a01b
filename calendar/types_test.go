package calendar

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// checkProblems checks that err is nil when want is empty, and otherwise
// one EINVALID error whose Details are the wanted problems in order (each
// given as a part of its text) and whose Message is the first of them,
// counting the rest.
func checkProblems(t *testing.T, err error, want []string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("got %T %v, want *Error", err, err)
	}
	if e.Code != EINVALID {
		t.Errorf("code: got %q, want %q", e.Code, EINVALID)
	}
	if len(e.Details) != len(want) {
		t.Fatalf("got %d problems %q, want %d matching %q", len(e.Details), e.Details, len(want), want)
	}
	for i, w := range want {
		if !strings.Contains(e.Details[i], w) {
			t.Errorf("problem %d: got %q, want it to contain %q", i, e.Details[i], w)
		}
	}
	wantMsg := e.Details[0]
	if len(want) > 1 {
		wantMsg = fmt.Sprintf("%s (and %d more problems)", e.Details[0], len(want)-1)
	}
	if e.Message != wantMsg {
		t.Errorf("message: got %q, want %q", e.Message, wantMsg)
	}
}

var long = strings.Repeat("å", 201)

func TestOrganisationValidate(t *testing.T) {
	valid := func() *Organisation {
		return &Organisation{Slug: "region-orebro-lan", Name: "Region Örebro län", Kind: OrgRegion}
	}
	tests := []struct {
		name   string
		mutate func(o *Organisation)
		want   []string
	}{
		{"valid region", func(o *Organisation) {}, nil},
		{"valid municipality", func(o *Organisation) { o.Slug, o.Name, o.Kind = "laxa", "Laxå kommun", OrgMunicipality }, nil},
		{"valid partner", func(o *Organisation) {
			o.Slug, o.Name, o.Kind = "rf-sisu-orebro-lan", "RF-SISU Örebro län", OrgPartner
		}, nil},
		{"name of exactly 200 characters", func(o *Organisation) { o.Name = long[:400] }, nil},
		{"no slug", func(o *Organisation) { o.Slug = "" }, []string{"organisation slug is required"}},
		{"slug with capitals and å", func(o *Organisation) { o.Slug = "Region-Örebro" },
			[]string{`organisation slug "Region-Örebro" must be lower-case letters a–z, digits and single hyphens (e.g. "region-orebro")`}},
		{"blank name", func(o *Organisation) { o.Name = "  " }, []string{"organisation name is required"}},
		{"name too long", func(o *Organisation) { o.Name = long }, []string{"organisation name is 201 characters; at most 200"}},
		{"name on two lines", func(o *Organisation) { o.Name = "Region\nÖrebro" }, []string{"organisation name contains a line break (U+000A) at position 7; it must be one line"}},
		{"unknown kind", func(o *Organisation) { o.Kind = "county" }, []string{`organisation kind "county" is unknown; use region, municipality or partner`}},
		{"everything wrong", func(o *Organisation) { *o = Organisation{} },
			[]string{"organisation slug is required", "organisation name is required", `organisation kind "" is unknown`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := valid()
			tt.mutate(o)
			checkProblems(t, o.Validate(), tt.want)
		})
	}
}

func TestSlugProblemSuggestsASlug(t *testing.T) {
	err := (&Organisation{Slug: "Region Örebro", Name: "x", Kind: OrgRegion}).Validate()
	if msg := ErrorMessage(err); !strings.Contains(msg, `"region-orebro"`) {
		t.Errorf("message %q does not suggest the slug \"region-orebro\"", msg)
	}
}

func TestPersonValidate(t *testing.T) {
	valid := func() *Person {
		return &Person{Key: "maria-lindborg", Name: "Maria Lindborg", Email: "maria.lindborg@regionorebrolan.se",
			Phone: "019-602 10 00", Title: "utvecklingsledare välfärd och folkhälsa", Organisation: "region-orebro-lan"}
	}
	tests := []struct {
		name   string
		mutate func(p *Person)
		want   []string
	}{
		{"valid", func(p *Person) {}, nil},
		{"no email, phone, title or organisation", func(p *Person) { p.Email, p.Phone, p.Title, p.Organisation = "", "", "", "" }, nil},
		{"email with å in the local part", func(p *Person) { p.Email = "åsa@example.se" }, nil},
		{"no key", func(p *Person) { p.Key = "" }, []string{"person key slug is required"}},
		{"bad key", func(p *Person) { p.Key = "Maria Lindborg" }, []string{`person key slug "Maria Lindborg" must be lower-case`}},
		{"no name", func(p *Person) { p.Name = "" }, []string{"person name is required"}},
		{"email with a display name", func(p *Person) { p.Email = "Maria <maria@example.se>" }, []string{`email "Maria <maria@example.se>" is not a plain email address`}},
		{"email without @", func(p *Person) { p.Email = "maria.example.se" }, []string{"is not a plain email address"}},
		{"email with spaces around", func(p *Person) { p.Email = " maria@example.se" }, []string{"email starts with white space (U+0020)"}},
		{"two emails", func(p *Person) { p.Email = "a@example.se, b@example.se" }, []string{"is not a plain email address"}},
		{"phone on two lines", func(p *Person) { p.Phone = "019\n123" }, []string{"phone contains a line break (U+000A) at position 4"}},
		{"title with CR", func(p *Person) { p.Title = "chef\r" }, []string{"title contains a carriage return (U+000D) at position 5"}},
		{"name with a line separator", func(p *Person) { p.Name = "Maria\u2028Lindborg" }, []string{"person name contains a line separator (U+2028) at position 6"}},
		{"email of 255 characters", func(p *Person) { p.Email = strings.Repeat("a", 245) + "@region.se" }, []string{"email is 255 characters; at most 254"}},
		{"bad organisation", func(p *Person) { p.Organisation = "Region_Örebro" }, []string{`organisation slug "Region_Örebro" must be lower-case`}},
		{"several problems", func(p *Person) { p.Key, p.Name, p.Email = "", "", "x" },
			[]string{"person key slug is required", "person name is required", `email "x" is not a plain email address`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.mutate(p)
			checkProblems(t, p.Validate(), tt.want)
		})
	}
}

func TestBodyValidate(t *testing.T) {
	valid := func() *Body {
		return &Body{Slug: "chefsgrupp-folkhalsa", Name: "Chefsgrupp folkhälsa", Kind: BodyManagementGroup,
			Visibility: Public, Organisation: "region-orebro-lan"}
	}
	tests := []struct {
		name   string
		mutate func(b *Body)
		want   []string
	}{
		{"valid", func(b *Body) {}, nil},
		{"restricted without organisation", func(b *Body) { b.Visibility, b.Organisation = Restricted, "" }, nil},
		{"no slug", func(b *Body) { b.Slug = "" }, []string{"body slug is required"}},
		{"bad slug", func(b *Body) { b.Slug = "chefsgrupp folkhälsa" }, []string{`body slug "chefsgrupp folkhälsa" must be lower-case`}},
		{"no name", func(b *Body) { b.Name = "\t" }, []string{"body name is required"}},
		{"long name", func(b *Body) { b.Name = long }, []string{"body name is 201 characters; at most 200"}},
		{"unknown kind", func(b *Body) { b.Kind = "committee" },
			[]string{`body kind "committee" is unknown; use one of regional-council, specific-council, management-group, lansdel-group, partner-group, working-group`}},
		{"unknown visibility", func(b *Body) { b.Visibility = "secret" }, []string{`visibility "secret" is unknown; use public or restricted`}},
		{"bad organisation", func(b *Body) { b.Organisation = "-x" }, []string{`organisation slug "-x" must be lower-case`}},
		{"own standard items", func(b *Body) {
			b.StandardOpening, b.StandardClosing = []string{"Mötet öppnas", "Närvaro"}, []string{}
		}, nil},
		{"standard items: empty title", func(b *Body) { b.StandardOpening = []string{"Mötet öppnas", " "} },
			[]string{"standard_opening title 2 is required"}},
		{"standard items: line break and twice", func(b *Body) { b.StandardClosing = []string{"Övrigt\nannat", "Slut", "Slut"} },
			[]string{"standard_closing title 1 ", `standard_closing holds "Slut" twice`}},
		{"standard items: too many", func(b *Body) { b.StandardClosing = make([]string, MaxStandardItems+1) },
			[]string{"standard_closing holds 16 titles; at most 15"}},
		{"all at once", func(b *Body) { *b = Body{Organisation: "X"} },
			[]string{"body slug is required", "body name is required", `body kind "" is unknown`, `visibility "" is unknown`, `organisation slug "X"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := valid()
			tt.mutate(b)
			checkProblems(t, b.Validate(), tt.want)
		})
	}
}

func TestMembershipValidate(t *testing.T) {
	valid := func() *Membership {
		return &Membership{Body: "chefsgrupp-folkhalsa", Person: "maria-lindborg", Role: RoleContactPerson,
			From: Date{2025, 1, 1}, Until: Date{2025, 12, 31}}
	}
	tests := []struct {
		name   string
		mutate func(m *Membership)
		want   []string
	}{
		{"valid", func(m *Membership) {}, nil},
		{"open-ended", func(m *Membership) { m.From, m.Until = Date{}, Date{} }, nil},
		{"one day", func(m *Membership) { m.Until = m.From }, nil},
		{"no body", func(m *Membership) { m.Body = "" }, []string{"body slug is required"}},
		{"no person", func(m *Membership) { m.Person = "" }, []string{"person key slug is required"}},
		{"unknown role", func(m *Membership) { m.Role = "ordförande" },
			[]string{`role "ordförande" is unknown; use one of ordforande, vice-ordforande, sekreterare, ledamot, ersattare, tjansteperson, gast, kontaktperson`}},
		{"ends before it starts", func(m *Membership) { m.From, m.Until = Date{2025, 6, 1}, Date{2025, 5, 31} },
			[]string{"membership ends (2025-05-31) before it starts (2025-06-01)"}},
		{"several", func(m *Membership) { m.Body, m.Person, m.Role = "A", "", "" },
			[]string{`body slug "A"`, "person key slug is required", `role "" is unknown`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			tt.mutate(m)
			checkProblems(t, m.Validate(), tt.want)
		})
	}
}

func TestMembershipActiveOn(t *testing.T) {
	m := &Membership{From: Date{2025, 1, 1}, Until: Date{2025, 6, 30}}
	tests := []struct {
		m    *Membership
		d    Date
		want bool
	}{
		{m, Date{2024, 12, 31}, false},
		{m, Date{2025, 1, 1}, true},
		{m, Date{2025, 6, 30}, true},
		{m, Date{2025, 7, 1}, false},
		{&Membership{}, Date{1999, 1, 1}, true},
		{&Membership{From: Date{2025, 3, 1}}, Date{2030, 1, 1}, true},
		{&Membership{From: Date{2025, 3, 1}}, Date{2025, 2, 28}, false},
		{&Membership{Until: Date{2025, 3, 1}}, Date{2025, 3, 2}, false},
	}
	for _, tt := range tests {
		if got := tt.m.ActiveOn(tt.d); got != tt.want {
			t.Errorf("%s–%s ActiveOn(%s) = %v, want %v", tt.m.From, tt.m.Until, tt.d, got, tt.want)
		}
	}
}

func TestRoomValidate(t *testing.T) {
	valid := func() *Room {
		return &Room{Slug: "lokal-eken", Name: "Lokal Eken", Address: "Eklundavägen 1, Örebro", Capacity: 30}
	}
	tests := []struct {
		name   string
		mutate func(r *Room)
		want   []string
	}{
		{"valid", func(r *Room) {}, nil},
		{"no address, unknown capacity", func(r *Room) { r.Address, r.Capacity = "", 0 }, nil},
		{"no slug", func(r *Room) { r.Slug = "" }, []string{"room slug is required"}},
		{"bad slug", func(r *Room) { r.Slug = "lokal_eken" }, []string{`room slug "lokal_eken" must be lower-case`}},
		{"no name", func(r *Room) { r.Name = "" }, []string{"room name is required"}},
		{"address on two lines", func(r *Room) { r.Address = "Eklundavägen 1\r\nÖrebro" }, []string{"room address contains a carriage return (U+000D) at position 15; it must be one line"}},
		{"negative capacity", func(r *Room) { r.Capacity = -1 }, []string{"room capacity must be from 0 to 100000"}},
		{"several", func(r *Room) { r.Name, r.Capacity = long, -5 },
			[]string{"room name is 201 characters; at most 200", "room capacity must be from 0 to 100000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.mutate(r)
			checkProblems(t, r.Validate(), tt.want)
		})
	}
}

func TestMeetingValidate(t *testing.T) {
	d := Date{2025, 1, 21}
	valid := func() *Meeting {
		return &Meeting{Key: "folkhalsa-2025-01", Kind: KindMeeting, Bodies: []string{"chefsgrupp-folkhalsa"},
			Start: d.At(13, 0), End: d.At(16, 30), Status: StatusProposed, Room: "lokal-eken"}
	}
	tests := []struct {
		name   string
		mutate func(m *Meeting)
		want   []string
	}{
		{"valid", func(m *Meeting) {}, nil},
		{"event without bodies", func(m *Meeting) { m.Kind, m.Bodies = KindEvent, nil }, nil},
		{"all-day event", func(m *Meeting) {
			m.Kind, m.AllDay, m.Start, m.End = KindEvent, true, Date{2025, 3, 14}.Start(), Date{2025, 3, 15}.Start()
		}, nil},
		{"all-day across the spring switch", func(m *Meeting) {
			m.AllDay, m.Start, m.End = true, Date{2025, 3, 29}.Start(), Date{2025, 3, 31}.Start()
		}, nil},
		{"exactly 14 days", func(m *Meeting) { m.End = m.Start.Add(14 * 24 * time.Hour) }, nil},
		{"digital", func(m *Meeting) { m.Room, m.OnlineURL = "", "https://meet.example.se/j/1" }, nil},
		{"title of 200 characters", func(m *Meeting) { m.Title = long[:400] }, nil},
		{"bad key", func(m *Meeting) { m.Key = "Möte 1" }, []string{`meeting key slug "Möte 1" must be lower-case`}},
		{"unknown kind", func(m *Meeting) { m.Kind = "conference" }, []string{`kind "conference" is unknown; use meeting or event`}},
		{"meeting without bodies", func(m *Meeting) { m.Bodies = nil }, []string{"a meeting needs at least one body"}},
		{"bad body slug", func(m *Meeting) { m.Bodies = []string{"ok", "Chefsgrupp"} }, []string{`body slug "Chefsgrupp" must be lower-case`}},
		{"no start", func(m *Meeting) { m.Start = time.Time{} }, []string{"start and end are required"}},
		{"no end", func(m *Meeting) { m.End = time.Time{} }, []string{"start and end are required"}},
		{"end before start", func(m *Meeting) { m.Start, m.End = m.End, m.Start },
			[]string{"end (2025-01-21T13:00:00+01:00) must be after start (2025-01-21T16:30:00+01:00)"}},
		{"end equals start", func(m *Meeting) { m.End = m.Start }, []string{"must be after start"}},
		{"longer than 14 days", func(m *Meeting) { m.End = m.Start.Add(14*24*time.Hour + time.Minute) }, []string{"a meeting may last at most 14 days"}},
		{"all-day not at midnight", func(m *Meeting) { m.AllDay = true }, []string{"an all-day event must start and end at midnight"}},
		{"all-day ending at noon", func(m *Meeting) { m.AllDay, m.Start, m.End = true, d.Start(), d.At(12, 0) },
			[]string{"an all-day event must start and end at midnight"}},
		{"all-day at UTC midnight", func(m *Meeting) {
			m.AllDay = true
			m.Start, m.End = time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC)
		}, []string{"an all-day event must start and end at midnight"}},
		{"unknown status", func(m *Meeting) { m.Status = "postponed" }, []string{`status "postponed" is unknown; use proposed, confirmed or cancelled`}},
		{"bad room", func(m *Meeting) { m.Room = "Lokal Eken" }, []string{`room slug "Lokal Eken" must be lower-case`}},
		{"title too long", func(m *Meeting) { m.Title = long }, []string{"title is 201 characters; at most 200"}},
		{"title on two lines", func(m *Meeting) { m.Title = "a\nb" }, []string{"title contains a line break (U+000A) at position 2"}},
		{"location on two lines", func(m *Meeting) { m.Location = "Eken\r\nEnen" }, []string{"location contains a carriage return (U+000D) at position 5"}},
		{"online link not http", func(m *Meeting) { m.OnlineURL = "javascript:alert(1)" }, []string{`online_url "javascript:alert(1)" is not an http(s) link`}},
		{"online link without host", func(m *Meeting) { m.OnlineURL = "https:///path" }, []string{"is not an http(s) link"}},
		{"online link not a URL", func(m *Meeting) { m.OnlineURL = "meet.example.se/j/1" }, []string{"is not an http(s) link"}},
		{"empty meeting", func(m *Meeting) { *m = Meeting{} },
			[]string{`kind "" is unknown`, "start and end are required", `status "" is unknown`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			tt.mutate(m)
			checkProblems(t, m.Validate(), tt.want)
		})
	}
}

func TestMeetingNormalize(t *testing.T) {
	m := &Meeting{
		Bodies: []string{"skolchefsgruppen", "chefsgrupp-folkhalsa", "skolchefsgruppen"},
		Start:  time.Date(2025, 1, 21, 12, 0, 0, 0, time.UTC),
		End:    time.Date(2025, 1, 21, 15, 30, 0, 0, time.UTC),
	}
	m.Normalize()
	if want := []string{"chefsgrupp-folkhalsa", "skolchefsgruppen"}; !slices.Equal(m.Bodies, want) {
		t.Errorf("Bodies = %q, want %q", m.Bodies, want)
	}
	if m.Start.Location() != Location || m.Start.Hour() != 13 || m.End.Hour() != 16 {
		t.Errorf("times = %s – %s, want 13:00–16:30 Europe/Stockholm", m.Start, m.End)
	}
	if m.Kind != KindMeeting || m.Status != StatusProposed {
		t.Errorf("defaults: kind %q status %q, want meeting, proposed", m.Kind, m.Status)
	}
	e := &Meeting{Kind: KindEvent, Status: StatusConfirmed}
	e.Normalize()
	if e.Kind != KindEvent || e.Status != StatusConfirmed {
		t.Errorf("Normalize changed a set kind or status: %q %q", e.Kind, e.Status)
	}
}

func TestMeetingOverlaps(t *testing.T) {
	d := Date{2025, 5, 22}
	m := &Meeting{Start: d.At(13, 0), End: d.At(16, 30)}
	tests := []struct {
		name       string
		start, end time.Time
		want       bool
	}{
		{"same time", d.At(13, 0), d.At(16, 30), true},
		{"inside", d.At(14, 0), d.At(15, 0), true},
		{"around", d.At(9, 0), d.At(18, 0), true},
		{"overlapping start", d.At(12, 0), d.At(13, 1), true},
		{"touching before", d.At(9, 0), d.At(13, 0), false},
		{"touching after", d.At(16, 30), d.At(18, 0), false},
		{"other day", d.AddDays(1).At(13, 0), d.AddDays(1).At(16, 30), false},
	}
	for _, tt := range tests {
		o := &Meeting{Start: tt.start, End: tt.end}
		if got := m.Overlaps(o); got != tt.want {
			t.Errorf("%s: Overlaps = %v, want %v", tt.name, got, tt.want)
		}
		if got := o.Overlaps(m); got != tt.want {
			t.Errorf("%s (reversed): Overlaps = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRoleSwedishName(t *testing.T) {
	want := map[Role]string{
		RoleChair: "ordförande", RoleViceChair: "vice ordförande", RoleSecretary: "sekreterare",
		RoleMember: "ledamot", RoleSubstitute: "ersättare", RoleOfficial: "tjänsteperson",
		RoleGuest: "gäst", RoleContactPerson: "kontaktperson",
	}
	if len(Roles) != len(want) {
		t.Fatalf("Roles has %d roles, the test knows %d", len(Roles), len(want))
	}
	for _, r := range Roles {
		if got := r.SwedishName(); got != want[r] {
			t.Errorf("%s.SwedishName() = %q, want %q", r, got, want[r])
		}
	}
}

func TestMeetingIsPublic(t *testing.T) {
	public := func(slug string) bool { return slug == "chefsgrupp-folkhalsa" }
	for _, tc := range []struct {
		bodies []string
		want   bool
	}{
		{nil, true}, // an event for the whole region
		{[]string{"chefsgrupp-folkhalsa"}, true},
		{[]string{"arbetsgrupp-uppfoljningsdag"}, false},
		{[]string{"arbetsgrupp-uppfoljningsdag", "chefsgrupp-folkhalsa"}, true}, // joint with a public body
	} {
		m := &Meeting{Bodies: tc.bodies}
		if got := m.IsPublic(public); got != tc.want {
			t.Errorf("IsPublic(%q) = %v, want %v", tc.bodies, got, tc.want)
		}
	}
}
