package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/questionnaire"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// TestQuestionnaireImport writes a questionnaire with the command, fills
// three answers as an official would, and imports it twice: a draft with
// those answers, then unchanged; a cell that cannot be read is reported by
// sheet, row and column and imports nothing.
func TestQuestionnaireImport(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "xaa.xlsx")
	code, _, stderr := runCLI(t, "", "questionnaire", "--subject", "XAA", "--roles", "domestic", "--period", "2025",
		"--author", "Demoland Ministry of Justice (demo)", "--lang", "es", "--out", file)
	require.Equal(t, exitOK, code, stderr)

	data, err := os.ReadFile(file)
	require.NoError(t, err)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	require.NoError(t, err)
	rows, err := f.GetRows(questionnaire.SheetQuestions)
	require.NoError(t, err)
	require.Equal(t, "Respuesta", rows[0][3])
	at := map[string]int{}
	for i, r := range rows {
		at[r[0]] = i + 1
	}
	s := questionnaire.SheetQuestions
	set := func(cell string, v any) { require.NoError(t, f.SetCellValue(s, cell, v)) }
	set(fmt.Sprintf("D%d", at["ati-guarantee"]), "yes")
	set(fmt.Sprintf("G%d", at["ati-guarantee"]), "Access to Information Act (demo)")
	set(fmt.Sprintf("H%d", at["ati-guarantee"]), "https://example.org/xaa/ati")
	set(fmt.Sprintf("D%d", at["sdg-16-10-1-cases"]), 0)
	set(fmt.Sprintf("E%d", at["protest-deaths"]), "unknown")
	set(fmt.Sprintf("F%d", at["protest-deaths"]), "No register of protest deaths is kept.")
	buf, err := f.WriteToBuffer()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o644))

	db := "sqlite:" + filepath.Join(dir, "cs.db")
	code, out, stderr := runCLI(t, "", "assessments", "import", file, "--db", db)
	require.Equal(t, exitOK, code, "%s%s", out, stderr)
	require.Contains(t, out, "created    "+file+": asm_")
	code, out, _ = runCLI(t, "", "assessments", "import", dir, "--db", db)
	require.Equal(t, exitOK, code, out)
	require.Contains(t, out, "0 created, 0 updated, 1 unchanged, 0 refused")

	store, err := openStore(context.Background(), db, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	page, err := store.ListAssessments(context.Background(), civicspace.AssessmentFilter{})
	require.NoError(t, err)
	require.NoError(t, store.Close())
	require.Len(t, page.Records, 1)
	got := page.Records[0].Assessment
	require.Equal(t, civicspace.Subject{Country: "XAA"}, got.Subject)
	require.Equal(t, civicspace.KindSelf, got.Kind)
	require.Equal(t, map[string]civicspace.Answer{
		"ati-guarantee":     {Value: civicspace.OptionValue("yes"), Evidence: []civicspace.Evidence{{Title: "Access to Information Act (demo)", URL: "https://example.org/xaa/ati"}}},
		"sdg-16-10-1-cases": {Value: civicspace.NumberValue(0)},
		"protest-deaths":    {Status: civicspace.AnswerUnknown, Comment: "No register of protest deaths is kept."},
	}, got.Answers)

	set(fmt.Sprintf("D%d", at["ati-guarantee"]), "maybe")
	buf, err = f.WriteToBuffer()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o644))
	code, out, _ = runCLI(t, "", "assessments", "import", file, "--db", db)
	require.Equal(t, exitInvalid, code, out)
	require.Contains(t, out, fmt.Sprintf(`/answers/ati-guarantee/value Questions!D%d: "maybe" is not one of yes, in_progress, no`, at["ati-guarantee"]))
	require.Contains(t, out, "0 created, 0 updated, 0 unchanged, 1 refused")

	code, _, stderr = runCLI(t, "", "questionnaire", "--lang", "de")
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, `no questionnaire in "de"`)
	code, out, _ = runCLI(t, "", "questionnaire", "--format", "csv", "--roles", "host")
	require.Equal(t, exitOK, code)
	require.True(t, strings.HasPrefix(out, "\uFEFFIndicator ID"))
}
