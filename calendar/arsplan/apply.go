package arsplan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// Report counts what Apply did per kind of entry, keyed "organisations",
// "people", "bodies", "memberships", "rooms" and "meetings". References
// (entries that give only a slug or key) are not counted: they change
// nothing.
type Report struct {
	Created, Updated, Unchanged map[string]int
}

// reportKinds are the keys of a Report, in the order String lists them.
var reportKinds = []string{"organisations", "people", "bodies", "memberships", "rooms", "meetings", "booking_windows"}

func newReport() *Report {
	return &Report{Created: map[string]int{}, Updated: map[string]int{}, Unchanged: map[string]int{}}
}

// String returns e.g. "meetings: 3 created, 1 updated, 20 unchanged;
// rooms: ...", leaving out kinds the file had none of.
func (r *Report) String() string {
	var parts []string
	for _, k := range reportKinds {
		c, u, n := r.Created[k], r.Updated[k], r.Unchanged[k]
		if c+u+n == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %d created, %d updated, %d unchanged", k, c, u, n))
	}
	if len(parts) == 0 {
		return "nothing to apply"
	}
	return strings.Join(parts, "; ")
}

// Apply creates or updates everything in f in one transaction (store.InTx),
// so that nothing is half-imported: on any error nothing is written.
//
// Things are matched by stable keys: organisations, bodies and rooms by
// slug, people by key, memberships by body, person, role and first day,
// meetings by key (or, for an entry without a key, by uid). An entry
// describes the whole thing, so a field it leaves out is set empty (or to
// its default). Apply never deletes anything. Re-applying the same file
// changes nothing and records no change; an edited file updates in place.
//
// Problems with the file's content – a reference to a body, room, person
// or organisation that neither the file nor the store has, a room booked
// twice, anything else the store refuses with a calendar.Error – come back
// as Errors with the file and line of the entry that caused them. Any other
// error is internal (the database failed). On any error the Report is nil.
func Apply(ctx context.Context, store calendar.Store, f *File) (*Report, error) {
	if f == nil {
		return nil, calendar.Errorf(calendar.EINVALID, "no årsplan to apply")
	}
	var rep *Report
	// Every error below ends the import, so the store need not keep the
	// transaction usable after a failed call (calendar.AllOrNothing).
	err := store.InTx(calendar.AllOrNothing(ctx), func(tx calendar.Store) error {
		a := &applier{tx: tx, f: f, rep: newReport(), exists: map[string]bool{}}
		if err := a.checkReferences(ctx); err != nil {
			return err
		}
		if err := a.write(ctx); err != nil {
			return err
		}
		rep = a.rep
		return nil
	})
	if err != nil {
		var es Errors
		if errors.As(err, &es) {
			return nil, es.sorted()
		}
		return nil, err
	}
	return rep, nil
}

// applier does one Apply inside its transaction.
type applier struct {
	tx     calendar.Store
	f      *File
	rep    *Report
	exists map[string]bool // "room/lokal-eken" → stored, for references
	errs   Errors
	byKey  map[string]*calendar.Meeting // the file's meetings as stored, by key
	byUID  map[string]*calendar.Meeting
}

// keyChunk is how many keys one lookup asks the store for at most, far
// below either engine's limit on parameters.
const keyChunk = 500

// lookUp asks find for keys keyChunk at a time and returns all it found:
// reading a file's people, memberships or meetings in a few queries rather
// than one each is what keeps a re-import of the country within seconds.
func lookUp[T any](keys []string, find func([]string) ([]T, error)) ([]T, error) {
	var out []T
	for len(keys) > 0 {
		n := min(len(keys), keyChunk)
		got, err := find(keys[:n])
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
		keys = keys[n:]
	}
	return out, nil
}

func (a *applier) errorAt(at Pos, format string, args ...any) {
	a.errs = append(a.errs, &Error{File: a.f.Name, Line: at.Line, Column: at.Column, Msg: fmt.Sprintf(format, args...)})
}

// fail turns a store error about the entry at `at` into Errors when it is
// the caller's fault, and wraps it as internal otherwise.
func (a *applier) fail(at Pos, what string, err error) error {
	var ce *calendar.Error
	if !errors.As(err, &ce) || ce.Code == calendar.EINTERNAL {
		return fmt.Errorf("arsplan: %s line %d: %s: %w", a.f.Name, at.Line, what, err)
	}
	msgs := ce.Details
	if len(msgs) == 0 {
		msgs = []string{ce.Message}
	}
	var es Errors
	for _, m := range msgs {
		es = append(es, &Error{File: a.f.Name, Line: at.Line, Column: at.Column, Msg: what + ": " + m})
	}
	return es
}

// stored reports whether the store has the organisation, person, body or
// room (kind) with this slug or key; answers are kept for the transaction.
func (a *applier) stored(ctx context.Context, kind, id string) (bool, error) {
	k := kind + "/" + id
	if ok, known := a.exists[k]; known {
		return ok, nil
	}
	var err error
	switch kind {
	case "organisation":
		_, err = a.tx.FindOrganisationBySlug(ctx, id)
	case "person":
		_, err = a.tx.FindPersonByKey(ctx, id)
	case "body":
		_, err = a.tx.FindBodyBySlug(ctx, id)
	case "room":
		_, err = a.tx.FindRoomBySlug(ctx, id)
	}
	if err != nil && !calendar.IsNotFound(err) {
		return false, fmt.Errorf("arsplan: look up %s %q: %w", kind, id, err)
	}
	a.exists[k] = err == nil
	return err == nil, nil
}

// checkReferences reports, all at once and before anything is written,
// every reference that neither the file nor the store can satisfy.
func (a *applier) checkReferences(ctx context.Context) error {
	defined := map[string]bool{}
	for _, o := range a.f.Organisations {
		defined["organisation/"+o.Slug] = !o.Ref
	}
	for _, x := range a.f.People {
		defined["person/"+x.Key] = !x.Ref
	}
	for _, r := range a.f.Rooms {
		defined["room/"+r.Slug] = !r.Ref
	}
	for _, b := range a.f.Bodies {
		defined["body/"+b.Slug] = !b.Ref
	}
	// ref checks one reference written at `at` by `what`.
	ref := func(at Pos, what, kind, id string) error {
		if id == "" || defined[kind+"/"+id] {
			return nil
		}
		ok, err := a.stored(ctx, kind, id)
		if err != nil {
			return err
		}
		if !ok {
			a.errorAt(at, "%s: %s %q does not exist; define it under %s or check the spelling", what, kind, id, section(kind))
		}
		return nil
	}
	// reference checks an entry that names something stored.
	reference := func(at Pos, kind, id string) error {
		ok, err := a.stored(ctx, kind, id)
		if err != nil {
			return err
		}
		if !ok {
			a.errorAt(at, "%s %q is not stored yet; give its %s to create it", kind, id, required(kind))
		}
		return nil
	}
	var firstErr error
	keep := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	for _, o := range a.f.Organisations {
		if o.Ref {
			keep(reference(o.Pos, "organisation", o.Slug))
		}
	}
	for _, x := range a.f.People {
		if x.Ref {
			keep(reference(x.Pos, "person", x.Key))
		}
		keep(ref(x.fields.at("organisation", x.Pos), fmt.Sprintf("person %q", x.Key), "organisation", x.Organisation))
	}
	for _, r := range a.f.Rooms {
		if r.Ref {
			keep(reference(r.Pos, "room", r.Slug))
		}
	}
	for _, b := range a.f.Bodies {
		if b.Ref {
			keep(reference(b.Pos, "body", b.Slug))
		}
		keep(ref(b.fields.at("organisation", b.Pos), fmt.Sprintf("body %q", b.Slug), "organisation", b.Organisation))
		for _, m := range b.Members {
			keep(ref(m.fields.at("person", m.Pos), fmt.Sprintf("member %q of %q", m.Person, b.Slug), "person", m.Person))
		}
	}
	for _, m := range a.f.Meetings {
		what := meetingWhat(m)
		for _, b := range m.Bodies {
			keep(ref(m.fields.at("bodies", m.Pos), what, "body", b))
		}
		keep(ref(m.fields.at("room", m.Pos), what, "room", m.Room))
		keep(ref(m.fields.at("organisation", m.Pos), what, "organisation", m.Organisation))
	}
	a.windowReferences(ref, keep)
	if firstErr != nil {
		return firstErr
	}
	if len(a.errs) > 0 {
		return a.errs
	}
	return nil
}

func section(kind string) string {
	switch kind {
	case "organisation":
		return "organisations:"
	case "person":
		return "people:"
	case "body":
		return "bodies:"
	}
	return "rooms:"
}

func required(kind string) string {
	switch kind {
	case "organisation":
		return "name and kind"
	case "body":
		return "name and kind"
	}
	return "name"
}

func meetingWhat(m *Meeting) string {
	if m.Key == "" {
		return fmt.Sprintf("meeting with uid %q", m.UID)
	}
	return fmt.Sprintf("meeting %q", m.Key)
}

// set points *dst at want, and records a change, when want differs from cur.
func set[T comparable](dst **T, cur, want T, changed *bool) {
	if cur != want {
		*dst = &want
		*changed = true
	}
}

// setTitles sets *dst to want when it differs from cur: a body's own
// standard items, nil (the defaults) apart from an empty list.
func setTitles(dst **[]string, cur, want []string, changed *bool) {
	if (cur == nil) != (want == nil) || !slices.Equal(cur, want) {
		*dst = &want
		*changed = true
	}
}

// sameNotify reports whether two bodies' email timings are equal: the same
// days, or both the server's default.
func sameNotify(a, b calendar.BodyNotify) bool {
	eq := func(x, y *int) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return eq(a.CallDays, b.CallDays) && eq(a.CallDeadlineDays, b.CallDeadlineDays) && eq(a.NoticeDays, b.NoticeDays)
}

// count adds one to the created, updated or unchanged count of kind.
func (a *applier) count(kind string, created, changed bool) {
	switch {
	case created:
		a.rep.Created[kind]++
	case changed:
		a.rep.Updated[kind]++
	default:
		a.rep.Unchanged[kind]++
	}
}

// write applies the entries in an order that satisfies references:
// organisations before the people and bodies that name them, bodies before
// their members, rooms and bodies before meetings.
func (a *applier) write(ctx context.Context) error {
	for _, step := range []func(context.Context) error{a.organisations, a.rooms, a.people, a.bodies, a.memberships, a.meetings, a.bookingWindows} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (a *applier) organisations(ctx context.Context) error {
	for _, o := range a.f.Organisations {
		if o.Ref {
			continue
		}
		what := fmt.Sprintf("organisation %q", o.Slug)
		cur, err := a.tx.FindOrganisationBySlug(ctx, o.Slug)
		if calendar.IsNotFound(err) {
			v := o.Organisation
			v.ID = 0
			if err := a.tx.CreateOrganisation(ctx, &v); err != nil {
				return a.fail(o.Pos, what, err)
			}
			a.count("organisations", true, false)
			continue
		}
		if err != nil {
			return a.fail(o.Pos, what, err)
		}
		var upd calendar.OrganisationUpdate
		changed := false
		set(&upd.Name, cur.Name, o.Name, &changed)
		set(&upd.Kind, cur.Kind, o.Kind, &changed)
		if changed {
			if _, err := a.tx.UpdateOrganisation(ctx, o.Slug, upd); err != nil {
				return a.fail(o.Pos, what, err)
			}
		}
		a.count("organisations", false, changed)
	}
	return nil
}

func (a *applier) rooms(ctx context.Context) error {
	for _, r := range a.f.Rooms {
		if r.Ref {
			continue
		}
		what := fmt.Sprintf("room %q", r.Slug)
		cur, err := a.tx.FindRoomBySlug(ctx, r.Slug)
		if calendar.IsNotFound(err) {
			v := r.Room
			v.ID = 0
			if err := a.tx.CreateRoom(ctx, &v); err != nil {
				return a.fail(r.Pos, what, err)
			}
			a.count("rooms", true, false)
			continue
		}
		if err != nil {
			return a.fail(r.Pos, what, err)
		}
		var upd calendar.RoomUpdate
		changed := false
		set(&upd.Name, cur.Name, r.Name, &changed)
		set(&upd.Address, cur.Address, r.Address, &changed)
		set(&upd.Capacity, cur.Capacity, r.Capacity, &changed)
		if changed {
			if _, err := a.tx.UpdateRoom(ctx, r.Slug, upd); err != nil {
				return a.fail(r.Pos, what, err)
			}
		}
		a.count("rooms", false, changed)
	}
	return nil
}

func (a *applier) people(ctx context.Context) error {
	var keys []string
	for _, x := range a.f.People {
		if !x.Ref {
			keys = append(keys, x.Key)
		}
	}
	found, err := lookUp(keys, func(keys []string) ([]*calendar.Person, error) {
		return a.tx.FindPeople(ctx, calendar.PersonFilter{Keys: keys})
	})
	if err != nil {
		return fmt.Errorf("arsplan: %s: look up people: %w", a.f.Name, err)
	}
	stored := make(map[string]*calendar.Person, len(found))
	for _, p := range found {
		stored[p.Key] = p
	}
	for _, x := range a.f.People {
		if x.Ref {
			continue
		}
		what := fmt.Sprintf("person %q", x.Key)
		cur := stored[x.Key]
		if cur == nil {
			v := x.Person
			v.ID, v.FeedToken = 0, ""
			if err := a.tx.CreatePerson(ctx, &v); err != nil {
				return a.fail(x.Pos, what, err)
			}
			stored[x.Key] = &v
			a.count("people", true, false)
			continue
		}
		var upd calendar.PersonUpdate
		changed := false
		set(&upd.Name, cur.Name, x.Name, &changed)
		set(&upd.Email, cur.Email, x.Email, &changed)
		set(&upd.Phone, cur.Phone, x.Phone, &changed)
		set(&upd.Title, cur.Title, x.Title, &changed)
		set(&upd.Organisation, cur.Organisation, x.Organisation, &changed)
		if changed {
			p, err := a.tx.UpdatePerson(ctx, x.Key, upd)
			if err != nil {
				return a.fail(x.Pos, what, err)
			}
			stored[x.Key] = p
		}
		a.count("people", false, changed)
	}
	return nil
}

func (a *applier) bodies(ctx context.Context) error {
	for _, b := range a.f.Bodies {
		if b.Ref {
			continue
		}
		what := fmt.Sprintf("body %q", b.Slug)
		cur, err := a.tx.FindBodyBySlug(ctx, b.Slug)
		if calendar.IsNotFound(err) {
			v := b.Body
			v.ID = 0
			if err := a.tx.CreateBody(ctx, &v); err != nil {
				return a.fail(b.Pos, what, err)
			}
			a.count("bodies", true, false)
			continue
		}
		if err != nil {
			return a.fail(b.Pos, what, err)
		}
		var upd calendar.BodyUpdate
		changed := false
		set(&upd.Name, cur.Name, b.Name, &changed)
		set(&upd.Kind, cur.Kind, b.Kind, &changed)
		set(&upd.Visibility, cur.Visibility, b.Visibility, &changed)
		set(&upd.Organisation, cur.Organisation, b.Organisation, &changed)
		set(&upd.MinutesNeedApproval, cur.MinutesNeedApproval, b.MinutesNeedApproval, &changed)
		set(&upd.Description, cur.Description, b.Description, &changed)
		if !sameNotify(cur.Notify, b.Notify) {
			n := b.Notify
			upd.Notify, changed = &n, true
		}
		if cur.MailRelease.Manual() != b.MailRelease.Manual() {
			r := b.MailRelease
			upd.MailRelease, changed = &r, true
		}
		setTitles(&upd.StandardOpening, cur.StandardOpening, b.StandardOpening, &changed)
		setTitles(&upd.StandardClosing, cur.StandardClosing, b.StandardClosing, &changed)
		if changed {
			if _, err := a.tx.UpdateBody(ctx, b.Slug, upd); err != nil {
				return a.fail(b.Pos, what, err)
			}
		}
		a.count("bodies", false, changed)
	}
	return nil
}

func (a *applier) memberships(ctx context.Context) error {
	var slugs []string
	for _, b := range a.f.Bodies {
		if len(b.Members) > 0 {
			slugs = append(slugs, b.Slug)
		}
	}
	found, err := lookUp(slugs, func(slugs []string) ([]*calendar.Membership, error) {
		return a.tx.FindMemberships(ctx, calendar.MembershipFilter{Bodies: slugs})
	})
	if err != nil {
		return fmt.Errorf("arsplan: %s: look up memberships: %w", a.f.Name, err)
	}
	type seat struct{ body, person string }
	stored := map[seat][]*calendar.Membership{}
	for _, h := range found {
		k := seat{h.Body, h.Person}
		stored[k] = append(stored[k], h)
	}
	for _, b := range a.f.Bodies {
		for _, m := range b.Members {
			what := fmt.Sprintf("member %q of %q", m.Person, b.Slug)
			k := seat{m.Body, m.Person}
			have := stored[k]
			i := slices.IndexFunc(have, func(h *calendar.Membership) bool { return h.Role == m.Role && h.From == m.From })
			if i < 0 {
				v := m.Membership
				v.ID = 0
				if err := a.tx.CreateMembership(ctx, &v); err != nil {
					return a.fail(m.Pos, what, err)
				}
				stored[k] = append(have, &v)
				a.count("memberships", true, false)
				continue
			}
			var upd calendar.MembershipUpdate
			changed := false
			set(&upd.Until, have[i].Until, m.Until, &changed)
			if changed {
				u, err := a.tx.UpdateMembership(ctx, have[i].ID, upd)
				if err != nil {
					return a.fail(m.Pos, what, err)
				}
				have[i] = u
			}
			a.count("memberships", false, changed)
		}
	}
	return nil
}

// findMeeting returns the stored meeting for m by key (a.byKey), else by
// uid, or nil.
func (a *applier) findMeeting(ctx context.Context, m *Meeting) (*calendar.Meeting, error) {
	if cur := a.byKey[m.Key]; m.Key != "" && cur != nil {
		return cur, nil
	}
	if m.UID == "" {
		return nil, nil
	}
	if a.byUID == nil {
		// The Store has no lookup by UID; an import reads all meetings
		// once, which is cheap next to writing them.
		all, err := a.tx.FindMeetings(ctx, calendar.MeetingFilter{})
		if err != nil {
			return nil, err
		}
		a.byUID = make(map[string]*calendar.Meeting, len(all))
		for _, x := range all {
			a.byUID[x.UID] = x
		}
	}
	return a.byUID[m.UID], nil
}

func (a *applier) meetings(ctx context.Context) error {
	var keys []string
	for _, m := range a.f.Meetings {
		if m.Key != "" {
			keys = append(keys, m.Key)
		}
	}
	found, err := lookUp(keys, func(keys []string) ([]*calendar.Meeting, error) {
		return a.tx.FindMeetings(ctx, calendar.MeetingFilter{Keys: keys})
	})
	if err != nil {
		return fmt.Errorf("arsplan: %s: look up meetings: %w", a.f.Name, err)
	}
	a.byKey = make(map[string]*calendar.Meeting, len(found))
	for _, x := range found {
		a.byKey[x.Key] = x
	}
	for _, m := range a.f.Meetings {
		what := meetingWhat(m)
		cur, err := a.findMeeting(ctx, m)
		if err != nil {
			return a.fail(m.Pos, what, err)
		}
		if cur == nil {
			if m.Key == "" {
				a.errorAt(m.fields.at("uid", m.Pos), "%s: no stored meeting has this uid; give the meeting a key to create it", what)
				return a.errs
			}
			v := m.Meeting
			v.ID, v.UID = 0, ""
			v.Bodies = slices.Clone(m.Bodies)
			if err := a.tx.CreateMeeting(ctx, &v); err != nil {
				return a.fail(m.Pos, what, err)
			}
			a.byKey[v.Key] = &v
			a.count("meetings", true, false)
			continue
		}
		upd, changed := meetingUpdate(cur, m)
		if changed {
			u, err := a.tx.UpdateMeeting(ctx, cur.ID, upd)
			if err != nil {
				return a.fail(m.Pos, what, err)
			}
			if u.Key != "" {
				a.byKey[u.Key] = u
			}
		}
		a.count("meetings", false, changed)
	}
	return nil
}

// meetingUpdate returns the fields in which m differs from the stored cur.
func meetingUpdate(cur *calendar.Meeting, m *Meeting) (calendar.MeetingUpdate, bool) {
	var upd calendar.MeetingUpdate
	changed := false
	if m.Key != "" {
		set(&upd.Key, cur.Key, m.Key, &changed)
	}
	set(&upd.Kind, cur.Kind, m.Kind, &changed)
	set(&upd.Title, cur.Title, m.Title, &changed)
	set(&upd.AllDay, cur.AllDay, m.AllDay, &changed)
	set(&upd.Status, cur.Status, m.Status, &changed)
	set(&upd.Room, cur.Room, m.Room, &changed)
	set(&upd.Location, cur.Location, m.Location, &changed)
	set(&upd.OnlineURL, cur.OnlineURL, m.OnlineURL, &changed)
	set(&upd.Notes, cur.Notes, m.Notes, &changed)
	set(&upd.Organisation, cur.Organisation, m.Organisation, &changed)
	if start := m.Start; !cur.Start.Equal(start) {
		upd.Start, changed = &start, true
	}
	if end := m.End; !cur.End.Equal(end) {
		upd.End, changed = &end, true
	}
	want := slices.Clone(m.Bodies)
	slices.Sort(want)
	want = slices.Compact(want)
	have := slices.Clone(cur.Bodies)
	slices.Sort(have)
	if !slices.Equal(have, want) {
		upd.Bodies, changed = &want, true
	}
	return upd, changed
}
