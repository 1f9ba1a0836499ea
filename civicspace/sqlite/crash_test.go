package sqlite_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/civicspace/civicspace/civicspace/storetest"
	"github.com/stretchr/testify/require"
)

// crashDBEnv names the database the crash helper writes to; the helper
// runs only when it is set.
const crashDBEnv = "CIVICSPACE_CRASH_HELPER_DB"

// TestCrashHelper is the writer process TestCrashSafety kills. Four
// goroutines create assessments and update each once; every write is
// printed ("ack ID VERSION") only after the store returned, that is after
// it was acknowledged.
func TestCrashHelper(t *testing.T) {
	path := os.Getenv(crashDBEnv)
	if path == "" {
		t.Skip("the writer process of TestCrashSafety: runs only when that test starts it")
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(2)
	}
	var out sync.Mutex
	ack := func(rec *civicspace.Record) {
		out.Lock()
		defer out.Unlock()
		fmt.Fprintf(os.Stdout, "ack %s %d\n", rec.ID, rec.Version)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				a := storetest.Fixture("NOR", "2025", civicspace.KindSelf)
				a.Title = fmt.Sprintf("writer %d, assessment %d", w, i)
				rec, err := s.CreateAssessment(ctx, a, "crash-writer")
				if err != nil {
					fmt.Fprintln(os.Stderr, "create:", err)
					os.Exit(3)
				}
				ack(rec)
				a.Answers["ind-level"] = civicspace.Answer{Value: civicspace.NumberValue(float64(i % 4))}
				rec, err = s.UpdateAssessment(ctx, rec.ID, rec.Version, a, "crash-writer", "second write")
				if err != nil {
					fmt.Fprintln(os.Stderr, "update:", err)
					os.Exit(3)
				}
				ack(rec)
			}
		})
	}
	wg.Wait()
}

// TestCrashSafety starts a writer process, kills it with SIGKILL while it
// writes, and checks on reopening that every write it acknowledged is there
// and the file is intact; three times over the same file.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills writer processes")
	}
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "crash.db")
	acked := map[string]int{} // assessment ID → highest acknowledged version
	for round := 1; round <= 3; round++ {
		n := crashWriter(t, path, acked)
		require.Positive(t, n, "round %d: the writer acknowledged nothing", round)

		s, err := sqlite.Open(ctx, path)
		require.NoError(t, err, "round %d: reopening after the kill", round)
		for id, version := range acked {
			rec, err := s.Assessment(ctx, id)
			require.NoError(t, err, "round %d: acknowledged assessment %s is lost", round, id)
			require.GreaterOrEqual(t, rec.Version, version, "round %d: acknowledged version %d of %s is lost", round, version, id)
			require.Len(t, mustRevisions(t, s, id), rec.Version)
		}
		require.NoError(t, s.Close())

		db, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		var check string
		require.NoError(t, db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check))
		require.Equal(t, "ok", check, "round %d", round)
		rows, err := db.QueryContext(ctx, `PRAGMA foreign_key_check`)
		require.NoError(t, err)
		require.False(t, rows.Next(), "round %d: a revision or score lost its parent", round)
		require.NoError(t, rows.Close())
		require.NoError(t, db.Close())
		t.Logf("round %d: %d writes acknowledged before the kill, %d assessments in all, all present", round, n, len(acked))
	}
}

func mustRevisions(t *testing.T, s civicspace.AssessmentStore, id string) []*civicspace.Revision {
	t.Helper()
	revs, err := s.Revisions(t.Context(), id)
	require.NoError(t, err)
	return revs
}

// crashWriter runs TestCrashHelper on path in a child process, kills it
// about a second after its first acknowledged write, records what it
// acknowledged in acked and returns how many writes that was.
func crashWriter(t *testing.T, path string, acked map[string]int) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDBEnv+"="+path)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})

	lines := make(chan string)
	go func() {
		defer close(lines)
		r := bufio.NewReader(stdout)
		for {
			// A line cut off by the kill has no newline: it was not
			// acknowledged and ReadString returns it with an error.
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			lines <- line
		}
	}()

	var kill <-chan time.Time // armed by the first acknowledged write
	n := 0
	for lines != nil {
		select {
		case line, ok := <-lines:
			if !ok {
				lines = nil
				break
			}
			f := strings.Fields(line)
			if len(f) != 3 || f[0] != "ack" {
				continue // the test framework's own output
			}
			v, err := strconv.Atoi(f[2])
			require.NoError(t, err, line)
			acked[f[1]] = max(acked[f[1]], v)
			n++
			if kill == nil && !killed {
				kill = time.After(time.Second + rand.N(300*time.Millisecond))
			}
		case <-kill:
			require.NoError(t, cmd.Process.Kill()) // SIGKILL
			killed, kill = true, nil
			// Keep reading: what the writer printed before dying was
			// acknowledged.
		}
	}
	err = cmd.Wait()
	require.True(t, killed, "the writer stopped by itself: %v\n%s", err, stderr.String())
	return n
}
