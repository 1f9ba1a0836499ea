package comparestore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
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
	return &backend{name: "postgres", open: func(t testing.TB) civicspace.AssessmentStore {
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
		return st
	}}
}

func TestPostgresConfigured(t *testing.T) {
	if postgresBackend() == nil {
		t.Skip("CIVICSPACE_TEST_POSTGRES is not set: the comparisons ran on SQLite only " +
			"(set it to a server URL such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
}
