package arsplan

import "github.com/samkal/samkal/calendar"

// File is one parsed årsplan document. Its entries hold the domain values
// as the file describes them (validated, times in Europe/Stockholm) and
// where they stand in the file, so that Apply can point at the line of the
// entry that the store refused.
type File struct {
	// Name is the file name used in errors.
	Name          string
	Organisations []*Organisation
	People        []*Person
	Rooms         []*Room
	Bodies        []*Body
	Meetings      []*Meeting
	// BookingWindows are the file's booking_windows: (bokningsveckor).
	BookingWindows []*BookingWindow
}

// Pos is where an entry starts in the file; 1-based, 0 when unknown (for
// entries built in code rather than parsed).
type Pos struct{ Line, Column int }

// fieldPos records where each key of an entry stands, so that a problem
// with one field is reported on that field's line.
type fieldPos map[string]Pos

// at returns the position of key, or def when the key was not written.
func (f fieldPos) at(key string, def Pos) Pos {
	if p, ok := f[key]; ok {
		return p
	}
	return def
}

// Organisation is an entry of organisations:. Ref is set when the entry
// gives only a slug: it then names an organisation that must already exist
// and that Apply leaves as it is.
type Organisation struct {
	calendar.Organisation
	Ref    bool
	Pos    Pos
	fields fieldPos
}

// Person is an entry of people:; Ref as for Organisation (only a key).
type Person struct {
	calendar.Person
	Ref    bool
	Pos    Pos
	fields fieldPos
}

// Room is an entry of rooms:; Ref as for Organisation (only a slug).
type Room struct {
	calendar.Room
	Ref    bool
	Pos    Pos
	fields fieldPos
}

// Body is an entry of bodies: with its members. Ref is set when the entry
// gives only a slug (and possibly members): the body must then already
// exist, Apply leaves it as it is and only applies the members.
type Body struct {
	calendar.Body
	Members []*Membership
	Ref     bool
	Pos     Pos
	fields  fieldPos
}

// Membership is an entry of a body's members:. Its Body is the slug of the
// body it is listed under.
type Membership struct {
	calendar.Membership
	Pos    Pos
	fields fieldPos
}

// Meeting is an entry of meetings:. Its Key identifies it across imports;
// UID, written by Export for meetings that have no key, identifies a stored
// meeting by its iCalendar UID instead.
type Meeting struct {
	calendar.Meeting
	Pos    Pos
	fields fieldPos
}

// The keys each kind of entry may have, in the order Export writes them.
var (
	topKeys          = []string{"organisations", "people", "rooms", "bodies", "meetings", "booking_windows"}
	organisationKeys = []string{"slug", "name", "kind"}
	personKeys       = []string{"key", "name", "email", "phone", "title", "organisation"}
	roomKeys         = []string{"slug", "name", "address", "capacity"}
	bodyKeys         = []string{"slug", "name", "kind", "visibility", "organisation", "minutes_need_approval", "description", "notify", "standard_opening", "standard_closing", "members"}
	notifyKeys       = []string{"call_days", "call_deadline_days", "notice_days", "mail_release"}
	membershipKeys   = []string{"person", "role", "from", "until"}
	meetingKeys      = []string{"key", "uid", "kind", "bodies", "title", "date", "end_date", "start", "end", "all_day", "status", "room", "location", "online_url", "notes", "organisation"}
)
