package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/civicspace/civicspace/civicspace/report"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/stretchr/testify/require"
)

// seedCompareDB publishes the example assessments, scored by the built-in
// policy, into a new SQLite file, with a shadow assessment of XAA for 2025
// and a self-assessment of XAA for 2024 made from the open example. It
// returns the --db value and the ID of XAA's 2025 self-assessment.
func seedCompareDB(t *testing.T) (string, string) {
	t.Helper()
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	path := filepath.Join(t.TempDir(), "compare.db")
	st, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer st.Close()
	cat := civicspace.DefaultCatalog()
	scorer, err := opa.NewScorer(cat)
	require.NoError(t, err)
	svc := &civicspace.Service{Catalog: cat, Countries: civicspace.DefaultCountries(), Store: st, Scorer: scorer}

	load := func(name string) *civicspace.Assessment {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", "assessments", name))
		require.NoError(t, err)
		a, err := civicspace.ParseAssessment(data)
		require.NoError(t, err)
		return a
	}
	publish := func(a *civicspace.Assessment) string {
		rec, problems, err := svc.CreateAssessment(ctx, a)
		require.NoError(t, err)
		require.Empty(t, problems)
		for _, action := range []civicspace.Action{civicspace.ActionSubmit, civicspace.ActionPublish} {
			rec, _, err = svc.Transition(ctx, rec.ID, rec.Version, action, "")
			require.NoError(t, err)
		}
		return rec.ID
	}
	selfID := publish(load("open-xaa.json"))
	publish(load("restrictive-xab.json"))
	publish(load("host-donor-xac.json"))

	// A watchdog disagrees with XAA's government on two answers.
	shadow := load("open-xaa.json")
	shadow.Kind, shadow.Author = civicspace.KindShadow, "Demoland Watch (demo)"
	changed := 0
	for id, ans := range shadow.Answers {
		ind, _ := cat.Indicator(id)
		if ind.Type == civicspace.TypeBoolean && ans.Answered() && changed < 2 {
			if b, _ := ans.Value.Bool(); b == (ind.Direction == civicspace.HigherIsBetter) {
				ans.Value = civicspace.BoolValue(!b)
				shadow.Answers[id] = ans
				changed++
			}
		}
	}
	require.Equal(t, 2, changed)
	publish(shadow)
	earlier := load("open-xaa.json")
	earlier.Period = civicspace.MustPeriod("2024")
	publish(earlier)
	return "sqlite:" + path, selfID
}

func TestCompareCommands(t *testing.T) {
	db, selfID := seedCompareDB(t)
	dir := t.TempDir()

	t.Run("ranking json", func(t *testing.T) {
		code, out, stderr := runCLI(t, "", "compare", "ranking", "--db", db, "--period", "2025", "--kind", "self")
		require.Equal(t, 0, code, stderr)
		var r civicspace.RankingResult
		require.NoError(t, json.Unmarshal([]byte(out), &r))
		require.Equal(t, "2025", r.Period)
		require.Len(t, r.Rows, 1)
		require.Equal(t, "XAA", r.Rows[0].Country)
		require.NotNil(t, r.Rows[0].Score)
	})

	t.Run("ranking csv of every kind", func(t *testing.T) {
		code, out, stderr := runCLI(t, "", "compare", "ranking", "--db", db, "--period", "2025", "--format", "csv")
		require.Equal(t, 0, code, stderr)
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		require.NoError(t, err)
		require.Equal(t, report.RankingCSVHeader, rows[0])
		// XAA self, XAA shadow and XAB shadow: XAB's period is written as
		// the date range that covers 2025, the same period.
		require.Len(t, rows, 4)
		require.Equal(t, []string{"XAA", "XAA", "XAB"}, []string{rows[1][5], rows[2][5], rows[3][5]})
	})

	t.Run("ranking csv with a byte-order mark", func(t *testing.T) {
		code, out, stderr := runCLI(t, "", "compare", "ranking", "--db", db, "--period", "2025", "--format", "csv", "--bom")
		require.Equal(t, 0, code, stderr)
		require.True(t, strings.HasPrefix(out, report.BOM+"target_level,"), "%q", out[:20])
		code, out, stderr = runCLI(t, "", "compare", "ranking", "--db", db, "--period", "2025", "--bom")
		require.Equal(t, 0, code, stderr)
		require.True(t, strings.HasPrefix(out, "{"), "JSON has no mark")
	})

	t.Run("ranking svg to a file, format from the extension", func(t *testing.T) {
		out := filepath.Join(dir, "ranking.svg")
		code, stdout, stderr := runCLI(t, "", "compare", "ranking", "--db", db, "--framework", "sdg", "--out", out)
		require.Equal(t, 0, code, stderr)
		require.Empty(t, stdout)
		svg, err := os.ReadFile(out)
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(string(svg), "<svg"))
		require.Contains(t, string(svg), "<title id=\"ranking-title\">Ranking on")
	})

	t.Run("trend", func(t *testing.T) {
		code, out, stderr := runCLI(t, "", "compare", "trend", "XAA", "--db", db, "--kind", "self")
		require.Equal(t, 0, code, stderr)
		var tr civicspace.TrendResult
		require.NoError(t, json.Unmarshal([]byte(out), &tr))
		require.Len(t, tr.Series, 1)
		require.Len(t, tr.Series[0].Periods, 2)
		require.Equal(t, civicspace.LevelRating, tr.Series[0].Items[0].Level)
		require.Equal(t, 0.0, *tr.Series[0].Items[0].Points[1].Change, "the same answers in both years")
	})

	t.Run("regions sdmx", func(t *testing.T) {
		code, out, stderr := runCLI(t, "", "compare", "regions", "--db", db, "--period", "2025", "--format", "sdmx")
		require.Equal(t, 0, code, stderr)
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		require.NoError(t, err)
		require.Equal(t, report.SDMXHeader, rows[0])
		require.Equal(t, []string{"dataflow", report.Dataflow, "I", "A", "001", "SELF", "_T", "COUNT", "2025", "1", "NUMBER", "A", ""}, rows[1])

		code, out, stderr = runCLI(t, "", "compare", "regions", "--db", db, "--period", "2025", "--format", "sdmx-1.0")
		require.Equal(t, 0, code, stderr)
		rows, err = csv.NewReader(strings.NewReader(out)).ReadAll()
		require.NoError(t, err)
		require.Equal(t, report.SDMX1Header, rows[0])
		require.Equal(t, []string{report.Dataflow, "A", "001", "SELF", "_T", "COUNT", "2025", "1", "NUMBER", "A", ""}, rows[1])
	})

	t.Run("gap", func(t *testing.T) {
		code, out, stderr := runCLI(t, "", "compare", "gap", "XAA", "2025", "--db", db)
		require.Equal(t, 0, code, stderr)
		var g civicspace.GapResult
		require.NoError(t, json.Unmarshal([]byte(out), &g))
		require.Equal(t, 2, g.Summary.ShadowLower, "the two answers the watchdog changed")
		require.Len(t, g.Indicators, 2)
		require.Less(t, *g.Rating.Difference, 0.0)
		require.Contains(t, g.Headline, "The shadow assessment rates XAA")
	})

	t.Run("scorecard from the store and from a result file", func(t *testing.T) {
		code, out, stderr := runCLI(t, "", "compare", "scorecard", selfID, "--db", db)
		require.Equal(t, 0, code, stderr)
		require.Contains(t, out, "Civic space scorecard: XAA (demo subject), 2025")

		code, result, stderr := runCLI(t, "", "score", filepath.Join("..", "..", "examples", "assessments", "restrictive-xab.json"))
		require.Equal(t, 0, code, stderr)
		code, out, stderr = runCLI(t, result, "compare", "scorecard", "--result", "-")
		require.Equal(t, 0, code, stderr)
		require.Contains(t, out, "Civic space scorecard: XAB (demo subject), 2025-01-01/2025-12-31")
		require.Contains(t, out, "Red flags")
	})

	t.Run("errors", func(t *testing.T) {
		tests := []struct {
			args []string
			code int
			want string
		}{
			{[]string{"compare", "ranking", "--db", db, "--format", "xlsx"}, exitInvalid, `unknown format "xlsx"`},
			{[]string{"compare", "ranking", "--db", db, "--framework", "nope"}, exitInvalid, `unknown framework "nope"`},
			{[]string{"compare", "regions", "--db", db, "--format", "svg"}, exitInvalid, "format svg is not available here"},
			{[]string{"compare", "gap", "XAB", "2025", "--db", db}, exitFailure, "no published self assessment of XAB for 2025"},
			{[]string{"compare", "scorecard", "--db", db}, exitInvalid, "give either an assessment ID or --result FILE"},
			{[]string{"compare", "scorecard", "no-such-id", "--db", db}, exitFailure, "no-such-id"},
			{[]string{"compare", "trend", "XAA", "--db", "mysql://x"}, exitInvalid, "unknown kind of database"},
		}
		for _, tt := range tests {
			code, _, stderr := runCLI(t, "", tt.args...)
			require.Equal(t, tt.code, code, "%v: %s", tt.args, stderr)
			require.Contains(t, stderr, tt.want, "%v", tt.args)
		}
	})
}
