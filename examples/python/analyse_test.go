// Package python holds the pandas example (analyse.py); its test runs it
// against an in-process server with the demo data.
package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/internal/demoserver"
	"github.com/stretchr/testify/require"
)

// python returns a Python 3 interpreter that has pandas: Debian's
// (/usr/bin/python3, with python3-pandas) or the first python3 on PATH.
func python(t *testing.T) string {
	t.Helper()
	candidates := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	for _, p := range candidates {
		if exec.Command(p, "-c", "import pandas").Run() == nil {
			return p
		}
	}
	t.Skip("no python3 with pandas here (Debian: apt-get install python3-pandas): examples/python not run")
	return ""
}

func TestAnalyse(t *testing.T) {
	py := python(t)
	url := demoserver.Start(t, "..")
	out := t.TempDir()
	cmd := exec.Command(py, "analyse.py", url, out)
	got, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", got)
	t.Logf("analyse.py printed:\n%s", got)
	s := string(got)
	require.Contains(t, s, "ranking 2025: 3 assessments, 3 ranked")
	require.Contains(t, s, "gap XAA 2025: rating")
	require.Contains(t, s, "4 indicators disagree", "the shadow example changes four answers")
	for _, ind := range []string{"hrd-protection-mechanism", "association-registration", "internet-shutdowns", "consultation-mechanism"} {
		require.Contains(t, s, "  "+ind+": ")
	}
	require.Contains(t, s, "trend XAA:")

	gap, err := os.ReadFile(filepath.Join(out, "gap-XAA-2025-indicators.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(gap)), "\n")
	require.Equal(t, "item_id,self_value,shadow_value,difference", lines[0])
	require.Len(t, lines, 5)
	trend, err := os.ReadFile(filepath.Join(out, "trend-XAA.csv"))
	require.NoError(t, err)
	require.Contains(t, string(trend), "\n2024,")
	require.Contains(t, string(trend), "\n2025,")
}
