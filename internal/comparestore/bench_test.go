package comparestore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
)

// The periods of the benchmark data: ten years.
var benchPeriods = []string{"2016", "2017", "2018", "2019", "2020", "2021", "2022", "2023", "2024", "2025"}

// BenchmarkCompare measures the comparisons end to end (store query and
// computation) on 500, 1,000 and 2,000 published assessments scored by the
// built-in policy: 50, 100 and 200 countries over ten periods. A ranking
// or an aggregate reads one period, so its cost follows the number of
// countries; "ranking-latest" first finds the latest period among every
// period's ratings. Besides ns/op each line reports p50-ms, the median.
func BenchmarkCompare(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) { benchCompare(b, be) })
	}
}

func benchCompare(b *testing.B, be backend) {
	ctx := context.Background()
	cat, countries := civicspace.DefaultCatalog(), civicspace.DefaultCountries()
	scorer, err := opa.NewScorer(cat)
	if err != nil {
		b.Fatal(err)
	}
	policy := scorer.PolicyDigest()
	st := be.open(b)
	all := countries.All()
	// Countries with an M49 region, spread over the table so that every
	// region has some.
	var pool []civicspace.Country
	for _, c := range all {
		if c.Region.Code != "" {
			pool = append(pool, c)
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	framework := cat.Frameworks()[0]
	group := framework.Groups[0]
	rec := cat.FrameworkRecommendations(framework.ID)[0]

	seeded := 0
	for _, n := range []int{500, 1000, 2000} {
		nCountries := n / len(benchPeriods)
		start := time.Now()
		for ; seeded < nCountries; seeded++ {
			c := pool[seeded*len(pool)/200]
			for _, p := range benchPeriods {
				a := benchAssessment(cat, rng, c.Alpha3, p)
				res, err := scorer.Score(ctx, a)
				if err != nil {
					b.Fatal(err)
				}
				publish(b, ctx, st, a, res, nil, policy)
			}
		}
		if be.settle != nil {
			be.settle(b, st)
		}
		b.Logf("%s: %d assessments stored and scored (%d countries x %d periods) in %v", be.name, n, nCountries, len(benchPeriods), time.Since(start).Round(time.Millisecond))

		runs := []struct {
			name string
			fn   func() (int, error)
		}{
			{"ranking-rating", func() (int, error) {
				r, err := civicspace.CompareRanking(ctx, st, cat, countries, policy, civicspace.RankingQuery{Period: "2025", Kind: civicspace.KindSelf})
				return rows(r, err)
			}},
			{"ranking-framework", func() (int, error) {
				r, err := civicspace.CompareRanking(ctx, st, cat, countries, policy, civicspace.RankingQuery{Framework: framework.ID, Period: "2025"})
				return rows(r, err)
			}},
			{"ranking-group", func() (int, error) {
				r, err := civicspace.CompareRanking(ctx, st, cat, countries, policy, civicspace.RankingQuery{Group: group.ID, Period: "2025"})
				return rows(r, err)
			}},
			{"ranking-recommendation", func() (int, error) {
				r, err := civicspace.CompareRanking(ctx, st, cat, countries, policy, civicspace.RankingQuery{Recommendation: rec.ID, Period: "2025"})
				return rows(r, err)
			}},
			{"ranking-latest", func() (int, error) {
				r, err := civicspace.CompareRanking(ctx, st, cat, countries, policy, civicspace.RankingQuery{})
				return rows(r, err)
			}},
			{"regions-rating", func() (int, error) {
				r, err := civicspace.CompareRegions(ctx, st, cat, countries, policy, civicspace.RegionQuery{Period: "2025"})
				if err != nil {
					return 0, err
				}
				return r.Aggregates[0].Count + r.Aggregates[0].LowCoverage + r.Aggregates[0].Missing, nil
			}},
			{"regions-framework", func() (int, error) {
				r, err := civicspace.CompareRegions(ctx, st, cat, countries, policy, civicspace.RegionQuery{Framework: framework.ID, Period: "2025"})
				if err != nil {
					return 0, err
				}
				return r.Aggregates[0].Count + r.Aggregates[0].LowCoverage + r.Aggregates[0].Missing, nil
			}},
		}
		for _, run := range runs {
			b.Run(fmt.Sprintf("n=%d/%s", n, run.name), func(b *testing.B) {
				got, err := run.fn()
				if err != nil {
					b.Fatal(err)
				}
				if got != nCountries {
					b.Fatalf("%d rows, want one per country (%d)", got, nCountries)
				}
				times := make([]time.Duration, 0, 64)
				for b.Loop() {
					t0 := time.Now()
					if _, err := run.fn(); err != nil {
						b.Fatal(err)
					}
					times = append(times, time.Since(t0))
				}
				slices.Sort(times)
				b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			})
		}
	}
}

func rows(r *civicspace.RankingResult, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return len(r.Rows), nil
}

// benchAssessment answers 60-100% of the indicators at random, a few as
// unknown, with evidence where it is required.
func benchAssessment(cat *civicspace.Catalog, rng *rand.Rand, country, period string) *civicspace.Assessment {
	share := 0.6 + 0.4*rng.Float64()
	a := &civicspace.Assessment{
		Subject: civicspace.Subject{Country: country}, Roles: []civicspace.Role{civicspace.RoleDomestic, civicspace.RoleDonor},
		Period: civicspace.MustPeriod(period), Kind: civicspace.KindSelf, Author: "Benchmark government",
		Answers: map[string]civicspace.Answer{},
	}
	for _, ind := range cat.Indicators() {
		if rng.Float64() > share {
			continue
		}
		if rng.IntN(20) == 0 {
			a.Answers[ind.ID] = civicspace.Answer{Status: civicspace.AnswerUnknown}
			continue
		}
		var v civicspace.Value
		switch ind.Type {
		case civicspace.TypeBoolean:
			v = civicspace.BoolValue(rng.IntN(2) == 0)
		case civicspace.TypeScale:
			v = civicspace.NumberValue(float64(ind.Scale.Min + rng.IntN(ind.Scale.Max-ind.Scale.Min+1)))
		case civicspace.TypeCount:
			v = civicspace.NumberValue(float64(rng.IntN(12)))
		case civicspace.TypePercentage:
			v = civicspace.NumberValue(float64(rng.IntN(101)))
		case civicspace.TypeChoice:
			v = civicspace.OptionValue(ind.Options[rng.IntN(len(ind.Options))].ID)
		}
		ans := civicspace.Answer{Value: v}
		if ind.EvidenceRequired {
			ans.Evidence = []civicspace.Evidence{{Title: "Official gazette", URL: "https://example.org/gazette", Date: "2025-06-30"}}
		}
		a.Answers[ind.ID] = ans
	}
	return a
}
