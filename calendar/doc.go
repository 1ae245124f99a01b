// Package calendar is Samkal's domain: the collaboration bodies of a Swedish
// region, their members and their meetings, and the rules that hold between
// them. It knows no database, no HTTP and no email; those live in adapters
// (calendar/sqlstore, calendar/ical, api, notify) that import this package.
//
// The Swedish words used across Samkal, explained once:
//
//   - organ (body): a group with its own meetings – a samverkansråd (political
//     council), a chefsgrupp (management group of officials), a länsdelsgrupp
//     (sub-county group: Norr, Söder/Sydnärke, Väster, Örebro), a partner
//     group (ÖLBF, RF-SISU) or an arbetsgrupp (working group).
//   - huvudman (organisation): the region, a municipality (kommun) or a partner
//     such as Länsstyrelsen.
//   - årsplan (annual plan, also mötestider or sammanträdesplan): a body's
//     meetings for one year, first proposed (förslag), later fixed.
//   - gemensamt möte (joint meeting): one meeting held by several bodies
//     together; Samkal stores it once, with all its bodies.
//   - roller: ordförande (chair), vice ordförande, sekreterare (secretary),
//     ledamot (member), ersättare (substitute), tjänsteperson (official
//     attending), gäst (guest), kontaktperson (the region's contact person
//     for a länsdel or partner).
//   - kallelse: the notice of a meeting with its dagordning (agenda).
//   - justering: the approval of a council's minutes (protokoll) by the chair
//     and the justerare chosen at the meeting; management groups keep
//     minnesanteckningar (notes) that need no approval.
//   - bokningsveckor (booking weeks): ISO weeks in which meetings not yet
//     booked are to be placed ("läggas v 37–38, v 48–49").
//
// All dates and times are Swedish wall-clock time (Europe/Stockholm); see
// Location. Errors returned by this package and by every Store carry a code
// (see Error) that the API maps to an HTTP status in one place.
package calendar
