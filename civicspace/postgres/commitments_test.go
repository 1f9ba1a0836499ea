package postgres_test

import (
	"os"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/postgres"
	"github.com/civicspace/civicspace/civicspace/storetest"
	"github.com/stretchr/testify/require"
)

func TestCommitmentConformance(t *testing.T) {
	storetest.RunCommitments(t, func(t *testing.T) civicspace.CommitmentStore {
		s := open(t)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		return s
	})
}

// TestCommitmentsImmutable checks that the schema itself refuses to change
// or erase commitment revisions and progress reports, whoever tries.
func TestCommitmentsImmutable(t *testing.T) {
	ctx := t.Context()
	dsn, schema := testDSN(t), freshSchema(t)
	s, err := postgres.Open(ctx, dsn, postgres.WithSchema(schema))
	require.NoError(t, err)
	defer s.Close()
	rec, err := s.CreateCommitment(ctx, storetest.CommitmentFixture("NOR"), "alice")
	require.NoError(t, err)
	rec, err = s.TransitionCommitment(ctx, rec.ID, rec.Version, civicspace.ActionPublish, "rita", "")
	require.NoError(t, err)
	_, err = s.AddProgressReport(ctx, rec.ID, storetest.ReportFixture(civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-01-10"), "gov")
	require.NoError(t, err)

	conn := rawConn(t, schema)
	for _, stmt := range []string{
		`UPDATE commitment_revisions SET note = 'x'`,
		`DELETE FROM commitment_revisions`,
		`TRUNCATE commitment_revisions CASCADE`,
		`UPDATE commitment_reports SET level = 'complete'`,
		`DELETE FROM commitment_reports`,
		`DELETE FROM commitments`,
		`TRUNCATE commitments CASCADE`,
	} {
		_, err := conn.Exec(ctx, stmt)
		require.ErrorContains(t, err, "never changed or deleted", stmt)
	}
	reports, err := s.ProgressReports(ctx, rec.ID)
	require.NoError(t, err)
	require.Len(t, reports, 1)
	require.Equal(t, civicspace.CompletionLimited, reports[0].Level)
}

// migrationNames lists the file names of the embedded migrations, in the
// order they apply: what a fresh database records.
func migrationNames(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("migrations")
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	require.NotEmpty(t, names)
	return names // os.ReadDir sorts by name, and names start with the number
}

func BenchmarkPublishedCommitments(b *testing.B) {
	storetest.BenchPublishedCommitments(b, func(b *testing.B) civicspace.CommitmentStore {
		s := open(b)
		b.Cleanup(func() { s.Close() })
		return s
	})
}
