package questionnaire

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/xuri/excelize/v2"
)

// Formats lists the formats a questionnaire is written in.
var Formats = []string{"xlsx", "csv"}

// Write writes the questionnaire in format (xlsx or csv).
func Write(w io.Writer, cat *civicspace.Catalog, format string, o Options) error {
	switch format {
	case "xlsx":
		return WriteXLSX(w, cat, o)
	case "csv":
		return WriteCSV(w, cat, o)
	}
	return civicspace.Errorf(civicspace.EINVALID, "no questionnaire as %q: use %s", format, strings.Join(Formats, " or "))
}

// WriteCSV writes the questionnaire as one CSV table with a byte-order
// mark (so that spreadsheets read it as UTF-8): a header row, the
// assessment's fields as rows whose ID is "@field" (the value in the
// Answer column), then one row per question.
func WriteCSV(w io.Writer, cat *civicspace.Catalog, o Options) error {
	l, err := o.labels()
	if err != nil {
		return err
	}
	cat = cat.Localized(o.Lang)
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := make([]string, len(columns))
	for i, c := range columns {
		header[i] = l.columns[c]
	}
	rows := [][]string{header}
	values := o.fieldValues()
	for _, f := range fields {
		row := make([]string, len(columns))
		row[0], row[2], row[3] = "@"+f, l.fields[f], values[f]
		rows = append(rows, row)
	}
	for _, q := range questions(cat, o.Roles, l) {
		row := make([]string, len(columns))
		for i, c := range columns {
			row[i] = safeCSV(q.cells[c])
		}
		rows = append(rows, row)
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write the questionnaire: %w", err)
	}
	return nil
}

// safeCSV keeps a spreadsheet from reading catalog text as a formula.
func safeCSV(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteXLSX writes the questionnaire as an Excel workbook: Instructions,
// Assessment (the assessment's fields) and Questions (one row per
// indicator). The answer columns have drop-down lists (yes/no, the scale's
// levels, the choices, not_applicable/unknown) or number checks; the
// indicator IDs are in a hidden column and every sheet is protected except
// the cells to fill in (without a password: it prevents slips, not
// intent).
func WriteXLSX(w io.Writer, cat *civicspace.Catalog, o Options) error {
	l, err := o.labels()
	if err != nil {
		return err
	}
	cat = cat.Localized(o.Lang)
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxWriter{f: f}
	x.setup()
	x.instructions(l)
	x.assessment(l, o.fieldValues())
	x.questions(l, questions(cat, o.Roles, l))
	if x.err != nil {
		return fmt.Errorf("write the questionnaire: %w", x.err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write the questionnaire: %w", err)
	}
	return nil
}

// xlsxWriter keeps the first error of a run of excelize calls.
type xlsxWriter struct {
	f                                 *excelize.File
	err                               error
	heading, wrap, unlock, unlockDate int
}

func (x *xlsxWriter) check(err error) {
	if x.err == nil {
		x.err = err
	}
}

func (x *xlsxWriter) style(s *excelize.Style) int {
	id, err := x.f.NewStyle(s)
	x.check(err)
	return id
}

func (x *xlsxWriter) setup() {
	x.check(x.f.SetSheetName("Sheet1", SheetInstructions))
	for _, s := range []string{SheetAssessment, SheetQuestions} {
		_, err := x.f.NewSheet(s)
		x.check(err)
	}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	x.heading = x.style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: top, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	x.wrap = x.style(&excelize.Style{Alignment: top})
	open := &excelize.Protection{Locked: false}
	x.unlock = x.style(&excelize.Style{Alignment: top, Protection: open, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}})
	// Text, so that a typed date stays the date typed.
	x.unlockDate = x.style(&excelize.Style{Alignment: top, Protection: open, NumFmt: 49, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}})
}

func (x *xlsxWriter) protect(sheet string) {
	x.check(x.f.ProtectSheet(sheet, &excelize.SheetProtectionOptions{
		SelectLockedCells: true, SelectUnlockedCells: true, FormatColumns: true, FormatRows: true,
	}))
}

func (x *xlsxWriter) instructions(l labels) {
	s := SheetInstructions
	x.check(x.f.SetColWidth(s, "A", "A", 120))
	for i, p := range append(append([]string{}, l.instructions...), "", l.translationNote) {
		cell := fmt.Sprintf("A%d", i+1)
		x.check(x.f.SetCellStr(s, cell, p))
		x.check(x.f.SetCellStyle(s, cell, cell, x.wrap))
	}
	x.protect(s)
}

// assessment writes the fields: A the key (hidden), B the label, C the
// value to fill in.
func (x *xlsxWriter) assessment(l labels, values map[string]string) {
	s := SheetAssessment
	x.check(x.f.SetColWidth(s, "B", "B", 55))
	x.check(x.f.SetColWidth(s, "C", "C", 60))
	for i, fld := range fields {
		row := i + 1
		x.check(x.f.SetSheetRow(s, fmt.Sprintf("A%d", row), &[]string{fld, l.fields[fld], values[fld]}))
		x.check(x.f.SetCellStyle(s, fmt.Sprintf("B%d", row), fmt.Sprintf("B%d", row), x.heading))
		x.check(x.f.SetCellStyle(s, fmt.Sprintf("C%d", row), fmt.Sprintf("C%d", row), x.unlock))
	}
	kinds := make([]string, len(civicspace.Kinds))
	for i, k := range civicspace.Kinds {
		kinds[i] = string(k)
	}
	x.dropList(s, fmt.Sprintf("C%d", indexOf(fields, fieldKind)+1), kinds)
	x.check(x.f.SetColVisible(s, "A", false))
	x.protect(s)
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// questions writes the header and one row per question, with each answer
// cell's check.
func (x *xlsxWriter) questions(l labels, qs []question) {
	s := SheetQuestions
	header := make([]string, len(columns))
	for i, c := range columns {
		header[i] = l.columns[c]
	}
	x.check(x.f.SetSheetRow(s, "A1", &header))
	last := column(colRecs)
	x.check(x.f.SetCellStyle(s, "A1", last+"1", x.heading))
	widths := map[string]float64{colTopic: 16, colQuestion: 60, colAnswer: 14, colStatus: 16, colReason: 30, colEvTitle: 30,
		colEvURL: 30, colEvDate: 14, colEvExcerpt: 30, colComment: 30, colHow: 45, colGuidance: 60, colRecs: 30}
	for c, wd := range widths {
		x.check(x.f.SetColWidth(s, column(c), column(c), wd))
	}
	for i, q := range qs {
		row := i + 2
		cells := make([]string, len(columns))
		for j, c := range columns {
			cells[j] = q.cells[c]
		}
		x.check(x.f.SetSheetRow(s, fmt.Sprintf("A%d", row), &cells))
		x.check(x.f.SetCellStyle(s, fmt.Sprintf("A%d", row), fmt.Sprintf("%s%d", last, row), x.wrap))
		x.check(x.f.SetCellStyle(s, fmt.Sprintf("%s%d", column(colAnswer), row), fmt.Sprintf("%s%d", column(colComment), row), x.unlock))
		x.check(x.f.SetCellStyle(s, fmt.Sprintf("%s%d", column(colEvDate), row), fmt.Sprintf("%s%d", column(colEvDate), row), x.unlockDate))
		x.answerCheck(s, fmt.Sprintf("%s%d", column(colAnswer), row), q.ind)
	}
	if n := len(qs); n > 0 {
		x.dropList(s, fmt.Sprintf("%s2:%s%d", column(colStatus), column(colStatus), n+1), statuses)
	}
	x.check(x.f.SetColVisible(s, column(colID), false))
	x.check(x.f.SetPanes(s, &excelize.Panes{Freeze: true, XSplit: 3, YSplit: 1, TopLeftCell: "D2", ActivePane: "bottomRight"}))
	x.protect(s)
}

// answerCheck gives an answer cell its drop-down list or number check.
func (x *xlsxWriter) answerCheck(sheet, cell string, ind *civicspace.Indicator) {
	if list := choices(ind); list != nil {
		x.dropList(sheet, cell, list)
		return
	}
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(cell)
	switch ind.Type {
	case civicspace.TypeCount:
		x.check(dv.SetRange(0, 1000000000, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween))
	case civicspace.TypePercentage:
		x.check(dv.SetRange(0, 100, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween))
	default:
		return
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, ind.ID, howToAnswerShort(ind))
	x.check(x.f.AddDataValidation(sheet, dv))
}

func howToAnswerShort(ind *civicspace.Indicator) string {
	if ind.Type == civicspace.TypeCount {
		return "0, 1, 2, ..."
	}
	return "0-100"
}

func (x *xlsxWriter) dropList(sheet, sqref string, list []string) {
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(sqref)
	x.check(dv.SetDropList(list))
	dv.SetError(excelize.DataValidationErrorStyleStop, "", strings.Join(list, ", "))
	x.check(x.f.AddDataValidation(sheet, dv))
}
