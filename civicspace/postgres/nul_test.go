package postgres_test

import (
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/postgres"
	"github.com/civicspace/civicspace/civicspace/storetest"
	"github.com/stretchr/testify/require"
)

// TestNULLeavesNothing checks that text PostgreSQL cannot hold (a NUL, in
// a document or in a column) is refused as invalid input and that the
// refused write leaves no row behind: every filtered read of what was
// there before still answers.
func TestNULLeavesNothing(t *testing.T) {
	ctx := t.Context()
	schema := freshSchema(t)
	s, err := postgres.Open(ctx, testDSN(t), postgres.WithSchema(schema))
	require.NoError(t, err)
	defer s.Close()

	inWorkstream := func(name string) *civicspace.Commitment {
		c := storetest.CommitmentFixture("NOR")
		c.Occasion = civicspace.Occasion{Kind: civicspace.OccasionWorkstream, Name: name, WorkstreamID: "ws-1", Date: "2023-01-15"}
		return c
	}
	good, err := s.CreateCommitment(ctx, inWorkstream("Cohort"), "alice")
	require.NoError(t, err)
	good, err = s.TransitionCommitment(ctx, good.ID, good.Version, civicspace.ActionPublish, "rita", "")
	require.NoError(t, err)
	draft, err := s.CreateCommitment(ctx, inWorkstream("Cohort"), "alice")
	require.NoError(t, err)
	asm, err := s.CreateAssessment(ctx, storetest.Fixture("NOR", "2025", civicspace.KindSelf), "alice")
	require.NoError(t, err)

	withNUL := storetest.Fixture("NOR", "2025", civicspace.KindSelf)
	withNUL.Author = "Civic\x00Watch"
	inOrg := storetest.OrgFixture("Ministry\x00", "2025", civicspace.KindSelf)
	report := storetest.ReportFixture(civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-01-10")
	report.Comment = "as of\x00 now"
	for _, tc := range []struct {
		name  string
		write func() error
	}{
		{"commitment occasion name", func() error {
			_, err := s.CreateCommitment(ctx, inWorkstream("Cohort\x00"), "alice")
			return err
		}},
		{"commitment actor", func() error {
			_, err := s.CreateCommitment(ctx, inWorkstream("Cohort"), "al\x00ice")
			return err
		}},
		{"commitment update", func() error {
			_, err := s.UpdateCommitment(ctx, draft.ID, draft.Version, inWorkstream("Cohort\x00"), "alice", "")
			return err
		}},
		{"commitment transition note", func() error {
			_, err := s.TransitionCommitment(ctx, good.ID, good.Version, civicspace.ActionCorrect, "rita", "n\x00te")
			return err
		}},
		{"progress report", func() error {
			_, err := s.AddProgressReport(ctx, good.ID, report, "gov")
			return err
		}},
		{"assessment document", func() error {
			_, err := s.CreateAssessment(ctx, withNUL, "alice")
			return err
		}},
		{"assessment organisation column", func() error {
			_, err := s.CreateAssessment(ctx, inOrg, "alice")
			return err
		}},
		{"assessment update note", func() error {
			_, err := s.UpdateAssessment(ctx, asm.ID, asm.Version, storetest.Fixture("NOR", "2025", civicspace.KindSelf), "alice", "n\x00te")
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(tc.write()))
		})
	}

	conn := rawConn(t, schema)
	for table, want := range map[string]int{"commitments": 2, "commitment_revisions": 3, "commitment_reports": 0, "assessments": 1, "assessment_revisions": 1} {
		var n int
		require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n))
		require.Equal(t, want, n, "rows in %s", table)
	}
	page, err := s.ListCommitments(ctx, civicspace.CommitmentFilter{Workstream: "ws-1", PublishedOnly: true})
	require.NoError(t, err, "the workstream still lists")
	require.Len(t, page.Records, 1)
	rec, err := s.Commitment(ctx, good.ID)
	require.NoError(t, err)
	require.Equal(t, good, rec, "the commitment is as it was")
	rec, err = s.Commitment(ctx, draft.ID)
	require.NoError(t, err)
	require.Equal(t, draft, rec, "the draft is as it was")
	got, err := s.Assessment(ctx, asm.ID)
	require.NoError(t, err)
	require.Equal(t, asm, got, "the assessment is as it was")
}
