package api

// Files a secretary uploads: a member list (CSV or XLSX) and an årsplan
// (YAML). The upload is read once, shown as a preview, and carried to the
// confirming POST in a hidden field, so that nothing is kept on the server
// between the two and the confirm re-reads and re-checks everything.

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	// excelize reads the XLSX files secretaries export from Excel; it is
	// the maintained pure-Go reader of the format (no cgo, streams rows,
	// with zip-bomb limits in its options), where writing our own OOXML
	// reader would mean shared strings, inline strings and date cells.
	// Pinned at v2.11.1, the newest in the vetted package list.
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// uploadField is the name of the file input on the upload pages.
const uploadField = "fil"

// upload is a file posted with a multipart form, and the form's other
// fields.
type upload struct {
	Name   string
	Data   []byte
	Values map[string][]string
}

// errUploadTooLarge and errNoFile are the upload's problems the page says
// in its error summary.
var (
	errUploadTooLarge = errors.New("upload too large")
	errNoFile         = errors.New("no file")
)

// readUpload reads a multipart form of at most limit bytes with one file
// in uploadField. A body that is no multipart form is answered (415) here,
// and ok is false; a missing, empty or too large file is returned as
// errNoFile or errUploadTooLarge for the page to say in words.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request, limit int64) (up upload, ok bool, err error) {
	mt, _, perr := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if perr != nil || mt != "multipart/form-data" {
		s.accountNotice(w, r, http.StatusUnsupportedMediaType, "Filen kunde inte tas emot",
			"Det som skickades var inte formuläret från sidan. Ingenting har sparats.")
		return up, false, nil
	}
	// Room for the form's other fields around the file.
	r.Body = http.MaxBytesReader(w, r.Body, limit+maxFormBody)
	mr, merr := r.MultipartReader()
	if merr != nil {
		s.accountNotice(w, r, http.StatusBadRequest, "Filen kunde inte läsas",
			"Formuläret kom inte fram helt. Ingenting har sparats. Försök igen.")
		return up, false, nil
	}
	up.Values = map[string][]string{}
	for {
		part, perr := mr.NextPart()
		if perr == io.EOF {
			break
		}
		var data []byte
		if perr == nil {
			data, perr = io.ReadAll(io.LimitReader(part, limit+1))
		}
		if perr != nil {
			var mbe *http.MaxBytesError
			if errors.As(perr, &mbe) {
				return up, true, errUploadTooLarge
			}
			s.accountNotice(w, r, http.StatusBadRequest, "Filen kunde inte läsas",
				"Formuläret kom inte fram helt. Ingenting har sparats. Försök igen.")
			return up, false, nil
		}
		if int64(len(data)) > limit {
			return up, true, errUploadTooLarge
		}
		if part.FormName() == uploadField {
			up.Name, up.Data = part.FileName(), data
		} else {
			up.Values[part.FormName()] = append(up.Values[part.FormName()], string(data))
		}
	}
	if len(up.Data) == 0 {
		return up, true, errNoFile
	}
	return up, true, nil
}

// tableRow is one row of an uploaded table: its line (CSV) or row number
// (XLSX), as the secretary's program shows it, and its cells.
type tableRow struct {
	Line  int
	Cells []string
}

// maxTableRows bounds the rows of a member list.
const maxTableRows = 2000

// readTable reads a CSV file (comma or semicolon, UTF-8 with or without
// BOM, or Windows-1252 as older Excel saves it) or an XLSX workbook (its
// first sheet). Rows without any text are left out. The error is in
// Swedish.
func readTable(data []byte) ([]tableRow, error) {
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return readXLSX(data)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		d, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, errors.New("Filen är varken UTF-8 eller Windows-1252. Spara den som CSV UTF-8 och försök igen.")
		}
		data = d
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	var rows []tableRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, fmt.Errorf("Filen kunde inte läsas som CSV (rad %d). Spara den som CSV eller XLSX och försök igen.", line)
		}
		line, _ := cr.FieldPos(0)
		if keepRow(rec) {
			rows = append(rows, tableRow{Line: line, Cells: rec})
		}
		if len(rows) > maxTableRows {
			return nil, fmt.Errorf("Filen har fler än %d rader. Dela upp den i flera filer.", maxTableRows)
		}
	}
	return rows, nil
}

func keepRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return true
		}
	}
	return false
}

// readXLSX reads the first sheet of a workbook, with limits on what the
// zip may unpack to.
func readXLSX(data []byte) ([]tableRow, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, errors.New("Filen kunde inte läsas som Excel-fil (XLSX). Spara den som XLSX eller CSV och försök igen.")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("Excel-filen har inga blad.")
	}
	cells, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, errors.New("Första bladet i Excel-filen kunde inte läsas. Spara den som CSV och försök igen.")
	}
	var rows []tableRow
	for i, rec := range cells {
		if keepRow(rec) {
			rows = append(rows, tableRow{Line: i + 1, Cells: rec})
		}
		if len(rows) > maxTableRows {
			return nil, fmt.Errorf("Filen har fler än %d rader. Dela upp den i flera filer.", maxTableRows)
		}
	}
	return rows, nil
}
