package questionnaire_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/questionnaire"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

func example(t *testing.T, name string) *civicspace.Assessment {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "assessments", name))
	require.NoError(t, err)
	a, err := civicspace.ParseAssessment(data)
	require.NoError(t, err)
	return a
}

func optionsFor(a *civicspace.Assessment) questionnaire.Options {
	return questionnaire.Options{Subject: a.Subject, Roles: a.Roles}
}

// fillCells are the cells of one answer as an official would type them.
func fillCells(ans civicspace.Answer) map[string]any {
	cells := map[string]any{}
	if ans.Status != "" {
		cells["status"] = string(ans.Status)
		cells["reason"] = ans.Comment
	} else {
		switch v := ans.Value.Interface().(type) {
		case bool:
			cells["answer"] = map[bool]string{true: "yes", false: "no"}[v]
		case float64:
			cells["answer"] = v // typed as a number
		case string:
			cells["answer"] = v
		}
		cells["comment"] = ans.Comment
	}
	var titles, urls, dates, excerpts []string
	for _, e := range ans.Evidence {
		titles, urls, dates, excerpts = append(titles, e.Title), append(urls, e.URL), append(dates, e.Date), append(excerpts, e.Excerpt)
	}
	join := func(s []string) string { return strings.TrimRight(strings.Join(s, "\n"), "\n") }
	cells["evidence_title"], cells["evidence_url"], cells["evidence_date"], cells["evidence_excerpt"] = join(titles), join(urls), join(dates), join(excerpts)
	return cells
}

// answerColumns are the letters of the columns filled in, as the sheet
// lays them out (checked against its header below).
var answerColumns = map[string]string{"answer": "D", "status": "E", "reason": "F", "evidence_title": "G",
	"evidence_url": "H", "evidence_date": "I", "evidence_excerpt": "J", "comment": "K"}

// fillXLSX fills a written questionnaire from a, finding each
// indicator's row by the hidden ID column.
func fillXLSX(t *testing.T, data []byte, a *civicspace.Assessment) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer f.Close()
	header, err := f.GetRows(questionnaire.SheetQuestions)
	require.NoError(t, err)
	require.Equal(t, "Answer", header[0][3])
	require.Equal(t, "Comment", header[0][10])
	rows := map[string]int{}
	for i, row := range header[1:] {
		rows[row[0]] = i + 2
	}
	for id, ans := range a.Answers {
		row, ok := rows[id]
		require.True(t, ok, "indicator %s answered by the example is not asked of roles %v", id, a.Roles)
		for col, v := range fillCells(ans) {
			if v != "" {
				require.NoError(t, f.SetCellValue(questionnaire.SheetQuestions, fmt.Sprintf("%s%d", answerColumns[col], row), v))
			}
		}
	}
	roles := make([]string, len(a.Roles))
	for i, r := range a.Roles {
		roles[i] = string(r)
	}
	for i, v := range []string{a.Subject.Key(), strings.Join(roles, ","), a.Period.String(), string(a.Kind), a.Author, a.Title} {
		require.NoError(t, f.SetCellStr(questionnaire.SheetAssessment, fmt.Sprintf("C%d", i+1), v))
	}
	buf, err := f.WriteToBuffer()
	require.NoError(t, err)
	return buf.Bytes()
}

// TestXLSXRoundTrip writes the questionnaire for each example's subject
// and roles, fills it from the example, reads it back and compares.
func TestXLSXRoundTrip(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	for _, name := range []string{"open-xaa.json", "restrictive-xab.json", "host-donor-xac.json"} {
		t.Run(name, func(t *testing.T) {
			want := example(t, name)
			var buf bytes.Buffer
			require.NoError(t, questionnaire.WriteXLSX(&buf, cat, optionsFor(want)))
			filled := fillXLSX(t, buf.Bytes(), want)
			got, err := questionnaire.Read(cat, filled, "filled.xlsx")
			require.NoError(t, err, "%v", civicspace.ErrorProblems(err))
			require.Equal(t, want.Answers, got.Answers)
			got.Answers, want.Answers = nil, nil
			require.Equal(t, want, got)
		})
	}
}

// TestXLSXSheet checks what an official sees: the drop-down lists, the
// hidden ID column, the protection, the languages.
func TestXLSXSheet(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	var buf bytes.Buffer
	o := questionnaire.Options{Lang: "fr", Subject: civicspace.Subject{Country: "XAA"}, Roles: []civicspace.Role{civicspace.RoleDomestic}}
	require.NoError(t, questionnaire.WriteXLSX(&buf, cat, o))
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	require.Equal(t, []string{"Instructions", "Assessment", "Questions"}, f.GetSheetList())
	visible, err := f.GetColVisible(questionnaire.SheetQuestions, "A")
	require.NoError(t, err)
	require.False(t, visible, "the indicator IDs are hidden")
	rows, err := f.GetRows(questionnaire.SheetQuestions)
	require.NoError(t, err)
	require.Equal(t, "Réponse", rows[0][3])
	note, err := f.GetCellValue(questionnaire.SheetInstructions, "A7")
	require.NoError(t, err)
	require.Contains(t, note, "traduction non officielle")
	dvs, err := f.GetDataValidations(questionnaire.SheetQuestions)
	require.NoError(t, err)
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[dv.Sqref] = dv.Formula1
	}
	for i, row := range rows[1:] {
		if row[0] == "ati-guarantee" {
			require.Contains(t, lists[fmt.Sprintf("D%d", i+2)], "yes,in_progress,no")
		}
	}
	require.Contains(t, lists[fmt.Sprintf("E2:E%d", len(rows))], "not_applicable,unknown")

	// Only the domestic role's questions: an indicator left out measures
	// no recommendation addressed to a state at home.
	ids := map[string]bool{}
	for _, row := range rows[1:] {
		ids[row[0]] = true
	}
	require.Contains(t, ids, "ati-guarantee")
	var left []string
	for _, ind := range cat.Indicators() {
		if ids[ind.ID] {
			continue
		}
		left = append(left, ind.ID)
		for _, r := range cat.RecommendationsFor(ind.ID) {
			require.False(t, r.AppliesTo(o.Roles), "%s measures %s, addressed to %v", ind.ID, r.ID, r.Addressees)
		}
	}
	require.NotEmpty(t, left, "some questions are not asked of a state at home")

	// The French catalog text, where there is one.
	ind, _ := cat.Localized("fr").Indicator("ati-guarantee")
	for _, row := range rows[1:] {
		if row[0] == "ati-guarantee" {
			require.Equal(t, ind.Question, row[2])
		}
	}
}

// TestCellErrors: every cell that cannot be read is reported with its
// sheet, row and column, and nothing is read.
func TestCellErrors(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	a := example(t, "open-xaa.json")
	var buf bytes.Buffer
	require.NoError(t, questionnaire.WriteXLSX(&buf, cat, optionsFor(a)))
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	rows, err := f.GetRows(questionnaire.SheetQuestions)
	require.NoError(t, err)
	row := func(id string) int {
		i := slices.IndexFunc(rows, func(r []string) bool { return r[0] == id })
		require.Positive(t, i, id)
		return i + 1
	}
	s := questionnaire.SheetQuestions
	require.NoError(t, f.SetCellStr(s, fmt.Sprintf("D%d", row("ati-guarantee")), "maybe"))
	require.NoError(t, f.SetCellStr(s, fmt.Sprintf("D%d", row("sdg-16-10-1-cases")), "-2"))
	require.NoError(t, f.SetCellStr(s, fmt.Sprintf("E%d", row("sdg-16-10-2-adoption")), "n/a"))
	require.NoError(t, f.SetCellStr(questionnaire.SheetAssessment, "C3", "last year"))
	filled, err := f.WriteToBuffer()
	require.NoError(t, err)
	require.NoError(t, f.Close())

	_, err = questionnaire.Read(cat, filled.Bytes(), "q.xlsx")
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	var details []string
	for _, p := range civicspace.ErrorProblems(err) {
		details = append(details, p.Pointer+" "+p.Detail)
	}
	require.ElementsMatch(t, []string{
		fmt.Sprintf(`/answers/ati-guarantee/value Questions!D%d: "maybe" is not one of yes, in_progress, no`, row("ati-guarantee")),
		fmt.Sprintf(`/answers/sdg-16-10-1-cases/value Questions!D%d: "-2" is not a whole number, 0 or more`, row("sdg-16-10-1-cases")),
		fmt.Sprintf(`/answers/sdg-16-10-2-adoption/status Questions!E%d: "n/a" is not one of not_applicable, unknown`, row("sdg-16-10-2-adoption")),
		`/period Assessment!C3: period "last year" is neither a year (2025) nor a date range (2025-01-01/2025-12-31)`,
	}, details)
}

// TestCSVRoundTrip: the CSV questionnaire, filled as a spreadsheet would
// save it, reads back to the example's answers.
func TestCSVRoundTrip(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	want := example(t, "restrictive-xab.json")
	var buf bytes.Buffer
	require.NoError(t, questionnaire.WriteCSV(&buf, cat, optionsFor(want)))
	require.True(t, bytes.HasPrefix(buf.Bytes(), []byte("\uFEFF")))
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
	require.NoError(t, err)
	fieldValues := map[string]string{"@period": want.Period.String(), "@author": want.Author, "@kind": string(want.Kind), "@title": want.Title}
	for _, row := range rows[1:] {
		if v, ok := fieldValues[row[0]]; ok {
			row[3] = v
		}
		ans, ok := want.Answers[row[0]]
		if !ok {
			continue
		}
		for col, v := range fillCells(ans) {
			idx := int(answerColumns[col][0] - 'A')
			row[idx] = fmt.Sprint(v)
		}
	}
	var out bytes.Buffer
	require.NoError(t, csv.NewWriter(&out).WriteAll(rows))
	got, err := questionnaire.Read(cat, out.Bytes(), "filled.csv")
	require.NoError(t, err, "%v", civicspace.ErrorProblems(err))
	require.Equal(t, want.Answers, got.Answers)
	require.Equal(t, want.Roles, got.Roles)
	require.Equal(t, want.Subject, got.Subject)
}
