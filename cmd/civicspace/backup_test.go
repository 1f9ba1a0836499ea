package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/storetest"
	"github.com/stretchr/testify/require"
)

// TestBackupAndRestore backs a SQLite database up while a store has it
// open and goes on writing, restores the copy in place of the file, and
// finds what was written before the backup (and not what came after).
func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cs.db")
	db := "sqlite:" + path
	s, err := openStore(t.Context(), db, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	before, err := s.CreateAssessment(t.Context(), storetest.Fixture("NOR", "2025", civicspace.KindSelf), "alice")
	require.NoError(t, err)

	copyPath := filepath.Join(dir, "backup.db")
	code, out, stderr := runCLI(t, "", "backup", "--db", db, "--to", copyPath)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "backed up")
	after, err := s.CreateAssessment(t.Context(), storetest.Fixture("SWE", "2025", civicspace.KindSelf), "alice")
	require.NoError(t, err, "the store goes on writing during and after the backup")
	require.NoError(t, s.Close())

	// Refusals: an existing file, no --to, PostgreSQL.
	code, _, stderr = runCLI(t, "", "backup", "--db", db, "--to", copyPath)
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "already exists")
	code, _, stderr = runCLI(t, "", "backup", "--db", db)
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "--to")
	code, _, stderr = runCLI(t, "", "backup", "--db", "postgres://db/cs", "--to", filepath.Join(dir, "x"))
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "pg_dump")

	// Restore: the copy replaces the file and its WAL.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		require.NoError(t, os.RemoveAll(path+suffix))
	}
	data, err := os.ReadFile(copyPath)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	code, out, stderr = runCLI(t, "", "migrate", "status", "--db", db)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "is up to date")
	restored, err := openStore(t.Context(), db, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer restored.Close()
	got, err := restored.Assessment(t.Context(), before.ID)
	require.NoError(t, err)
	require.Equal(t, before.Assessment.Subject, got.Assessment.Subject)
	_, err = restored.Assessment(t.Context(), after.ID)
	require.Equal(t, civicspace.ENOTFOUND, civicspace.ErrorCode(err), "written after the backup")
}

// TestMigrateStatusSQLite: a file that does not exist is an error, not a
// new file; a migrated one is up to date.
func TestMigrateStatusSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cs.db")
	code, _, stderr := runCLI(t, "", "migrate", "status", "--db", "sqlite:"+path)
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "no database at")
	_, err := os.Stat(path)
	require.ErrorIs(t, err, os.ErrNotExist, "status creates nothing")
	code, _, stderr = runCLI(t, "", "migrate", "--db", "sqlite:"+path)
	require.Equal(t, exitOK, code, stderr)
	code, out, stderr := runCLI(t, "", "migrate", "status", "--db", "sqlite:"+path)
	require.Equal(t, exitOK, code, stderr)
	require.Regexp(t, `0001\s+0001_initial.sql\s+20\d\d-`, out)
}
