// Package arsplan reads and writes årsplan files: YAML documents that
// describe a region's organisations, people, rooms and bodies and a body's
// meetings for a year, so that a secretary can keep an årsplan in a file,
// edit it by hand, and import it again without duplicating anything.
//
// The format is described for the people who write it in
// docs/arsplan-format.md. In short, a file has up to six top-level lists:
//
//	organisations: [{slug, name, kind}]
//	people:        [{key, name, email, phone, title, organisation}]
//	rooms:         [{slug, name, address, capacity}]
//	bodies:        [{slug, name, kind, visibility, organisation,
//	                 minutes_need_approval, description,
//	                 notify: {call_days, call_deadline_days, notice_days},
//	                 members: [{person, role, from, until}]}]
//	meetings:      [{key, uid, kind, bodies, title, date, end_date, start, end, all_day,
//	                 status, room, location, online_url, notes}]
//	booking_windows: [{name, weeks, bodies, counts, duration_minutes, weekdays, hours,
//	                 rooms, deadline, buffer_minutes, blackouts, attendees,
//	                 granularity_minutes}]
//
// Parse turns a file into a File, reporting every problem it finds with the
// file name and line; Apply writes a File to a calendar.Store in one
// transaction, matching what is already there by stable keys; Export writes
// one body's årsplan for a year back in the same format.
//
// The rules about the things themselves (what a valid slug, role or meeting
// is) live in package calendar: Parse builds the domain values and calls
// their Validate methods, and only adds the rules that belong to the file
// format (known keys, date and time syntax, wall-clock times that do not
// exist in Europe/Stockholm, duplicates within a file).
package arsplan
