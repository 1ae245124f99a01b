package plan

import (
	"testing"

	"github.com/samkal/samkal/calendar"
)

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestHoliday checks the days off across several years, the Easter-dependent
// ones in particular, against the Swedish almanac.
func TestHoliday(t *testing.T) {
	tests := []struct {
		day  string
		name string // "" = not a holiday
	}{
		{"2025-01-01", "Nyårsdagen"},
		{"2025-01-06", "Trettondedag jul"},
		{"2025-04-17", ""}, // skärtorsdag is a workday
		{"2025-04-18", "Långfredagen"},
		{"2025-04-20", "Påskdagen"},
		{"2025-04-21", "Annandag påsk"},
		{"2025-05-01", "Första maj"},
		{"2025-05-29", "Kristi himmelsfärdsdag"},
		{"2025-06-06", "Sveriges nationaldag"},
		{"2025-06-08", "Pingstdagen"},
		{"2025-06-09", ""}, // annandag pingst is no holiday since 2005
		{"2025-06-20", "Midsommarafton"},
		{"2025-06-21", "Midsommardagen"},
		{"2025-11-01", "Alla helgons dag"},
		{"2025-12-23", ""},
		{"2025-12-24", "Julafton"},
		{"2025-12-25", "Juldagen"},
		{"2025-12-26", "Annandag jul"},
		{"2025-12-31", "Nyårsafton"},
		{"2024-03-29", "Långfredagen"},
		{"2024-04-01", "Annandag påsk"},
		{"2024-05-09", "Kristi himmelsfärdsdag"},
		{"2024-06-21", "Midsommarafton"},
		{"2024-11-02", "Alla helgons dag"},
		{"2026-04-03", "Långfredagen"},
		{"2026-04-06", "Annandag påsk"},
		{"2026-05-14", "Kristi himmelsfärdsdag"},
		{"2026-05-24", "Pingstdagen"},
		{"2026-06-19", "Midsommarafton"},
		{"2026-10-31", "Alla helgons dag"},
		{"2027-03-26", "Långfredagen"},
		{"2027-03-29", "Annandag påsk"},
		{"2027-05-06", "Kristi himmelsfärdsdag"},
		{"2027-06-25", "Midsommarafton"},
		{"2027-06-26", "Midsommardagen"},
		{"2028-04-14", "Långfredagen"},
		{"2028-05-25", "Kristi himmelsfärdsdag"},
		{"2028-06-23", "Midsommarafton"},
		{"2038-04-23", "Långfredagen"}, // a late Easter (25 April)
		{"2038-06-03", "Kristi himmelsfärdsdag"},
		{"2035-03-23", "Långfredagen"}, // an early Easter (25 March)
	}
	for _, tt := range tests {
		name, ok := Holiday(day(tt.day))
		if ok != (tt.name != "") || name != tt.name {
			t.Errorf("Holiday(%s) = %q, %v; want %q", tt.day, name, ok, tt.name)
		}
	}
}

// TestIsWorkdayAndKlamdag checks workdays and klämdagar: the Friday after
// Kristi himmelsfärdsdag, the day after a Thursday holiday, the Monday
// before a Tuesday holiday, and days that only look like klämdagar.
func TestIsWorkdayAndKlamdag(t *testing.T) {
	tests := []struct {
		day     string
		workday bool
		klamdag bool
		why     string
	}{
		{"2025-05-30", true, true, "Friday after Kristi himmelsfärdsdag 2025"},
		{"2026-05-15", true, true, "Friday after Kristi himmelsfärdsdag 2026"},
		{"2027-05-07", true, true, "Friday after Kristi himmelsfärdsdag 2027"},
		{"2024-05-10", true, true, "Friday after Kristi himmelsfärdsdag 2024"},
		{"2024-06-07", true, true, "Friday after 6 juni on a Thursday (2024)"},
		{"2030-06-07", true, true, "Friday after 6 juni on a Thursday (2030)"},
		{"2028-06-05", true, true, "Monday before 6 juni on a Tuesday (2028)"},
		{"2025-06-05", true, false, "Thursday before 6 juni on a Friday"},
		{"2025-05-02", true, true, "Friday after första maj on a Thursday"},
		{"2026-01-05", true, true, "Monday before trettondedag jul on a Tuesday"},
		{"2026-01-02", true, true, "Friday after nyårsdagen on a Thursday"},
		{"2025-01-02", true, false, "Thursday after nyårsdagen, Friday is a workday"},
		{"2025-06-19", true, false, "Thursday before midsommarafton"},
		{"2025-12-23", true, false, "Tuesday before julafton"},
		{"2025-12-29", true, false, "Monday between Christmas and nyårsafton, Tuesday a workday"},
		{"2025-04-17", true, false, "skärtorsdag, the day before långfredagen"},
		{"2025-04-22", true, false, "Tuesday after annandag påsk"},
		{"2025-05-29", false, false, "Kristi himmelsfärdsdag itself"},
		{"2025-12-24", false, false, "julafton"},
		{"2025-06-20", false, false, "midsommarafton"},
		{"2025-09-13", false, false, "an ordinary Saturday"},
		{"2025-09-10", true, false, "an ordinary Wednesday"},
	}
	for _, tt := range tests {
		d := day(tt.day)
		if got := IsWorkday(d); got != tt.workday {
			t.Errorf("IsWorkday(%s) = %v, want %v (%s)", tt.day, got, tt.workday, tt.why)
		}
		if got := IsKlamdag(d); got != tt.klamdag {
			t.Errorf("IsKlamdag(%s) = %v, want %v (%s)", tt.day, got, tt.klamdag, tt.why)
		}
	}
}

// TestHolidaysEveryYear checks that each year has all sixteen days off,
// on the right weekdays where the rule fixes one.
func TestHolidaysEveryYear(t *testing.T) {
	for year := 2020; year <= 2040; year++ {
		n := 0
		for d := (calendar.Date{Year: year, Month: 1, Day: 1}); d.Year == year; d = d.AddDays(1) {
			name, ok := Holiday(d)
			if !ok {
				continue
			}
			n++
			want := map[string]int{"Långfredagen": 5, "Påskdagen": 0, "Annandag påsk": 1, "Kristi himmelsfärdsdag": 4,
				"Pingstdagen": 0, "Midsommarafton": 5, "Midsommardagen": 6, "Alla helgons dag": 6}
			if wd, fixed := want[name]; fixed && int(d.Weekday()) != wd {
				t.Errorf("%s %s falls on %s", name, d, d.Weekday())
			}
		}
		if n != 16 {
			t.Errorf("%d has %d days off, want 16", year, n)
		}
	}
}
