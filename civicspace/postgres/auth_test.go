package postgres_test

import (
	"strings"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestKeysNotInClear reads the keys table directly: the secret appears
// nowhere in it, only its SHA-256.
func TestKeysNotInClear(t *testing.T) {
	dsn := testDSN(t)
	schema := freshSchema(t)
	s, err := postgres.Open(t.Context(), dsn, postgres.WithSchema(schema))
	require.NoError(t, err)
	defer s.Close()
	secret, k, err := civicspace.NewAPIKey(civicspace.KeySpec{Role: civicspace.RoleAdmin, Name: "root"}, "cli", time.Now())
	require.NoError(t, err)
	require.NoError(t, s.CreateKey(t.Context(), k))

	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	defer conn.Close(t.Context())
	var row string
	var hash []byte
	require.NoError(t, conn.QueryRow(t.Context(), `SELECT k::text, k.hash FROM `+pgx.Identifier{schema, "api_keys"}.Sanitize()+` k`).Scan(&row, &hash))
	require.NotContains(t, row, secret[strings.LastIndexByte(secret, '_')+1:], "the secret is stored in clear")
	require.Equal(t, civicspace.HashAPIKey(secret), hash)
}
