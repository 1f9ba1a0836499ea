package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"sync"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/civicspace/civicspace/civicspace/storetest"
	"github.com/stretchr/testify/require"
)

func open(t testing.TB) civicspace.AssessmentStore {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "civicspace.db"))
	require.NoError(t, err)
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) civicspace.AssessmentStore { return open(t) })
}

func BenchmarkCreate(b *testing.B) {
	storetest.BenchCreate(b, func(b *testing.B) civicspace.AssessmentStore { return open(b) })
}

func BenchmarkLatestPublished200(b *testing.B) {
	storetest.BenchLatestPublished200(b, func(b *testing.B) civicspace.AssessmentStore { return open(b) })
}

func BenchmarkObservations2000(b *testing.B) {
	storetest.BenchObservations2000(b, func(b *testing.B) civicspace.AssessmentStore { return open(b) })
}

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
	require.Equal(t, migrationNames(t), applied)
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
	require.Equal(t, len(migrationNames(t)), n)
}

// TestImmutable checks that the schema itself refuses to change or erase
// revisions and scores, whoever tries.
func TestImmutable(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "civicspace.db")
	s, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	rec, err := s.CreateAssessment(ctx, storetest.Fixture("NOR", "2025", civicspace.KindSelf), "alice")
	require.NoError(t, err)
	score := 50.0
	require.NoError(t, s.PutScore(ctx, &civicspace.StoredScore{AssessmentID: rec.ID, Version: 1, PolicyDigest: "p", CatalogDigest: "c", Band: "open", Score: &score,
		Result: []byte(`{}`), Observations: []civicspace.Observation{{Level: civicspace.LevelRating, ItemID: "overall", Score: &score}}}))

	db := rawDB(t, path)
	for _, stmt := range []string{
		`UPDATE assessment_revisions SET document = '{}'`,
		`DELETE FROM assessment_revisions`,
		`UPDATE scores SET band = 'closed'`,
		`DELETE FROM scores`,
		`UPDATE score_observations SET score = 0`,
		`DELETE FROM score_observations`,
		`DELETE FROM assessments`,
	} {
		_, err := db.ExecContext(ctx, stmt)
		require.ErrorContains(t, err, "never", stmt)
	}
	revs, err := s.Revisions(ctx, rec.ID)
	require.NoError(t, err)
	require.Len(t, revs, 1)
}
