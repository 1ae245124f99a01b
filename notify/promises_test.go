package notify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/calendar/sqlstore/sqltest"
)

// TestNoticeNumbersTheAcceptedAgenda: the kallelse numbers the agenda as
// members read it, 1, 2, 3 …, and a proposal the secretary has not handled
// neither shows nor leaves a gap.
func TestNoticeNumbersTheAcceptedAgenda(t *testing.T) {
	ctx := context.Background()
	st := sqltest.SQLite(t, sqlstore.Options{})
	r := newRegion(t, st, local("2026-03-30 10:00"))
	if _, err := st.FillStandardItems(ctx, r.meeting.ID); err != nil {
		t.Fatal(err)
	}
	for _, a := range []*calendar.AgendaItem{
		{MeetingID: r.meeting.ID, Title: "Årsplan 2027", Kind: calendar.AgendaDecision},
		{MeetingID: r.meeting.ID, Title: "Inte behandlad", Status: calendar.AgendaProposed, SubmittedBy: "bertil-al"},
	} {
		if err := st.CreateAgendaItem(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	s := startSink(t, true)
	c := &clock{t: local("2026-03-25 08:00")}
	pass(t, newJobs(st, s, nil, c, nil), c.Now())
	got := receivedBy(t, s, nil)["anna.ek@kommun.test.example"]
	var text string
	for _, m := range got {
		if strings.HasPrefix(m.subject, "Kallelse") {
			text = strings.ReplaceAll(m.parts["text/plain"], "\r\n", "\n")
		}
	}
	want := "1. Mötet öppnas\n2. Val av justerare\n3. Fastställande av dagordning\n" +
		"4. Föregående mötes protokoll/minnesanteckningar\n5. Årsplan 2027 (beslut)\n6. Övriga frågor\n7. Mötet avslutas\n"
	if !strings.Contains(text, want) {
		t.Errorf("kallelse to Anna does not number the agenda 1–7:\n%s", text)
	}
	if strings.Contains(text, "Inte behandlad") {
		t.Errorf("kallelse shows a proposal the secretary has not accepted:\n%s", text)
	}
}
