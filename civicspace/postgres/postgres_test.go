package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/postgres"
	"github.com/civicspace/civicspace/civicspace/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// testDSN returns the test server's URL, or skips: these tests need a
// PostgreSQL server.
func testDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("CIVICSPACE_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("CIVICSPACE_TEST_POSTGRES is not set: skipping the PostgreSQL tests " +
			"(set it to a server URL such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	return dsn
}

// freshSchema returns the name of a schema no other run uses, dropped with
// everything in it when the test ends.
func freshSchema(t testing.TB) string {
	t.Helper()
	dsn := testDSN(t)
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := "cs_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{name}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return name
}

func open(t testing.TB) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), testDSN(t), postgres.WithSchema(freshSchema(t)))
	require.NoError(t, err)
	return s
}

func TestConformance(t *testing.T) { storetest.RunAll(t, open) }

func BenchmarkStore(b *testing.B) { storetest.BenchAll(b, open) }

// rawConn connects to the test schema directly, as an operator would.
func rawConn(t *testing.T, schema string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(testDSN(t))
	require.NoError(t, err)
	cfg.RuntimeParams["search_path"] = schema
	conn, err := pgx.ConnectConfig(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// TestConcurrentOpen starts four stores on one fresh schema at once, as
// replicas deployed together would: the schema is created and each
// migration applied exactly once, and every store works.
func TestConcurrentOpen(t *testing.T) {
	ctx := t.Context()
	dsn, schema := testDSN(t), freshSchema(t)
	var (
		wg     sync.WaitGroup
		stores = make([]*postgres.Store, 4)
		errs   = make([]error, len(stores))
		start  = make(chan struct{})
	)
	for i := range stores {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = postgres.Open(ctx, dsn, postgres.WithSchema(schema))
		})
	}
	close(start)
	wg.Wait()
	for i, s := range stores {
		require.NoError(t, errs[i], "store %d", i)
		_, err := s.CreateAssessment(ctx, storetest.Fixture("NOR", "2025", civicspace.KindSelf), "alice")
		require.NoError(t, err)
		require.NoError(t, s.Close())
	}
	var n int
	require.NoError(t, rawConn(t, schema).QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n))
	require.Equal(t, len(storetest.MigrationNames(t)), n)
}

func TestMigrate(t *testing.T) {
	ctx := t.Context()
	dsn, schema := testDSN(t), freshSchema(t)
	applied, err := postgres.Migrate(ctx, dsn, postgres.WithSchema(schema))
	require.NoError(t, err)
	require.Equal(t, storetest.MigrationNames(t), applied)
	applied, err = postgres.Migrate(ctx, dsn, postgres.WithSchema(schema))
	require.NoError(t, err)
	require.Empty(t, applied, "a second run has nothing to do")

	conn := rawConn(t, schema)
	var (
		version int
		name    string
	)
	require.NoError(t, conn.QueryRow(ctx, `SELECT version, name FROM schema_migrations ORDER BY version`).Scan(&version, &name))
	require.Equal(t, 1, version)
	require.Equal(t, "0001_initial.sql", name)

	// A database migrated by a newer program is refused rather than used
	// with a schema this one does not know.
	_, err = conn.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (999, '0999_future.sql')`)
	require.NoError(t, err)
	_, err = postgres.Open(ctx, dsn, postgres.WithSchema(schema))
	require.ErrorContains(t, err, "version 999")
}

func TestOpenErrors(t *testing.T) {
	ctx := t.Context()
	_, err := postgres.Open(ctx, "postgres://user:secret@127.0.0.1:5432/db?sslmode=bogus")
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	require.NotContains(t, err.Error(), "secret", "the password is not repeated in errors")
	for _, bad := range []string{"1schema", "has space", "semi;colon", "quote\"d"} {
		_, err := postgres.Open(ctx, "postgres://127.0.0.1:5432/db", postgres.WithSchema(bad))
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err), "schema %q", bad)
	}
}

// TestImmutable checks that the schema itself refuses to change or erase
// what is kept for ever, whoever tries (TRUNCATE included).
func TestImmutable(t *testing.T) {
	schema := freshSchema(t)
	s, err := postgres.Open(t.Context(), testDSN(t), postgres.WithSchema(schema))
	require.NoError(t, err)
	defer s.Close()
	conn := rawConn(t, schema)
	storetest.RunImmutable(t, s, func(ctx context.Context, stmt string) error {
		_, err := conn.Exec(ctx, stmt)
		return err
	}, `TRUNCATE assessment_revisions CASCADE`, `TRUNCATE assessments CASCADE`,
		`TRUNCATE commitment_revisions CASCADE`, `TRUNCATE commitments CASCADE`)
}
