// Reads one iCalendar text on stdin, parses it with Mozilla's ical.js (the
// parser in Thunderbird) and prints what it saw as JSON on stdout. Go tests
// (calendar/ical/icaltest) use it as an independent check of Samkal's feeds.
//
// Exit status 1 with a message on stderr when ical.js cannot parse the text,
// or when the text is not one VCALENDAR, an event lacks UID, DTSTAMP or
// DTSTART, or a TZID has no VTIMEZONE in the calendar (ical.js would then
// silently read the time as floating, which is exactly the bug to catch).
//
// Output: {name, timezoneIds, events: [{uid, summary, status, location,
// description, url, start, end, allDay, sequence, tzid}]}. Date-times are
// converted to UTC by ical.js's own zone code and printed as ISO 8601; the
// dates of all-day events are printed as YYYY-MM-DD.
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

// ical.js 2.x does not know RFC 7986's NAME nor the X-WR-* names that Apple
// introduced, and returns the values of unknown properties still escaped
// ("a\, b"). All three are TEXT (NAME by RFC 7986 3.7.1, the X-WR-* ones by
// the convention Apple set for them), so they are declared as TEXT here and
// read unescaped, as a calendar client shows them.
for (const prop of ['name', 'x-wr-calname', 'x-wr-caldesc']) {
  ICAL.design.icalendar.property[prop] = { defaultType: 'text' };
}

function fail(msg) {
  process.stderr.write(`ical.js: ${msg}\n`);
  process.exit(1);
}

function main() {
  const text = readFileSync(0, 'utf8');
  let jcal;
  try {
    jcal = ICAL.parse(text);
  } catch (e) {
    fail(`parse error: ${e.message}`);
  }
  // ICAL.parse returns an array of components when the text holds several.
  if (!Array.isArray(jcal) || jcal.length === 0 || Array.isArray(jcal[0])) {
    fail('expected exactly one VCALENDAR');
  }
  const vcal = new ICAL.Component(jcal);
  if (vcal.name !== 'vcalendar') {
    fail(`top component is ${vcal.name}, not vcalendar`);
  }

  const timezoneIds = vcal.getAllSubcomponents('vtimezone')
    .map((tz) => tz.getFirstPropertyValue('tzid'));

  const time = (comp, propName, uid) => {
    const prop = comp.getFirstProperty(propName);
    if (!prop) {
      return { iso: '', allDay: false, tzid: '' };
    }
    const tzid = prop.getParameter('tzid') || '';
    const t = prop.getFirstValue();
    if (tzid) {
      const zone = vcal.getTimeZoneByID(tzid);
      if (!zone || !t.zone || t.zone.tzid !== tzid) {
        fail(`event ${uid}: ${propName.toUpperCase()} has TZID=${tzid} but the calendar has no VTIMEZONE for it`);
      }
    }
    if (t.isDate) {
      const pad = (n, w) => String(n).padStart(w, '0');
      return { iso: `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}`, allDay: true, tzid };
    }
    return { iso: new Date(t.toUnixTime() * 1000).toISOString(), allDay: false, tzid };
  };

  const events = vcal.getAllSubcomponents('vevent').map((comp) => {
    const uid = comp.getFirstPropertyValue('uid');
    if (!uid) {
      fail('an event has no UID');
    }
    for (const required of ['dtstamp', 'dtstart']) {
      if (!comp.hasProperty(required)) {
        fail(`event ${uid} has no ${required.toUpperCase()}`);
      }
    }
    const ev = new ICAL.Event(comp);
    const start = time(comp, 'dtstart', uid);
    let end;
    if (comp.hasProperty('dtend')) {
      end = time(comp, 'dtend', uid);
    } else {
      // DURATION or nothing: let ical.js compute the end.
      const e = ev.endDate;
      end = { iso: e.isDate ? e.toString() : new Date(e.toUnixTime() * 1000).toISOString() };
    }
    const str = (v) => (v === null || v === undefined ? '' : String(v));
    return {
      uid: str(uid),
      summary: str(ev.summary),
      status: str(comp.getFirstPropertyValue('status')),
      location: str(ev.location),
      description: str(ev.description),
      url: str(comp.getFirstPropertyValue('url')),
      start: start.iso,
      end: end.iso,
      allDay: start.allDay,
      sequence: ev.sequence || 0,
      tzid: start.tzid,
    };
  });

  const name = vcal.getFirstPropertyValue('name') || vcal.getFirstPropertyValue('x-wr-calname') || '';
  process.stdout.write(JSON.stringify({ name: String(name), timezoneIds, events }) + '\n');
}

try {
  main();
} catch (e) {
  fail(`error: ${e && e.stack ? e.stack : e}`);
}
