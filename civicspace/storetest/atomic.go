package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// testAtomically checks that writes of every kind made in one Atomically
// call commit together or not at all, that reads inside see them, and
// that a nested call joins the outer transaction.
func testAtomically(t *testing.T, s Store) {
	ctx := t.Context()
	boom := errors.New("boom")
	write := func(ctx context.Context, t *testing.T) (*civicspace.Record, *civicspace.CommitmentRecord) {
		rec, err := s.CreateAssessment(ctx, Fixture("NOR", "2025", civicspace.KindSelf), "alice")
		require.NoError(t, err)
		got, err := s.Assessment(ctx, rec.ID)
		require.NoError(t, err, "a read inside sees the write")
		require.Equal(t, rec, got)
		require.NoError(t, s.Atomically(ctx, func(ctx context.Context) error {
			rec, err = s.UpdateAssessment(ctx, rec.ID, rec.Version, Fixture("NOR", "2024", civicspace.KindSelf), "alice", "nested")
			return err
		}))
		require.NoError(t, s.PutScore(ctx, storedScore(rec, rec.Version, "p", 50)))
		require.NoError(t, s.AppendAudit(ctx, &civicspace.AuditEntry{Actor: "alice", Action: "createAssessment", Target: rec.ID}))
		c, err := s.CreateCommitment(ctx, CommitmentFixture("NOR"), "alice")
		require.NoError(t, err)
		return rec, c
	}

	var (
		rec *civicspace.Record
		c   *civicspace.CommitmentRecord
	)
	err := s.Atomically(ctx, func(ctx context.Context) error {
		rec, c = write(ctx, t)
		return boom
	})
	require.ErrorIs(t, err, boom)
	_, err = s.Assessment(ctx, rec.ID)
	requireCode(t, civicspace.ENOTFOUND, err, "the record is rolled back")
	_, err = s.Score(ctx, rec.ID, rec.Version, "p")
	requireCode(t, civicspace.ENOTFOUND, err, "the score is rolled back")
	_, err = s.Commitment(ctx, c.ID)
	requireCode(t, civicspace.ENOTFOUND, err, "the commitment is rolled back")
	audit, err := s.Audit(ctx, civicspace.AuditFilter{Target: rec.ID})
	require.NoError(t, err)
	require.Empty(t, audit.Entries, "the audit entry is rolled back")

	require.NoError(t, s.Atomically(ctx, func(ctx context.Context) error {
		rec, c = write(ctx, t)
		return nil
	}))
	got, err := s.Assessment(ctx, rec.ID)
	require.NoError(t, err)
	require.Equal(t, rec, got)
	_, err = s.Score(ctx, rec.ID, rec.Version, "p")
	require.NoError(t, err)
	_, err = s.Commitment(ctx, c.ID)
	require.NoError(t, err)
	audit, err = s.Audit(ctx, civicspace.AuditFilter{Target: rec.ID})
	require.NoError(t, err)
	require.Len(t, audit.Entries, 1)
}
