package civicspace_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// checkGolden compares v's indented JSON with testdata/compare/NAME.golden.json,
// rewriting it under -update.
func checkGolden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	path := filepath.Join("testdata", "compare", name+".golden.json")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create the golden file")
	require.Equal(t, string(want), string(got), "golden file %s differs (go test -update rewrites it)", path)
}

// rankOf returns the rank, flag and score of a country's row of a kind.
func rankOf(t *testing.T, r *civicspace.RankingResult, country string, kind civicspace.Kind) (rank int, flag string, score *float64) {
	t.Helper()
	for _, row := range r.Rows {
		if row.Country == country && row.Kind == kind {
			if row.Rank != nil {
				rank = *row.Rank
			}
			return rank, row.Flag, row.Score
		}
	}
	t.Fatalf("no row for %s %s", country, kind)
	return 0, "", nil
}

func rowOrder(r *civicspace.RankingResult) []string {
	var out []string
	for _, row := range r.Rows {
		out = append(out, string(row.Kind)+":"+row.Country)
	}
	return out
}

func TestRanking(t *testing.T) {
	cat, countries, obs := compareCatalog(t), civicspace.DefaultCountries(), compareObservations()
	tests := []struct {
		name  string
		q     civicspace.RankingQuery
		order []string
		ranks map[string]int    // kind:country → rank
		flags map[string]string // kind:country → flag
	}{
		{
			name:  "rating-2025-self",
			q:     civicspace.RankingQuery{Period: "2025", Kind: civicspace.KindSelf},
			order: []string{"self:NOR", "self:SWE", "self:DNK", "self:XAA", "self:KEN", "self:FRA", "self:BRA"},
			// NOR and SWE tie at 82.5: both first, DNK third ("1224").
			ranks: map[string]int{"self:NOR": 1, "self:SWE": 1, "self:DNK": 3, "self:XAA": 4, "self:KEN": 5},
			flags: map[string]string{"self:FRA": civicspace.FlagLowCoverage, "self:BRA": civicspace.FlagMissing},
		},
		{
			// No period: the latest (2025); no kind: each kind ranked apart.
			name:  "rating-latest-all-kinds",
			q:     civicspace.RankingQuery{},
			order: []string{"self:NOR", "self:SWE", "self:DNK", "self:XAA", "self:KEN", "self:FRA", "self:BRA", "shadow:NOR", "shadow:KEN"},
			ranks: map[string]int{"shadow:NOR": 1, "shadow:KEN": 2, "self:KEN": 5},
		},
		{
			// FRA has no fb observation and KEN's is unscored: both kept as
			// missing; NOR's coverage 0.5 is exactly the threshold.
			name:  "framework-fb-2025-self",
			q:     civicspace.RankingQuery{Framework: "fb", Period: "2025", Kind: civicspace.KindSelf},
			order: []string{"self:SWE", "self:NOR", "self:DNK", "self:BRA", "self:FRA", "self:KEN", "self:XAA"},
			ranks: map[string]int{"self:SWE": 1, "self:NOR": 2, "self:DNK": 3},
			flags: map[string]string{"self:FRA": civicspace.FlagMissing, "self:KEN": civicspace.FlagMissing},
		},
		{
			name:  "group-fa.p2-min-coverage-0.7",
			q:     civicspace.RankingQuery{Framework: "fa", Group: "fa.p2", Period: "2025", Kind: civicspace.KindSelf, MinCoverage: 0.7},
			order: []string{"self:DNK", "self:NOR", "self:SWE", "self:XAA", "self:KEN", "self:BRA", "self:FRA"},
			ranks: map[string]int{"self:DNK": 1, "self:NOR": 2},
			flags: map[string]string{"self:SWE": civicspace.FlagLowCoverage, "self:KEN": civicspace.FlagLowCoverage, "self:FRA": civicspace.FlagMissing},
		},
		{
			name:  "recommendation-fa.r1-europe",
			q:     civicspace.RankingQuery{Recommendation: "fa.r1", Period: "2025", Kind: civicspace.KindSelf, Region: "Europe"},
			order: []string{"self:NOR", "self:SWE", "self:FRA", "self:DNK"},
			ranks: map[string]int{"self:NOR": 1, "self:SWE": 2, "self:FRA": 3, "self:DNK": 4},
		},
		{
			name:  "rating-2025-northern-europe",
			q:     civicspace.RankingQuery{Period: "2025", Kind: civicspace.KindSelf, SubRegion: "154"},
			order: []string{"self:NOR", "self:SWE", "self:DNK"},
		},
		{
			name:  "rating-period-range-before-2025",
			q:     civicspace.RankingQuery{PeriodTo: 2024, Kind: civicspace.KindSelf},
			order: []string{"self:NOR", "self:KEN"},
			ranks: map[string]int{"self:NOR": 1, "self:KEN": 2},
		},
		{
			name:  "no-data",
			q:     civicspace.RankingQuery{Period: "2019"},
			order: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := civicspace.Ranking(cat, countries, obs, tt.q)
			require.NoError(t, err)
			require.Equal(t, tt.order, rowOrder(r))
			for key, want := range tt.ranks {
				kind, country, _ := cutKey(key)
				rank, flag, _ := rankOf(t, r, country, kind)
				require.Empty(t, flag, key)
				require.Equal(t, want, rank, key)
			}
			for key, want := range tt.flags {
				kind, country, _ := cutKey(key)
				rank, flag, _ := rankOf(t, r, country, kind)
				require.Zero(t, rank, "%s is flagged, not ranked", key)
				require.Equal(t, want, flag, key)
			}
			require.Equal(t, len(r.Rows), r.Counts.Ranked+r.Counts.LowCoverage+r.Counts.Missing)
			checkGolden(t, "ranking-"+tt.name, r)
		})
	}
}

func cutKey(key string) (civicspace.Kind, string, bool) {
	for i := range key {
		if key[i] == ':' {
			return civicspace.Kind(key[:i]), key[i+1:], true
		}
	}
	return "", key, false
}

// TestFixtureObservations writes the fixture's observations for the
// store-backed tests (internal/comparestore), which store them and expect
// the comparisons this file checks.
func TestFixtureObservations(t *testing.T) {
	checkGolden(t, "observations", compareObservations())
}

func TestRankingRejectsBadQueries(t *testing.T) {
	cat, countries, obs := compareCatalog(t), civicspace.DefaultCountries(), compareObservations()
	tests := []struct {
		name string
		q    civicspace.RankingQuery
		want string
	}{
		{"unknown framework", civicspace.RankingQuery{Framework: "nope"}, `unknown framework "nope"`},
		{"group of another framework", civicspace.RankingQuery{Framework: "fb", Group: "fa.p1"}, `group "fa.p1" belongs to framework "fa", not "fb"`},
		{"recommendation outside group", civicspace.RankingQuery{Group: "fa.p2", Recommendation: "fa.r1"}, `recommendation "fa.r1" is not in group "fa.p2"`},
		{"unknown recommendation", civicspace.RankingQuery{Recommendation: "fa.r9"}, `unknown recommendation "fa.r9"`},
		{"bad kind", civicspace.RankingQuery{Kind: "official"}, `kind must be self, shadow or independent`},
		{"coverage above 1", civicspace.RankingQuery{MinCoverage: 1.5}, `minimum coverage must be between 0 and 1`},
		{"unknown region", civicspace.RankingQuery{Region: "Atlantis"}, `unknown M49 region "Atlantis"`},
		{"sub-region outside region", civicspace.RankingQuery{Region: "Africa", SubRegion: "Northern Europe"}, `no M49 sub-region "Northern Europe" in region "Africa"`},
		{"reversed years", civicspace.RankingQuery{PeriodFrom: 2025, PeriodTo: 2020}, `reversed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := civicspace.Ranking(cat, countries, obs, tt.q)
			require.Error(t, err)
			require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRankingIsIndependentOfInputOrder(t *testing.T) {
	cat, countries := compareCatalog(t), civicspace.DefaultCountries()
	obs := compareObservations()
	want, err := civicspace.Ranking(cat, countries, obs, civicspace.RankingQuery{Period: "2025"})
	require.NoError(t, err)
	for i, j := 0, len(obs)-1; i < j; i, j = i+1, j-1 {
		obs[i], obs[j] = obs[j], obs[i]
	}
	got, err := civicspace.Ranking(cat, countries, obs, civicspace.RankingQuery{Period: "2025"})
	require.NoError(t, err)
	require.Equal(t, want, got)
}

func TestTrend(t *testing.T) {
	cat, obs := compareCatalog(t), compareObservations()
	tests := []struct {
		name    string
		subject string
		q       civicspace.TrendQuery
	}{
		{"ken-all", "KEN", civicspace.TrendQuery{}},
		{"ken-self-fa-from-2024", "KEN", civicspace.TrendQuery{Framework: "fa", Kind: civicspace.KindSelf, PeriodFrom: 2024}},
		{"ken-self-fa.r1", "KEN", civicspace.TrendQuery{Recommendation: "fa.r1", Kind: civicspace.KindSelf}},
		{"nor-self", "NOR", civicspace.TrendQuery{Kind: civicspace.KindSelf}},
		{"unknown-subject", "ZZZ", civicspace.TrendQuery{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, "trend-"+tt.name, civicspace.Trend(cat, obs, tt.subject, tt.q))
		})
	}

	t.Run("changes and missing period", func(t *testing.T) {
		tr := civicspace.Trend(cat, obs, "KEN", civicspace.TrendQuery{})
		require.Len(t, tr.Series, 2)
		self := tr.Series[0]
		require.Equal(t, civicspace.KindSelf, self.Kind)
		var periods []string
		for _, p := range self.Periods {
			periods = append(periods, p.Period)
		}
		require.Equal(t, []string{"2022", "2023", "2024", "2025"}, periods)
		require.True(t, self.Periods[1].Missing, "2023 has no assessment")
		rating := self.Items[0]
		require.Equal(t, civicspace.LevelRating, rating.Level)
		require.Nil(t, rating.Points[0].Change, "no change for the first period")
		require.Nil(t, rating.Points[1].Score)
		require.Nil(t, rating.Points[1].Change, "2023 is missing")
		require.Nil(t, rating.Points[2].Change, "2022-2024 is not bridged")
		require.Equal(t, -4.5, *rating.Points[3].Change, "41 - 45.5")

		var changes []string
		for _, c := range self.StatusChanges {
			changes = append(changes, c.Recommendation+" "+c.FromPeriod+">"+c.ToPeriod+" "+c.FromStatus+">"+c.ToStatus)
		}
		require.Equal(t, []string{
			"fa.r1 2022>2024 not_met>partially_met",
			"fa.r2 2022>2024 not_met>partially_met",
			"fa.r1 2024>2025 partially_met>not_met",
			"fa.r3 2024>2025 partially_met>not_met",
			"fb.r1 2024>2025 not_met>not_assessed",
		}, changes)
		require.Equal(t, civicspace.KindShadow, tr.Series[1].Kind)
		require.Len(t, tr.Series[1].Periods, 1)
	})
}

func TestRegions(t *testing.T) {
	countries, obs := civicspace.DefaultCountries(), compareObservations()
	tests := []struct {
		name string
		q    civicspace.RegionQuery
	}{
		{"rating-2025-self", civicspace.RegionQuery{Period: "2025", Kind: civicspace.KindSelf}},
		{"rating-latest-all-kinds", civicspace.RegionQuery{}},
		{"framework-fa-europe", civicspace.RegionQuery{Framework: "fa", Period: "2025", Kind: civicspace.KindSelf, Region: "150"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, "regions-"+tt.name, civicspace.Regions(countries, obs, tt.q))
		})
	}

	t.Run("statistics", func(t *testing.T) {
		r := civicspace.Regions(countries, obs, civicspace.RegionQuery{Period: "2025", Kind: civicspace.KindSelf})
		byCode := map[string]civicspace.RegionAggregate{}
		var codes []string
		for _, a := range r.Aggregates {
			byCode[a.Code] = a
			codes = append(codes, a.Code)
		}
		// World, then each region followed by its sub-regions, then the
		// unclassified demo subject.
		require.Equal(t, []string{"001", "002", "202", "019", "419", "150", "154", "155", ""}, codes)
		world := byCode["001"]
		// NOR 82.5, SWE 82.5, DNK 70, XAA 55, KEN 41; FRA low, BRA missing.
		require.Equal(t, 5, world.Count)
		require.Equal(t, 1, world.LowCoverage)
		require.Equal(t, 1, world.Missing)
		require.Equal(t, 70.0, *world.Median)
		require.Equal(t, 66.2, *world.Mean)
		require.Equal(t, 41.0, *world.Min)
		require.Equal(t, "KEN", world.MinCountry)
		require.Equal(t, 82.5, *world.Max)
		require.Equal(t, "NOR", world.MaxCountry, "the first by code on a tie")
		europe := byCode["150"]
		require.Equal(t, 3, europe.Count)
		require.Equal(t, 78.3, *europe.Mean, "235 / 3 rounded to one decimal")
		require.Equal(t, 82.5, *europe.Median)
		western := byCode["155"]
		require.Zero(t, western.Count)
		require.Nil(t, western.Median, "no statistics from low-coverage values alone")
		require.Equal(t, 1, western.LowCoverage)
		require.Equal(t, "150", western.Parent)
		require.Equal(t, 1, byCode[""].Count, "XAA is counted, unclassified")
	})

	t.Run("even count median", func(t *testing.T) {
		r := civicspace.Regions(countries, obs, civicspace.RegionQuery{Period: "2025", Kind: civicspace.KindShadow})
		require.Equal(t, "001", r.Aggregates[0].Code)
		require.Equal(t, 52.8, *r.Aggregates[0].Median, "(75 + 30.5) / 2 = 52.75, rounded half away from zero")
	})
}

// gapFixture is KEN 2025: the government's self-assessment and a
// watchdog's shadow assessment, scored.
func gapFixture() (self, shadow *civicspace.Revision, selfRes, shadowRes *civicspace.Result) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ev := func(title string) []civicspace.Evidence {
		return []civicspace.Evidence{{Title: title, URL: "https://example.org/" + title, Date: "2025-10-01"}}
	}
	self = &civicspace.Revision{AssessmentID: "a-ken-25", Version: 4, Status: civicspace.Published, Action: civicspace.ActionPublish, Actor: "gov", At: at,
		Assessment: civicspace.Assessment{
			Subject: civicspace.Subject{Country: "KEN"}, Roles: []civicspace.Role{civicspace.RoleDomestic},
			Period: civicspace.MustPeriod("2025"), Kind: civicspace.KindSelf, Author: "Ministry of Interior",
			Answers: map[string]civicspace.Answer{
				"law":          {Value: civicspace.BoolValue(true)},
				"registration": {Value: civicspace.NumberValue(3)},
				"detained":     {Value: civicspace.NumberValue(1), Comment: "One case, under review."},
				"funding":      {Value: civicspace.NumberValue(40), Evidence: ev("budget")},
				"consult":      {Value: civicspace.BoolValue(true)},
				"online":       {Value: civicspace.BoolValue(true)},
			},
		}}
	shadow = &civicspace.Revision{AssessmentID: "a-ken-25s", Version: 2, Status: civicspace.Published, Action: civicspace.ActionPublish, Actor: "watch", At: at,
		Assessment: civicspace.Assessment{
			Subject: civicspace.Subject{Country: "KEN"}, Roles: []civicspace.Role{civicspace.RoleDomestic},
			Period: civicspace.MustPeriod("2025"), Kind: civicspace.KindShadow, Author: "=HYPERLINK(\"evil\") Watch",
			Answers: map[string]civicspace.Answer{
				"law":          {Value: civicspace.BoolValue(true), Evidence: ev("court-ruling")},
				"registration": {Value: civicspace.NumberValue(1), Evidence: ev("registry-audit"), Comment: "Most applications refused."},
				"detained":     {Value: civicspace.NumberValue(7), Evidence: ev("defenders-report")},
				"funding":      {Status: civicspace.AnswerUnknown},
				"consult":      {Value: civicspace.BoolValue(true)},
				"access":       {Value: civicspace.OptionValue("restricted"), Evidence: ev("ngo-act")},
			},
		}}
	ind := func(id, answer string, v *civicspace.Value, points *float64, weight float64, redFlag string) civicspace.IndicatorScore {
		return civicspace.IndicatorScore{ID: id, Answer: answer, Value: v, Points: points, Weight: weight, Applicable: true, RedFlag: redFlag}
	}
	val := func(v civicspace.Value) *civicspace.Value { return &v }
	rec := func(id, fw, status string, score *float64, inds ...string) civicspace.RecommendationScore {
		return civicspace.RecommendationScore{ID: id, Framework: fw, Status: status, Score: score, Coverage: 1, Indicators: inds}
	}
	group := func(id, kind string, score *float64, cov float64, status string) civicspace.GroupScore {
		return civicspace.GroupScore{ID: id, Kind: kind, Score: score, Coverage: cov, Status: status}
	}
	selfRes = &civicspace.Result{
		Subject: self.Assessment.Subject, Period: "2025", Kind: civicspace.KindSelf, Roles: self.Assessment.Roles,
		Rating: civicspace.Rating{Band: "obstructed", Score: cmpNum(61.9), Uncapped: cmpNum(61.9), Coverage: 0.86, Caps: []civicspace.Cap{}},
		Frameworks: []civicspace.FrameworkScore{
			{ID: "fa", Score: cmpNum(72.5), Coverage: 0.83, Status: "partially_met", Groups: []civicspace.GroupScore{group("fa.p1", "pillar", cmpNum(88.3), 1, "met"), group("fa.p2", "pillar", cmpNum(40), 0.5, "not_met")}},
			{ID: "fb", Score: cmpNum(80), Coverage: 1, Status: "met", Groups: []civicspace.GroupScore{group("fb.f1", "focus", cmpNum(80), 1, "met")}},
		},
		Recommendations: []civicspace.RecommendationScore{
			rec("fa.r1", "fa", "met", cmpNum(91.7), "law", "registration", "detained"),
			rec("fa.r2", "fa", "met", cmpNum(87.5), "registration", "consult"),
			rec("fa.r3", "fa", "not_met", cmpNum(40), "funding", "access"),
			rec("fb.r1", "fb", "met", cmpNum(80), "law", "funding", "online"),
		},
		Indicators: []civicspace.IndicatorScore{
			ind("access", "missing", nil, nil, 1, ""),
			ind("consult", "answered", val(civicspace.BoolValue(true)), cmpNum(100), 1, ""),
			ind("detained", "answered", val(civicspace.NumberValue(1)), cmpNum(90), 1, ""),
			ind("funding", "answered", val(civicspace.NumberValue(40)), cmpNum(40), 1, ""),
			ind("law", "answered", val(civicspace.BoolValue(true)), cmpNum(100), 2, ""),
			ind("online", "answered", val(civicspace.BoolValue(true)), cmpNum(100), 1, ""),
			ind("registration", "answered", val(civicspace.NumberValue(3)), cmpNum(75), 1, ""),
		},
	}
	prov := civicspace.Provenance{CatalogVersion: "compare.1", CatalogDigest: "sha256:5e1f", PolicyDigest: "sha256:9c0ffee1d2a3b4c5d6e7f8091a2b3c4d", PolicyName: "default", EngineVersion: "opa v1.22.2"}
	selfRes.Provenance = prov
	shadowRes = &civicspace.Result{
		Provenance: prov,
		Subject:    shadow.Assessment.Subject, Period: "2025", Kind: civicspace.KindShadow, Roles: shadow.Assessment.Roles,
		Rating: civicspace.Rating{Band: "repressed", Score: cmpNum(40), Uncapped: cmpNum(56.7), Coverage: 0.71, Caps: []civicspace.Cap{
			{RedFlag: "mass-detention", Indicator: "detained", Title: "Mass detention of defenders", Cap: 40, Applied: true, Explanation: "7 defenders detained (at least 5): the rating is capped at 40"},
		}},
		Frameworks: []civicspace.FrameworkScore{
			{ID: "fa", Score: cmpNum(52.5), Coverage: 0.83, Status: "partially_met", Groups: []civicspace.GroupScore{group("fa.p1", "pillar", cmpNum(55), 1, "partially_met"), group("fa.p2", "pillar", cmpNum(40), 0.5, "not_met")}},
			{ID: "fb", Score: cmpNum(100), Coverage: 0.33, Status: "not_assessed", Groups: []civicspace.GroupScore{group("fb.f1", "focus", cmpNum(100), 0.33, "not_assessed")}},
		},
		Recommendations: []civicspace.RecommendationScore{
			rec("fa.r1", "fa", "partially_met", cmpNum(55), "law", "registration", "detained"),
			rec("fa.r2", "fa", "partially_met", cmpNum(62.5), "registration", "consult"),
			rec("fa.r3", "fa", "not_met", cmpNum(40), "funding", "access"),
			rec("fb.r1", "fb", "not_assessed", nil, "law", "funding", "online"),
		},
		Indicators: []civicspace.IndicatorScore{
			ind("access", "answered", val(civicspace.OptionValue("restricted")), cmpNum(40), 1, ""),
			ind("consult", "answered", val(civicspace.BoolValue(true)), cmpNum(100), 1, ""),
			ind("detained", "answered", val(civicspace.NumberValue(7)), cmpNum(30), 1, "mass-detention"),
			ind("funding", "unknown", nil, nil, 1, ""),
			ind("law", "answered", val(civicspace.BoolValue(true)), cmpNum(100), 2, ""),
			ind("online", "missing", nil, nil, 1, ""),
			ind("registration", "answered", val(civicspace.NumberValue(1)), cmpNum(25), 1, ""),
		},
	}
	return self, shadow, selfRes, shadowRes
}

func TestGap(t *testing.T) {
	cat := compareCatalog(t)
	self, shadow, selfRes, shadowRes := gapFixture()
	g := civicspace.Gap(cat, self, shadow, selfRes, shadowRes)
	checkGolden(t, "gap-ken-2025", g)
	// The scored results are inputs of the report package's tests, and
	// the revisions of the store-backed tests (internal/comparestore).
	checkGolden(t, "result-ken-2025-self", selfRes)
	checkGolden(t, "result-ken-2025-shadow", shadowRes)
	checkGolden(t, "revision-ken-2025-self", self)
	checkGolden(t, "revision-ken-2025-shadow", shadow)

	var order []string
	for _, ig := range g.Indicators {
		order = append(order, ig.Indicator)
	}
	// detained -60 and registration -50 first; law (evidence only, 0) next;
	// then those without a computable difference, by ID.
	require.Equal(t, []string{"detained", "registration", "law", "access", "funding", "online"}, order)
	require.Equal(t, -60.0, *g.Indicators[0].Difference)
	require.Equal(t, []string{"value", "points", "evidence", "red_flag"}, g.Indicators[0].Issues)
	require.Equal(t, []string{"fa.r1"}, g.Indicators[0].Recommendations)
	require.Equal(t, []string{"fa.r1", "fa.r2"}, g.Indicators[1].Recommendations)
	require.Equal(t, []string{"evidence"}, g.Indicators[2].Issues)

	require.Equal(t, []string{"online"}, g.OnlyInSelf)
	require.Equal(t, []string{"access"}, g.OnlyInShadow)
	require.Equal(t, []string{"access", "detained", "law", "registration"}, g.EvidenceGaps)

	var recs []string
	for _, r := range g.Recommendations {
		recs = append(recs, r.Recommendation+" "+r.SelfStatus+">"+r.ShadowStatus)
	}
	require.Equal(t, []string{"fa.r1 met>partially_met", "fa.r2 met>partially_met", "fb.r1 met>not_assessed"}, recs)
	require.Equal(t, []string{"detained", "registration", "law"}, g.Recommendations[0].Indicators, "why fa.r1 differs, biggest first")

	require.Equal(t, -21.9, *g.Rating.Difference)
	require.Len(t, g.RedFlags, 1)
	require.Equal(t, civicspace.KindShadow, g.RedFlags[0].RaisedIn)
	s := g.Summary
	require.Equal(t, 7, s.Indicators)
	require.Equal(t, 1, s.Agree, "consult")
	require.Equal(t, 6, s.Disagree)
	require.Equal(t, 2, s.ShadowLower)
	require.Zero(t, s.ShadowHigher)
	require.Equal(t, 27.5, *s.MeanAbsDifference, "(60 + 50 + 0 + 0) / 4: detained, registration, law, consult")
	require.True(t, s.BandDiffers)
	require.Equal(t, "The shadow assessment rates KEN 21.9 points lower than the self-assessment (40 against 61.9), band repressed instead of obstructed; "+
		"they disagree on 6 of 7 indicators, 3 recommendations change status, 1 red flag raised only by the shadow assessment, 4 answers where only the shadow assessment cites evidence.", g.Headline)

	var fws []string
	for _, fw := range g.Frameworks {
		fws = append(fws, fw.ID)
	}
	require.Equal(t, []string{"fa", "fa.p1", "fa.p2", "fb", "fb.f1"}, fws)
	require.Equal(t, -20.0, *g.Frameworks[0].Difference)
}

func TestGapOfIdenticalAssessments(t *testing.T) {
	cat := compareCatalog(t)
	self, _, selfRes, _ := gapFixture()
	other := *self
	other.Assessment.Kind = civicspace.KindIndependent
	g := civicspace.Gap(cat, self, &other, selfRes, selfRes)
	require.Empty(t, g.Indicators)
	require.Empty(t, g.Recommendations)
	require.Empty(t, g.RedFlags)
	require.Equal(t, 6, g.Summary.Agree)
	require.Equal(t, 0.0, *g.Rating.Difference)
	require.Contains(t, g.Headline, "gives the same rating")
	b, err := json.Marshal(g)
	require.NoError(t, err)
	require.True(t, bytes.Contains(b, []byte(`"indicators":[]`)), "empty lists are [] in JSON, not null")
}

// TestRankingMarksInsufficientData: a rating the policy gave no band for
// lack of answers (insufficient_data) is listed, flagged low_coverage and
// counted so, never ranked and never mistaken for a missing score.
func TestRankingMarksInsufficientData(t *testing.T) {
	obs := append(compareObservations(), civicspace.Observation{
		AssessmentID: "asm_ita", Version: 1, Country: "ITA", Period: "2025", Kind: civicspace.KindSelf,
		Level: civicspace.LevelRating, ItemID: "overall", Coverage: cmpNum(0.4), Status: civicspace.BandInsufficientData,
	})
	before, err := civicspace.Ranking(compareCatalog(t), civicspace.DefaultCountries(), compareObservations(), civicspace.RankingQuery{Period: "2025", Kind: civicspace.KindSelf})
	require.NoError(t, err)
	r, err := civicspace.Ranking(compareCatalog(t), civicspace.DefaultCountries(), obs, civicspace.RankingQuery{Period: "2025", Kind: civicspace.KindSelf})
	require.NoError(t, err)
	require.Equal(t, before.Counts.Ranked, r.Counts.Ranked)
	require.Equal(t, before.Counts.LowCoverage+1, r.Counts.LowCoverage)
	require.Equal(t, before.Counts.Missing, r.Counts.Missing)
	for _, row := range r.Rows {
		if row.Country == "ITA" {
			require.Equal(t, civicspace.FlagLowCoverage, row.Flag)
			require.Nil(t, row.Rank)
			require.Nil(t, row.Score)
			return
		}
	}
	t.Fatal("the insufficient-data rating is not listed")
}
