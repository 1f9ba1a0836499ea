package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/civicspace/civicspace/internal/buildinfo"
	"github.com/stretchr/testify/require"
)

// TestVersion: `civicspace version` and `civicspace --version` print the
// stamped version (scripts/release.sh checks the same on a real build).
func TestVersion(t *testing.T) {
	old := buildinfo.Version
	t.Cleanup(func() { buildinfo.Version = old })
	buildinfo.Version = "v1.2.3-test"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, stdout, stderr := runCLI(t, "", args...)
		require.Equal(t, exitOK, code, stderr)
		require.Regexp(t, `^civicspace v1\.2\.3-test \(.*go1\.\d+.*\)\n$`, stdout, "%v", args)
	}
}

var metricsLine = regexp.MustCompile(`civicspace metrics at (http://\S+)/metrics`)

// TestServeOperations: the version header and build_info metric, /metrics
// on a separate address without a key (still 401 on the API without one),
// and /readyz answering 503 while the server drains after SIGTERM.
func TestServeOperations(t *testing.T) {
	s := startServe(t, "--addr", "127.0.0.1:0", "--db", "sqlite:"+filepath.Join(t.TempDir(), "cs.db"),
		"--metrics-addr", "127.0.0.1:0", "--drain-delay", "3s", "--base-path", "/civicspace",
		"--cors-origins", "https://dashboard.example.org", "--trusted-proxies", "127.0.0.1")
	version := buildinfo.Get().Version

	res, _ := s.request(t, "GET", "/healthz", nil)
	require.Equal(t, version, res.Header.Get("Civicspace-Version"))
	res, body := s.request(t, "GET", "/civicspace/v1/catalog", nil, "Origin", "https://dashboard.example.org")
	require.Equal(t, http.StatusOK, res.StatusCode, "the base path is stripped in front of the web app: %s", body)
	require.Equal(t, "https://dashboard.example.org", res.Header.Get("Access-Control-Allow-Origin"))

	m := metricsLine.FindStringSubmatch(s.stdout.String())
	require.NotNil(t, m, s.stdout.String())
	res, err := http.Get(m[1] + "/metrics")
	require.NoError(t, err)
	metrics := readAll(t, res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, metrics, `civicspace_build_info{goversion="`)
	require.Contains(t, metrics, `version="`+version+`"} 1`)
	require.Contains(t, metrics, "civicspace_http_requests_total")
	res, err = http.Get(s.url + "/metrics")
	require.NoError(t, err)
	readAll(t, res)
	require.Equal(t, http.StatusUnauthorized, res.StatusCode, "the API's /metrics still needs an admin key")

	res, _ = s.request(t, "GET", "/readyz", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	s.stop()
	require.Eventually(t, func() bool {
		res, err := http.Get(s.url + "/readyz")
		if err != nil {
			return false
		}
		readAll(t, res)
		return res.StatusCode == http.StatusServiceUnavailable
	}, 2*time.Second, 20*time.Millisecond, "/readyz turns 503 while draining")
	res, err = http.Get(s.url + "/healthz")
	require.NoError(t, err, "requests are still served while draining")
	readAll(t, res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, exitOK, s.wait(t), s.stderr.String())
	require.Contains(t, s.stderr.String(), "draining")
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return string(b)
}
