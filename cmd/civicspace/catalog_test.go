package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// runCLI runs the command line in-process and returns its exit code and
// outputs.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCatalogExportJSON(t *testing.T) {
	code, out, stderr := runCLI(t, "", "catalog", "export", "--format", "json")
	require.Equal(t, 0, code, stderr)
	var export struct {
		Version    string            `json:"version"`
		Digest     string            `json:"digest"`
		Frameworks []json.RawMessage `json:"frameworks"`
		Indicators []json.RawMessage `json:"indicators"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &export))
	cat := civicspace.DefaultCatalog()
	require.Equal(t, cat.Version(), export.Version)
	require.Equal(t, cat.Digest(), export.Digest)
	require.Len(t, export.Frameworks, len(cat.Frameworks()))
	require.Len(t, export.Indicators, len(cat.Indicators()))
}

func TestCatalogExportCSVHasOneRowPerLink(t *testing.T) {
	code, out, stderr := runCLI(t, "", "catalog", "export", "--format", "csv")
	require.Equal(t, 0, code, stderr)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	links := 0
	for _, ind := range civicspace.DefaultCatalog().Indicators() {
		links += len(ind.Recommendations)
	}
	require.Len(t, rows, links+1)
	require.Equal(t, "framework", rows[0][0])
	require.Equal(t, "indicator", rows[0][7])
}

func TestCatalogShowAndList(t *testing.T) {
	code, out, _ := runCLI(t, "", "catalog", "show", "cndsi.r15", "--format", "json")
	require.Equal(t, 0, code)
	var rec struct {
		ID         string   `json:"id"`
		Framework  string   `json:"framework"`
		Indicators []string `json:"indicators"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rec))
	require.Equal(t, "cndsi.r15", rec.ID)
	require.Equal(t, "cndsi", rec.Framework)
	require.NotEmpty(t, rec.Indicators)

	code, _, stderr := runCLI(t, "", "catalog", "show", "nope")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, `no framework, group, recommendation or indicator "nope"`)

	// For people: the item, its text and its indicators, wrapped.
	t.Setenv("COLUMNS", "72")
	code, out, _ = runCLI(t, "", "catalog", "show", "cndsi.r15")
	require.Equal(t, 0, code)
	require.True(t, strings.HasPrefix(out, "Recommendation cndsi.r15: "), out)
	require.Contains(t, out, "Measured by:")
	for _, ind := range rec.Indicators {
		require.Contains(t, out, "  "+ind+"  ")
	}
	requireWrapped(t, out, 72)
	code, out, _ = runCLI(t, "", "catalog", "show", "foreign-agent-law")
	require.Equal(t, 0, code)
	require.Contains(t, out, "Indicator foreign-agent-law: ")
	require.Contains(t, out, "Measures:")
	requireWrapped(t, out, 72)

	code, out, _ = runCLI(t, "", "catalog", "list")
	require.Equal(t, 0, code)
	require.Contains(t, out, "cndsi.r20")
	require.Contains(t, out, "foreign-agent-law")
	requireWrapped(t, out, 72)
	code, out, _ = runCLI(t, "", "catalog", "list", "--format", "json")
	require.Equal(t, 0, code)
	var whole struct {
		Frameworks []json.RawMessage `json:"frameworks"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &whole))
	require.NotEmpty(t, whole.Frameworks)
	code, _, stderr = runCLI(t, "", "catalog", "show", "cndsi.r15", "--format", "svg")
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "use text or json")

	code, _, stderr = runCLI(t, "", "catalog", "export", "--format", "xml")
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "unknown --format")
}

// requireWrapped checks that no line is wider than width, unless it is a
// single word an indent cannot break.
func requireWrapped(t *testing.T, out string, width int) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if n := len([]rune(line)); n > width {
			require.LessOrEqual(t, len(strings.Fields(line)), 2, "line of %d runes: %q", n, line)
		}
	}
}

func TestCatalogFlagExtendsTheCatalog(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`
version: "watchdog.1"
frameworks:
  - id: mine
    title: My framework
    source: {file: mine.txt}
    groups:
      - id: mine.g
        kind: focus
        title: Mine
        recommendations:
          - {id: mine.r1, number: "1", title: Mine, text: Mine., addressees: [domestic], source: {file: mine.txt}}
indicators:
  - {id: mine-law, question: "Mine?", type: boolean, direction: higher_is_better, weight: 1, evidence_required: false, recommendations: [mine.r1, cndsi.r18]}
`), 0o644))
	code, out, stderr := runCLI(t, "", "--catalog", file, "catalog", "show", "mine-law")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "cndsi.r18")

	require.NoError(t, os.WriteFile(file, []byte("indicators:\n  - {id: bad, question: \"Bad?\", type: boolean, direction: up, weight: 1, evidence_required: false, recommendations: [cndsi.r18]}\n"), 0o644))
	code, _, stderr = runCLI(t, "", "--catalog", file, "catalog", "list")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "mine.yaml#/indicators/0/direction")
}
