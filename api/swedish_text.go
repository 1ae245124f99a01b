package api

import (
	"fmt"

	"github.com/samkal/samkal/calendar"
)

// swedishText words a refused text for a person filling in a form: the
// rule is calendar's (the same as the API's and the import's), the words
// are Swedish. subject names the field at the start of a sentence
// ("Rubriken"), object in the middle of one ("rubriken"). Invisible
// characters usually come with a paste, which the message says, so that
// the person knows where to look for what they cannot see.
func swedishText(subject, object string, p *calendar.TextProblem) string {
	const pasted = " Det följer ibland med när man klistrar in text."
	cp := fmt.Sprintf("U+%04X", p.Rune)
	switch p.Reason {
	case calendar.TextRequired:
		return fmt.Sprintf("Fyll i %s.", object)
	case calendar.TextTooLong:
		return fmt.Sprintf("%s får vara högst %d tecken.", subject, p.Max)
	case calendar.TextSpace:
		return fmt.Sprintf("%s får inte börja eller sluta med blanksteg.", subject)
	case calendar.TextInvalidUTF8:
		return fmt.Sprintf("%s innehåller tecken som inte gick att läsa (på plats %d). Skriv texten på nytt i stället för att klistra in den.", subject, p.At)
	case calendar.TextLineBreak:
		if p.Rune == '\n' || p.Rune == '\r' {
			return fmt.Sprintf("Skriv %s på en rad.", object)
		}
		return fmt.Sprintf("%s innehåller en osynlig radbrytning (%s) på plats %d. Ta bort den eller skriv ett mellanslag i stället."+pasted, subject, cp, p.At)
	case calendar.TextControl:
		switch p.Rune {
		case 0:
			return fmt.Sprintf("%s innehåller ett nolltecken (%s) på plats %d, som inte kan sparas. Ta bort det."+pasted, subject, cp, p.At)
		case '\t':
			return fmt.Sprintf("%s innehåller en tabb på plats %d. Skriv ett mellanslag i stället.", subject, p.At)
		}
		return fmt.Sprintf("%s innehåller ett osynligt styrtecken (%s) på plats %d, som inte kan sparas. Ta bort det."+pasted, subject, cp, p.At)
	case calendar.TextBidi:
		return fmt.Sprintf("%s innehåller ett osynligt tecken som vänder skrivriktningen (%s) på plats %d. Ta bort det."+pasted, subject, cp, p.At)
	case calendar.TextInvisible:
		return fmt.Sprintf("%s innehåller ett osynligt formateringstecken (%s) på plats %d. Ta bort det."+pasted, subject, cp, p.At)
	case calendar.TextNoncharacter:
		return fmt.Sprintf("%s innehåller ett tecken som inte får finnas i text (%s) på plats %d. Ta bort det."+pasted, subject, cp, p.At)
	}
	return fmt.Sprintf("%s innehåller ett tecken som inte kan sparas (%s) på plats %d. Ta bort det.", subject, cp, p.At)
}
