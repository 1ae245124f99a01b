package ical

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// newlines turns CRLF and a lone CR (as browsers send from a textarea) into
// LF. golang-ical escapes LF as \n but writes CR as it is, and a bare CR in
// a content line is a syntax error that some clients stop parsing at.
var newlines = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// clean makes s safe for a TEXT value: valid UTF-8, LF as the only line
// break, no control characters but tab, no trailing space or breaks.
// golang-ical then escapes backslash, semicolon, comma and newline.
func clean(s string) string {
	if isClean(s) {
		return s // the common case, without allocating
	}
	s = newlines.Replace(strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
	return strings.TrimRightFunc(s, unicode.IsSpace)
}

// isClean reports whether clean would return s unchanged and on one line.
func isClean(s string) bool {
	last := rune(-1)
	for _, r := range s {
		// RuneError is invalid UTF-8, or a literal U+FFFD: clean sorts it out.
		if r == utf8.RuneError || (r != '\t' && unicode.IsControl(r)) {
			return false
		}
		last = r
	}
	return !unicode.IsSpace(last)
}

// oneLine is clean for values that must stay on one line (summary,
// location, names, links): line breaks become spaces.
func oneLine(s string) string {
	s = clean(s)
	if strings.IndexByte(s, '\n') >= 0 {
		s = strings.ReplaceAll(s, "\n", " ")
	}
	return strings.TrimSpace(s)
}

// cleanAll returns the one-line forms of ss, without empty ones.
func cleanAll(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = oneLine(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// joinSwedish lists names as Swedish does: "A", "A och B", "A, B och C".
func joinSwedish(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " och " + names[len(names)-1]
}

// formatDuration writes d as an RFC 5545 dur-value ("PT1H", "P1DT12H",
// "PT1H30M"), rounded to whole seconds. Zero or negative means the default
// hour; anything under a second is one second.
func formatDuration(d time.Duration) string {
	if d <= 0 {
		d = DefaultRefreshInterval
	}
	secs := int64(d.Round(time.Second) / time.Second)
	secs = max(secs, 1)
	days, secs := secs/86400, secs%86400
	h, secs := secs/3600, secs%3600
	m, s := secs/60, secs%60

	b := []byte{'P'}
	if days > 0 {
		b = strconv.AppendInt(b, days, 10)
		b = append(b, 'D')
	}
	if h > 0 || m > 0 || s > 0 {
		b = append(b, 'T')
		for _, part := range []struct {
			n    int64
			unit byte
		}{{h, 'H'}, {m, 'M'}, {s, 'S'}} {
			if part.n > 0 {
				b = strconv.AppendInt(b, part.n, 10)
				b = append(b, part.unit)
			}
		}
	}
	return string(b)
}
