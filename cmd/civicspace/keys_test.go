package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// TestKeys bootstraps keys against a database as an operator would: the
// secret is printed once and works, listings never show it, a revoked key
// no longer verifies, a bad request is refused naming its flag, and every
// change is in the audit trail.
func TestKeys(t *testing.T) {
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "cs.db")

	code, secret, stderr := runCLI(t, "", "keys", "create", "--db", db, "--role", "admin", "--name", "ops")
	require.Equal(t, exitOK, code, stderr)
	secret = strings.TrimSpace(secret)
	adminID, err := civicspace.ParseAPIKey(secret)
	require.NoError(t, err)
	require.Contains(t, stderr, "created admin key "+adminID)
	require.NotContains(t, stderr, secret, "the secret goes to stdout only")

	code, assessorSecret, stderr := runCLI(t, "", "keys", "create", "--db", db, "--role", "assessor",
		"--subject", "NOR", "--subject", "org:Nordic Council", "--organisation", "Ministry of Justice", "--expires", "720h")
	require.Equal(t, exitOK, code, stderr)
	assessorSecret = strings.TrimSpace(assessorSecret)
	assessorID, err := civicspace.ParseAPIKey(assessorSecret)
	require.NoError(t, err)

	code, out, stderr := runCLI(t, "", "keys", "list", "--db", db)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, adminID)
	require.Regexp(t, assessorID+`\s+assessor\s+NOR,org:Nordic Council\s+Ministry of Justice`, out)
	require.NotContains(t, out, secret[len("csk_")+9:])
	require.NotContains(t, out, assessorSecret[len("csk_")+9:])

	code, out, stderr = runCLI(t, "", "keys", "revoke", "--db", db, assessorID)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "revoked assessor key "+assessorID)
	code, out, stderr = runCLI(t, "", "keys", "list", "--db", db)
	require.Equal(t, exitOK, code, stderr)
	require.Regexp(t, assessorID+`.*revoked `, out)

	store, err := openStore(ctx, db, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer store.Close()
	keys := store
	admin, err := keys.Key(ctx, adminID)
	require.NoError(t, err)
	require.NoError(t, admin.Verify(secret, time.Now()), "the printed secret is the key")
	assessor, err := keys.Key(ctx, assessorID)
	require.NoError(t, err)
	require.Equal(t, civicspace.EUNAUTHORIZED, civicspace.ErrorCode(assessor.Verify(assessorSecret, time.Now())), "revoked")
	require.WithinDuration(t, time.Now().Add(720*time.Hour), *assessor.ExpiresAt, time.Minute)

	page, err := store.Audit(ctx, civicspace.AuditFilter{Actor: civicspace.System.Actor()})
	require.NoError(t, err)
	var actions []string
	for _, e := range page.Entries {
		actions = append(actions, e.Action+" "+e.Target)
		require.NotContains(t, string(e.Details), assessorSecret[len("csk_")+9:])
	}
	require.Equal(t, []string{"revokeKey " + assessorID, "createKey " + assessorID, "createKey " + adminID}, actions)

	// Refused requests name the flag to fix and store nothing.
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"--role", "assessor"}, "--subject"},
		{[]string{"--role", "assessor", "--subject", "ABC"}, `"ABC" is not a known country code`},
		{[]string{"--role", "reviewer", "--subject", "xaa"}, `"xaa" is not a known country code`},
		{[]string{"--role", "assessor", "--subject", "org: "}, "--subject"},
		{[]string{"--role", "watchdog"}, "--organisation"},
		{[]string{"--role", "root"}, "--role"},
	} {
		code, _, stderr = runCLI(t, "", append([]string{"keys", "create", "--db", db}, tc.args...)...)
		require.Equal(t, exitInvalid, code, "%v", tc.args)
		require.Contains(t, stderr, tc.flag, "%v", tc.args)
	}
	all, err := keys.Keys(ctx)
	require.NoError(t, err)
	require.Len(t, all, 2)
	code, _, stderr = runCLI(t, "", "keys", "revoke", "--db", db, "nosuchid")
	require.NotEqual(t, exitOK, code)
	require.Contains(t, stderr, "nosuchid")
}
