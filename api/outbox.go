package api

import (
	"net/http"

	"github.com/samkal/samkal/calendar"
)

// outboxJSON is one outgoing email as the outbox listing shows it. It holds
// a recipient's address, so every outbox route needs the admin token. The
// message bytes are not shown.
type outboxJSON struct {
	ID            int64   `json:"id"`
	Key           string  `json:"key"`
	Kind          string  `json:"kind"`
	Meeting       *int64  `json:"meeting"` // null when the email concerns no meeting
	Recipient     string  `json:"recipient"`
	Subject       string  `json:"subject"`
	Status        string  `json:"status"`
	Attempts      int     `json:"attempts"`
	NextAttemptAt *string `json:"next_attempt_at"` // null unless queued
	LastError     *string `json:"last_error"`      // the SMTP server's latest answer to a failed try; why a skipped email was not sent
	CreatedAt     string  `json:"created_at"`
	SentAt        *string `json:"sent_at"`
}

func toOutbox(m *calendar.OutboxMessage) outboxJSON {
	o := outboxJSON{ID: m.ID, Key: m.Key, Kind: m.Kind, Recipient: m.Recipient, Subject: m.Subject,
		Status: string(m.Status), Attempts: m.Attempts, CreatedAt: stamp(m.CreatedAt), SentAt: optStamp(m.SentAt)}
	if m.MeetingID > 0 {
		id := m.MeetingID
		o.Meeting = &id
	}
	if m.Status == calendar.OutboxQueued {
		o.NextAttemptAt = optStamp(m.NextAttemptAt)
	}
	if m.LastError != "" {
		e := m.LastError
		o.LastError = &e
	}
	return o
}

// outboxAdmin writes a 401 and returns false unless the caller sent the
// admin token.
func (s *Server) outboxAdmin(w http.ResponseWriter, r *http.Request, q *query) bool {
	return s.adminOnly(w, r, q, "The outbox holds email addresses and needs the admin token: send \"Authorization: Bearer TOKEN\".")
}

// listOutbox answers GET /api/v1/outbox, newest first, filtered by
// ?status=queued|sending|sent|failed|skipped, ?kind=, ?meeting=ID and ?limit=
// (1–1000, default 100).
func (s *Server) listOutbox(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "status", "kind", "meeting", "limit")
	f := calendar.OutboxFilter{Status: queryEnum(q, "status", calendar.OutboxStatuses), Kind: q.one("kind")}
	if id := q.integer("meeting", 1, 1<<53); id != nil {
		n := int64(*id)
		f.MeetingID = &n
	}
	if l := q.integer("limit", 1, 1000); l != nil {
		f.Limit = *l
	}
	if !s.outboxAdmin(w, r, q) {
		return
	}
	ms, err := s.store.FindMessages(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]outboxJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, toOutbox(m))
	}
	JSONOK(w, newList(out))
}

// getOutbox answers GET /api/v1/outbox/{id}.
func (s *Server) getOutbox(w http.ResponseWriter, r *http.Request) {
	if !s.outboxAdmin(w, r, newQuery(r)) {
		return
	}
	id, err := pathID(r, "message")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	m, err := s.store.FindMessageByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, toOutbox(m))
}

// retryOutbox answers POST /api/v1/outbox/{id}/retry: a failed message is
// queued again, due at once, and the message is returned; 409 when it is
// not failed (a queued or sent message needs no retry). The delivery jobs
// send it; this handler sends nothing.
func (s *Server) retryOutbox(w http.ResponseWriter, r *http.Request) {
	if !s.noQuery(w, r) {
		return
	}
	id, err := pathID(r, "message")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.store.RetryMessage(r.Context(), id, s.now()); err != nil {
		s.Error(w, r, err)
		return
	}
	m, err := s.store.FindMessageByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	JSONOK(w, toOutbox(m))
}

// skippedJSON is an email that was due but not sent, and why (in Swedish,
// for the administrator).
type skippedJSON struct {
	ID        int64  `json:"id"`
	Key       string `json:"key"`
	Kind      string `json:"kind"`
	MeetingID *int64 `json:"meeting_id"` // null when the email concerned no meeting
	Recipient string `json:"recipient"`  // a person key, "" when the email had no one person
	Reason    string `json:"reason"`
	CreatedAt string `json:"created_at"`
}

func toSkipped(m *calendar.SkippedMail) skippedJSON {
	out := skippedJSON{ID: m.ID, Key: m.Key, Kind: m.Kind, Recipient: m.Recipient, Reason: m.Reason, CreatedAt: stamp(m.CreatedAt)}
	if m.MeetingID > 0 {
		id := m.MeetingID
		out.MeetingID = &id
	}
	return out
}

// listSkipped answers GET /api/v1/outbox/skipped: the emails that were not
// sent (pointless, out of date, no address, or impossible to write from the
// data, each with its reason in Swedish), newest first, filtered by
// ?meeting=ID, at most ?limit= (1–1000, default 100). It needs the admin
// token: the records name the people who did not get mail.
func (s *Server) listSkipped(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "meeting", "limit")
	var meeting int64
	if id := q.integer("meeting", 1, 1<<53); id != nil {
		meeting = int64(*id)
	}
	limit := 0
	if l := q.integer("limit", 1, 1000); l != nil {
		limit = *l
	}
	if !s.adminOnly(w, r, q, "The record of skipped emails names the people who did not get mail and needs the admin token: send \"Authorization: Bearer TOKEN\".") {
		return
	}
	ms, err := s.store.FindSkipped(r.Context(), meeting, limit)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]skippedJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, toSkipped(m))
	}
	JSONOK(w, newList(out))
}
