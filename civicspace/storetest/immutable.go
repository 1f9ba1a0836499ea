package storetest

import (
	"context"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// RecordStore keeps both assessments and commitments.
type RecordStore interface {
	civicspace.AssessmentStore
	civicspace.CommitmentStore
}

// Exec runs a statement on a store's database directly, around the store.
type Exec func(ctx context.Context, stmt string) error

// RunImmutable checks that the schema itself refuses to change or erase
// revisions, scores, observations, progress reports and records, whoever
// tries: every statement, run around the store by exec, fails with an
// error that says so ("never"), and what was stored reads back unchanged.
// extra names more statements of the database's own to try (PostgreSQL's
// TRUNCATE).
func RunImmutable(t *testing.T, s RecordStore, exec Exec, extra ...string) {
	ctx := t.Context()
	rec, err := s.CreateAssessment(ctx, Fixture("NOR", "2025", civicspace.KindSelf), "alice")
	require.NoError(t, err)
	score := 50.0
	require.NoError(t, s.PutScore(ctx, &civicspace.StoredScore{AssessmentID: rec.ID, Version: 1, PolicyDigest: "p", CatalogDigest: "c", Band: "open", Score: &score,
		Result: []byte(`{}`), Observations: []civicspace.Observation{{Level: civicspace.LevelRating, ItemID: "overall", Score: &score}}}))
	c := commitmentIn(ctx, t, s, CommitmentFixture("NOR"), civicspace.ActionPublish)
	_, err = s.AddProgressReport(ctx, c.ID, ReportFixture(civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-01-10"), "gov")
	require.NoError(t, err)

	for _, stmt := range append([]string{
		`UPDATE assessment_revisions SET document = '{}'`,
		`DELETE FROM assessment_revisions`,
		`UPDATE scores SET band = 'closed'`,
		`DELETE FROM scores`,
		`UPDATE score_observations SET score = 0`,
		`DELETE FROM score_observations`,
		`DELETE FROM assessments`,
		`UPDATE commitment_revisions SET note = 'x'`,
		`UPDATE commitment_revisions SET document = '{}'`,
		`DELETE FROM commitment_revisions`,
		`UPDATE commitment_reports SET level = 'complete'`,
		`DELETE FROM commitment_reports`,
		`DELETE FROM commitments`,
	}, extra...) {
		require.ErrorContains(t, exec(ctx, stmt), "never", stmt)
	}
	revs, err := s.Revisions(ctx, rec.ID)
	require.NoError(t, err)
	require.Len(t, revs, 1)
	got, err := s.Score(ctx, rec.ID, 1, "p")
	require.NoError(t, err)
	require.Equal(t, "open", got.Band)
	crevs, err := s.CommitmentRevisions(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, *CommitmentFixture("NOR"), crevs[0].Commitment)
	reports, err := s.ProgressReports(ctx, c.ID)
	require.NoError(t, err)
	require.Len(t, reports, 1)
	require.Equal(t, civicspace.CompletionLimited, reports[0].Level)
}
