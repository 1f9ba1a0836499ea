package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestLatestPublishedPlans checks that the latest-publication query of one
// period can be answered from assessments_published_period (migration
// 0004) in the order DISTINCT ON needs, without reading every period's
// publications or sorting them. Scans and bitmap scans are disabled for the
// check: on a test's few rows the planner rightly prefers reading the
// table, while on a real one it weighs this index against that.
func TestLatestPublishedPlans(t *testing.T) {
	dsn := os.Getenv("CIVICSPACE_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("CIVICSPACE_TEST_POSTGRES is not set: skipping the PostgreSQL tests " +
			"(set it to a server URL such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	ctx := context.Background()
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "cs_plan_" + hex.EncodeToString(b[:])
	s, err := Open(ctx, dsn, WithSchema(schema))
	require.NoError(t, err)
	t.Cleanup(func() {
		s.Close()
		conn, err := pgx.Connect(ctx, dsn)
		require.NoError(t, err)
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`)
		require.NoError(t, err)
	})
	conn, err := s.pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, `SET enable_seqscan = off; SET enable_bitmapscan = off`)
	require.NoError(t, err)
	defer conn.Exec(ctx, `RESET enable_seqscan; RESET enable_bitmapscan`)

	q := &query{}
	with := latestPublished(q, civicspace.PublishedFilter{Period: "2025", Kind: civicspace.KindSelf})
	rows, err := conn.Query(ctx, `EXPLAIN WITH `+with+` SELECT id FROM latest`, q.args...)
	require.NoError(t, err)
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	plan := strings.Join(lines, "\n")
	require.Regexp(t, `Index (Only )?Scan using assessments_published_period on assessments`, plan)
	require.Contains(t, plan, "Index Cond: ((pub_period = '2025'::text) AND (pub_kind = 'self'::text))")
	require.NotContains(t, plan, "Sort", "the index gives the order DISTINCT ON needs")
}
