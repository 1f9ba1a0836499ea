package comparestore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

const policy = "sha256:fixture-policy"

// seeded is a store holding the comparison fixture, and the fixture's
// observations renamed to the IDs the store gave, with an observation of
// no level for the publication not scored under the policy (DNK 2024),
// which comparisons list as missing.
type seeded struct {
	st  civicspace.AssessmentStore
	obs []civicspace.Observation
}

// seedFixture publishes every assessment of the fixture with its stored
// observations, and adds what readers must not see: a withdrawn
// assessment, an unpublished draft, a submitted one, and a score under
// another policy.
func seedFixture(t *testing.T, b backend) seeded {
	ctx := context.Background()
	st := b.open(t)
	fixture := loadJSON[[]civicspace.Observation](t, "observations")
	byID := map[string][]civicspace.Observation{}
	var ids []string
	for _, o := range fixture {
		if byID[o.AssessmentID] == nil {
			ids = append(ids, o.AssessmentID)
		}
		byID[o.AssessmentID] = append(byID[o.AssessmentID], o)
	}
	var renamed []civicspace.Observation
	for _, id := range ids {
		obs := byID[id]
		first := obs[0]
		a := assessmentOf(first.Country, first.Period, first.Kind)
		res := &civicspace.Result{Subject: a.Subject, Period: first.Period, Kind: first.Kind}
		for _, o := range obs {
			if o.Level == civicspace.LevelRating {
				res.Rating = civicspace.Rating{Band: o.Status, Score: o.Score, Coverage: *o.Coverage}
			}
		}
		storeObs := slices.Clone(obs)
		for i := range storeObs {
			storeObs[i].AssessmentID, storeObs[i].Version = "", 0
		}
		newID, version := publish(t, ctx, st, a, res, storeObs, policy)
		for _, o := range obs {
			o.AssessmentID, o.Version = newID, version
			renamed = append(renamed, o)
		}
	}

	// Withdrawn: NOR's 2024 shadow assessment was published, then
	// withdrawn. It must be absent everywhere.
	a := assessmentOf("NOR", "2024", civicspace.KindShadow)
	res := &civicspace.Result{Subject: a.Subject, Period: "2024", Kind: civicspace.KindShadow, Rating: civicspace.Rating{Band: "open", Score: civicspace.Float(99), Coverage: 1}}
	id, version := publish(t, ctx, st, a, res, nil, policy)
	_, err := st.TransitionAssessment(ctx, id, version, civicspace.ActionWithdraw, "seed", "retracted")
	require.NoError(t, err)
	// A draft and a submitted assessment of SWE for 2024.
	_, err = st.CreateAssessment(ctx, assessmentOf("SWE", "2024", civicspace.KindSelf), "seed")
	require.NoError(t, err)
	rec, err := st.CreateAssessment(ctx, assessmentOf("SWE", "2024", civicspace.KindShadow), "seed")
	require.NoError(t, err)
	_, err = st.TransitionAssessment(ctx, rec.ID, rec.Version, civicspace.ActionSubmit, "seed", "")
	require.NoError(t, err)
	// DNK 2024 published, but scored only under another policy.
	a = assessmentOf("DNK", "2024", civicspace.KindSelf)
	res = &civicspace.Result{Subject: a.Subject, Period: "2024", Kind: civicspace.KindSelf, Rating: civicspace.Rating{Band: "open", Score: civicspace.Float(88), Coverage: 1}}
	dnk, dnkVersion := publish(t, ctx, st, a, res, nil, "sha256:another-policy")
	renamed = append(renamed, civicspace.Observation{AssessmentID: dnk, Version: dnkVersion, Country: "DNK", Period: "2024", Kind: civicspace.KindSelf})
	return seeded{st: st, obs: renamed}
}

func assessmentOf(country, period string, kind civicspace.Kind) *civicspace.Assessment {
	return &civicspace.Assessment{
		Subject: civicspace.Subject{Country: country}, Roles: []civicspace.Role{civicspace.RoleDomestic},
		Period: civicspace.MustPeriod(period), Kind: kind, Author: "Fixture " + string(kind),
		Answers: map[string]civicspace.Answer{},
	}
}

// TestCompareOnStores checks that each comparison read from a store equals
// the pure comparison of the same observations (whose golden outputs
// civicspace's tests check), so the store query selects exactly the latest
// published, scored revisions.
func TestCompareOnStores(t *testing.T) {
	cat, countries := fixtureCatalog(t), civicspace.DefaultCountries()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := seedFixture(t, b)

			rankings := []civicspace.RankingQuery{
				{Period: "2025", Kind: civicspace.KindSelf},
				{},
				{Framework: "fb", Period: "2025", Kind: civicspace.KindSelf},
				{Framework: "fa", Group: "fa.p2", Period: "2025", Kind: civicspace.KindSelf, MinCoverage: 0.7},
				{Recommendation: "fa.r1", Period: "2025", Kind: civicspace.KindSelf, Region: "Europe"},
				{Period: "2025", Kind: civicspace.KindSelf, SubRegion: "154"},
				{PeriodTo: 2024},
				{Period: "2024", Kind: civicspace.KindShadow},
				{Period: "2019"},
			}
			for _, q := range rankings {
				want, err := civicspace.Ranking(cat, countries, s.obs, q)
				require.NoError(t, err)
				got, err := civicspace.CompareRanking(ctx, s.st, cat, countries, policy, q)
				require.NoError(t, err)
				require.Equal(t, want, got, "%+v", q)
			}
			// The withdrawn NOR shadow assessment is the only 2024 shadow
			// one: nothing is left to rank.
			r, err := civicspace.CompareRanking(ctx, s.st, cat, countries, policy, civicspace.RankingQuery{Period: "2024", Kind: civicspace.KindShadow})
			require.NoError(t, err)
			require.Empty(t, r.Rows)
			// DNK 2024 is scored under another policy only: a missing
			// row, last.
			r, err = civicspace.CompareRanking(ctx, s.st, cat, countries, policy, civicspace.RankingQuery{Period: "2024"})
			require.NoError(t, err)
			require.Equal(t, []string{"NOR", "KEN", "DNK"}, countriesOf(r))
			dnk := r.Rows[2]
			require.Equal(t, civicspace.FlagMissing, dnk.Flag)
			require.Nil(t, dnk.Score)
			require.Nil(t, dnk.Rank)
			require.Equal(t, 1, r.Counts.Missing)
			g, err := civicspace.CompareRegions(ctx, s.st, cat, countries, policy, civicspace.RegionQuery{Period: "2024", Kind: civicspace.KindSelf})
			require.NoError(t, err)
			require.Equal(t, civicspace.WorldM49, g.Aggregates[0].Code)
			require.Equal(t, 1, g.Aggregates[0].Missing, "DNK counted as missing in the world")

			for _, q := range []civicspace.RegionQuery{
				{Period: "2025", Kind: civicspace.KindSelf},
				{},
				{Framework: "fa", Period: "2025", Kind: civicspace.KindSelf, Region: "150"},
			} {
				want := civicspace.Regions(countries, s.obs, q)
				want.Target = targetWithTitle(t, cat, q.Framework, q.Group, q.Recommendation)
				got, err := civicspace.CompareRegions(ctx, s.st, cat, countries, policy, q)
				require.NoError(t, err)
				require.Equal(t, want, got, "%+v", q)
			}

			for _, tt := range []struct {
				subject string
				q       civicspace.TrendQuery
			}{
				{"KEN", civicspace.TrendQuery{}},
				{"KEN", civicspace.TrendQuery{Framework: "fa", Kind: civicspace.KindSelf, PeriodFrom: 2024}},
				{"KEN", civicspace.TrendQuery{Recommendation: "fa.r1", Kind: civicspace.KindSelf}},
				{"NOR", civicspace.TrendQuery{}},
			} {
				want := civicspace.Trend(cat, s.obs, tt.subject, tt.q)
				got, err := civicspace.CompareTrend(ctx, s.st, cat, countries, policy, tt.subject, tt.q)
				require.NoError(t, err)
				require.Equal(t, want, got, "%s %+v", tt.subject, tt.q)
			}
			nor, err := civicspace.CompareTrend(ctx, s.st, cat, countries, policy, "NOR", civicspace.TrendQuery{Kind: civicspace.KindShadow})
			require.NoError(t, err)
			require.Len(t, nor.Series, 1)
			require.Len(t, nor.Series[0].Periods, 1, "the withdrawn 2024 shadow assessment is not in the trend")
		})
	}
}

func countriesOf(r *civicspace.RankingResult) []string {
	var out []string
	for _, row := range r.Rows {
		out = append(out, row.Country)
	}
	return out
}

func targetWithTitle(t *testing.T, cat *civicspace.Catalog, framework, group, rec string) civicspace.Target {
	t.Helper()
	// Ranking resolves and titles the target the same way as the region
	// aggregates' store-backed entry point.
	r, err := civicspace.Ranking(cat, civicspace.DefaultCountries(), nil, civicspace.RankingQuery{Framework: framework, Group: group, Recommendation: rec})
	require.NoError(t, err)
	return r.Target
}

func TestCompareGapOnStores(t *testing.T) {
	cat, countries := fixtureCatalog(t), civicspace.DefaultCountries()
	self := loadJSON[civicspace.Revision](t, "revision-ken-2025-self")
	shadow := loadJSON[civicspace.Revision](t, "revision-ken-2025-shadow")
	selfRes := loadJSON[civicspace.Result](t, "result-ken-2025-self")
	shadowRes := loadJSON[civicspace.Result](t, "result-ken-2025-shadow")
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			st := b.open(t)
			q := civicspace.GapQuery{Country: "KEN", Period: "2025"}
			_, err := civicspace.CompareGap(ctx, st, cat, countries, policy, q)
			require.Equal(t, civicspace.ENOTFOUND, civicspace.ErrorCode(err))
			require.Contains(t, err.Error(), "no published self assessment of KEN for 2025")

			selfID, selfV := publish(t, ctx, st, &self.Assessment, &selfRes, nil, policy)
			_, err = civicspace.CompareGap(ctx, st, cat, countries, policy, q)
			require.Equal(t, civicspace.ENOTFOUND, civicspace.ErrorCode(err))
			require.Contains(t, err.Error(), "no published shadow assessment")

			shadowID, shadowV := publish(t, ctx, st, &shadow.Assessment, &shadowRes, nil, policy)
			got, err := civicspace.CompareGap(ctx, st, cat, countries, policy, q)
			require.NoError(t, err)
			want := loadJSON[civicspace.GapResult](t, "gap-ken-2025")
			want.Self.AssessmentID, want.Self.Version = selfID, selfV
			want.Shadow.AssessmentID, want.Shadow.Version = shadowID, shadowV
			require.Equal(t, &want, got)

			_, err = civicspace.CompareGap(ctx, st, cat, countries, "sha256:other", q)
			require.Equal(t, civicspace.ENOTFOUND, civicspace.ErrorCode(err))
			require.Contains(t, err.Error(), "not scored under the current policy")

			for _, bad := range []civicspace.GapQuery{
				{Country: "KEN", Period: "2025", Base: civicspace.KindShadow, Against: civicspace.KindShadow},
				{Country: "XYZ1", Period: "2025"},
				{Country: "KEN", Period: "25"},
				{Country: "KEN", Period: "2025", Against: "rival"},
			} {
				_, err := civicspace.CompareGap(ctx, st, cat, countries, policy, bad)
				require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err), "%+v", bad)
			}
		})
	}
}

func TestCompareRejectsBadQueriesBeforeReading(t *testing.T) {
	cat, countries := fixtureCatalog(t), civicspace.DefaultCountries()
	st := openSQLite(t)
	ctx := context.Background()
	_, err := civicspace.CompareRanking(ctx, st, cat, countries, policy, civicspace.RankingQuery{Framework: "nope"})
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	_, err = civicspace.CompareRanking(ctx, st, cat, countries, policy, civicspace.RankingQuery{Period: "last year"})
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	_, err = civicspace.CompareRegions(ctx, st, cat, countries, policy, civicspace.RegionQuery{MinCoverage: 2})
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	_, err = civicspace.CompareRegions(ctx, st, cat, countries, policy, civicspace.RegionQuery{SubRegion: "Narnia"})
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	_, err = civicspace.CompareTrend(ctx, st, cat, countries, policy, "ATLANTIS", civicspace.TrendQuery{})
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	_, err = civicspace.CompareTrend(ctx, st, cat, countries, policy, "KEN", civicspace.TrendQuery{Kind: "rival"})
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
}

// TestCompareFindsOldLatestPeriods checks the default period when every
// publication is years old: the recent periods are looked at first, then
// all of them.
func TestCompareFindsOldLatestPeriods(t *testing.T) {
	cat, countries := fixtureCatalog(t), civicspace.DefaultCountries()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			st := b.open(t)
			for _, p := range []string{"2018", "2019"} {
				a := assessmentOf("NOR", p, civicspace.KindSelf)
				res := &civicspace.Result{Subject: a.Subject, Period: p, Kind: a.Kind, Rating: civicspace.Rating{Band: "open", Score: civicspace.Float(90), Coverage: 1}}
				publish(t, ctx, st, a, res, nil, policy)
			}
			r, err := civicspace.CompareRanking(ctx, st, cat, countries, policy, civicspace.RankingQuery{})
			require.NoError(t, err)
			require.Equal(t, "2019", r.Period)
			require.Len(t, r.Rows, 1)
			g, err := civicspace.CompareRegions(ctx, st, cat, countries, policy, civicspace.RegionQuery{PeriodTo: 2018})
			require.NoError(t, err)
			require.Equal(t, "2018", g.Period)
		})
	}
}

// TestCompareShowsUnscoredPublications checks a policy change before
// rescoring: no publication is scored under the new policy, and each is
// listed as missing in the latest period rather than the ranking being
// empty.
func TestCompareShowsUnscoredPublications(t *testing.T) {
	cat, countries := fixtureCatalog(t), civicspace.DefaultCountries()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			st := b.open(t)
			for _, c := range []string{"NOR", "KEN"} {
				for _, p := range []string{"2024", "2025"} {
					a := assessmentOf(c, p, civicspace.KindSelf)
					res := &civicspace.Result{Subject: a.Subject, Period: p, Kind: a.Kind, Rating: civicspace.Rating{Band: "open", Score: civicspace.Float(90), Coverage: 1}}
					publish(t, ctx, st, a, res, nil, "sha256:old-policy")
				}
			}
			r, err := civicspace.CompareRanking(ctx, st, cat, countries, policy, civicspace.RankingQuery{})
			require.NoError(t, err)
			require.Equal(t, "2025", r.Period)
			require.Equal(t, []string{"KEN", "NOR"}, countriesOf(r))
			require.Equal(t, civicspace.RankCounts{Missing: 2}, r.Counts)

			old, err := civicspace.CompareRanking(ctx, st, cat, countries, "sha256:old-policy", civicspace.RankingQuery{Framework: "fa"})
			require.NoError(t, err)
			require.Equal(t, "2025", old.Period)
			require.Equal(t, 2, old.Counts.Missing, "scored, but with no value for the framework")

			g, err := civicspace.CompareRegions(ctx, st, cat, countries, policy, civicspace.RegionQuery{})
			require.NoError(t, err)
			require.Equal(t, "2025", g.Period)
			require.Equal(t, 2, g.Aggregates[0].Missing)
			require.Zero(t, g.Aggregates[0].Count)
		})
	}
}
