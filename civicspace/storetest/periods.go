package storetest

import (
	"slices"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// testPeriodKey checks the one notion of a period (civicspace.Period.Key):
// a year and the date range that covers it are the same period for every
// filter a store offers, and a comparison for the year finds every
// assessment of it, however its period was written.
func testPeriodKey(t *testing.T, s civicspace.AssessmentStore) {
	ctx := t.Context()
	const policy = "sha256:policy-a"
	nor := createIn(ctx, t, s, Fixture("NOR", "2025", civicspace.KindSelf), civicspace.Published)
	swe := createIn(ctx, t, s, Fixture("SWE", "2025-01-01/2025-12-31", civicspace.KindSelf), civicspace.Published)
	ken := createIn(ctx, t, s, Fixture("KEN", "2025-01-01/2025-06-30", civicspace.KindSelf), civicspace.Published)
	dnk := createIn(ctx, t, s, Fixture("DNK", "2025-01-01/2025-12-31", civicspace.KindShadow), civicspace.Published)
	// NOR publishes again for 2025, this time written as a range: it is the
	// same subject, period and kind, so it replaces the first publication.
	nor2 := createIn(ctx, t, s, Fixture("NOR", "2025-01-01/2025-12-31", civicspace.KindSelf), civicspace.Published)
	for i, rec := range []*civicspace.Record{nor, swe, ken, dnk, nor2} {
		require.NoError(t, s.PutScore(ctx, storedScore(rec, 3, policy, float64(40+i))))
	}

	ids := func(revs []*civicspace.Revision) []string {
		out := make([]string, len(revs))
		for i, r := range revs {
			out[i] = r.AssessmentID
		}
		slices.Sort(out)
		return out
	}
	sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
	year := sorted(nor2.ID, swe.ID, dnk.ID)

	for _, period := range []string{"2025", "2025-01-01/2025-12-31"} {
		key := civicspace.PeriodKey(period)
		revs, err := s.LatestPublished(ctx, civicspace.PublishedFilter{Period: key})
		require.NoError(t, err)
		require.Equal(t, year, ids(revs), "%s: the year and its range are one period; the later NOR publication wins", period)

		obs, err := s.Observations(ctx, civicspace.PublishedFilter{Period: key}, policy, civicspace.LevelRating)
		require.NoError(t, err)
		require.Len(t, obs, 3)
		for _, o := range obs {
			require.Equal(t, "2025", o.Period, "observations carry the period's key")
		}

		page, err := s.ListAssessments(ctx, civicspace.AssessmentFilter{Period: key})
		require.NoError(t, err)
		var listed []string
		for _, r := range page.Records {
			listed = append(listed, r.ID)
		}
		require.Equal(t, sorted(nor.ID, nor2.ID, swe.ID, dnk.ID), sorted(listed...), "%s: listing by period", period)

		// A ranking for 2025, asked either way, ranks every self-assessment
		// of 2025: NOR (its later publication) and SWE, not KEN's half year.
		res, err := civicspace.CompareRanking(ctx, s, civicspace.DefaultCatalog(), civicspace.DefaultCountries(), policy,
			civicspace.RankingQuery{Period: period, Kind: civicspace.KindSelf})
		require.NoError(t, err)
		require.Equal(t, "2025", res.Period)
		var ranked []string
		for _, row := range res.Rows {
			ranked = append(ranked, row.AssessmentID)
		}
		require.Equal(t, sorted(nor2.ID, swe.ID), sorted(ranked...), "%s", period)
	}

	// The half year is its own period, written as its range.
	revs, err := s.LatestPublished(ctx, civicspace.PublishedFilter{Period: civicspace.PeriodKey("2025-01-01/2025-06-30")})
	require.NoError(t, err)
	require.Equal(t, []string{ken.ID}, ids(revs))
	// The document keeps the period as written.
	got, err := s.Assessment(ctx, swe.ID)
	require.NoError(t, err)
	require.Equal(t, "2025-01-01/2025-12-31", got.Assessment.Period.String())

	// The default ranking period is the latest key: 2025, not the range
	// that ends on the same day.
	res, err := civicspace.CompareRanking(ctx, s, civicspace.DefaultCatalog(), civicspace.DefaultCountries(), policy,
		civicspace.RankingQuery{Kind: civicspace.KindSelf})
	require.NoError(t, err)
	require.Equal(t, "2025", res.Period)
	require.Len(t, res.Rows, 2)
}
