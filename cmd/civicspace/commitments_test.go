package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
	"github.com/stretchr/testify/require"
)

// xaaCommitment is a commitment of the demo country XAA, whose published
// assessments seedCompareDB stores: one milestone long overdue, one far
// ahead.
const xaaCommitment = `{
  "subject": {"countries": ["XAA"]},
  "occasion": {"kind": "workstream", "name": "Civic Space Cohort, exile workstream", "workstream_id": "s4d-cohort.ws-3", "date": "2023-03-29"},
  "title": "Humanitarian visas for defenders",
  "text": "Demoland will open a humanitarian visa route for defenders at risk.",
  "recommendations": ["s4d-cohort.ws-3.1", "exile.a1"],
  "follow_up": "cod",
  "milestones": [
    {"id": "route-open", "title": "Open the visa route", "due": "2024-06-30"},
    {"id": "evaluation", "title": "Evaluate the route", "due": "2099-12-31"}
  ]
}`

func TestCommitmentsCommands(t *testing.T) {
	db, _ := seedCompareDB(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "commitment.json")
	require.NoError(t, os.WriteFile(file, []byte(xaaCommitment), 0o644))

	// A draft with problems is stored, its problems printed; it cannot be
	// published.
	bad := strings.Replace(xaaCommitment, `"follow_up": "cod"`, `"follow_up": "un"`, 1)
	code, out, stderr := runCLI(t, bad, "commitments", "create", "-", "--db", db)
	require.Equal(t, exitOK, code, stderr)
	badID := strings.TrimSpace(out)
	require.Contains(t, stderr, "1 problem (it cannot be published until they are fixed)")
	require.Contains(t, stderr, `/follow_up: unknown follow-up process "un"`)
	code, _, stderr = runCLI(t, "", "commitments", "publish", badID, "--db", db)
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "/follow_up")
	code, _, stderr = runCLI(t, `{"subject": 1}`, "commitments", "create", "-", "--db", db)
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "/subject")

	code, out, stderr = runCLI(t, "", "commitments", "create", file, "--db", db)
	require.Equal(t, exitOK, code, stderr)
	id := strings.TrimSpace(out)
	require.Regexp(t, `^cmt_[0-9a-z]{20}$`, id)
	code, out, stderr = runCLI(t, "", "commitments", "publish", id, "--db", db, "--note", "made at the cohort meeting")
	require.Equal(t, exitOK, code, stderr)
	require.Equal(t, "published "+id+" version 2\n", out)

	// The government reports; a report on a day to come is refused.
	govt := `{"level": "substantial", "date": "2025-01-15", "reporter": {"kind": "government", "organisation": "Ministry of Foreign Affairs"},
	  "evidence": [{"title": "Visa guidance", "url": "https://example.org/visas"}], "comment": "The route is open on paper."}`
	code, _, stderr = runCLI(t, strings.Replace(govt, "2025-01-15", "2999-01-01", 1), "commitments", "report", id, "-", "--db", db)
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "/date: 2999-01-01 is in the future")
	code, out, stderr = runCLI(t, govt, "commitments", "report", id, "-", "--db", db)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "filed report 1 on "+id+": government substantial as of 2025-01-15")
	require.Contains(t, out, "route-open  Open the visa route  due 2024-06-30  OVERDUE by")

	// An independent review disagrees.
	review := filepath.Join(dir, "review.json")
	require.NoError(t, os.WriteFile(review, []byte(`{"level": "limited", "date": "2025-02-01",
	  "reporter": {"kind": "independent", "organisation": "Civic Watch"}, "evidence": [{"title": "Interviews with applicants"}]}`), 0o644))
	code, out, stderr = runCLI(t, "", "commitments", "report", id, review, "--db", db)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "disagreement:  -1 step: the independent review by Civic Watch (2025-02-01) finds limited completion")

	t.Run("show", func(t *testing.T) {
		code, out, stderr := runCLI(t, "", "commitments", "show", id, "--db", db)
		require.Equal(t, exitOK, code, stderr)
		for _, want := range []string{
			id + "  published (version 2, published 2)",
			"follow-up:        cod (Community of Democracies)",
			"government:    substantial (2025-01-15, Ministry of Foreign Affairs, report 1)",
			"independent:   limited (2025-02-01, Civic Watch, report 2)",
			"evaluation  Evaluate the route   due 2099-12-31  not done",
			"  2  2025-02-01  independent  Civic Watch",
		} {
			require.Contains(t, out, want)
		}
		code, out, stderr = runCLI(t, "", "commitments", "show", id, "--db", db, "--format", "json")
		require.Equal(t, exitOK, code, stderr)
		var shown struct {
			Commitment civicspace.CommitmentRecord   `json:"commitment"`
			Progress   civicspace.CommitmentProgress `json:"progress"`
			Reports    []civicspace.ProgressReport   `json:"reports"`
			Problems   []civicspace.Problem          `json:"problems"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &shown))
		require.Equal(t, id, shown.Commitment.ID)
		require.Equal(t, -1, *shown.Progress.Disagreement.Steps)
		require.Equal(t, 1, shown.Progress.Overdue)
		require.Len(t, shown.Reports, 2)
		require.Empty(t, shown.Problems)

		code, _, stderr = runCLI(t, "", "commitments", "show", "cmt_00000000000000000000", "--db", db)
		require.Equal(t, exitFailure, code)
		require.Contains(t, stderr, "not found")
		code, _, _ = runCLI(t, "", "commitments", "show", id, "--db", db, "--format", "svg")
		require.Equal(t, exitInvalid, code)
	})

	t.Run("list", func(t *testing.T) {
		code, out, stderr := runCLI(t, "", "commitments", "list", "--db", db, "--country", "XAA", "--status", "published")
		require.Equal(t, exitOK, code, stderr)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		require.Len(t, lines, 2)
		require.True(t, strings.HasPrefix(lines[1], id+"  published  2"), lines[1])
		require.Contains(t, lines[1], "Humanitarian visas for defenders")
		code, out, stderr = runCLI(t, "", "commitments", "list", "--db", db, "--format", "json")
		require.Equal(t, exitOK, code, stderr)
		var recs []civicspace.CommitmentRecord
		require.NoError(t, json.Unmarshal([]byte(out), &recs))
		require.Len(t, recs, 2, "the draft with problems and the published one")
		code, out, _ = runCLI(t, "", "commitments", "list", "--db", db, "--follow-up", "ogp", "--format", "json")
		require.Equal(t, exitOK, code)
		require.Equal(t, "[]\n", out)
	})

	t.Run("summary", func(t *testing.T) {
		code, out, stderr := runCLI(t, "", "commitments", "summary", "country", "XAA", "--db", db)
		require.Equal(t, exitOK, code, stderr)
		var s civicspace.CountryCommitmentSummary
		require.NoError(t, json.Unmarshal([]byte(out), &s))
		require.Equal(t, 1, s.Counts.Commitments, "the draft is not in summaries")
		require.Equal(t, 1, s.Counts.Disagreements)
		require.Len(t, s.Overdue, 1)
		require.Equal(t, "route-open", s.Overdue[0].Milestone)
		require.Len(t, s.Recommendations, 2)
		for _, r := range s.Recommendations {
			var kinds []civicspace.Kind
			for _, l := range r.Latest {
				kinds = append(kinds, l.Kind)
				require.Equal(t, "2025", l.Period, "the latest period of each kind")
			}
			require.Equal(t, []civicspace.Kind{civicspace.KindSelf, civicspace.KindShadow}, kinds, r.ID)
		}

		csvFile := filepath.Join(dir, "xaa.csv")
		code, out, stderr = runCLI(t, "", "commitments", "summary", "country", "XAA", "--db", db, "--out", csvFile)
		require.Equal(t, exitOK, code, stderr)
		require.Empty(t, out)
		data, err := os.ReadFile(csvFile)
		require.NoError(t, err)
		rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
		require.NoError(t, err)
		require.Equal(t, report.CommitmentsCSVHeader, rows[0])
		require.Len(t, rows, 1+1+1+4, "the commitment, its overdue milestone, two recommendations in two kinds")

		code, out, stderr = runCLI(t, "", "commitments", "summary", "workstreams", "--db", db)
		require.Equal(t, exitOK, code, stderr)
		var ws civicspace.WorkstreamCommitmentSummary
		require.NoError(t, json.Unmarshal([]byte(out), &ws))
		require.Len(t, ws.Workstreams, 6)
		require.Equal(t, 1, ws.Workstreams[2].Counts.Commitments)
		code, out, stderr = runCLI(t, "", "commitments", "summary", "follow-up", "--db", db, "--format", "csv")
		require.Equal(t, exitOK, code, stderr)
		require.Contains(t, out, "follow_up,cod,Community of Democracies,commitment,"+id)

		for _, args := range [][]string{{"country"}, {"regions"}, {"workstreams", "extra"}} {
			code, _, _ := runCLI(t, "", append([]string{"commitments", "summary", "--db", db}, args...)...)
			require.Equal(t, exitInvalid, code, "%v", args)
		}
		code, _, _ = runCLI(t, "", "commitments", "summary", "workstreams", "--db", db, "--format", "svg")
		require.Equal(t, exitInvalid, code)
		code, _, stderr = runCLI(t, "", "commitments", "summary", "country", "NOQ", "--db", db)
		require.Equal(t, exitInvalid, code)
		require.Contains(t, stderr, `unknown country code "NOQ"`)
	})
}
