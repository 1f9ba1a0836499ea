package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/stretchr/testify/require"
)

// TestRescorePack scores the stored revisions under a policy pack of the
// database: the pack's scores are stored beside the originals, which stay
// what a plain read returns, and the run is in the audit trail.
func TestRescorePack(t *testing.T) {
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	db := "sqlite:" + filepath.Join(t.TempDir(), "cs.db")
	cat := civicspace.DefaultCatalog()
	base, err := newPolicyScorer(cat, "")
	require.NoError(t, err)

	store, err := openStore(ctx, db, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	svc := &civicspace.Service{Catalog: cat, Countries: civicspace.DefaultCountries(), Store: store, Scorer: base}
	a, err := civicspace.ParseAssessment(readExample(t, "open-xaa.json"))
	require.NoError(t, err)
	rec, problems, err := svc.CreateAssessment(ctx, a)
	require.NoError(t, err)
	require.Empty(t, problems)
	rec, _, err = svc.Transition(ctx, rec.ID, rec.Version, civicspace.ActionSubmit, "")
	require.NoError(t, err)
	rec, _, err = svc.Transition(ctx, rec.ID, rec.Version, civicspace.ActionPublish, "")
	require.NoError(t, err)
	original, err := svc.StoredScore(ctx, rec.ID, 0)
	require.NoError(t, err)

	// Two versions of a pack, uploaded as the REST API does.
	packs := store
	for _, p := range []*civicspace.PolicyPack{
		{Name: "strict", Version: "1.0.0", Files: map[string]string{"civicspace/policy/data.json": `{"status": {"met": 101}}`}},
		{Name: "strict", Version: "1.1.0", Files: map[string]string{"civicspace/policy/data.json": `{"status": {"met": 99}}`}},
	} {
		_, _, err := (&opa.PackCompiler{Catalog: cat}).CompilePack(ctx, p)
		require.NoError(t, err)
		p.UploadedBy = "key:admin"
		require.NoError(t, packs.PutPolicyPack(ctx, p))
	}
	v1, err := packs.PolicyPack(ctx, "strict", "1.0.0")
	require.NoError(t, err)
	latest, err := packs.PolicyPack(ctx, "strict", "")
	require.NoError(t, err)
	require.Equal(t, "1.1.0", latest.Version)
	require.NoError(t, store.Close())

	code, out, stderr := runCLI(t, "", "rescore", "--db", db, "--pack", "strict@1.0.0")
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "scored "+rec.ID+" version 3\n")
	require.Contains(t, out, "1 revision scored, 0 revisions skipped under pack strict@1.0.0, policy "+shortDigest(v1.Digest))

	// A bare name is the latest version; a second run has nothing to do.
	code, out, stderr = runCLI(t, "", "rescore", "--db", db, "--pack", "strict")
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "1 revision scored, 0 revisions skipped under pack strict@1.1.0, policy "+shortDigest(latest.Digest))
	code, out, stderr = runCLI(t, "", "rescore", "--db", db, "--pack", "strict@1.0.0")
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "0 revisions scored")

	store, err = openStore(ctx, db, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer store.Close()
	svc.Store = store
	got, err := svc.StoredScore(ctx, rec.ID, 0)
	require.NoError(t, err)
	require.Equal(t, original.Result, got.Result, "the original is what a plain read returns")
	require.Equal(t, base.PolicyDigest(), got.PolicyDigest)
	for _, p := range []*civicspace.PolicyPack{v1, latest} {
		sc, err := svc.PackScore(ctx, rec.ID, 0, p.Ref())
		require.NoError(t, err, p.Ref())
		var result civicspace.Result
		require.NoError(t, json.Unmarshal(sc.Result, &result))
		require.Equal(t, p.Ref(), result.Provenance.PolicyName, "the score names its pack")
		require.NotEqual(t, string(original.Result), string(sc.Result))
	}

	page, err := store.Audit(ctx, civicspace.AuditFilter{Action: "rescore"})
	require.NoError(t, err)
	require.Len(t, page.Entries, 3)
	require.Equal(t, "strict@1.1.0", page.Entries[1].Target)
	require.Equal(t, civicspace.System.Actor(), page.Entries[1].Actor)
	require.JSONEq(t, `{"pack": "strict@1.1.0", "policy_digest": "`+latest.Digest+`", "scored": 1, "skipped": 0}`, string(page.Entries[1].Details))

	// The server's $CIVICSPACE_POLICY does not apply to a pack's run.
	t.Setenv("CIVICSPACE_POLICY", filepath.Join(t.TempDir(), "absent"))
	code, out, stderr = runCLI(t, "", "rescore", "--db", db, "--pack", "strict@1.0.0")
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "0 revisions scored")

	// Refusals: no such pack, and --policy with --pack.
	code, _, stderr = runCLI(t, "", "rescore", "--db", db, "--pack", "lenient@1")
	require.NotEqual(t, exitOK, code)
	require.Contains(t, stderr, "policy pack lenient@1")
	code, _, stderr = runCLI(t, "", "rescore", "--db", db, "--pack", "strict", "--policy", t.TempDir())
	require.Equal(t, exitInvalid, code)
	require.Contains(t, stderr, "give --pack or --policy, not both")
}
