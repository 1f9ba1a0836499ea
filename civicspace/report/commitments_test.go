package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
	"github.com/stretchr/testify/require"
)

// loadCommitments reads one of the commitment package's golden summaries,
// so that the CSV is tested on exactly what the summaries produce.
func loadCommitments[T any](t testing.TB, name string) *T {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "commitments", name+".golden.json"))
	require.NoError(t, err)
	var v T
	require.NoError(t, json.Unmarshal(data, &v))
	return &v
}

func TestCommitmentSummaryCSV(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"country-nor", loadCommitments[civicspace.CountryCommitmentSummary](t, "country-nor")},
		{"country-ken", loadCommitments[civicspace.CountryCommitmentSummary](t, "country-ken")},
		{"workstreams", loadCommitments[civicspace.WorkstreamCommitmentSummary](t, "workstreams")},
		{"follow-up", loadCommitments[civicspace.FollowUpCommitmentSummary](t, "follow-up")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, report.WriteCommitmentSummary(&b, report.CSV, tc.v))
			readCSV(t, b.Bytes(), report.CommitmentsCSVHeader)
			golden(t, "commitments-"+tc.name+".golden.csv", b.Bytes())
		})
	}
}

func TestCountryCommitmentsCSVRows(t *testing.T) {
	s := loadCommitments[civicspace.CountryCommitmentSummary](t, "country-nor")
	var b bytes.Buffer
	require.NoError(t, report.CountryCommitmentsCSV(&b, s))
	rows := readCSV(t, b.Bytes(), report.CommitmentsCSVHeader)
	col := func(row []string, name string) string { return row[column(report.CommitmentsCSVHeader, name)] }
	counts := map[string]int{}
	for _, r := range rows {
		counts[col(r, "record")]++
		require.Equal(t, "country", col(r, "scope"))
		require.Equal(t, "NOR", col(r, "scope_id"))
	}
	require.Equal(t, map[string]int{report.RecordCommitment: 4, report.RecordOverdueMilestone: 2, report.RecordRecommendation: 7}, counts,
		"4 commitments, 2 overdue milestones, co.ws-1.1 in two kinds and 5 recommendations in one or none")

	c1 := rows[0]
	require.Equal(t, "cmt_c1", col(c1, "id"))
	require.Equal(t, "limited", col(c1, "government"))
	require.Equal(t, "not_started", col(c1, "independent"))
	require.Equal(t, "-1", col(c1, "level_gap"), "a negative number stays a number")
	c2 := rows[1]
	require.Equal(t, "NOR CZE SWE", col(c2, "countries"))
	require.Equal(t, "2", col(c2, "milestones_done"))
	c4 := rows[2]
	require.Equal(t, "", col(c4, "level_gap"), "no government report, no gap")
	overdue := rows[4]
	require.Equal(t, []string{"overdue_milestone", "permits", "cmt_c5", "2024-09-30", "152"},
		[]string{col(overdue, "record"), col(overdue, "id"), col(overdue, "commitments"), col(overdue, "due"), col(overdue, "days_overdue")})
	rec := rows[6]
	require.Equal(t, []string{"recommendation", "co.ws-1.1", "cmt_c1", "self", "2025", "partially_met", "60", "asm_nor25", "3"},
		[]string{col(rec, "record"), col(rec, "id"), col(rec, "commitments"), col(rec, "kind"), col(rec, "period"), col(rec, "status"), col(rec, "score"), col(rec, "assessment_id"), col(rec, "assessment_version")})
}

// TestCommitmentsCSVNeutralisesText checks that words users typed (a
// title, an occasion, a milestone) cannot run as spreadsheet formulas.
func TestCommitmentsCSVNeutralisesText(t *testing.T) {
	s := loadCommitments[civicspace.CountryCommitmentSummary](t, "country-nor")
	s.Commitments[0].Title = "=HYPERLINK(\"http://evil.example\",\"click\")"
	s.Commitments[0].Occasion.Name = "+1 summit"
	s.Overdue[0].Title = "@SUM(A1:A9)"
	s.Recommendations[0].Title = "-2 steps"
	var b bytes.Buffer
	require.NoError(t, report.CountryCommitmentsCSV(&b, s))
	rows := readCSV(t, b.Bytes(), report.CommitmentsCSVHeader)
	col := func(row []string, name string) string { return row[column(report.CommitmentsCSVHeader, name)] }
	require.Equal(t, "'=HYPERLINK(\"http://evil.example\",\"click\")", col(rows[0], "title"))
	require.Equal(t, "'+1 summit", col(rows[0], "occasion"))
	require.Equal(t, "'@SUM(A1:A9)", col(rows[4], "title"))
	require.Equal(t, "'-2 steps", col(rows[6], "title"))
}

func TestWriteCommitmentSummaryFormats(t *testing.T) {
	s := loadCommitments[civicspace.WorkstreamCommitmentSummary](t, "workstreams")
	var b bytes.Buffer
	require.NoError(t, report.WriteCommitmentSummary(&b, report.JSON, s))
	var back civicspace.WorkstreamCommitmentSummary
	require.NoError(t, json.Unmarshal(b.Bytes(), &back))
	require.Equal(t, *s, back)
	for _, f := range []report.Format{report.SDMX, report.SVG} {
		err := report.WriteCommitmentSummary(&b, f, s)
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err), "format %s", f)
	}
	err := report.WriteCommitmentSummary(&b, report.CSV, &civicspace.GapResult{})
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	err = report.WriteCommitmentSummary(&b, report.JSON, "not a summary")
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
}
