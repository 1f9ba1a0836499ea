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

func TestParseDatabase(t *testing.T) {
	cases := []struct {
		in      string
		want    database
		invalid bool
	}{
		{in: "sqlite:civicspace.db", want: database{driver: "sqlite", target: "civicspace.db"}},
		{in: "sqlite:/var/lib/civicspace/cs.db", want: database{driver: "sqlite", target: "/var/lib/civicspace/cs.db"}},
		{in: "sqlite:///var/lib/cs.db", want: database{driver: "sqlite", target: "/var/lib/cs.db"}},
		{in: "postgres://cs:secret@db:5432/cs", want: database{driver: "postgres", target: "postgres://cs:secret@db:5432/cs"}},
		{in: "postgresql://db/cs?search_path=civic", want: database{driver: "postgres", target: "postgresql://db/cs?search_path=civic", schema: "civic"}},
		{in: "postgres://db/cs?search_path=a,b", want: database{driver: "postgres", target: "postgres://db/cs?search_path=a,b"}},
		{in: "sqlite:", invalid: true},
		{in: "civicspace.db", invalid: true},
		{in: "mysql://root:secret@db/cs", invalid: true},
		{in: "postgres://cs:secret@db:bad port/cs", invalid: true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseDatabase(tc.in)
			if tc.invalid {
				require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err), "error: %v", err)
				require.NotContains(t, err.Error(), "secret", "no password in messages")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			require.NotContains(t, got.String(), "secret")
		})
	}
}

func TestMigrateSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cs.db")
	code, out, stderr := runCLI(t, "", "migrate", "--db", "sqlite:"+path)
	require.Equal(t, exitOK, code, stderr)
	// Every embedded migration is applied, in order.
	entries, err := os.ReadDir("../../civicspace/sqlite/migrations")
	require.NoError(t, err)
	want := ""
	for _, e := range entries {
		want += "applied " + e.Name() + "\n"
	}
	require.Equal(t, want+"sqlite:"+path+" is up to date\n", out)

	// CIVICSPACE_DB stands in for --db.
	t.Setenv(dbEnv, "sqlite:"+path)
	code, out, stderr = runCLI(t, "", "migrate")
	require.Equal(t, exitOK, code, stderr)
	require.Equal(t, "sqlite:"+path+" is up to date\n", out)

	s, err := openStore(t.Context(), "sqlite:"+path, slog.Default())
	require.NoError(t, err)
	defer s.Close()
	rec, err := s.CreateAssessment(t.Context(), storetest.Fixture("NOR", "2025", civicspace.KindSelf), "alice")
	require.NoError(t, err)
	require.Equal(t, 1, rec.Version)
}

func TestDBFlagHidesPassword(t *testing.T) {
	t.Setenv(dbEnv, "postgres://cs:secret@db:5432/cs")
	code, out, stderr := runCLI(t, "", "migrate", "--help")
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "postgres://cs:xxxxx@db:5432/cs", "the default comes from the environment")
	require.NotContains(t, out, "secret")
}

func TestMigrateBadDatabase(t *testing.T) {
	code, _, stderr := runCLI(t, "", "migrate", "--db", "mysql://root:secret@db/cs")
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "unknown kind of database")
	require.NotContains(t, stderr, "secret")

	code, _, stderr = runCLI(t, "", "migrate", "--db", "sqlite:"+t.TempDir()+"/missing-dir/cs.db")
	require.Equal(t, exitFailure, code)
	require.Contains(t, stderr, "missing-dir")
}

func TestMigratePostgres(t *testing.T) {
	db := postgresTestDB(t)
	if db == "" {
		t.Skip("CIVICSPACE_TEST_POSTGRES is not set: skipping the PostgreSQL migrate test")
	}
	code, out, stderr := runCLI(t, "", "migrate", "--db", db)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "applied 0001_initial.sql\n")
	code, out, stderr = runCLI(t, "", "migrate", "--db", db)
	require.Equal(t, exitOK, code, stderr)
	require.NotContains(t, out, "applied")

	s, err := openStore(t.Context(), db, slog.Default())
	require.NoError(t, err)
	defer s.Close()
	_, err = s.CreateAssessment(t.Context(), storetest.Fixture("NOR", "2025", civicspace.KindSelf), "alice")
	require.NoError(t, err)
}
