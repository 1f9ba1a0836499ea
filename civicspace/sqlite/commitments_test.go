package sqlite_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/civicspace/civicspace/civicspace/storetest"
	"github.com/stretchr/testify/require"
)

func TestCommitmentConformance(t *testing.T) {
	storetest.RunCommitments(t, func(t *testing.T) civicspace.CommitmentStore {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "civicspace.db"))
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		return s
	})
}

// TestCommitmentsImmutable checks that the schema itself refuses to change
// or erase commitment revisions and progress reports, whoever tries.
func TestCommitmentsImmutable(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "civicspace.db")
	s, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	rec, err := s.CreateCommitment(ctx, storetest.CommitmentFixture("NOR"), "alice")
	require.NoError(t, err)
	rec, err = s.TransitionCommitment(ctx, rec.ID, rec.Version, civicspace.ActionPublish, "rita", "")
	require.NoError(t, err)
	_, err = s.AddProgressReport(ctx, rec.ID, storetest.ReportFixture(civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-01-10"), "gov")
	require.NoError(t, err)

	db := rawDB(t, path)
	for _, stmt := range []string{
		`UPDATE commitment_revisions SET document = '{}'`,
		`DELETE FROM commitment_revisions`,
		`UPDATE commitment_reports SET level = 'complete'`,
		`DELETE FROM commitment_reports`,
		`DELETE FROM commitments`,
	} {
		_, err := db.ExecContext(ctx, stmt)
		require.ErrorContains(t, err, "never", stmt)
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
		s, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "civicspace.db"))
		require.NoError(b, err)
		b.Cleanup(func() { s.Close() })
		return s
	})
}
