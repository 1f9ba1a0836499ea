package sqlite_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"database/sql"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/stretchr/testify/require"
)

// TestKeysNotInClear reads the keys table directly: the secret appears
// nowhere in it, only its SHA-256.
func TestKeysNotInClear(t *testing.T) {
	path := filepath.Join(t.TempDir(), "civicspace.db")
	s, err := sqlite.Open(t.Context(), path)
	require.NoError(t, err)
	secret, k, err := civicspace.NewAPIKey(civicspace.KeySpec{Role: civicspace.RoleAdmin, Name: "root"}, "cli", time.Now())
	require.NoError(t, err)
	require.NoError(t, s.CreateKey(t.Context(), k))
	require.NoError(t, s.Close())

	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query(`SELECT id, name, role, subjects, organisation, hash, created_by FROM api_keys`)
	require.NoError(t, err)
	defer rows.Close()
	n := 0
	secretPart := secret[strings.LastIndexByte(secret, '_')+1:]
	for rows.Next() {
		n++
		cols := make([][]byte, 7)
		ptrs := make([]any, 7)
		for i := range cols {
			ptrs[i] = &cols[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		for _, c := range cols {
			require.NotContains(t, string(c), secretPart, "the secret is stored in clear")
		}
		require.Equal(t, civicspace.HashAPIKey(secret), cols[5])
	}
	require.NoError(t, rows.Err())
	require.Equal(t, 1, n)
}
