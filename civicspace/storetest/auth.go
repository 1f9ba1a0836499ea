package storetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// AuthStore is what a store implements for access control.
type AuthStore interface {
	civicspace.KeyStore
	civicspace.AuditStore
	civicspace.PolicyPackStore
	Close() error
}

// RunAuth runs the conformance suite of the key, audit and policy pack
// stores. open must return a new, empty store for each call; RunAuth
// closes it.
func RunAuth(t *testing.T, open func(t *testing.T) AuthStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s AuthStore)
	}{
		{"Keys", testKeys},
		{"Audit", testAudit},
		{"PolicyPacks", testPolicyPacks},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { require.NoError(t, s.Close()) })
			tc.fn(t, s)
		})
	}
}

func testKeys(t *testing.T, s AuthStore) {
	ctx := t.Context()
	created := time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC)
	secret, k, err := civicspace.NewAPIKey(civicspace.KeySpec{
		Name: "Norway's assessor", Role: civicspace.RoleAssessor, Subjects: []string{"NOR", "org:Nordic Council"},
		Organisation: "Ministry of Justice", TTL: 48 * time.Hour,
	}, "cli", created)
	require.NoError(t, err)
	require.NoError(t, s.CreateKey(ctx, k))
	require.Equal(t, civicspace.ESTATE, civicspace.ErrorCode(s.CreateKey(ctx, k)), "an ID is used once")

	got, err := s.Key(ctx, k.ID)
	require.NoError(t, err)
	require.Equal(t, k, got)
	require.NoError(t, got.Verify(secret, created.Add(time.Hour)))
	require.Equal(t, civicspace.EUNAUTHORIZED, civicspace.ErrorCode(got.Verify(secret, created.Add(48*time.Hour))), "expired")
	require.Equal(t, civicspace.EUNAUTHORIZED, civicspace.ErrorCode(got.Verify(secret+"x", created)), "wrong secret")

	_, err = s.Key(ctx, "nosuchid")
	require.Equal(t, civicspace.ENOTFOUND, civicspace.ErrorCode(err))

	_, admin, err := civicspace.NewAPIKey(civicspace.KeySpec{Role: civicspace.RoleAdmin}, "cli", created.Add(time.Minute))
	require.NoError(t, err)
	require.NoError(t, s.CreateKey(ctx, admin))
	keys, err := s.Keys(ctx)
	require.NoError(t, err)
	require.Len(t, keys, 2)
	require.Equal(t, k.ID, keys[0].ID, "oldest first")
	require.Equal(t, []string{}, keys[1].Subjects)
	require.Nil(t, keys[1].ExpiresAt)

	used := created.Add(2 * time.Hour)
	require.NoError(t, s.TouchKey(ctx, k.ID, used))
	require.NoError(t, s.TouchKey(ctx, k.ID, used.Add(-time.Hour)), "an older use does not go back in time")
	got, err = s.Key(ctx, k.ID)
	require.NoError(t, err)
	require.Equal(t, used, *got.LastUsedAt)

	revoked := created.Add(3 * time.Hour)
	r, err := s.RevokeKey(ctx, k.ID, revoked)
	require.NoError(t, err)
	require.Equal(t, revoked, *r.RevokedAt)
	r, err = s.RevokeKey(ctx, k.ID, revoked.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, revoked, *r.RevokedAt, "the first revocation stands")
	require.Equal(t, civicspace.EUNAUTHORIZED, civicspace.ErrorCode(r.Verify(secret, revoked)))
	_, err = s.RevokeKey(ctx, "nosuchid", revoked)
	require.Equal(t, civicspace.ENOTFOUND, civicspace.ErrorCode(err))
}

func testAudit(t *testing.T, s AuthStore) {
	ctx := t.Context()
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range 7 {
		action := "updateAssessment"
		if i%3 == 0 {
			action = "createKey"
		}
		e := &civicspace.AuditEntry{
			At: base.Add(time.Duration(i) * time.Minute), Actor: fmt.Sprintf("key:actor%d", i%2),
			Action: action, Target: fmt.Sprintf("t%d", i), Details: json.RawMessage(`{"i": ` + fmt.Sprint(i) + `}`),
		}
		require.NoError(t, s.AppendAudit(ctx, e))
		require.NotZero(t, e.ID)
	}
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(s.AppendAudit(ctx, &civicspace.AuditEntry{Actor: "a", Action: "b", Target: "c", Details: json.RawMessage(`{`)})))

	var targets []string
	f := civicspace.AuditFilter{PageSize: 3}
	for {
		page, err := s.Audit(ctx, f)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Entries), 3)
		for _, e := range page.Entries {
			targets = append(targets, e.Target)
		}
		if page.NextPageToken == "" {
			break
		}
		f.PageToken = page.NextPageToken
	}
	require.Equal(t, []string{"t6", "t5", "t4", "t3", "t2", "t1", "t0"}, targets, "newest first, every entry once")

	page, err := s.Audit(ctx, civicspace.AuditFilter{Action: "createKey", Actor: "key:actor0"})
	require.NoError(t, err)
	require.Len(t, page.Entries, 2) // t0, t6
	require.Equal(t, "t6", page.Entries[0].Target)
	require.JSONEq(t, `{"i": 6}`, string(page.Entries[0].Details))
	require.Equal(t, base.Add(6*time.Minute), page.Entries[0].At)

	page, err = s.Audit(ctx, civicspace.AuditFilter{Since: base.Add(2 * time.Minute), Until: base.Add(4 * time.Minute)})
	require.NoError(t, err)
	require.Len(t, page.Entries, 2)
	page, err = s.Audit(ctx, civicspace.AuditFilter{Target: "t1"})
	require.NoError(t, err)
	require.Len(t, page.Entries, 1)

	_, err = s.Audit(ctx, civicspace.AuditFilter{PageToken: "garbage!"})
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
}

func testPolicyPacks(t *testing.T, s AuthStore) {
	ctx := t.Context()
	p1 := &civicspace.PolicyPack{Name: "strict", Version: "1.0.0", Digest: "sha256:aa", UploadedBy: "key:admin1",
		Files: map[string]string{"civicspace/policy/data.json": `{"min_coverage": 0.9}`}}
	require.NoError(t, s.PutPolicyPack(ctx, p1))
	require.False(t, p1.UploadedAt.IsZero())
	again := *p1
	again.Digest = "sha256:bb"
	require.Equal(t, civicspace.ESTATE, civicspace.ErrorCode(s.PutPolicyPack(ctx, &again)), "a version is written once")

	p2 := &civicspace.PolicyPack{Name: "strict", Version: "1.1.0", Digest: "sha256:cc", UploadedBy: "key:admin1",
		Files: map[string]string{"civicspace/policy/data.json": `{"min_coverage": 0.95}`}}
	require.NoError(t, s.PutPolicyPack(ctx, p2))

	got, err := s.PolicyPack(ctx, "strict", "1.0.0")
	require.NoError(t, err)
	require.Equal(t, p1, got)
	got, err = s.PolicyPack(ctx, "strict", "")
	require.NoError(t, err)
	require.Equal(t, "1.1.0", got.Version, "no version: the latest uploaded")
	_, err = s.PolicyPack(ctx, "strict", "9")
	require.Equal(t, civicspace.ENOTFOUND, civicspace.ErrorCode(err))
	_, err = s.PolicyPack(ctx, "lenient", "")
	require.Equal(t, civicspace.ENOTFOUND, civicspace.ErrorCode(err))

	list, err := s.PolicyPacks(ctx)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, "1.0.0", list[0].Version)
	require.Nil(t, list[0].Files, "listings leave files out")
}
