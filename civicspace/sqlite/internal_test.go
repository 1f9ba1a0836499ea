package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConnectionSettings checks the settings every connection runs with:
// they are per connection, so they are read back from each pool.
func TestConnectionSettings(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "civicspace.db"))
	require.NoError(t, err)
	defer s.Close()
	for name, want := range map[string]string{
		"journal_mode": "wal",
		"synchronous":  "2", // FULL
		"foreign_keys": "1",
		"busy_timeout": "5000",
		"query_only":   "0",
	} {
		var got string
		require.NoError(t, s.writer.QueryRow("PRAGMA "+name).Scan(&got), name)
		require.Equal(t, want, got, "writer %s", name)
	}
	for name, want := range map[string]string{
		"journal_mode": "wal",
		"synchronous":  "2",
		"foreign_keys": "1",
		"busy_timeout": "5000",
		"query_only":   "1",
	} {
		var got string
		require.NoError(t, s.reader.QueryRow("PRAGMA "+name).Scan(&got), name)
		require.Equal(t, want, got, "reader %s", name)
	}
	_, err = s.reader.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (1000, 'x', 0)`)
	require.Error(t, err, "reader connections cannot write")
}
