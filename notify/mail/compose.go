package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	netmail "net/mail"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
)

// Address is a mailbox: an optional display name (may hold å, ä, ö) and an
// address.
type Address struct {
	Name    string
	Address string
}

// String renders the address as in a header, with the name encoded.
// net/mail leaves a backslash raw inside a Q-encoded name, which no parser
// reads back (golang/go#80592: "Maria \ Öberg" would make the To header
// unreadable), so a name that needs encoding and has a backslash is
// B-encoded instead, as net/mail already does for the other specials.
func (a Address) String() string {
	if strings.ContainsRune(a.Name, '\\') && needsEncoding(a.Name) {
		return mime.BEncoding.Encode("utf-8", a.Name) + " " + (&netmail.Address{Address: a.Address}).String()
	}
	return (&netmail.Address{Name: a.Name, Address: a.Address}).String()
}

// needsEncoding reports whether net/mail encodes name (RFC 2047) rather
// than quoting it: when it holds anything but printable ASCII and blanks.
func needsEncoding(name string) bool {
	for _, r := range name {
		if (r < 0x20 || r > 0x7e) && r != ' ' && r != '\t' {
			return true
		}
	}
	return false
}

// Message is one email to compose. From, To, Subject and at least one of
// Text and HTML are required.
type Message struct {
	From    Address
	To      []Address
	ReplyTo *Address // the body's secretary, so that replies reach a person
	Subject string
	Text    string // plain-text body
	HTML    string // HTML body, the same content as Text
	// Calendar is an optional iCalendar object (an invitation); it is sent
	// as a text/calendar alternative and as an invite.ics attachment.
	Calendar []byte
	// CalendarMethod is the iTIP method of Calendar (REQUEST, CANCEL,
	// PUBLISH); REQUEST when empty.
	CalendarMethod string
	// MessageID is the Message-ID without angle brackets, e.g.
	// "kallelse.42.3@samkal.example.se". A stable id per outbox row lets a
	// retry be recognised as the same message; when empty a random id at
	// the From domain is made.
	MessageID string
	// Date is the Date header; the current time when zero.
	Date time.Time
	// Headers are extra headers; only the names in AllowedHeaders.
	Headers map[string]string
}

// AllowedHeaders are the extra headers a Message may carry: threading of
// reminders and list metadata. Any other name is refused so that no caller
// can override the headers Compose sets.
var AllowedHeaders = []string{"In-Reply-To", "References", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "X-Samkal-Kind"}

// CalendarMethods are the accepted values of Message.CalendarMethod.
var CalendarMethods = []string{"REQUEST", "CANCEL", "PUBLISH"}

// ErrInvalidMessage is wrapped by every error Compose returns for a bad
// Message: it is the caller's data, not the mail system, that is wrong.
var ErrInvalidMessage = errors.New("invalid message")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidMessage, fmt.Sprintf(format, args...))
}

// Compose returns the message as RFC 5322 bytes with CRLF line endings:
// Date, Message-ID, Auto-Submitted: auto-generated and MIME headers, the
// bodies quoted-printable. Errors wrap ErrInvalidMessage: a missing field,
// an address that does not parse, or a CR or LF in a name, subject,
// Message-ID or extra header (header injection is refused, not cleaned).
func Compose(m *Message) ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	var h gomail.Header
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	h.SetDate(date)
	// The address headers are formatted by Address.String, which works
	// around a net/mail bug that go-message's SetAddressList inherits.
	h.Set("From", m.From.String())
	to := make([]string, len(m.To))
	for i, a := range m.To {
		to[i] = a.String()
	}
	h.Set("To", strings.Join(to, ", "))
	if m.ReplyTo != nil {
		h.Set("Reply-To", m.ReplyTo.String())
	}
	h.SetSubject(m.Subject)
	if m.MessageID != "" {
		h.SetMessageID(m.MessageID)
	} else if err := h.GenerateMessageIDWithHostname(domainOf(m.From.Address)); err != nil {
		return nil, fmt.Errorf("making a Message-ID: %w", err)
	}
	id, err := h.MessageID()
	if err != nil {
		return nil, fmt.Errorf("reading back the Message-ID: %w", err)
	}
	h.Set("Auto-Submitted", "auto-generated")
	for _, k := range slices.Sorted(maps.Keys(m.Headers)) {
		h.Set(k, m.Headers[k])
	}

	var buf bytes.Buffer
	if len(m.Calendar) == 0 {
		h.SetContentType("multipart/alternative", map[string]string{"boundary": boundary(id, "alt")})
		w, err := message.CreateWriter(&buf, h.Header)
		if err != nil {
			return nil, err
		}
		if err := writeAlternatives(w, m); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}

	h.SetContentType("multipart/mixed", map[string]string{"boundary": boundary(id, "mixed")})
	w, err := message.CreateWriter(&buf, h.Header)
	if err != nil {
		return nil, err
	}
	var ah message.Header
	ah.SetContentType("multipart/alternative", map[string]string{"boundary": boundary(id, "alt")})
	alt, err := w.CreatePart(ah)
	if err != nil {
		return nil, err
	}
	if err := writeAlternatives(alt, m); err != nil {
		return nil, err
	}
	method := m.method()
	var ch message.Header
	ch.SetContentType("text/calendar", map[string]string{"charset": "utf-8", "method": method})
	ch.Set("Content-Transfer-Encoding", "base64")
	if err := writePart(alt, ch, m.Calendar); err != nil {
		return nil, err
	}
	if err := alt.Close(); err != nil {
		return nil, err
	}
	var att message.Header
	att.SetContentType("application/ics", map[string]string{"name": "invite.ics"})
	att.SetContentDisposition("attachment", map[string]string{"filename": "invite.ics"})
	att.Set("Content-Transfer-Encoding", "base64")
	if err := writePart(w, att, m.Calendar); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeAlternatives writes the text and HTML parts that are not empty.
func writeAlternatives(w *message.Writer, m *Message) error {
	for _, p := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		if p.body == "" {
			continue
		}
		var ph message.Header
		ph.SetContentType(p.typ, map[string]string{"charset": "utf-8"})
		ph.Set("Content-Transfer-Encoding", "quoted-printable")
		if err := writePart(w, ph, []byte(normaliseNewlines(p.body))); err != nil {
			return err
		}
	}
	return nil
}

func writePart(w *message.Writer, h message.Header, body []byte) error {
	pw, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(pw, bytes.NewReader(body)); err != nil {
		return err
	}
	return pw.Close()
}

// normaliseNewlines turns CRLF and lone CR (from a textarea) into LF; the
// quoted-printable writer then ends every line with CRLF.
func normaliseNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// boundary derives a MIME boundary from the Message-ID, so that Compose is
// deterministic. The "=_" cannot occur in quoted-printable or base64 text,
// so the boundary never collides with a body.
func boundary(messageID, part string) string {
	sum := sha256.Sum256([]byte(part + "\x00" + messageID))
	return "=_samkal_" + part + "_" + hex.EncodeToString(sum[:12])
}

func (m *Message) method() string {
	if m.CalendarMethod == "" {
		return "REQUEST"
	}
	return m.CalendarMethod
}

// check validates m; see Compose.
func (m *Message) check() error {
	if err := checkAddress("From", m.From); err != nil {
		return err
	}
	if len(m.To) == 0 {
		return invalid("To: at least one recipient is required")
	}
	for _, a := range m.To {
		if err := checkAddress("To", a); err != nil {
			return err
		}
	}
	if m.ReplyTo != nil {
		if err := checkAddress("Reply-To", *m.ReplyTo); err != nil {
			return err
		}
	}
	if strings.TrimSpace(m.Subject) == "" {
		return invalid("Subject is required")
	}
	if hasLineBreak(m.Subject) {
		return invalid("Subject %q has a line break; a subject is one line", m.Subject)
	}
	if m.Text == "" && m.HTML == "" {
		return invalid("a body is required: Text, HTML or both")
	}
	if m.MessageID != "" {
		if hasLineBreak(m.MessageID) || strings.ContainsAny(m.MessageID, "<> \t") || strings.Count(m.MessageID, "@") != 1 {
			return invalid("MessageID %q is not of the form left@right without brackets or spaces", m.MessageID)
		}
	}
	if len(m.Calendar) > 0 && !slices.Contains(CalendarMethods, m.method()) {
		return invalid("CalendarMethod %q is not one of %s", m.CalendarMethod, strings.Join(CalendarMethods, ", "))
	}
	for k, v := range m.Headers {
		if !slices.Contains(AllowedHeaders, k) {
			return invalid("header %q may not be set; allowed extra headers: %s", k, strings.Join(AllowedHeaders, ", "))
		}
		if hasLineBreak(v) || strings.TrimSpace(v) == "" {
			return invalid("header %s must be one non-empty line, got %q", k, v)
		}
	}
	return nil
}

func checkAddress(field string, a Address) error {
	if hasLineBreak(a.Name) || hasLineBreak(a.Address) {
		return invalid("%s %q <%s> has a line break", field, a.Name, a.Address)
	}
	parsed, err := netmail.ParseAddress("<" + a.Address + ">")
	if err != nil || parsed.Address != a.Address || strings.Count(a.Address, "@") != 1 {
		return invalid("%s address %q is not an email address like namn@example.se", field, a.Address)
	}
	return nil
}

// hasLineBreak reports a CR, LF or other vertical break that could end a
// header line in some reader.
func hasLineBreak(s string) bool {
	return strings.ContainsAny(s, "\r\n\v\f\u0085\u2028\u2029\x00")
}

func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return d
}
