package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/civicspace/civicspace/civicspace/storetest"
	"github.com/stretchr/testify/require"
)

func open(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "civicspace.db"))
	require.NoError(t, err)
	return s
}

func TestConformance(t *testing.T) { storetest.RunAll(t, open) }

func BenchmarkStore(b *testing.B) { storetest.BenchAll(b, open) }

// rawDB opens the file directly, as an operator would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestPragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "civicspace.db")
	s, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	defer s.Close()
	var mode string
	require.NoError(t, rawDB(t, path).QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	require.Equal(t, "wal", mode, "WAL is a property of the file")
}

func TestMigrate(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "civicspace.db")
	applied, err := sqlite.Migrate(ctx, path)
	require.NoError(t, err)
	require.Equal(t, storetest.MigrationNames(t), applied)
	applied, err = sqlite.Migrate(ctx, path)
	require.NoError(t, err)
	require.Empty(t, applied, "a second run has nothing to do")

	var version int
	var name string
	require.NoError(t, rawDB(t, path).QueryRow(`SELECT version, name FROM schema_migrations ORDER BY version`).Scan(&version, &name))
	require.Equal(t, 1, version)
	require.Equal(t, "0001_initial.sql", name)

	// A database migrated by a newer program is refused rather than used
	// with a schema this one does not know.
	_, err = rawDB(t, path).Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', 0)`)
	require.NoError(t, err)
	_, err = sqlite.Open(ctx, path)
	require.ErrorContains(t, err, "version 999")

	for _, bad := range []string{"", ":memory:", "file::memory:?cache=shared", "db?mode=ro"} {
		_, err := sqlite.Open(ctx, bad)
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err), "path %q", bad)
	}
}

// TestConcurrentOpen opens one new file from several stores at once, as
// servers started together would: each migration is applied once and every
// store works.
func TestConcurrentOpen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "civicspace.db")
	var wg sync.WaitGroup
	stores := make([]*sqlite.Store, 4)
	errs := make([]error, len(stores))
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = sqlite.Open(ctx, path) })
	}
	wg.Wait()
	for i, s := range stores {
		require.NoError(t, errs[i])
		_, err := s.CreateAssessment(ctx, storetest.Fixture("NOR", "2025", civicspace.KindSelf), "alice")
		require.NoError(t, err)
		require.NoError(t, s.Close())
	}
	var n int
	require.NoError(t, rawDB(t, path).QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n))
	require.Equal(t, len(storetest.MigrationNames(t)), n)
}

// TestImmutable checks that the schema itself refuses to change or erase
// what is kept for ever, whoever tries.
func TestImmutable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "civicspace.db")
	s, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	defer s.Close()
	db := rawDB(t, path)
	storetest.RunImmutable(t, s, func(ctx context.Context, stmt string) error {
		_, err := db.ExecContext(ctx, stmt)
		return err
	})
}
