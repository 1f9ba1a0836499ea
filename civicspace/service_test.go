package civicspace_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/stretchr/testify/require"
)

// flakyScorer counts evaluations and fails while failing is set.
type flakyScorer struct {
	civicspace.Scorer
	calls   atomic.Int64
	failing atomic.Bool
}

func (s *flakyScorer) Score(ctx context.Context, a *civicspace.Assessment) (*civicspace.Result, error) {
	s.calls.Add(1)
	if s.failing.Load() {
		return nil, civicspace.Errorf(civicspace.ETIMEOUT, "policy evaluation exceeded its deadline")
	}
	return s.Scorer.Score(ctx, a)
}

func newTestService(t *testing.T, scorer civicspace.Scorer) (*civicspace.Service, *bytes.Buffer) {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "cs.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	var logs bytes.Buffer
	return &civicspace.Service{
		Catalog:   civicspace.DefaultCatalog(),
		Countries: civicspace.DefaultCountries(),
		Store:     store,
		Scorer:    scorer,
		Logger:    slog.New(slog.NewJSONHandler(&logs, nil)),
	}, &logs
}

func exampleAssessment(t *testing.T, name string) *civicspace.Assessment {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", "assessments", name))
	require.NoError(t, err)
	a, err := civicspace.ParseAssessment(data)
	require.NoError(t, err)
	return a
}

func defaultScorer(t *testing.T) *opa.Scorer {
	t.Helper()
	s, err := opa.NewScorer(civicspace.DefaultCatalog())
	require.NoError(t, err)
	return s
}

// A write succeeds even when its score cannot be computed; the revision
// stays unscored (for rescore), and submitting needs the score first.
func TestServiceScoreFailure(t *testing.T) {
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	scorer := &flakyScorer{Scorer: defaultScorer(t)}
	scorer.failing.Store(true)
	svc, logs := newTestService(t, scorer)

	rec, problems, err := svc.CreateAssessment(ctx, exampleAssessment(t, "open-xaa.json"))
	require.NoError(t, err)
	require.Empty(t, problems)
	require.Contains(t, logs.String(), `"msg":"score not stored; run civicspace rescore"`)
	require.Contains(t, logs.String(), rec.ID)
	_, err = svc.StoredScore(ctx, rec.ID, 0)
	require.Equal(t, civicspace.ENOTFOUND, civicspace.ErrorCode(err))

	_, _, err = svc.Transition(ctx, rec.ID, rec.Version, civicspace.ActionSubmit, "")
	require.Equal(t, civicspace.ETIMEOUT, civicspace.ErrorCode(err))
	got, _, err := svc.Assessment(ctx, rec.ID)
	require.NoError(t, err)
	require.Equal(t, civicspace.Draft, got.Status, "not submitted without a score")

	// Once the policy answers, submitting scores the draft first.
	scorer.failing.Store(false)
	sub, _, err := svc.Transition(ctx, rec.ID, rec.Version, civicspace.ActionSubmit, "")
	require.NoError(t, err)
	require.Equal(t, civicspace.Submitted, sub.Status)
	sc, err := svc.StoredScore(ctx, rec.ID, 0)
	require.NoError(t, err)
	require.Equal(t, sub.Version, sc.Version)
}

// A stale or refused move fails before any scoring.
func TestServiceTransitionChecksFirst(t *testing.T) {
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	scorer := &flakyScorer{Scorer: defaultScorer(t)}
	svc, _ := newTestService(t, scorer)
	rec, _, err := svc.CreateAssessment(ctx, exampleAssessment(t, "open-xaa.json"))
	require.NoError(t, err)
	calls := scorer.calls.Load()

	_, _, err = svc.Transition(ctx, rec.ID, rec.Version+1, civicspace.ActionSubmit, "")
	require.Equal(t, civicspace.ECONFLICT, civicspace.ErrorCode(err))
	_, _, err = svc.Transition(ctx, rec.ID, rec.Version, civicspace.ActionPublish, "")
	require.Equal(t, civicspace.ESTATE, civicspace.ErrorCode(err))

	bad := exampleAssessment(t, "open-xaa.json")
	bad.Author = ""
	upd, problems, err := svc.UpdateAssessment(ctx, rec.ID, rec.Version, bad, "")
	require.NoError(t, err)
	require.Len(t, problems, 1)
	_, _, err = svc.Transition(ctx, rec.ID, upd.Version, civicspace.ActionSubmit, "")
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	require.Equal(t, problems, civicspace.ErrorProblems(err))
	require.Equal(t, calls, scorer.calls.Load())
}

// Reading a score under a new policy falls back to the latest one stored
// under any policy, which says which policy it is.
func TestServiceStoredScoreFallsBack(t *testing.T) {
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	svc, _ := newTestService(t, defaultScorer(t))
	rec, _, err := svc.CreateAssessment(ctx, exampleAssessment(t, "host-donor-xac.json"))
	require.NoError(t, err)
	first, err := svc.StoredScore(ctx, rec.ID, 0)
	require.NoError(t, err)

	strict, err := opa.NewScorer(svc.Catalog, opa.WithData(map[string]any{"civicspace": map[string]any{"policy": map[string]any{"min_coverage": 0.9}}}))
	require.NoError(t, err)
	require.NotEqual(t, first.PolicyDigest, strict.PolicyDigest())
	svc.Scorer = strict
	sc, err := svc.StoredScore(ctx, rec.ID, 0)
	require.NoError(t, err)
	require.Equal(t, first.PolicyDigest, sc.PolicyDigest)

	report, err := svc.Rescore(ctx, "", nil)
	require.NoError(t, err)
	require.Equal(t, 1, report.Scored)
	sc, err = svc.StoredScore(ctx, rec.ID, 0)
	require.NoError(t, err)
	require.Equal(t, strict.PolicyDigest(), sc.PolicyDigest)

	_, err = svc.StoredScore(ctx, rec.ID, 2)
	require.Equal(t, civicspace.ENOTFOUND, civicspace.ErrorCode(err))
}

// Comparisons read the observations of published revisions, whether the
// score was copied at publication or computed by a rescore.
func TestServiceObservationsOfPublishedRevisions(t *testing.T) {
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	svc, _ := newTestService(t, defaultScorer(t))
	rec, _, err := svc.CreateAssessment(ctx, exampleAssessment(t, "open-xaa.json"))
	require.NoError(t, err)
	filter := civicspace.PublishedFilter{Countries: []string{"XAA"}}
	obs, err := svc.Store.Observations(ctx, filter, svc.Scorer.PolicyDigest(), civicspace.LevelRating)
	require.NoError(t, err)
	require.Empty(t, obs, "nothing published yet")

	for _, action := range []civicspace.Action{civicspace.ActionSubmit, civicspace.ActionPublish} {
		rec, _, err = svc.Transition(ctx, rec.ID, rec.Version, action, "")
		require.NoError(t, err)
	}
	sc, err := svc.StoredScore(ctx, rec.ID, 0)
	require.NoError(t, err)
	obs, err = svc.Store.Observations(ctx, filter, svc.Scorer.PolicyDigest(), civicspace.LevelRating)
	require.NoError(t, err)
	require.Len(t, obs, 1)
	require.Equal(t, rec.Version, obs[0].Version)
	require.Equal(t, sc.Band, obs[0].Status)
	require.Equal(t, sc.Score, obs[0].Score)
	all, err := svc.Store.Observations(ctx, filter, svc.Scorer.PolicyDigest())
	require.NoError(t, err)
	require.Greater(t, len(all), len(svc.Catalog.Indicators()), "every level is there")

	// Opened for correction: comparisons keep reading the publication.
	_, _, err = svc.Transition(ctx, rec.ID, rec.Version, civicspace.ActionCorrect, "")
	require.NoError(t, err)
	obs, err = svc.Store.Observations(ctx, filter, svc.Scorer.PolicyDigest(), civicspace.LevelRating)
	require.NoError(t, err)
	require.Len(t, obs, 1)
	require.Equal(t, rec.Version, obs[0].Version)

	// Under a new policy, rescore gives the publication observations too.
	strict, err := opa.NewScorer(svc.Catalog, opa.WithData(map[string]any{"civicspace": map[string]any{"policy": map[string]any{"min_coverage": 0.9}}}))
	require.NoError(t, err)
	svc.Scorer = strict
	_, err = svc.Rescore(ctx, "", nil)
	require.NoError(t, err)
	obs, err = svc.Store.Observations(ctx, filter, strict.PolicyDigest(), civicspace.LevelRating)
	require.NoError(t, err)
	require.Len(t, obs, 1)
	require.Equal(t, rec.Version, obs[0].Version)
}
