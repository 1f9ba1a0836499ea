package api_test

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

// With CIVICSPACE_TEST_POSTGRES set (a server URL such as
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable), the end-to-end
// suite also runs on PostgreSQL, each test in a fresh schema dropped at its
// end.
func init() {
	dsn := os.Getenv("CIVICSPACE_TEST_POSTGRES")
	if dsn == "" {
		return
	}
	stores["postgres"] = func(t *testing.T) civicspace.Store {
		t.Helper()
		var b [8]byte
		_, _ = rand.Read(b[:])
		schema := "cs_api_test_" + hex.EncodeToString(b[:])
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
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
}
