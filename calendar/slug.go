package calendar

import (
	"crypto/rand"
	"encoding/base64"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// letters that Unicode decomposition does not fold to ASCII.
var slugSpecial = strings.NewReplacer("ø", "o", "Ø", "o", "æ", "ae", "Æ", "ae", "ß", "ss", "đ", "d", "ł", "l", "Ł", "l")

// Slugify folds a name to a lower-case ASCII slug: "Chefsgrupp folkhälsa"
// becomes "chefsgrupp-folkhalsa", "Länsdel Väster" "lansdel-vaster". Runs of
// anything else than letters and digits become one hyphen.
func Slugify(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(slugSpecial.Replace(name)) {
		switch {
		case unicode.Is(unicode.Mn, r): // combining mark left by decomposition: drop it
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		default:
			hyphen = true
		}
	}
	return b.String()
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a slug as Slugify makes them.
func ValidSlug(s string) bool { return len(s) <= 100 && slugPattern.MatchString(s) }

// NewToken returns a random URL-safe token of 256 bits, for feed and link
// tokens that must be unguessable.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("calendar: no randomness: " + err.Error()) // crypto/rand does not fail on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
