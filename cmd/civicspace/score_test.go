package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

const (
	exampleOpen        = "../../examples/assessments/open-xaa.json"
	exampleRestrictive = "../../examples/assessments/restrictive-xab.json"
	exampleHostDonor   = "../../examples/assessments/host-donor-xac.json"
)

// invalidAssessment breaks several rules at once.
const invalidAssessment = `{
  "subject": {"country": "BBB"},
  "roles": ["domestic", "pirate"],
  "period": "2025-12-31/2025-01-01",
  "kind": "self",
  "author": "Ministry",
  "answers": {
    "foreign-agent-law": {"value": 3},
    "no-such-indicator": {"value": true}
  }
}`

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

func TestValidateExamples(t *testing.T) {
	code, out, stderr := runCLI(t, "", "validate", exampleOpen, exampleRestrictive, exampleHostDonor)
	require.Equal(t, exitOK, code, stderr)
	require.Equal(t, exampleOpen+": valid\n"+exampleRestrictive+": valid\n"+exampleHostDonor+": valid\n", out)
}

func TestValidateListsEveryProblemWithItsPointer(t *testing.T) {
	bad := writeTemp(t, "bad.json", invalidAssessment)
	code, out, _ := runCLI(t, "", "validate", exampleOpen, bad)
	require.Equal(t, exitInvalid, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Equal(t, exampleOpen+": valid", lines[0])
	require.Equal(t, bad+": invalid (6 problems)", lines[1])
	for i, ptr := range []string{"/answers/foreign-agent-law/evidence", "/answers/foreign-agent-law/value", "/answers/no-such-indicator", "/period", "/roles/1", "/subject/country"} {
		require.True(t, strings.HasPrefix(lines[2+i], "  "+ptr+": "), "line %q should start with pointer %s", lines[2+i], ptr)
	}
	require.Contains(t, out, "period is reversed")

	code, out, _ = runCLI(t, "", "validate", "--format", "json", bad)
	require.Equal(t, exitInvalid, code)
	var reports []struct {
		File     string               `json:"file"`
		Valid    bool                 `json:"valid"`
		Problems []civicspace.Problem `json:"problems"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &reports))
	require.Len(t, reports, 1)
	require.False(t, reports[0].Valid)
	require.Len(t, reports[0].Problems, 6)
	require.Equal(t, "/answers/foreign-agent-law/evidence", reports[0].Problems[0].Pointer)
}

func TestValidateStdinAndBrokenJSON(t *testing.T) {
	code, out, _ := runCLI(t, `{"subject": {"country": "XAA"}, "roles": ["domestic"], "period": "2025", "kind": "self", "author": "A", "answers": {}}`, "validate", "-")
	require.Equal(t, exitOK, code)
	require.Equal(t, "<stdin>: valid\n", out)

	code, out, _ = runCLI(t, `{"subject": {"country": "XAA"}, "roles": "domestic"}`, "validate", "-")
	require.Equal(t, exitInvalid, code)
	require.Contains(t, out, "<stdin>: invalid (1 problem)")
	require.Contains(t, out, "/roles: ")

	code, _, stderr := runCLI(t, "{}", "validate", "-", "-")
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "only once")

	code, _, stderr = runCLI(t, "", "validate", filepath.Join(t.TempDir(), "missing.json"))
	require.Equal(t, exitFailure, code)
	require.Contains(t, stderr, "missing.json")
}

func TestScoreOneFileIsAResultObject(t *testing.T) {
	code, out, stderr := runCLI(t, "", "score", exampleOpen)
	require.Equal(t, exitOK, code, stderr)
	var r civicspace.Result
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, "XAA", r.Subject.Country)
	require.Equal(t, civicspace.BandOpen, r.Rating.Band)
	require.NotEmpty(t, r.Frameworks)
	require.NotEmpty(t, r.Recommendations)
	require.Equal(t, civicspace.DefaultCatalog().Digest(), r.Provenance.CatalogDigest)
	require.Equal(t, "civicspace-default", r.Provenance.PolicyName)

	// The same through standard input, byte for byte.
	doc, err := os.ReadFile(exampleOpen)
	require.NoError(t, err)
	code, fromStdin, _ := runCLI(t, string(doc), "score", "-")
	require.Equal(t, exitOK, code)
	require.Equal(t, out, fromStdin)
}

func TestScoreSeveralFilesIsAnArrayInOrder(t *testing.T) {
	code, out, stderr := runCLI(t, "", "score", exampleRestrictive, exampleOpen, exampleHostDonor)
	require.Equal(t, exitOK, code, stderr)
	var rs []civicspace.Result
	require.NoError(t, json.Unmarshal([]byte(out), &rs))
	require.Len(t, rs, 3)
	require.Equal(t, []string{"XAB", "XAA", "XAC"}, []string{rs[0].Subject.Country, rs[1].Subject.Country, rs[2].Subject.Country})
	require.Less(t, *rs[0].Rating.Score, *rs[1].Rating.Score)
}

func TestScoreRefusesInvalidInputWithoutScoring(t *testing.T) {
	bad := writeTemp(t, "bad.json", invalidAssessment)
	code, out, stderr := runCLI(t, "", "score", exampleOpen, bad)
	require.Equal(t, exitInvalid, code)
	require.Empty(t, out, "nothing is scored when any input is invalid")
	require.Contains(t, stderr, bad+": /roles/1: ")
	require.Contains(t, stderr, bad+": /subject/country: ")
	require.Contains(t, stderr, "1 assessment invalid: nothing scored")
}

func TestScoreTable(t *testing.T) {
	code, out, stderr := runCLI(t, "", "score", "--format", "table", exampleRestrictive, exampleOpen)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "== "+exampleRestrictive+": XAB, 2025-01-01/2025-12-31, shadow assessment, roles domestic")
	require.Contains(t, out, "== "+exampleOpen+": XAA")
	require.Regexp(t, `RATING\s+repressed\s+score 30\s`, out)
	require.Regexp(t, `CAP\s+30\s+foreign-agent-law-in-force\s+applied`, out)
	require.Regexp(t, `(?m)^FINDINGS \(10 of \d+, red flags first, then costliest\)`, out)
	require.Contains(t, out, "PROVENANCE")

	code, _, stderr = runCLI(t, "", "score", "--format", "yaml", exampleOpen)
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, `unknown --format "yaml"`)
}

func TestScoreWithPolicyDirectory(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "civicspace", "policy"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "civicspace", "policy", "data.yaml"), []byte("name: strict-watch\nbands: {open: 95}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "extra.rego"), []byte(`package civicspace.extra

red_flags contains {"id": "watch.any-killing", "title": "Any killing", "cap": 50} if input.answers["hrd-killings"] >= 0
`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("ignored"), 0o644))

	code, out, stderr := runCLI(t, "", "score", "--policy", dir, exampleOpen)
	require.Equal(t, exitOK, code, stderr)
	var r civicspace.Result
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, "strict-watch", r.Provenance.PolicyName)
	require.Equal(t, 50.0, *r.Rating.Score)
	require.Equal(t, "watch.any-killing", r.Rating.Caps[0].RedFlag)
	require.Equal(t, civicspace.BandObstructed, r.Rating.Band)

	_, def, _ := runCLI(t, "", "score", exampleOpen)
	var d civicspace.Result
	require.NoError(t, json.Unmarshal([]byte(def), &d))
	require.NotEqual(t, d.Provenance.PolicyDigest, r.Provenance.PolicyDigest)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "extra.rego"), []byte("package civicspace.extra\n\nred_flags contains x if {\n\tx := http.send({\"method\": \"GET\", \"url\": \"https://example.org\"})\n}\n"), 0o644))
	code, out, stderr = runCLI(t, "", "score", "--policy", dir, exampleOpen)
	require.Equal(t, exitFailure, code)
	require.Empty(t, out)
	require.Contains(t, stderr, "extra.rego:4")
	require.Contains(t, stderr, "http.send")

	code, _, stderr = runCLI(t, "", "score", "--policy", filepath.Join(dir, "nope"), exampleOpen)
	require.Equal(t, exitFailure, code)
	require.Contains(t, stderr, "policy directory")
}
