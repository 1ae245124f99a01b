package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/samkal/samkal/calendar"
)

var _ calendar.PersonDataStore = (*Store)(nil)

// What is held about a person, table by table (migrations 00001–00008),
// and what ExportPerson and ErasePerson do with it:
//
//	people               the row itself: exported; erased to ErasedName,
//	                     a neutral key, no contact data, a new feed token
//	memberships          exported; deleted (each delete recorded)
//	role_grants          exported; deleted (each delete recorded)
//	outbox               rows for the person (person key, or the address
//	                     for rows older than 00006): exported without
//	                     body; queued and failed ones deleted, the others
//	                     kept without address, body or person key
//	skipped_mail         rows naming the person key: exported; kept
//	                     without the key
//	personal_links       exported without token; deleted
//	booking_links        exported without token; deleted
//	availability_answers "kan inte" answers and their half days
//	                     (00015): exported; deleted
//	justering_approvals  exported; kept (an approval is a fact)
//	justeringar.chair_id kept, like the approvals
//	agenda_items         proposals (submitted_by, a key without foreign
//	                     key) exported; kept, submitted_by moved to the
//	                     new key, a presenter equal to the name erased
//	booking_windows      attendees (keys in JSON): moved to the new key
//	changes              rows about the person or made by them: exported;
//	                     values that name them scrubbed, the person's own
//	                     rows emptied, made-by kept (the actor now reads
//	                     ErasedName); the erasure recorded without values
//	sessions             exported (no hash); deleted
//	signin_links         exported (no hash); deleted
//	api_tokens           exported (no hash); deleted
//
// Organisations, bodies, rooms, meetings and backlog items hold no person
// columns; free text in them (a meeting's notes) is the secretaries' to
// edit.

// outboxOfPerson matches the outbox rows of person $1 with address $2: by
// person key, and by address for rows queued before the key was kept.
const outboxOfPerson = `(o.person = $1 OR (o.person = '' AND $2 <> '' AND lower(o.recipient) = lower($2)))`

// ExportPerson gathers everything held about the person in one read
// transaction.
func (s *Store) ExportPerson(ctx context.Context, key string) (*calendar.PersonExport, error) {
	var out *calendar.PersonExport
	err := s.read(ctx, func(t *tx) error {
		p, err := t.findPerson(ctx, key)
		if err != nil {
			return err
		}
		x := &calendar.PersonExport{Exported: t.now, FeedURL: p.FeedToken != "",
			Person: calendar.ExportedPerson{Key: p.Key, Name: p.Name, Email: p.Email, Phone: p.Phone, Title: p.Title,
				Organisation: p.Organisation, CalendarDelivery: p.Delivery, Created: p.CreatedAt, Updated: p.UpdatedAt}}
		steps := []func() error{
			func() error {
				f, err := t.busyFeed(ctx, p.Key)
				switch {
				case calendar.IsNotFound(err):
					return nil
				case err != nil:
					return err
				}
				server := ""
				if u, err := url.Parse(f.URL); err == nil {
					server = u.Hostname()
				}
				x.OwnCalendar = &calendar.ExportedOwnCalendar{Server: server, Given: f.UpdatedAt, Fetched: f.FetchedAt,
					BusyPeriods: f.Periods, Error: f.Error}
				return nil
			},
			func() (err error) {
				x.Memberships, err = queryAll(ctx, t, "memberships", "membership", func(r scanner) (m calendar.ExportedMember, err error) {
					var role string
					var from, until, created int64
					err = r.Scan(&m.Body, &m.BodyName, &role, &from, &until, &created)
					m.Role, m.From, m.Until, m.Created = calendar.Role(role), dayFromNumber(from), dayFromNumber(until), fromUnix(created)
					return m, err
				}, `SELECT b.slug, b.name, m.role, m.starts_on, m.ends_on, m.created_at FROM memberships m JOIN bodies b ON b.id = m.body_id
					WHERE m.person_id = $1 ORDER BY b.slug, m.starts_on, m.id`, p.ID)
				return err
			},
			func() (err error) {
				x.Roles, err = queryAll(ctx, t, "grants", "grant", func(r scanner) (g calendar.ExportedRole, err error) {
					var role string
					var created int64
					err = r.Scan(&role, &g.Body, &created)
					g.Role, g.Created = calendar.AccessRole(role), fromUnix(created)
					return g, err
				}, `SELECT g.role, COALESCE(b.slug, ''), g.created_at FROM role_grants g LEFT JOIN bodies b ON b.id = g.body_id
					WHERE g.person_id = $1 ORDER BY g.id`, p.ID)
				return err
			},
			func() (err error) {
				x.Emails, err = queryAll(ctx, t, "emails", "email", func(r scanner) (m calendar.ExportedEmail, err error) {
					var status string
					var created, sent int64
					err = r.Scan(&m.Kind, &m.MeetingID, &m.Meeting, &m.Subject, &status, &created, &sent)
					m.Status, m.Created, m.Sent = calendar.OutboxStatus(status), fromUnix(created), fromUnixOrZero(sent)
					return m, err
				}, `SELECT o.kind, o.meeting_id, COALESCE(m.title, ''), o.subject, o.status, o.created_at, o.sent_at
					FROM outbox o LEFT JOIN meetings m ON m.id = o.meeting_id
					WHERE `+outboxOfPerson+` ORDER BY o.created_at, o.id`, p.Key, p.Email)
				return err
			},
			func() (err error) {
				x.SkippedEmails, err = queryAll(ctx, t, "skipped mail", "skipped mail", func(r scanner) (m calendar.ExportedSkipped, err error) {
					var created int64
					err = r.Scan(&m.Kind, &m.MeetingID, &m.Reason, &created)
					m.Created = fromUnix(created)
					return m, err
				}, `SELECT kind, meeting_id, reason, created_at FROM skipped_mail WHERE recipient = $1 ORDER BY created_at, id`, p.Key)
				return err
			},
			func() (err error) {
				x.Links, err = queryAll(ctx, t, "links", "link", func(r scanner) (l calendar.ExportedLink, err error) {
					var purpose string
					var created, expires, revoked int64
					err = r.Scan(&purpose, &l.MeetingID, &l.WindowID, &created, &expires, &revoked)
					l.Purpose, l.Created, l.Expires, l.Revoked = calendar.LinkPurpose(purpose), fromUnix(created), fromUnix(expires), fromUnixOrZero(revoked)
					return l, err
				}, `SELECT purpose, meeting_id, 0, created_at, expires_at, revoked_at FROM personal_links WHERE person_id = $1
					UNION ALL
					SELECT $2, 0, window_id, created_at, expires_at, revoked_at FROM booking_links WHERE person_id = $1
					ORDER BY 4, 1 DESC`, p.ID, string(calendar.LinkBooking))
				return err
			},
			func() error {
				windows, err := queryAll(ctx, t, "answers", "answer", func(r scanner) (id int64, err error) {
					err = r.Scan(&id)
					return id, err
				}, `SELECT window_id FROM availability_answers WHERE person_id = $1 ORDER BY window_id`, p.ID)
				for _, id := range windows {
					as, err := t.findAvailabilities(ctx, id, &p.Key)
					if err != nil {
						return err
					}
					x.Availability = append(x.Availability, as...)
				}
				return err
			},
			func() (err error) {
				x.Approvals, err = queryAll(ctx, t, "approvals", "approval", func(r scanner) (a calendar.ExportedApproval, err error) {
					var role string
					var at int64
					err = r.Scan(&a.MeetingID, &a.Meeting, &role, &at)
					a.Role, a.Approved = calendar.ApproverRole(role), fromUnixOrZero(at)
					return a, err
				}, `SELECT a.meeting_id, COALESCE(m.title, ''), a.role, a.approved_at
					FROM justering_approvals a JOIN meetings m ON m.id = a.meeting_id
					WHERE a.person_id = $1 ORDER BY m.start_at, a.meeting_id`, p.ID)
				return err
			},
			func() (err error) {
				x.Proposals, err = queryAll(ctx, t, "agenda proposals", "agenda proposal", func(r scanner) (a calendar.ExportedProposal, err error) {
					var status string
					var created int64
					err = r.Scan(&a.MeetingID, &a.Meeting, &a.Title, &status, &created)
					a.Status, a.Created = calendar.AgendaStatus(status), fromUnix(created)
					return a, err
				}, `SELECT a.meeting_id, COALESCE(m.title, ''), a.title, a.status, a.created_at
					FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id
					WHERE a.submitted_by = $1 ORDER BY a.created_at, a.id`, p.Key)
				return err
			},
			func() (err error) {
				x.Forhinder, err = queryAll(ctx, t, "förhinder", "förhinder", func(r scanner) (f calendar.ExportedForhinder, err error) {
					var created, withdrawn int64
					err = r.Scan(&f.MeetingID, &f.Meeting, &f.Message, &f.StoodIn, &created, &withdrawn)
					f.Created, f.Withdrawn = fromUnix(created), fromUnixOrZero(withdrawn)
					return f, err
				}, `SELECT f.meeting_id, m.title, CASE WHEN f.person_id = $1 THEN f.message ELSE '' END, f.person_id <> $1, f.created_at, f.withdrawn_at
					FROM forhinder f JOIN meetings m ON m.id = f.meeting_id
					WHERE f.person_id = $1 OR f.substitute_id = $1 ORDER BY f.created_at, f.id`, p.ID)
				return err
			},
			func() (err error) {
				x.Sessions, err = queryAll(ctx, t, "sessions", "session", func(r scanner) (s calendar.ExportedSession, err error) {
					var created, seen, expires int64
					err = r.Scan(&s.Via, &created, &seen, &expires)
					s.Created, s.LastSeen, s.Expires = fromUnix(created), fromUnix(seen), fromUnix(expires)
					return s, err
				}, `SELECT via, created_at, last_seen_at, expires_at FROM sessions WHERE person_id = $1 ORDER BY id`, p.ID)
				return err
			},
			func() (err error) {
				x.SignInLinks, err = queryAll(ctx, t, "sign-in links", "sign-in link", func(r scanner) (l calendar.ExportedSignIn, err error) {
					var created, expires, used int64
					err = r.Scan(&created, &expires, &used)
					l.Created, l.Expires, l.Used = fromUnix(created), fromUnix(expires), fromUnixOrZero(used)
					return l, err
				}, `SELECT created_at, expires_at, used_at FROM signin_links WHERE person_id = $1 ORDER BY id`, p.ID)
				return err
			},
			func() (err error) {
				x.APITokens, err = queryAll(ctx, t, "tokens", "token", func(r scanner) (k calendar.ExportedToken, err error) {
					var scope string
					var created, used, expires, revoked int64
					err = r.Scan(&k.Name, &scope, &created, &used, &expires, &revoked)
					k.Scope, k.Created, k.LastUsed = calendar.TokenScope(scope), fromUnix(created), fromUnixOrZero(used)
					k.Expires, k.Revoked = dayFromNumber(expires), fromUnixOrZero(revoked)
					return k, err
				}, `SELECT name, scope, created_at, last_used_at, expires_day, revoked_at FROM api_tokens WHERE person_id = $1 ORDER BY id`, p.ID)
				return err
			},
			func() error {
				cs, err := t.personChanges(ctx, p)
				if err != nil {
					return err
				}
				x.Changes = make([]calendar.ExportedChange, 0, len(cs))
				for _, c := range cs {
					e := calendar.ExportedChange{At: c.at, Entity: c.entity, EntityID: c.entityID, Action: c.action,
						AboutYou: c.about, ByYou: c.by, Via: c.via}
					if c.about {
						e.Fields = c.fields
					}
					x.Changes = append(x.Changes, e)
				}
				return nil
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		// Empty lists read [] rather than null: "none" is an answer.
		x.Memberships, x.Roles, x.Emails, x.SkippedEmails = nonNil(x.Memberships), nonNil(x.Roles), nonNil(x.Emails), nonNil(x.SkippedEmails)
		x.Links, x.Approvals, x.Proposals, x.Changes = nonNil(x.Links), nonNil(x.Approvals), nonNil(x.Proposals), nonNil(x.Changes)
		x.Forhinder = nonNil(x.Forhinder)
		x.Sessions, x.SignInLinks, x.APITokens = nonNil(x.Sessions), nonNil(x.SignInLinks), nonNil(x.APITokens)
		out = x
		return nil
	})
	return out, err
}

// personChange is a row of changes that names a person or was made by
// them.
type personChange struct {
	id        int64
	at        time.Time
	entity    string
	entityID  int64
	action    calendar.ChangeAction
	via       string
	token     string // the API token's name
	fields    fields
	own       bool // a change of the person's own row
	about, by bool
}

// personChanges returns, oldest first, the changes about p (their own
// row, or a recorded value or token name that names their key, name,
// email or phone as a whole word) and those p made. The database narrows
// by LIKE on the stored text; the word-wise check in Go decides.
func (t *tx) personChanges(ctx context.Context, p *calendar.Person) ([]*personChange, error) {
	if err := t.flushChanges(ctx); err != nil {
		return nil, err
	}
	// Scrubbing towards a key no text can hold shows whether a value
	// names the person.
	sc := newScrubber(p, "\x00")
	var w where
	w.add("(c.entity = $? AND c.entity_id = $?)", entityPerson, p.ID)
	w.add("c.actor_person_id = $?", p.ID)
	for _, v := range []string{p.Key, p.Name, p.Email, p.Phone} {
		if v != "" {
			w.add(`c.fields LIKE $? ESCAPE '\'`, likePattern(v))
			w.add(`c.actor_token LIKE $? ESCAPE '\'`, likePattern(v))
		}
	}
	q := `SELECT c.id, c.at, c.entity, c.entity_id, c.action, c.fields, COALESCE(c.actor_person_id, 0), c.actor_via, c.actor_token
		FROM changes c WHERE ` + strings.Join(w.conds, " OR ") + ` ORDER BY c.id`
	rows, err := t.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find changes of person: %w", err)
	}
	defer rows.Close()
	var out []*personChange
	for rows.Next() {
		var c personChange
		var at, actor int64
		var action, text string
		if err := rows.Scan(&c.id, &at, &c.entity, &c.entityID, &action, &text, &actor, &c.via, &c.token); err != nil {
			return nil, fmt.Errorf("sqlstore: scan change: %w", err)
		}
		c.at, c.action, c.by = fromUnix(at), calendar.ChangeAction(action), actor == p.ID
		if err := json.Unmarshal([]byte(text), &c.fields); err != nil {
			return nil, fmt.Errorf("sqlstore: decode change %d: %w", c.id, err)
		}
		c.own = c.entity == entityPerson && c.entityID == p.ID
		c.about = c.own || sc.text(c.token) != c.token || !sameFields(c.fields, sc.fields(c.fields))
		if c.about || c.by {
			out = append(out, &c)
		}
	}
	return out, rows.Err()
}

// nonNil returns s, or an empty slice for nil.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// sameFields reports whether a and b hold the same fields and values.
func sameFields(a, b fields) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// likePattern matches text that contains v as it is written in JSON
// (json.Marshal escapes quotes, backslashes and <>&), with LIKE's
// wildcards escaped by a backslash.
func likePattern(v string) string {
	j, _ := json.Marshal(v)
	inner := string(j[1 : len(j)-1])
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(inner) + "%"
}

// scrubber rewrites recorded values and free text so that an erased
// person's key becomes their new key, their name ErasedName, and their
// email address and phone number nothing. A value equal to one of them is
// replaced whole; inside a longer text (a comma-separated list of keys,
// JSON, an error message) only whole words are, so that the key "bo" does
// not touch "bokning".
type scrubber struct {
	oldKey, newKey, name, email, phone string
}

func newScrubber(p *calendar.Person, newKey string) *scrubber {
	return &scrubber{oldKey: p.Key, newKey: newKey, name: p.Name, email: p.Email, phone: p.Phone}
}

// fields scrubs every value of f into a new map.
func (s *scrubber) fields(f fields) fields {
	out := make(fields, len(f))
	for name, v := range f {
		out[name] = calendar.FieldChange{Old: s.value(v.Old), New: s.value(v.New)}
	}
	return out
}

// value scrubs one recorded value.
func (s *scrubber) value(v string) string {
	switch {
	case v == "":
		return v
	case v == s.oldKey:
		return s.newKey
	case s.name != "" && v == s.name:
		return calendar.ErasedName
	case s.email != "" && strings.EqualFold(v, s.email), s.phone != "" && v == s.phone:
		return ""
	}
	return s.text(v)
}

// text scrubs whole-word occurrences inside v.
func (s *scrubber) text(v string) string {
	v = replaceWord(v, s.oldKey, s.newKey, isSlugRune, false)
	v = replaceWord(v, s.name, calendar.ErasedName, isWordRune, false)
	v = replaceWord(v, s.email, "", isEmailRune, true)
	return replaceWord(v, s.phone, "", isPhoneRune, false)
}

func isSlugRune(r rune) bool  { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' }
func isWordRune(r rune) bool  { return unicode.IsLetter(r) || unicode.IsDigit(r) }
func isPhoneRune(r rune) bool { return r >= '0' && r <= '9' }
func isEmailRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(".-_+%@", r)
}

// replaceWord replaces every occurrence of old in s that inWord does not
// continue on either side, ignoring ASCII case when fold.
func replaceWord(s, old, new string, inWord func(rune) bool, fold bool) string {
	if old == "" || old == new || len(s) < len(old) {
		return s
	}
	hay := s
	if fold {
		if l := strings.ToLower(s); len(l) == len(s) {
			hay, old = l, strings.ToLower(old)
		}
	}
	var b strings.Builder
	last := 0
	for i := 0; i+len(old) <= len(s); {
		j := strings.Index(hay[i:], old)
		if j < 0 {
			break
		}
		at, end := i+j, i+j+len(old)
		before, _ := utf8.DecodeLastRuneInString(s[:at])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if (at == 0 || !inWord(before)) && (end == len(s) || !inWord(after)) {
			b.WriteString(s[last:at])
			b.WriteString(new)
			last = end
			i = end
		} else {
			_, size := utf8.DecodeRuneInString(s[at:])
			i = at + size
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// ErasePerson erases the person in one transaction; see
// calendar.PersonDataStore and the table list above.
func (s *Store) ErasePerson(ctx context.Context, key string) (*calendar.Erasure, error) {
	var out *calendar.Erasure
	err := s.write(ctx, func(t *tx) error {
		out = nil
		if _, err := t.lock(ctx, "people", "key", key, forDelete); err != nil {
			return err
		}
		p, err := t.findPerson(ctx, key)
		if err != nil {
			return err
		}
		newKey, err := t.erasedKey(ctx, p)
		if err != nil {
			return err
		}
		x := &calendar.Erasure{Person: newKey}
		sc := newScrubber(p, newKey)
		exec := func(n *int, what, q string, args ...any) error {
			res, err := t.ExecContext(ctx, q, args...)
			if err != nil {
				return fmt.Errorf("sqlstore: erase person: %s: %w", what, err)
			}
			if n != nil {
				k, err := res.RowsAffected()
				if err != nil {
					return fmt.Errorf("sqlstore: erase person: %s: %w", what, err)
				}
				*n = int(k)
			}
			return nil
		}

		// Memberships and roles go, each recorded as other deletes are
		// (the records are scrubbed below with the rest).
		ms, err := t.findMemberships(ctx, calendar.MembershipFilter{Person: &key})
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := t.deleteMembership(ctx, m); err != nil {
				return err
			}
		}
		x.Memberships = len(ms)
		grants, err := queryAll(ctx, t, "grants", "grant", scanGrant, grantSelect+` WHERE g.person_id = $1 ORDER BY g.id`, p.ID)
		if err != nil {
			return err
		}
		for _, g := range grants {
			if err := exec(nil, "roles", `DELETE FROM role_grants WHERE id = $1`, g.ID); err != nil {
				return err
			}
			f := grantFields(*g)
			for k, v := range f {
				f[k] = calendar.FieldChange{Old: v.New}
			}
			if err := t.record(ctx, entityRole, g.ID, calendar.ActionDelete, f); err != nil {
				return err
			}
		}
		x.Roles = len(grants)

		// Sign-ins, tokens and links: credentials, gone.
		var booking int
		for _, d := range []struct {
			n     *int
			table string
		}{{&x.Sessions, "sessions"}, {&x.SignInLinks, "signin_links"}, {&x.APITokens, "api_tokens"},
			{&x.PersonalLinks, "personal_links"}, {&booking, "booking_links"}} {
			if err := exec(d.n, d.table, `DELETE FROM `+d.table+` WHERE person_id = $1`, p.ID); err != nil {
				return err
			}
		}
		x.PersonalLinks += booking
		// "Kan inte" answers: what the person said of their own days.
		if err := exec(nil, "availability_answers", `DELETE FROM availability_slots WHERE person_id = $1`, p.ID); err != nil {
			return err
		}
		if err := exec(nil, "availability_answers", `DELETE FROM availability_answers WHERE person_id = $1`, p.ID); err != nil {
			return err
		}

		// Mail: what has not gone will not; what went stays for the
		// statistics, without address, message or person.
		if err := exec(&x.EmailsDropped, "outbox", `DELETE FROM outbox AS o WHERE `+outboxOfPerson+` AND o.status IN ($3, $4)`,
			p.Key, p.Email, string(calendar.OutboxQueued), string(calendar.OutboxFailed)); err != nil {
			return err
		}
		type mailRow struct {
			id            int64
			subject, errs string
		}
		sent, err := queryAll(ctx, t, "outbox", "message", func(r scanner) (m mailRow, err error) {
			err = r.Scan(&m.id, &m.subject, &m.errs)
			return m, err
		}, `SELECT o.id, o.subject, o.last_error FROM outbox o WHERE `+outboxOfPerson, p.Key, p.Email)
		if err != nil {
			return err
		}
		for _, m := range sent {
			if err := exec(nil, "outbox", `UPDATE outbox SET recipient = '', person = '', body = $1, subject = $2, last_error = $3 WHERE id = $4`,
				[]byte{}, sc.text(m.subject), sc.text(m.errs), m.id); err != nil {
				return err
			}
		}
		x.EmailsScrubbed = len(sent)
		type skipRow struct {
			id     int64
			reason string
		}
		skipped, err := queryAll(ctx, t, "skipped mail", "skipped mail", func(r scanner) (m skipRow, err error) {
			err = r.Scan(&m.id, &m.reason)
			return m, err
		}, `SELECT id, reason FROM skipped_mail WHERE recipient = $1`, p.Key)
		if err != nil {
			return err
		}
		for _, m := range skipped {
			if err := exec(nil, "skipped mail", `UPDATE skipped_mail SET recipient = '', reason = $1 WHERE id = $2`, sc.text(m.reason), m.id); err != nil {
				return err
			}
		}
		x.SkippedScrubbed = len(skipped)

		// What stays names the new key.
		if err := exec(&x.KeptProposals, "agenda items", `UPDATE agenda_items SET submitted_by = $1 WHERE submitted_by = $2`, newKey, p.Key); err != nil {
			return err
		}
		if p.Name != "" {
			if err := exec(nil, "agenda items", `UPDATE agenda_items SET presenter = $1 WHERE presenter = $2`, calendar.ErasedName, p.Name); err != nil {
				return err
			}
		}
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM justering_approvals WHERE person_id = $1`, p.ID).Scan(&x.KeptApprovals); err != nil {
			return fmt.Errorf("sqlstore: erase person: approvals: %w", err)
		}
		if err := t.moveAttendee(ctx, p.Key, newKey); err != nil {
			return err
		}

		// The record of changes: scrubbed, before the erasure is recorded.
		cs, err := t.personChanges(ctx, p)
		if err != nil {
			return err
		}
		for _, c := range cs {
			f := sc.fields(c.fields)
			if c.own {
				// The person's own rows keep which fields changed, not
				// to what.
				for name := range f {
					f[name] = calendar.FieldChange{}
				}
			}
			token := sc.text(c.token)
			if sameFields(f, c.fields) && token == c.token {
				continue
			}
			text, err := json.Marshal(f)
			if err != nil {
				return fmt.Errorf("sqlstore: encode change: %w", err)
			}
			if err := exec(nil, "changes", `UPDATE changes SET fields = $1, actor_token = $2 WHERE id = $3`, string(text), token, c.id); err != nil {
				return err
			}
			x.ChangesScrubbed++
		}

		// Their own calendar's address (a secret) and busy periods.
		if err := exec(nil, "busy feed", `DELETE FROM busy_feeds WHERE person_id = $1`, p.ID); err != nil {
			return err
		}

		// The row itself.
		if err := exec(nil, "person", `UPDATE people SET key = $1, name = $2, email = '', phone = '', title = '', organisation_id = NULL,
			feed_token = $3, updated_at = $4 WHERE id = $5`, newKey, calendar.ErasedName, calendar.NewToken(), t.now.Unix(), p.ID); err != nil {
			return err
		}
		if err := t.record(ctx, entityPerson, p.ID, calendar.ActionErase, fields{}); err != nil {
			return err
		}
		out = x
		return nil
	})
	return out, err
}

// erasedKey returns the neutral key for p: ErasedKeyPrefix and the id, or
// the key p already has when it is one (a second erasure), with a number
// added in the unlikely case that someone was given that key by hand.
func (t *tx) erasedKey(ctx context.Context, p *calendar.Person) (string, error) {
	base := fmt.Sprintf("%s%d", calendar.ErasedKeyPrefix, p.ID)
	for n := 1; ; n++ {
		k := base
		if n > 1 {
			k = fmt.Sprintf("%s-%d", base, n)
		}
		if k == p.Key {
			return k, nil
		}
		var id int64
		err := t.QueryRowContext(ctx, `SELECT id FROM people WHERE key = $1`, k).Scan(&id)
		switch {
		case err == sql.ErrNoRows:
			return k, nil
		case err != nil:
			return "", fmt.Errorf("sqlstore: erase person: find a free key: %w", err)
		}
	}
}

// moveAttendee renames the person key old to new in the attendees of
// every booking window, so that a window naming an erased person still
// plans (the erased person has no meetings and is always free).
func (t *tx) moveAttendee(ctx context.Context, old, new string) error {
	type row struct {
		id        int64
		attendees string
	}
	rows, err := queryAll(ctx, t, "booking windows", "booking window", func(r scanner) (w row, err error) {
		err = r.Scan(&w.id, &w.attendees)
		return w, err
	}, `SELECT id, attendees FROM booking_windows WHERE attendees LIKE $1 ESCAPE '\'`, likePattern(old))
	if err != nil {
		return err
	}
	for _, w := range rows {
		var m map[string][]string
		if err := json.Unmarshal([]byte(w.attendees), &m); err != nil {
			return fmt.Errorf("sqlstore: decode attendees of booking window %d: %w", w.id, err)
		}
		changed := false
		for b, keys := range m {
			for i, k := range keys {
				if k == old {
					keys[i], changed = new, true
				}
			}
			slices.Sort(keys) // as the store keeps them
			m[b] = keys
		}
		if !changed {
			continue
		}
		text, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("sqlstore: encode attendees: %w", err)
		}
		if _, err := t.ExecContext(ctx, `UPDATE booking_windows SET attendees = $1 WHERE id = $2`, string(text), w.id); err != nil {
			return fmt.Errorf("sqlstore: erase person: booking window %d: %w", w.id, err)
		}
	}
	return nil
}
