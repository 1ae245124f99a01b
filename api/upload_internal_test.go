package api

import (
	"slices"
	"strings"
	"testing"
)

// FuzzMemberTable: any upload is read as a member list or refused in
// Swedish, never a panic; and the rows the preview carries to the confirm
// (encodeMemberLines) read back as the same rows.
func FuzzMemberTable(f *testing.F) {
	f.Add([]byte("\ufeffNamn;E-post;Organisation;Roll;Från\r\nLena Ek;lena.ek@kumla.se;Kumla kommun;ledamot;2026-01-01\r\n"))
	f.Add([]byte("name,email,role\n\"Berg, Anna\",anna@x.se,\"gäst\"\n,,\n"))
	f.Add([]byte("namn,e-post,roll,rad\nA,a@b.se,ledamot,7\n\"x\"\"y\",z,ersättare,0\n"))
	f.Add([]byte("namn;e-post;roll\n\xf6\xe4\xe5;x@y.se;ledamot\n"))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := readTable(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		ls, err := memberLines(rows)
		if err != nil {
			return
		}
		for _, l := range ls {
			for _, v := range []string{l.Name, l.Email, l.Organisation, l.Role, l.From, l.Until} {
				if strings.ContainsRune(v, '\r') {
					return // a CR inside a quoted cell is read back as a line break by encoding/csv
				}
			}
		}
		again, err := readTable([]byte(encodeMemberLines(ls)))
		if err != nil {
			t.Fatalf("the confirm's copy does not read: %v\n%q", err, encodeMemberLines(ls))
		}
		ls2, err := memberLines(again)
		if err != nil {
			t.Fatalf("the confirm's copy has no member list: %v", err)
		}
		if !slices.Equal(ls, ls2) {
			t.Fatalf("rows changed on the way to the confirm:\n%+v\n%+v", ls, ls2)
		}
	})
}
