package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// TestRescore scores stored revisions under a changed policy and keeps
// the scores of the first.
func TestRescore(t *testing.T) {
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	db := "sqlite:" + filepath.Join(t.TempDir(), "cs.db")
	cat := civicspace.DefaultCatalog()
	base, err := newPolicyScorer(cat, "")
	require.NoError(t, err)

	// A published assessment, and a draft with a problem.
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
	b, err := civicspace.ParseAssessment(readExample(t, "restrictive-xab.json"))
	require.NoError(t, err)
	b.Period = civicspace.Period{}
	draft, problems, err := svc.CreateAssessment(ctx, b)
	require.NoError(t, err)
	require.NotEmpty(t, problems)
	require.NoError(t, store.Close())

	// Under the same policy there is nothing to do but the draft it
	// cannot score.
	code, out, stderr := runCLI(t, "", "rescore", "--db", db)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "skipped "+draft.ID+" version 1: ")
	require.Contains(t, out, "0 revisions scored, 1 revision skipped under policy "+shortDigest(base.PolicyDigest()))

	// A stricter policy: the published revision is scored again.
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "data.json"), []byte(`{"civicspace":{"policy":{"name":"strict","status":{"met":95}}}}`), 0o644))
	strict, err := newPolicyScorer(cat, dir)
	require.NoError(t, err)
	require.NotEqual(t, base.PolicyDigest(), strict.PolicyDigest())
	code, out, stderr = runCLI(t, "", "rescore", "--db", db, "--policy", dir)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "scored "+rec.ID+" version 3\n")
	require.Contains(t, out, "1 revision scored, 1 revision skipped under policy "+shortDigest(strict.PolicyDigest()))

	// Both scores are stored; a second run has nothing left to do.
	store, err = openStore(ctx, db, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer store.Close()
	old, err := store.Score(ctx, rec.ID, 3, base.PolicyDigest())
	require.NoError(t, err)
	fresh, err := store.Score(ctx, rec.ID, 3, strict.PolicyDigest())
	require.NoError(t, err)
	require.NotEqual(t, string(old.Result), string(fresh.Result))
	require.Contains(t, string(fresh.Result), `"policy_name":"strict"`)

	code, out, stderr = runCLI(t, "", "rescore", "--db", db, "--policy", dir)
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, out, "0 revisions scored, 1 revision skipped")
}
