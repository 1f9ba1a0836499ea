package storetest

import (
	"os"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// Store is everything a civicspace store package keeps: assessments and
// their scores, commitments, keys, the audit trail and policy packs.
type Store interface {
	RecordStore
	civicspace.KeyStore
	civicspace.AuditStore
	civicspace.PolicyPackStore
	civicspace.PublicationLister
	civicspace.Transactor
}

// RunAll runs every conformance suite against a store package: open must
// return a new, empty store for each call; the suites close it.
func RunAll[S Store](t *testing.T, open func(t testing.TB) S) {
	t.Run("Assessments", func(t *testing.T) {
		Run(t, func(t *testing.T) civicspace.AssessmentStore { return open(t) })
	})
	t.Run("Commitments", func(t *testing.T) {
		RunCommitments(t, func(t *testing.T) civicspace.CommitmentStore {
			s := open(t)
			t.Cleanup(func() { require.NoError(t, s.Close()) })
			return s
		})
	})
	t.Run("Access", func(t *testing.T) {
		RunAuth(t, func(t *testing.T) AuthStore { return open(t) })
	})
	t.Run("Publications", func(t *testing.T) {
		RunPublications(t, func(t *testing.T) civicspace.PublicationLister { return open(t) })
	})
	t.Run("Atomically", func(t *testing.T) {
		s := open(t)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		testAtomically(t, s)
	})
}

// BenchAll runs every store benchmark as a sub-benchmark: open must return
// a new, empty store for each call, closed by the caller's cleanup.
func BenchAll[S Store](b *testing.B, open func(t testing.TB) S) {
	stores := func(b *testing.B) civicspace.AssessmentStore { return open(b) }
	b.Run("Create", func(b *testing.B) { BenchCreate(b, stores) })
	b.Run("LatestPublished200", func(b *testing.B) { BenchLatestPublished200(b, stores) })
	b.Run("Observations2000", func(b *testing.B) { BenchObservations2000(b, stores) })
	b.Run("ListVisible", func(b *testing.B) { BenchListVisible(b, stores) })
	b.Run("PublishedCommitments", func(b *testing.B) {
		BenchPublishedCommitments(b, func(b *testing.B) civicspace.CommitmentStore {
			s := open(b)
			b.Cleanup(func() { s.Close() })
			return s
		})
	})
}

// MigrationNames lists the file names of a store package's migrations
// (its migrations folder, read from its tests), in the order they apply:
// what a fresh database records.
func MigrationNames(t testing.TB) []string {
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
