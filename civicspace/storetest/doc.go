// Package storetest is the conformance suite every civicspace store
// must pass, and the benchmarks that measure one. A store package runs all
// of it from its own tests:
//
//	func open(t testing.TB) *sqlite.Store {
//		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "test.db"))
//		require.NoError(t, err)
//		return s
//	}
//
//	func TestConformance(t *testing.T) { storetest.RunAll(t, open) }
//
//	func BenchmarkStore(b *testing.B) { storetest.BenchAll(b, open) }
//
// Run, RunCommitments, RunAuth and RunPublications run one part each, and
// RunImmutable checks that the schema refuses changes made around the
// store.
//
// The suite needs no catalog: the store keeps documents as they are given
// and fixtures use arbitrary indicator IDs and user-assigned country codes
// where real ones are not needed.
package storetest
