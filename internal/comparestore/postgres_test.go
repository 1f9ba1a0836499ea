package comparestore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// postgresBackend is PostgreSQL when CIVICSPACE_TEST_POSTGRES names a
// server, each store in a schema of its own dropped at the end; nil
// otherwise (the SQLite runs still happen, and TestPostgresConfigured says
// why PostgreSQL did not).
func postgresBackend() *backend {
	dsn := os.Getenv("CIVICSPACE_TEST_POSTGRES")
	if dsn == "" {
		return nil
	}
	return &backend{name: "postgres", settle: analyze(dsn), open: func(t testing.TB) civicspace.AssessmentStore {
		t.Helper()
		var b [8]byte
		_, _ = rand.Read(b[:])
		schema := "cs_compare_" + hex.EncodeToString(b[:])
		t.Cleanup(func() {
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, dsn)
			if err != nil {
				t.Errorf("drop schema %s: %v", schema, err)
				return
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
				t.Errorf("drop schema %s: %v", schema, err)
			}
		})
		st, err := postgres.Open(context.Background(), dsn, postgres.WithSchema(schema))
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		schemas.Store(st, schema)
		return st
	}}
}

// schemas maps each store opened to its schema, for analyze.
var schemas sync.Map

// analyze collects planner statistics on a store's tables, as autovacuum
// does in a running database a while after a bulk load. Measured straight
// after loading 2,000 scored assessments, before any statistics existed,
// the ranking query took 24.7 ms instead of 2.3 ms (a worse plan reading
// every level's observations).
func analyze(dsn string) func(t testing.TB, st civicspace.AssessmentStore) {
	return func(t testing.TB, st civicspace.AssessmentStore) {
		t.Helper()
		schema, ok := schemas.Load(st)
		require.True(t, ok)
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, dsn)
		require.NoError(t, err)
		defer conn.Close(ctx)
		rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1`, schema)
		require.NoError(t, err)
		tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		for _, table := range tables {
			_, err := conn.Exec(ctx, `ANALYZE `+pgx.Identifier{schema.(string), table}.Sanitize())
			require.NoError(t, err)
		}
	}
}

func TestPostgresConfigured(t *testing.T) {
	if postgresBackend() == nil {
		t.Skip("CIVICSPACE_TEST_POSTGRES is not set: the comparisons ran on SQLite only " +
			"(set it to a server URL such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
}
