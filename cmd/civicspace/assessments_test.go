package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// testDatabases are the --db values the import tests run against: a new
// SQLite file, and a new PostgreSQL schema when CIVICSPACE_TEST_POSTGRES
// is set.
func testDatabases(t *testing.T) map[string]string {
	t.Helper()
	dbs := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "cs.db")}
	if db := postgresTestDB(t); db != "" {
		dbs["postgres"] = db
	} else {
		t.Log("CIVICSPACE_TEST_POSTGRES is not set: PostgreSQL not tested")
	}
	return dbs
}

// postgresTestDB returns a --db URL naming a new schema of the server
// CIVICSPACE_TEST_POSTGRES names, dropped when the test ends; "" when it
// is not set.
func postgresTestDB(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("CIVICSPACE_TEST_POSTGRES")
	if dsn == "" {
		return ""
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "cs_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), dsn)
		require.NoError(t, err)
		defer conn.Close(context.Background())
		_, err = conn.Exec(context.Background(), `DROP SCHEMA IF EXISTS `+schema+` CASCADE`)
		require.NoError(t, err)
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestAssessmentsImportTwice imports the examples directory twice into
// each store: the second run creates nothing.
func TestAssessmentsImportTwice(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", "assessments")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	n := len(entries)
	for name, db := range testDatabases(t) {
		t.Run(name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", "assessments", "import", dir, "--db", db)
			require.Equal(t, exitOK, code, "%s%s", out, stderr)
			require.Contains(t, out, "created    "+filepath.Join(dir, "domestic-xaa.json")+": asm_")
			require.Contains(t, out, strings.Join([]string{itoa(n) + " created", "0 updated", "0 unchanged", "0 refused"}, ", "))
			require.NotContains(t, out, "\r", "no progress bar off a terminal")

			code, out, stderr = runCLI(t, "", "assessments", "import", dir, "--db", db, "--format", "json")
			require.Equal(t, exitOK, code, "%s%s", out, stderr)
			var report civicspace.ImportReport
			require.NoError(t, json.Unmarshal([]byte(out), &report))
			require.Equal(t, [4]int{0, 0, n, 0}, [4]int{report.Created, report.Updated, report.Unchanged, report.Refused}, "the second import creates and changes nothing")

			// A broken line among good ones: refused with its line, the
			// others unchanged, exit status 2.
			good, err := os.ReadFile(filepath.Join(dir, "domestic-xaa.json"))
			require.NoError(t, err)
			var compact map[string]any
			require.NoError(t, json.Unmarshal(good, &compact))
			line, err := json.Marshal(compact)
			require.NoError(t, err)
			code, out, _ = runCLI(t, string(line)+"\n"+`{"subject": {"country": "XAA"}, "kind": 7}`+"\n", "assessments", "import", "-", "--db", db)
			require.Equal(t, exitInvalid, code, out)
			require.Contains(t, out, "unchanged  stdin:1: asm_")
			require.Contains(t, out, "refused    stdin:2: ")
			require.Contains(t, out, "    /kind kind must be a string, not number\n")

			// One identity twice in one import: the later item is refused,
			// never left to overwrite the first on every run.
			retitled := map[string]any{}
			for k, v := range compact {
				retitled[k] = v
			}
			retitled["title"] = "the same assessment, retitled"
			second, err := json.Marshal(retitled)
			require.NoError(t, err)
			code, out, _ = runCLI(t, string(line)+"\n"+string(second)+"\n", "assessments", "import", "-", "--db", db)
			require.Equal(t, exitInvalid, code, out)
			require.Contains(t, out, "is the same assessment", out)
		})
	}
}

// TestAssessmentsImportServer imports through a running server with an
// assessor's key: its subject's self-assessment is created, then
// unchanged; other subjects are refused by the server's rules.
func TestAssessmentsImportServer(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "cs.db")
	srv := startServe(t, "--addr", "127.0.0.1:0", "--db", db)
	code, secret, stderr := runCLI(t, "", "keys", "create", "--db", db, "--role", "assessor", "--subject", "XAA", "--organisation", "Demoland Ministry of Foreign Affairs (demo)")
	require.Equal(t, exitOK, code, stderr)
	dir := filepath.Join("..", "..", "examples", "assessments")
	args := []string{"assessments", "import", filepath.Join(dir, "open-xaa.json"), filepath.Join(dir, "restrictive-xab.json"), "--server", srv.url, "--key", strings.TrimSpace(secret)}
	code, out, stderr := runCLI(t, "", args...)
	require.Equal(t, exitInvalid, code, "%s%s", out, stderr)
	require.Contains(t, out, "created    "+filepath.Join(dir, "open-xaa.json")+": asm_")
	require.Contains(t, out, "refused    "+filepath.Join(dir, "restrictive-xab.json")+": this assessor key may not write this assessment")
	require.Contains(t, out, "1 created, 0 updated, 0 unchanged, 1 refused")
	code, out, _ = runCLI(t, "", args...)
	require.Equal(t, exitInvalid, code)
	require.Contains(t, out, "0 created, 0 updated, 1 unchanged, 1 refused")

	code, _, stderr = runCLI(t, "", "assessments", "import", dir, "--server", srv.url)
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "--server needs --key")
}

func itoa(n int) string { return strconv.Itoa(n) }
