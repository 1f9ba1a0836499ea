package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/civicspace/civicspace/civicspace/report"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/stretchr/testify/require"
)

// server runs the REST API on a temporary SQLite database holding the
// published and scored self-assessment of the demo country XAA for 2025
// (examples/assessments/open-xaa.json) and a shadow assessment of it that
// answers two indicators worse, and returns its URL and a watchdog's key.
func server(t *testing.T) (url, key string, changed []string) {
	t.Helper()
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "civicspace.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	cat := civicspace.DefaultCatalog()
	scorer, err := opa.NewScorer(cat)
	require.NoError(t, err)
	svc := &civicspace.Service{Catalog: cat, Countries: civicspace.DefaultCountries(), Store: st, Scorer: scorer}

	data, err := os.ReadFile("../assessments/open-xaa.json")
	require.NoError(t, err)
	self, err := civicspace.ParseAssessment(data)
	require.NoError(t, err)
	shadow, err := civicspace.ParseAssessment(data)
	require.NoError(t, err)
	shadow.Kind, shadow.Author, shadow.Title = civicspace.KindShadow, "Demoland Civic Watch (demo)", "Shadow report 2025 (demo)"
	changed = worsen(t, cat, shadow, 2)
	for _, a := range []*civicspace.Assessment{self, shadow} {
		rec, problems, err := svc.CreateAssessment(ctx, a)
		require.NoError(t, err)
		require.Empty(t, problems)
		for _, action := range []civicspace.Action{civicspace.ActionSubmit, civicspace.ActionPublish} {
			rec, _, err = svc.Transition(ctx, rec.ID, rec.Version, action, "")
			require.NoError(t, err)
		}
	}

	key, k, err := civicspace.NewAPIKey(civicspace.KeySpec{Name: "watchdog", Role: civicspace.RoleWatchdog, Organisation: "Demoland Civic Watch (demo)"}, "test", time.Now())
	require.NoError(t, err)
	require.NoError(t, st.CreateKey(ctx, k))
	srv, err := api.New(svc)
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL, key, changed
}

// worsen gives the first n answered boolean or choice indicators of a the
// answer that earns the fewest points, and returns their IDs.
func worsen(t *testing.T, cat *civicspace.Catalog, a *civicspace.Assessment, n int) []string {
	t.Helper()
	var ids []string
	for _, ind := range cat.Indicators() {
		ans, ok := a.Answers[ind.ID]
		if !ok || !ans.Answered() || ind.Type != civicspace.TypeChoice {
			continue
		}
		worst := ind.Options[0]
		for _, o := range ind.Options {
			if o.Points < worst.Points {
				worst = o
			}
		}
		if id, _ := ans.Value.Option(); id == worst.ID {
			continue
		}
		prev := ans
		ans.Value = civicspace.OptionValue(worst.ID)
		a.Answers[ind.ID] = ans
		if len(a.Validate(cat, civicspace.DefaultCountries())) > 0 {
			a.Answers[ind.ID] = prev // it would contradict another answer
			continue
		}
		if ids = append(ids, ind.ID); len(ids) == n {
			return ids
		}
	}
	t.Fatalf("fewer than %d choice answers to change", n)
	return nil
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err)
	return rows
}

func column(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	panic("no column " + name)
}

func TestPull(t *testing.T) {
	url, key, changed := server(t)
	out := filepath.Join(t.TempDir(), "report")
	var stdout bytes.Buffer
	require.NoError(t, pull(t.Context(), config{server: url + "/", key: key, period: "2025", country: "XAA", out: out}, &stdout))

	ranking := readCSV(t, filepath.Join(out, "ranking-2025.csv"))
	require.Equal(t, report.RankingCSVHeader, ranking[0])
	require.Len(t, ranking, 3, "the self and the shadow assessment, each ranked among its kind")
	h := ranking[0]
	for i, kind := range []string{"self", "shadow"} {
		row := ranking[1+i]
		require.Equal(t, []string{kind, "1", "XAA"}, []string{row[column(h, "kind")], row[column(h, "rank")], row[column(h, "country")]})
		require.NotEmpty(t, row[column(h, "score")])
	}

	gap := readCSV(t, filepath.Join(out, "gap-XAA-2025.csv"))
	h = gap[0]
	require.Equal(t, report.GapCSVHeader, h)
	rating := gap[1]
	require.Equal(t, civicspace.LevelRating, rating[column(h, "level")])
	diff, err := strconv.ParseFloat(rating[column(h, "difference")], 64)
	require.NoError(t, err)
	require.Negative(t, diff, "the shadow assessment rates lower")
	var indicators []string
	for _, row := range gap[1:] {
		if row[column(h, "level")] == civicspace.LevelIndicator && row[column(h, "measure")] == report.MeasureAnswer {
			indicators = append(indicators, row[column(h, "item_id")])
			self := row[column(h, "self_value")] + row[column(h, "self_option")] + row[column(h, "self_status")]
			shadow := row[column(h, "shadow_value")] + row[column(h, "shadow_option")] + row[column(h, "shadow_status")]
			require.NotEqual(t, self, shadow, "they answered differently")
		}
	}
	require.ElementsMatch(t, changed, indicators, "an answer row per indicator they disagree on")

	t.Logf("watchdog printed:\n%s", stdout.String())
	require.Contains(t, stdout.String(), "wrote "+filepath.Join(out, "ranking-2025.csv"))
	require.Contains(t, stdout.String(), "The shadow assessment rates XAA")
	require.Contains(t, stdout.String(), changed[0])

	// No shadow assessment of XAB: the server's problem is the error, and
	// no file is written.
	err = pull(t.Context(), config{server: url, period: "2025", country: "XAB", out: out}, &stdout)
	require.ErrorContains(t, err, "404 Not Found: no published self assessment of XAB for 2025")
	_, statErr := os.Stat(filepath.Join(out, "gap-XAB-2025.csv"))
	require.ErrorIs(t, statErr, os.ErrNotExist)

	// The shell script writes the same files.
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed: watchdog.sh not run")
	}
	shOut := filepath.Join(t.TempDir(), "sh")
	cmd := exec.Command("bash", "watchdog.sh", "-s", url, "-p", "2025", "-c", "XAA", "-o", shOut)
	cmd.Env = append(os.Environ(), "CIVICSPACE_API_KEY="+key)
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", msg)
	for _, name := range []string{"ranking-2025.csv", "gap-XAA-2025.csv"} {
		want, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(shOut, name))
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), name)
	}
	cmd = exec.Command("bash", "watchdog.sh", "-s", url, "-p", "2025", "-c", "XAB", "-o", shOut)
	msg, err = cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(msg), "answered 404")
	entries, err := os.ReadDir(shOut)
	require.NoError(t, err)
	require.Len(t, entries, 2, "no partial or temporary file left")
}
