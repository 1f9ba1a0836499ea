package sqlite

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/storetest"
	"github.com/stretchr/testify/require"
)

// TestPeriodKeyMigration checks migration 0005 on rows written before it,
// which hold the period as written: a range covering one calendar year
// becomes its year, any other range and a year stay as they are.
func TestPeriodKeyMigration(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "civicspace.db"))
	require.NoError(t, err)
	defer s.Close()
	written := map[string]string{
		"2025-01-01/2025-12-31": "2025",
		"2024-01-01/2025-12-31": "2024-01-01/2025-12-31",
		"2025-01-01/2025-06-30": "2025-01-01/2025-06-30",
		"2023":                  "2023",
	}
	ids := map[string]string{}
	for period := range written {
		rec, err := s.CreateAssessment(ctx, storetest.Fixture("NOR", period, civicspace.KindSelf), "alice")
		require.NoError(t, err)
		ids[period] = rec.ID
		// As an earlier version stored it.
		_, err = s.writer.ExecContext(ctx, `UPDATE assessments SET period = ?, pub_period = ? WHERE id = ?`, period, period, rec.ID)
		require.NoError(t, err)
	}
	migration, err := os.ReadFile("migrations/0005_period_key.sql")
	require.NoError(t, err)
	_, err = s.writer.ExecContext(ctx, string(migration))
	require.NoError(t, err)
	for period, want := range written {
		var got, pub string
		require.NoError(t, s.reader.QueryRowContext(ctx, `SELECT period, pub_period FROM assessments WHERE id = ?`, ids[period]).Scan(&got, &pub))
		require.Equal(t, want, got, period)
		require.Equal(t, want, pub, period)
		require.Equal(t, civicspace.PeriodKey(period), got, "the migration agrees with Period.Key")
	}
}
