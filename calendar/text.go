package calendar

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The rules for every text Samkal stores. Text goes out in email headers,
// iCalendar lines, a terminal (samkal conflicts, samkal export), web pages
// and PostgreSQL TEXT columns, and each of them has something it cannot
// carry: a NUL byte (PostgreSQL), a line break in a header or a one-line
// property, an escape sequence (a terminal), a bidi override (text that
// reads backwards on a page). One bad record must not be acceptable in the
// first place, so every Validate checks every text field with TextKind.Check,
// and the API, the årsplan import and the forms all end in those Validate
// methods. A form that words problems in Swedish calls Check itself and
// reads the TextProblem's Reason and limits.

// TextKind is a kind of text field: how many characters it may hold and
// whether it may span lines.
type TextKind struct {
	Name      string // as the limits table names it
	Max       int    // characters (Unicode code points)
	MultiLine bool   // LF and tab are allowed; CR is not (see NormalizeNewlines)
}

// The kinds of text field. Every text field of every entity is one of them
// (see docs/security.md for which is which).
var (
	// NameText is a name or title: one line, shown in lists, subjects and
	// feed summaries.
	NameText = TextKind{Name: "name", Max: 200}
	// LineText is a longer single line: a place, an address, a sub-point.
	LineText = TextKind{Name: "line", Max: 500}
	// NoteText is free text over several lines: notes, a description.
	NoteText = TextKind{Name: "text", Max: 10000, MultiLine: true}
	// LinkText is an http(s) address (see HTTPLink for its form).
	LinkText = TextKind{Name: "link", Max: 2000}
	// EmailText is an email address (RFC 5321 allows at most 254).
	EmailText = TextKind{Name: "email", Max: 254}
	// PhoneText is a phone number, possibly with a word ("växel").
	PhoneText = TextKind{Name: "phone", Max: 100}
)

// TextReason is why a text was refused. The values are stable, so that a
// form can word them in its own language.
type TextReason string

const (
	TextRequired     TextReason = "required"     // empty or only white space
	TextTooLong      TextReason = "too_long"     // more than Max characters
	TextInvalidUTF8  TextReason = "invalid_utf8" // a byte that is not UTF-8
	TextLineBreak    TextReason = "line_break"   // a line break where one line is wanted, or U+2028/U+2029
	TextControl      TextReason = "control"      // C0 or C1 control, DEL, NUL; tab in a one-line field; CR
	TextBidi         TextReason = "bidi"         // bidi embedding, override or isolate
	TextInvisible    TextReason = "invisible"    // a deprecated or annotation format character
	TextNoncharacter TextReason = "noncharacter" // U+FFFE, U+FFFF, U+FDD0–U+FDEF …
	TextSpace        TextReason = "space"        // a one-line text that starts or ends with white space
)

// TextProblem is the first thing wrong with a text.
type TextProblem struct {
	Reason TextReason
	// Rune is the character refused (for invalid UTF-8 the byte); 0 for
	// TextRequired and TextTooLong.
	Rune rune
	// At is its position, counting characters from 1 (an invalid byte
	// counts as one character).
	At int
	// Length is the text's length in characters, for TextTooLong.
	Length int
	// Max is the kind's limit.
	Max int
	// MultiLine tells whether the field takes line breaks, so that the
	// advice fits it.
	MultiLine bool
}

// Check returns nil when s may be stored in a field of kind k, and
// otherwise the first problem with it. A required field must hold more
// than white space. Refused everywhere: invalid UTF-8, NUL and every other
// C0 control, DEL and the C1 controls (U+0080–U+009F), the bidi
// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the
// line and paragraph separators (U+2028, U+2029), the deprecated and
// interlinear-annotation format characters (U+206A–U+206F, U+FFF9–U+FFFB)
// and the noncharacters. LF and tab are allowed in multi-line fields only,
// and a one-line field may not start or end with white space. The bidi
// marks (U+200E, U+200F, U+061C) and joiners are allowed: they override
// nothing and right-to-left names and emoji need them.
func (k TextKind) Check(s string, required bool) *TextProblem {
	p := k.check(s, required)
	if p != nil {
		p.MultiLine = k.MultiLine
	}
	return p
}

func (k TextKind) check(s string, required bool) *TextProblem {
	if required && strings.TrimSpace(s) == "" {
		return &TextProblem{Reason: TextRequired, Max: k.Max}
	}
	if n := utf8.RuneCountInString(s); n > k.Max {
		return &TextProblem{Reason: TextTooLong, Length: n, Max: k.Max}
	}
	at := 0
	for i, r := range s {
		at++
		reason := k.classify(r)
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return &TextProblem{Reason: TextInvalidUTF8, Rune: rune(s[i]), At: at, Max: k.Max}
			}
		}
		if reason != "" {
			return &TextProblem{Reason: reason, Rune: r, At: at, Max: k.Max}
		}
	}
	if !k.MultiLine && s != "" {
		first, _ := utf8.DecodeRuneInString(s)
		last, _ := utf8.DecodeLastRuneInString(s)
		switch {
		case unicode.IsSpace(first):
			return &TextProblem{Reason: TextSpace, Rune: first, At: 1, Max: k.Max}
		case unicode.IsSpace(last):
			return &TextProblem{Reason: TextSpace, Rune: last, At: utf8.RuneCountInString(s), Max: k.Max}
		}
	}
	return nil
}

// classify returns why r may not stand in a field of kind k, or "".
func (k TextKind) classify(r rune) TextReason {
	switch {
	case r == '\n':
		if k.MultiLine {
			return ""
		}
		return TextLineBreak
	case r == '\t':
		if k.MultiLine {
			return ""
		}
		return TextControl
	case r == '\r' && !k.MultiLine:
		return TextLineBreak
	case r < 0x20 || (0x7f <= r && r <= 0x9f):
		return TextControl
	case r == '\u2028' || r == '\u2029':
		return TextLineBreak
	case ('\u202a' <= r && r <= '\u202e') || ('\u2066' <= r && r <= '\u2069'):
		return TextBidi
	case ('\u206a' <= r && r <= '\u206f') || ('\ufff9' <= r && r <= '\ufffb'):
		return TextInvisible
	case ('\ufdd0' <= r && r <= '\ufdef') || r&0xfffe == 0xfffe:
		return TextNoncharacter
	}
	return ""
}

// Describe words the problem in English for a field: "title contains a
// control character (U+001B) at position 5", "location is 1048576
// characters; at most 500".
func (p *TextProblem) Describe(field string) string {
	switch p.Reason {
	case TextRequired:
		return field + " is required"
	case TextTooLong:
		return fmt.Sprintf("%s is %d characters; at most %d", field, p.Length, p.Max)
	case TextInvalidUTF8:
		return fmt.Sprintf("%s contains a byte that is not UTF-8 (0x%02X) at position %d; send text as UTF-8", field, p.Rune, p.At)
	case TextSpace:
		where := "ends"
		if p.At == 1 {
			where = "starts"
		}
		return fmt.Sprintf("%s %s with white space (%s); remove it", field, where, codePoint(p.Rune))
	}
	what := map[TextReason]string{
		TextLineBreak:    "a line break",
		TextControl:      "a control character",
		TextBidi:         "a bidirectional formatting character",
		TextInvisible:    "an invisible formatting character",
		TextNoncharacter: "a noncharacter",
	}[p.Reason]
	switch p.Rune {
	case 0:
		what = "a NUL byte"
	case '\t':
		what = "a tab"
	case '\r':
		what = "a carriage return"
	case '\u2028':
		what = "a line separator"
	case '\u2029':
		what = "a paragraph separator"
	}
	msg := fmt.Sprintf("%s contains %s (%s) at position %d", field, what, codePoint(p.Rune), p.At)
	switch {
	case p.Reason == TextLineBreak && p.Rune != '\u2028' && p.Rune != '\u2029':
		return msg + "; it must be one line"
	case p.Reason == TextLineBreak && p.MultiLine:
		return msg + "; use an ordinary line break, or a space"
	case p.Reason == TextLineBreak:
		return msg + "; it must be one line: use a space"
	case p.Rune == '\r':
		return msg + "; end lines with LF alone"
	}
	return msg + "; remove it"
}

// codePoint writes r as U+001B.
func codePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }

// NormalizeNewlines turns CRLF and a lone CR (as browsers send from a
// textarea and Windows editors write) into LF, the one line break a
// multi-line field stores. The API, the import and the forms call it on
// text before it is validated; a CR that reaches Check is refused.
func NormalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// Clean returns s with CRLF and CR as LF and every character that Check
// refuses in a field of kind k (invalid UTF-8 included) replaced by U+FFFD.
// It is for text that Samkal must keep but cannot refuse, such as a mail
// server's answer; it neither trims nor cuts.
func (k TextKind) Clean(s string) string {
	s = strings.ToValidUTF8(NormalizeNewlines(s), "\uFFFD")
	return strings.Map(func(r rune) rune {
		if k.classify(r) != "" {
			return '\uFFFD'
		}
		return r
	}, s)
}

// text adds the problem, if any, of s as the field of kind k.
func (p *problems) text(field string, k TextKind, s string, required bool) {
	if tp := k.Check(s, required); tp != nil {
		p.add("%s", tp.Describe(field))
	}
}

// IntRange is the range a stored whole number may take: the domain's
// sensible values, always inside what the column holds (PostgreSQL
// INTEGER is 32 bits).
type IntRange struct{ Min, Max int }

// Contains reports whether v lies in r.
func (r IntRange) Contains(v int) bool { return r.Min <= v && v <= r.Max }

// The ranges of stored whole numbers that have no more specific check.
var (
	// CapacityRange is a room's capacity in people; 0 means unknown.
	CapacityRange = IntRange{0, 100000}
	// NotifyDaysRange bounds a body's email timings, in days before a
	// meeting.
	NotifyDaysRange = IntRange{0, MaxNotifyDays}
)

// number adds a problem when v lies outside r.
func (p *problems) number(field string, v int, r IntRange) {
	if !r.Contains(v) {
		p.add("%s must be from %d to %d, not %d", field, r.Min, r.Max, v)
	}
}

// quote returns s quoted as Go would, cut to its first 60 characters: a
// message echoes what the caller sent without echoing a megabyte of it.
func quote(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return strconv.Quote(s)
	}
	r := []rune(s)
	return strconv.Quote(string(r[:max])) + "…"
}
