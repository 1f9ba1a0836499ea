package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// TestSDGImport imports the fixture twice into each store (nothing changes
// the second time), refuses the bad fixture naming its lines, and shows the
// official figure beside a matching answer when an assessment is imported.
func TestSDGImport(t *testing.T) {
	fixtures := filepath.Join("..", "..", "civicspace", "testdata", "sdg")
	for name, db := range testDatabases(t) {
		t.Run(name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", "sdg", "import", filepath.Join(fixtures, "sdg-sample.csv"), "--db", db)
			require.Equal(t, exitOK, code, stderr)
			require.Equal(t, "7 created, 0 updated, 0 unchanged; 1 rows of series the catalog does not cite skipped\n", out)
			code, out, _ = runCLI(t, "", "sdg", "import", filepath.Join(fixtures, "sdg-sample.csv"), "--db", db)
			require.Equal(t, exitOK, code)
			require.Equal(t, "0 created, 0 updated, 7 unchanged; 1 rows of series the catalog does not cite skipped\n", out)
			code, _, stderr = runCLI(t, "", "sdg", "import", filepath.Join(fixtures, "sdg-bad.csv"), "--db", db)
			require.Equal(t, exitInvalid, code)
			require.Contains(t, stderr, `line 3: GeoAreaCode "Norway" is not a UN M49 code`)
			require.Contains(t, stderr, `line 7: Nature "X"`)

			code, out, _ = runCLI(t, "", "sdg", "list", "--db", db, "--country", "NOR", "--format", "json")
			require.Equal(t, exitOK, code)
			var obs []civicspace.ReferenceObservation
			require.NoError(t, json.Unmarshal([]byte(out), &obs))
			require.Len(t, obs, 3)

			// An assessment of NOR answering 16.10.2: the import names the
			// official figure beside the answer.
			a := strings.Replace(string(readExample(t, "open-xaa.json")), `"country": "XAA"`, `"country": "NOR"`, 1)
			code, out, _ = runCLI(t, a, "assessments", "import", "-", "--db", db)
			require.Equal(t, exitOK, code, out)
			require.Contains(t, out, "    /answers/ati-guarantee official figure (UN SDG Global Database), SDG 16.10.2 series SG_INF_ACCSS, 2024 (Reporting Type=G): 1 NUMBER, nature C")
		})
	}
}
