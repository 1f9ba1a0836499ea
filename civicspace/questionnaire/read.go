package questionnaire

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/xuri/excelize/v2"
)

// Read reads a filled questionnaire (by name's extension, .xlsx or .csv)
// back into an assessment. Every cell that cannot be read is one problem
// of the returned EINVALID error: its Pointer says which part of the
// assessment, its Detail starts with the cell ("Questions!D14: "maybe" is
// not one of yes, no, in_progress"). Rules of the catalog that a readable
// cell may still break (a missing evidence) are left to
// Assessment.Validate, as for any draft.
func Read(cat *civicspace.Catalog, data []byte, name string) (*civicspace.Assessment, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		return ReadXLSX(cat, data)
	case ".csv":
		return ReadCSV(cat, data)
	}
	return nil, civicspace.Errorf(civicspace.EINVALID, "%s is not a questionnaire (.xlsx or .csv)", name)
}

// ReadXLSX reads a filled XLSX questionnaire.
func ReadXLSX(cat *civicspace.Catalog, data []byte) (*civicspace.Assessment, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, civicspace.WrapError(civicspace.EINVALID, err, "the file is not an XLSX workbook")
	}
	defer f.Close()
	r := newReader(cat)
	fieldRows, err := f.GetRows(SheetAssessment, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, civicspace.WrapError(civicspace.EINVALID, err, "the workbook has no %s sheet: is it a civicspace questionnaire?", SheetAssessment)
	}
	for i, row := range fieldRows {
		// A: the field, C: its value.
		if key := cellAt(row, 0); key != "" {
			r.field(key, cellAt(row, 2), cellName(SheetAssessment, "C", i+1))
		}
	}
	rows, err := f.GetRows(SheetQuestions, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, civicspace.WrapError(civicspace.EINVALID, err, "the workbook has no %s sheet: is it a civicspace questionnaire?", SheetQuestions)
	}
	for i, row := range rows {
		if i > 0 {
			r.question(SheetQuestions, i+1, row)
		}
	}
	return r.result()
}

// ReadCSV reads a filled CSV questionnaire. Its cells are named as those
// of the Questions sheet.
func ReadCSV(cat *civicspace.Catalog, data []byte) (*civicspace.Assessment, error) {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, civicspace.WrapError(civicspace.EINVALID, err, "the questionnaire is not CSV")
	}
	r := newReader(cat)
	for i, row := range rows {
		switch id := cellAt(row, 0); {
		case i == 0:
		case strings.HasPrefix(id, "@"):
			r.field(strings.TrimPrefix(id, "@"), cellAt(row, 3), cellName(SheetQuestions, column(colAnswer), i+1))
		default:
			r.question(SheetQuestions, i+1, row)
		}
	}
	return r.result()
}

func cellAt(row []string, i int) string {
	if i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

func cellName(sheet, col string, row int) string { return fmt.Sprintf("%s!%s%d", sheet, col, row) }

// reader collects an assessment and the cells it cannot read.
type reader struct {
	cat      *civicspace.Catalog
	a        civicspace.Assessment
	problems []civicspace.Problem
	seen     map[string]string // indicator ID → the cell of its row
}

func newReader(cat *civicspace.Catalog) *reader {
	return &reader{cat: cat, a: civicspace.Assessment{Answers: map[string]civicspace.Answer{}}, seen: map[string]string{}}
}

func (r *reader) fail(pointer, cell, format string, args ...any) {
	r.problems = append(r.problems, civicspace.Problem{Pointer: pointer, Detail: cell + ": " + fmt.Sprintf(format, args...)})
}

// field reads one of the assessment's fields.
func (r *reader) field(key, value, cell string) {
	switch key {
	case fieldSubject:
		if org, ok := strings.CutPrefix(value, "org:"); ok {
			r.a.Subject.Organisation = strings.TrimSpace(org)
		} else {
			r.a.Subject.Country = strings.ToUpper(value)
		}
	case fieldRoles:
		for _, s := range strings.FieldsFunc(value, func(c rune) bool { return c == ',' || c == ';' || c == ' ' }) {
			r.a.Roles = append(r.a.Roles, civicspace.Role(s))
		}
	case fieldPeriod:
		if value == "" {
			return
		}
		if _, err := civicspace.ParsePeriod(value); err != nil {
			r.fail("/period", cell, "%v", err)
			return
		}
		r.a.Period = civicspace.MustPeriod(value)
	case fieldKind:
		r.a.Kind = civicspace.Kind(value)
	case fieldAuthor:
		r.a.Author = value
	case fieldTitle:
		r.a.Title = value
	default:
		r.fail("", cell, "unknown field %q", key)
	}
}

// question reads one row of answers; a row without anything filled in is
// a question left unanswered.
func (r *reader) question(sheet string, row int, cells []string) {
	get := func(col string) string { return cellAt(cells, slices.Index(columns, col)) }
	id := get(colID)
	filled := slices.ContainsFunc(editable, func(c string) bool { return get(c) != "" })
	if id == "" {
		if filled {
			r.fail("", cellName(sheet, column(colID), row), "the row has answers but no indicator ID: do not change the hidden ID column")
		}
		return
	}
	ind, ok := r.cat.Indicator(id)
	if !ok {
		r.fail("", cellName(sheet, column(colID), row), "unknown indicator %q", id)
		return
	}
	if prev, dup := r.seen[id]; dup {
		r.fail("/answers/"+civicspace.EncodePointer(id), cellName(sheet, column(colID), row), "indicator %q is also answered in %s", id, prev)
		return
	}
	r.seen[id] = cellName(sheet, column(colID), row)
	if !filled {
		return
	}
	ptr := "/answers/" + civicspace.EncodePointer(id)
	at := func(col string) string { return cellName(sheet, column(col), row) }
	var ans civicspace.Answer
	if s := get(colStatus); s != "" {
		if !slices.Contains(statuses, s) {
			r.fail(ptr+"/status", at(colStatus), "%q is not one of %s", s, strings.Join(statuses, ", "))
		}
		ans.Status = civicspace.AnswerStatus(s)
		if get(colAnswer) != "" {
			r.fail(ptr, at(colAnswer), "give an answer or %s, not both", strings.Join(statuses, " or "))
		}
	} else if v := get(colAnswer); v != "" {
		value, detail := parseValue(ind, v)
		if detail != "" {
			r.fail(ptr+"/value", at(colAnswer), "%s", detail)
		}
		ans.Value = value
	}
	ans.Comment = joinNonEmpty(get(colReason), get(colComment))
	ans.Evidence = r.evidence(ptr, get, at)
	r.a.Answers[id] = ans
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

// evidence reads the evidence cells: one source a line, the same line of
// each cell belonging together.
func (r *reader) evidence(ptr string, get func(string) string, at func(string) string) []civicspace.Evidence {
	split := func(col string) []string {
		if v := get(col); v != "" {
			return strings.Split(strings.ReplaceAll(v, "\r\n", "\n"), "\n")
		}
		return nil
	}
	titles := split(colEvTitle)
	var out []civicspace.Evidence
	for _, t := range titles {
		out = append(out, civicspace.Evidence{Title: strings.TrimSpace(t)})
	}
	for _, c := range []string{colEvURL, colEvDate, colEvExcerpt} {
		lines := split(c)
		if len(lines) > len(titles) {
			r.fail(ptr+"/evidence", at(c), "%d lines but %d evidence titles: give each source a title, one a line", len(lines), len(titles))
			continue
		}
		for i, v := range lines {
			v = strings.TrimSpace(v)
			switch c {
			case colEvURL:
				out[i].URL = v
			case colEvDate:
				out[i].Date = excelDate(v)
			case colEvExcerpt:
				out[i].Excerpt = v
			}
		}
	}
	return out
}

// excelDate turns a date Excel stored as a serial number back into
// YYYY-MM-DD; any other text is kept for Validate to judge.
func excelDate(v string) string {
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n < 1 || n > 2958465 {
		return v
	}
	t, err := excelize.ExcelDateToTime(n, false)
	if err != nil {
		return v
	}
	return t.Format(time.DateOnly)
}

// parseValue reads an answer cell as the indicator's type; detail says
// why it cannot.
func parseValue(ind *civicspace.Indicator, v string) (civicspace.Value, string) {
	switch ind.Type {
	case civicspace.TypeBoolean:
		switch strings.ToLower(v) {
		case "yes", "true", "oui", "sí", "si", "1":
			return civicspace.BoolValue(true), ""
		case "no", "false", "non", "0":
			return civicspace.BoolValue(false), ""
		}
		return civicspace.Value{}, fmt.Sprintf("%q is not one of yes, no", v)
	case civicspace.TypeChoice:
		for _, o := range ind.Options {
			if strings.EqualFold(o.ID, v) {
				return civicspace.OptionValue(o.ID), ""
			}
		}
		return civicspace.Value{}, fmt.Sprintf("%q is not one of %s", v, strings.Join(choices(ind), ", "))
	}
	n, err := strconv.ParseFloat(strings.TrimSuffix(strings.ReplaceAll(v, ",", "."), "%"), 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return civicspace.Value{}, fmt.Sprintf("%q is not a number", v)
	}
	switch ind.Type {
	case civicspace.TypeScale:
		if n != math.Trunc(n) || n < float64(ind.Scale.Min) || n > float64(ind.Scale.Max) {
			return civicspace.Value{}, fmt.Sprintf("%q is not one of %s", v, strings.Join(choices(ind), ", "))
		}
	case civicspace.TypeCount:
		if n != math.Trunc(n) || n < 0 {
			return civicspace.Value{}, fmt.Sprintf("%q is not a whole number, 0 or more", v)
		}
	case civicspace.TypePercentage:
		if n < 0 || n > 100 {
			return civicspace.Value{}, fmt.Sprintf("%q is not a percentage 0-100", v)
		}
	}
	return civicspace.NumberValue(n), ""
}

// result returns the assessment, or every cell that could not be read.
func (r *reader) result() (*civicspace.Assessment, error) {
	if len(r.problems) == 0 {
		return &r.a, nil
	}
	noun := "cells"
	if len(r.problems) == 1 {
		noun = "cell"
	}
	return nil, &civicspace.Error{Code: civicspace.EINVALID,
		Message:  fmt.Sprintf("the questionnaire has %d %s that cannot be read: nothing was imported", len(r.problems), noun),
		Problems: r.problems}
}
