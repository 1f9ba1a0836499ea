package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The README's "A short tour" runs as written: TestREADMETour takes the
// section's fenced blocks marked sh, in order, and runs them as one bash
// script (set -euo pipefail), as a reader pasting them into a terminal
// would, after doing what the prose asks:
//
//   - it builds the command with the build line the prose gives
//     (go build -o bin/civicspace ./cmd/civicspace), into a temporary
//     directory that stands for the repository's root (examples/ is linked
//     into it), where the tour makes civicspace.db and its output files;
//   - it starts the server (bin/civicspace serve) on a free port and
//     writes that port wherever the tour says 127.0.0.1:8080, the way a
//     reader whose 8080 is taken would.
//
// Prose is never run, nor any other fenced block (```go, ```console,
// ```text): a block that must not run is fenced with anything but sh. The
// test needs bash, curl and sed, and skips with a message without them.

// tourBuildLine is the build command the tour's prose gives.
const tourBuildLine = "go build -o bin/civicspace ./cmd/civicspace"

// tourBlocks returns the sh blocks of the README's "A short tour" section.
func tourBlocks(t *testing.T, readme string) []string {
	t.Helper()
	start := strings.Index(readme, "\n## A short tour\n")
	require.GreaterOrEqual(t, start, 0, "README has no section \"A short tour\"")
	section := readme[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	require.Contains(t, section, tourBuildLine, "the tour's build line")
	var blocks []string
	for _, m := range regexp.MustCompile("(?ms)^```sh\\n(.*?)^```\\s*$").FindAllStringSubmatch(section, -1) {
		blocks = append(blocks, m[1])
	}
	require.NotEmpty(t, blocks)
	return blocks
}

func TestREADMETour(t *testing.T) {
	if testing.Short() {
		t.Skip("the tour builds the command and runs a server: not in -short")
	}
	for _, tool := range []string{"bash", "curl", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: the README tour is not run", tool)
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	blocks := tourBlocks(t, string(readme))
	gitignore, err := os.ReadFile(filepath.Join(root, ".gitignore"))
	require.NoError(t, err)
	require.Contains(t, strings.Split(string(gitignore), "\n"), "/bin/", "the tour's bin/ is ignored by git")

	dir := t.TempDir()
	require.NoError(t, os.Symlink(filepath.Join(root, "examples"), filepath.Join(dir, "examples")))
	build := exec.Command("go", strings.Fields(strings.Replace(tourBuildLine, "bin/civicspace", filepath.Join(dir, "bin", "civicspace"), 1))[1:]...)
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	addr := freeAddr(t)
	env := append(os.Environ(), "CIVICSPACE_DB=", "CIVICSPACE_ADDR=", "COLUMNS=100")
	ctx, cancel := context.WithCancel(context.Background())
	serve := exec.CommandContext(ctx, filepath.Join(dir, "bin", "civicspace"), "serve", "--addr", addr)
	serve.Dir, serve.Env = dir, env
	var serveLog bytes.Buffer
	serve.Stdout, serve.Stderr = &serveLog, &serveLog
	require.NoError(t, serve.Start())
	t.Cleanup(func() {
		cancel()
		_ = serve.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", serveLog.String())
		}
	})
	waitReady(t, "http://"+addr+"/readyz")

	script := "set -euo pipefail\n" + strings.ReplaceAll(strings.Join(blocks, "\n"), "127.0.0.1:8080", addr)
	sh := exec.Command("bash", "-c", script)
	sh.Dir, sh.Env = dir, env
	var stdout, stderr bytes.Buffer
	sh.Stdout, sh.Stderr = &stdout, &stderr
	err = sh.Run()
	require.NoError(t, err, "the tour failed:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	got := stdout.String()

	// What the tour says each step shows.
	for _, want := range []string{
		"cndsi.r15",                        // catalog list and show
		"exit code 2",                      // the tour draft has problems
		"HTTP/1.1 201 Created",             // drafts created
		`"valid":false`,                    // its problems, read over REST
		"target_level,target_id,period",    // the ranking over REST
		"assessment_id,version,country",    // the score as a table
		"scope,scope_id,scope_name,record", // the follow-up summary
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the tour's output lacks %q:\n%s", want, got)
		}
	}
	require.Regexp(t, `independent:\s+limited`, got, "the commitment's independent review")
	require.Equal(t, 5, strings.Count(got, "HTTP/1.1 200 OK\r\n"), "the update, then submit and publish twice")
	require.Equal(t, 2, strings.Count(got, "HTTP/1.1 201 Created\r\n"), "two drafts")
	for _, file := range []string{"ranking.csv", "gap.csv", "scorecard.svg", "workstreams.csv"} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		require.NoError(t, err, "the tour writes %s", file)
		require.NotEmpty(t, data, file)
	}
	gap, err := os.ReadFile(filepath.Join(dir, "gap.csv"))
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(gap, []byte("\ufeffcountry,period,")), "--bom")
	require.Contains(t, string(gap), ",self,", "the tidy gap table, not SDMX")
}

// freeAddr returns a local address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// waitReady polls url until it answers 200, for up to 30 seconds.
func waitReady(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the server did not become ready at %s", url)
}
