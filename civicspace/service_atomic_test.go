package civicspace_test

import (
	"context"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// peekingScorer reads the store from outside the write's transaction
// while it scores: whether the record being scored is committed yet.
type peekingScorer struct {
	civicspace.Scorer
	store     civicspace.Store
	id        func() string
	committed []bool
}

func (s *peekingScorer) Score(ctx context.Context, a *civicspace.Assessment) (*civicspace.Result, error) {
	page, err := s.store.ListAssessments(context.Background(), civicspace.AssessmentFilter{})
	if err != nil {
		return nil, err
	}
	s.committed = append(s.committed, len(page.Records) > 0)
	return s.Scorer.Score(ctx, a)
}

// TestWriteScoreAuditOneTransaction checks that a write, the score stored
// for it and its audit entry are one transaction: while the score is
// computed the record is not visible outside it, and afterwards all three
// are.
func TestWriteScoreAuditOneTransaction(t *testing.T) {
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	peek := &peekingScorer{Scorer: defaultScorer(t)}
	svc, _ := newTestService(t, peek)
	peek.store = svc.Store

	rec, problems, err := svc.CreateAssessment(ctx, exampleAssessment(t, "open-xaa.json"))
	require.NoError(t, err)
	require.Empty(t, problems)
	require.Equal(t, []bool{false}, peek.committed, "scored inside the write's transaction")

	sc, err := svc.StoredScore(ctx, rec.ID, rec.Version)
	require.NoError(t, err)
	require.Equal(t, rec.Version, sc.Version)
	audit, err := svc.Store.Audit(ctx, civicspace.AuditFilter{Target: rec.ID})
	require.NoError(t, err)
	require.Len(t, audit.Entries, 1)
	require.Equal(t, "createAssessment", audit.Entries[0].Action)
}

// panickingScorer panics, as a bug in scoring would.
type panickingScorer struct{ civicspace.Scorer }

func (panickingScorer) Score(context.Context, *civicspace.Assessment) (*civicspace.Result, error) {
	panic("the scorer is broken")
}

// TestPanicLeavesNothing checks that a write whose use case panics after
// the record was written leaves no record behind, and that the store
// takes writes afterwards (the transaction did not stay open).
func TestPanicLeavesNothing(t *testing.T) {
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	svc, _ := newTestService(t, panickingScorer{defaultScorer(t)})
	require.Panics(t, func() { _, _, _ = svc.CreateAssessment(ctx, exampleAssessment(t, "open-xaa.json")) })
	page, err := svc.Store.ListAssessments(ctx, civicspace.AssessmentFilter{})
	require.NoError(t, err)
	require.Empty(t, page.Records, "the record is rolled back")

	svc.Scorer = defaultScorer(t)
	rec, _, err := svc.CreateAssessment(ctx, exampleAssessment(t, "open-xaa.json"))
	require.NoError(t, err)
	require.Equal(t, 1, rec.Version)
}
