// Package r holds the readr example (analyse.R); its test runs it against
// an in-process server with the demo data.
package r

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/internal/demoserver"
	"github.com/stretchr/testify/require"
)

func TestAnalyse(t *testing.T) {
	rscript, err := exec.LookPath("Rscript")
	if err != nil {
		t.Skip("Rscript is not installed (Debian: apt-get install r-base-core r-cran-readr): examples/r not run")
	}
	if exec.Command(rscript, "-e", "library(readr)").Run() != nil {
		t.Skip("R has no readr (Debian: apt-get install r-cran-readr): examples/r not run")
	}
	url := demoserver.Start(t, "..")
	out := t.TempDir()
	got, err := exec.Command(rscript, "analyse.R", url, out).CombinedOutput()
	require.NoError(t, err, "%s", got)
	t.Logf("analyse.R printed:\n%s", got)
	s := string(got)
	require.NotContains(t, s, "Warning", "the script runs cleanly")
	require.Contains(t, s, "ranking 2025: 3 assessments, 3 ranked")
	require.Contains(t, s, "4 indicators disagree", "the shadow example changes four answers")
	require.Contains(t, s, "  internet-shutdowns: ")

	gap, err := os.ReadFile(filepath.Join(out, "gap-XAA-2025-indicators.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(gap)), "\n")
	require.Equal(t, "item_id,self_value,shadow_value,difference", lines[0])
	require.Len(t, lines, 5)
}
