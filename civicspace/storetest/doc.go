// Package storetest is the conformance suite every civicspace.AssessmentStore
// must pass, and the benchmarks that measure one. A store package runs it
// from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) civicspace.AssessmentStore {
//			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "test.db"))
//			require.NoError(t, err)
//			return s
//		})
//	}
//
// The suite needs no catalog: the store keeps documents as they are given
// and fixtures use arbitrary indicator IDs and user-assigned country codes
// where real ones are not needed.
package storetest
