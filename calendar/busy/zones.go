package busy

import (
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/samkal/samkal/calendar"
)

// windowsZones maps Windows time zone names, as Outlook and Exchange write
// them in TZID (often without a VTIMEZONE), to IANA names. It is the
// "001" (main territory) rows of Unicode CLDR's windowsZones.xml
// (common/supplemental/windowsZones.xml, the mapping Microsoft and ICU
// use) for the zones a Swedish region's members meet: all of Europe, and
// the main zones of the other continents. A name not here, and not an
// IANA name, is taken as Swedish time.
var windowsZones = map[string]string{
	"UTC":                             "Etc/UTC",
	"GMT Standard Time":               "Europe/London",
	"Greenwich Standard Time":         "Atlantic/Reykjavik",
	"W. Europe Standard Time":         "Europe/Berlin",
	"Central Europe Standard Time":    "Europe/Budapest",
	"Central European Standard Time":  "Europe/Warsaw",
	"Romance Standard Time":           "Europe/Paris",
	"W. Central Africa Standard Time": "Africa/Lagos",
	"GTB Standard Time":               "Europe/Bucharest",
	"E. Europe Standard Time":         "Europe/Chisinau",
	"FLE Standard Time":               "Europe/Kiev",
	"Kaliningrad Standard Time":       "Europe/Kaliningrad",
	"Russian Standard Time":           "Europe/Moscow",
	"Belarus Standard Time":           "Europe/Minsk",
	"Turkey Standard Time":            "Europe/Istanbul",
	"Israel Standard Time":            "Asia/Jerusalem",
	"Egypt Standard Time":             "Africa/Cairo",
	"South Africa Standard Time":      "Africa/Johannesburg",
	"E. Africa Standard Time":         "Africa/Nairobi",
	"Morocco Standard Time":           "Africa/Casablanca",
	"Azores Standard Time":            "Atlantic/Azores",
	"Greenland Standard Time":         "America/Godthab",
	"Arabic Standard Time":            "Asia/Baghdad",
	"Arabian Standard Time":           "Asia/Dubai",
	"Iran Standard Time":              "Asia/Tehran",
	"Pakistan Standard Time":          "Asia/Karachi",
	"India Standard Time":             "Asia/Calcutta",
	"SE Asia Standard Time":           "Asia/Bangkok",
	"China Standard Time":             "Asia/Shanghai",
	"Singapore Standard Time":         "Asia/Singapore",
	"Taipei Standard Time":            "Asia/Taipei",
	"Tokyo Standard Time":             "Asia/Tokyo",
	"Korea Standard Time":             "Asia/Seoul",
	"W. Australia Standard Time":      "Australia/Perth",
	"Cen. Australia Standard Time":    "Australia/Adelaide",
	"AUS Eastern Standard Time":       "Australia/Sydney",
	"New Zealand Standard Time":       "Pacific/Auckland",
	"Hawaiian Standard Time":          "Pacific/Honolulu",
	"Alaskan Standard Time":           "America/Anchorage",
	"Pacific Standard Time":           "America/Los_Angeles",
	"US Mountain Standard Time":       "America/Phoenix",
	"Mountain Standard Time":          "America/Denver",
	"Central Standard Time":           "America/Chicago",
	"Eastern Standard Time":           "America/New_York",
	"Atlantic Standard Time":          "America/Halifax",
	"Newfoundland Standard Time":      "America/St_Johns",
	"SA Pacific Standard Time":        "America/Bogota",
	"E. South America Standard Time":  "America/Sao_Paulo",
	"Argentina Standard Time":         "America/Buenos_Aires",
}

// zoneByName resolves a TZID by name alone: an IANA name, a Windows name,
// or an IANA name behind a vendor prefix ("/mozilla.org/20050126_1/
// Europe/Stockholm", "/softwarestudio.org/Olson_20011030_5/…"). nil when
// none fits.
func zoneByName(name string) *time.Location {
	if iana, ok := windowsZones[name]; ok {
		name = iana
	}
	if loc := loadZone(name); loc != nil {
		return loc
	}
	// The prefixed forms: try the last two parts, then the last three
	// ("America/Argentina/Buenos_Aires").
	parts := strings.Split(strings.Trim(name, "/"), "/")
	for n := 2; n <= 3 && n <= len(parts) && len(parts) > 2; n++ {
		if loc := loadZone(strings.Join(parts[len(parts)-n:], "/")); loc != nil {
			return loc
		}
	}
	return nil
}

func loadZone(name string) *time.Location {
	if name == "" || name == "Local" || strings.Contains(name, " ") {
		return nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return loc
}

// addZone reads a VTIMEZONE: by its TZID when that names a zone, else by
// its X-LIC-LOCATION, else by its offsets – standard and daylight offsets
// of the European zones give that zone (the EU changes on the same
// Sundays everywhere), and a zone without daylight time a fixed offset.
// Outlook writes VTIMEZONEs named "Customized Time Zone" or "(UTC+01:00)
// Amsterdam, Berlin, Bern, Rom, Stockholm, Wien"; those end here.
func (p *parser) addZone(tz *ics.VTimezone) {
	id := strings.Trim(value(tz.GetProperty(ics.ComponentPropertyTzid)), `"`)
	if id == "" {
		return
	}
	if loc := zoneByName(id); loc != nil {
		p.zones[id] = loc
		return
	}
	if loc := zoneByName(value(tz.GetProperty("X-LIC-LOCATION"))); loc != nil {
		p.zones[id] = loc
		return
	}
	std, dst, haveStd, haveDst := 0, 0, false, false
	for _, c := range tz.Components {
		switch c := c.(type) {
		case *ics.Standard:
			std, haveStd = offset(value(c.GetProperty(ics.ComponentProperty("TZOFFSETTO"))))
		case *ics.Daylight:
			dst, haveDst = offset(value(c.GetProperty(ics.ComponentProperty("TZOFFSETTO"))))
		}
	}
	switch {
	case !haveStd:
		return // nothing to go by: Swedish time
	case haveDst && dst != std:
		switch [2]int{std, dst} {
		case [2]int{0, 3600}:
			p.zones[id] = loadZone("Europe/London")
		case [2]int{3600, 7200}:
			p.zones[id] = calendar.Location
		case [2]int{7200, 10800}:
			p.zones[id] = loadZone("Europe/Helsinki")
		default:
			p.zones[id] = time.FixedZone(id, std)
		}
	default:
		p.zones[id] = time.FixedZone(id, std)
	}
}

// offset reads "+0100" or "-0500" (seconds optional) as seconds east of
// UTC.
func offset(s string) (int, bool) {
	if len(s) != 5 && len(s) != 7 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	n := 0
	for i, unit := range []int{3600, 60, 1} {
		if 1+2*i+2 > len(s) {
			break
		}
		a, b := s[1+2*i], s[2+2*i]
		if a < '0' || a > '9' || b < '0' || b > '9' {
			return 0, false
		}
		n += (int(a-'0')*10 + int(b-'0')) * unit
	}
	if s[0] == '-' {
		n = -n
	}
	return n, true
}
