package opa_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

const examplesDir = "../../examples/assessments"

// TestExamplesGolden scores the example assessments with the built-in
// catalog and policy and compares the encoded results with
// testdata/*.golden.json (rewrite them with -update).
func TestExamplesGolden(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	s := newScorer(t, cat)
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.json"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 3)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			a := readExample(t, file)
			require.Empty(t, a.Validate(cat, civicspace.DefaultCountries()))
			got := encodeResult(t, score(t, s, a))
			golden := filepath.Join("testdata", name+".golden.json")
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test -run TestExamplesGolden -update")
			require.Equal(t, string(want), string(got), "result differs from %s (run with -update after checking the change)", golden)
		})
	}
}

// TestExamplesTellTheirStory checks what the README tour says about each
// example, independently of the exact numbers.
func TestExamplesTellTheirStory(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	s := newScorer(t, cat)

	open := readExample(t, filepath.Join(examplesDir, "open-xaa.json"))
	for _, ind := range cat.Indicators() {
		if !ind.Asks(open.Roles) {
			continue
		}
		ans, ok := open.Answers[ind.ID]
		require.True(t, ok && ans.Answered(), "open-xaa.json must answer %s with a value: it is the full assessment of the benchmarks", ind.ID)
	}
	r := score(t, s, open)
	require.Equal(t, civicspace.BandOpen, r.Rating.Band)
	require.Equal(t, 1.0, r.Rating.Coverage)
	require.Empty(t, r.Rating.Caps)

	restrictive := score(t, s, readExample(t, filepath.Join(examplesDir, "restrictive-xab.json")))
	require.NotEqual(t, civicspace.BandOpen, restrictive.Rating.Band)
	applied := 0
	for _, c := range restrictive.Rating.Caps {
		if c.Applied {
			applied++
		}
	}
	require.Positive(t, applied, "the restrictive example shows a red flag capping the rating")
	require.Less(t, *restrictive.Rating.Score, *restrictive.Rating.Uncapped)
	hasUnknown := false
	for _, f := range restrictive.Findings {
		hasUnknown = hasUnknown || f.Answer == "unknown"
	}
	require.True(t, hasUnknown, "the restrictive example shows unknown answers as findings")

	host := readExample(t, filepath.Join(examplesDir, "host-donor-xac.json"))
	require.ElementsMatch(t, []civicspace.Role{civicspace.RoleDonor, civicspace.RoleHost}, host.Roles)
	hr := score(t, s, host)
	require.NotEqual(t, "not_rated", hr.Rating.Band)
	exile, ok := findFramework(hr, "exile")
	if ok {
		require.Equal(t, "assessed", exile.Status)
	}

	// The domestic-only self-assessment holds the same answers as the
	// open one: the donor and host answers it carries cost nothing and
	// count for nothing, and the donor frameworks are not applicable.
	dom := score(t, s, readExample(t, filepath.Join(examplesDir, "domestic-xaa.json")))
	oecd, ok := findFramework(dom, "oecd-dac")
	require.True(t, ok)
	require.Equal(t, civicspace.StatusNotApplicable, oecd.Status)
	for _, ind := range dom.Indicators {
		if !ind.Applicable {
			require.Nil(t, ind.Points, "%s asks about a role not assessed", ind.ID)
		}
	}

	// The UN entity is asked about its own practice, and about nothing a
	// state answers.
	un := score(t, s, readExample(t, filepath.Join(examplesDir, "un-office.json")))
	require.NotEqual(t, "not_rated", un.Rating.Band)
	for _, ind := range un.Indicators {
		ci, _ := cat.Indicator(ind.ID)
		require.Equal(t, slices.Contains(ci.AsksAbout(), civicspace.RoleUNSystem), ind.Applicable, ind.ID)
	}
}

func findFramework(r *civicspace.Result, id string) (civicspace.FrameworkScore, bool) {
	for _, f := range r.Frameworks {
		if f.ID == id {
			return f, true
		}
	}
	return civicspace.FrameworkScore{}, false
}

func readExample(t testing.TB, file string) *civicspace.Assessment {
	t.Helper()
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	a, err := civicspace.DecodeAssessment(f)
	require.NoError(t, err)
	return a
}

func encodeResult(t testing.TB, r *civicspace.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(r))
	return b.Bytes()
}
