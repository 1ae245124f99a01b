// Package examples holds Samkal's example data as årsplan files (see
// docs/arsplan-format.md), embedded so that tests, a demo database and the
// documentation all use the same data.
//
// region-orebro.yaml is Region Örebro län as the two seed documents show it
// (autumn 2024 and the proposed times of 2025): its organisations, the
// people named in them, the two specifika samverkansråd, the chefsgrupper,
// the länsdel and partner groups, and their meetings and events. Choices the
// documents leave open are marked ASSUMED in the file. Its booking_windows
// are the seed's booking weeks of 2025 (v 37–38 and v 48–49);
// booking-window-hosten-2025.yaml is the first of them on its own, ready for
// `samkal plan window`.
package examples

import "embed"

// Files holds every example file, by name.
//
//go:embed *.yaml
var Files embed.FS

// Region is the name of the example region in Files.
const Region = "region-orebro.yaml"
