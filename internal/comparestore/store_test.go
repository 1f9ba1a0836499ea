package comparestore_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/stretchr/testify/require"
)

// backend opens an empty store.
type backend struct {
	name string
	open func(t testing.TB) civicspace.AssessmentStore
	// settle, if set, brings a store just bulk-loaded to its steady state
	// (planner statistics) before it is measured.
	settle func(t testing.TB, st civicspace.AssessmentStore)
}

func openSQLite(t testing.TB) civicspace.AssessmentStore {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "compare.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// backends lists the stores to run against: SQLite, and PostgreSQL when
// CIVICSPACE_TEST_POSTGRES is set.
func backends() []backend {
	bs := []backend{{name: "sqlite", open: openSQLite}}
	if pg := postgresBackend(); pg != nil {
		bs = append(bs, *pg)
	}
	return bs
}

// publish stores a as a published assessment with res as its score under
// policy, and returns the published revision's ID and version.
func publish(t testing.TB, ctx context.Context, st civicspace.AssessmentStore, a *civicspace.Assessment, res *civicspace.Result, obs []civicspace.Observation, policy string) (string, int) {
	t.Helper()
	rec, err := st.CreateAssessment(ctx, a, "seed")
	require.NoError(t, err)
	for _, action := range []civicspace.Action{civicspace.ActionSubmit, civicspace.ActionPublish} {
		rec, err = st.TransitionAssessment(ctx, rec.ID, rec.Version, action, "seed", "")
		require.NoError(t, err)
	}
	body, err := json.Marshal(res)
	require.NoError(t, err)
	if obs == nil {
		obs = res.Observations(rec.ID, rec.Version)
	}
	require.NoError(t, st.PutScore(ctx, &civicspace.StoredScore{
		AssessmentID: rec.ID, Version: rec.Version, PolicyDigest: policy, CatalogDigest: "sha256:test",
		Band: res.Rating.Band, Score: res.Rating.Score, Result: body, Observations: obs,
	}))
	return rec.ID, rec.Version
}

// compareData is where the comparison tests of package civicspace keep
// their fixture and golden outputs.
const compareData = "../../civicspace/testdata/compare"

func loadJSON[T any](t testing.TB, name string) T {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(compareData, name+".golden.json"))
	require.NoError(t, err)
	var v T
	require.NoError(t, json.Unmarshal(data, &v))
	return v
}

func fixtureCatalog(t testing.TB) *civicspace.Catalog {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(compareData, "catalog.yaml"))
	require.NoError(t, err)
	cat, err := civicspace.ParseCatalog(civicspace.CatalogFile{Name: "catalog.yaml", Data: data})
	require.NoError(t, err)
	return cat
}
