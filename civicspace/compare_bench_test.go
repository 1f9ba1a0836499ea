package civicspace_test

import (
	"fmt"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
)

// benchObservations are the ratings and framework scores of 200 countries
// over ten periods (2,000 assessments), as a store returns them: the
// computation alone, without the query (internal/comparestore measures
// both).
func benchObservations(cat *civicspace.Catalog) []civicspace.Observation {
	var obs []civicspace.Observation
	all := civicspace.DefaultCountries().All()
	n := 0
	for i := 0; i < 200; i++ {
		c := all[i]
		for y := 2016; y <= 2025; y++ {
			n++
			base := civicspace.Observation{AssessmentID: fmt.Sprintf("a%d", n), Version: 2, Country: c.Alpha3, Period: fmt.Sprint(y), Kind: civicspace.KindSelf}
			score, cov := float64((i*37+y*11)%1000)/10, 0.3+float64((i+y)%7)/10
			o := base
			o.Level, o.ItemID, o.Score, o.Coverage = civicspace.LevelRating, civicspace.ObservationOverall, &score, &cov
			obs = append(obs, o)
			for _, f := range cat.Frameworks() {
				o := base
				o.Level, o.ItemID, o.Score, o.Coverage = civicspace.LevelFramework, f.ID, &score, &cov
				obs = append(obs, o)
			}
		}
	}
	return obs
}

func BenchmarkRanking(b *testing.B) {
	cat, countries := civicspace.DefaultCatalog(), civicspace.DefaultCountries()
	obs := benchObservations(cat)
	q := civicspace.RankingQuery{Framework: cat.Frameworks()[0].ID, Period: "2025"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := civicspace.Ranking(cat, countries, obs, q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRankingLatestPeriod(b *testing.B) {
	cat, countries := civicspace.DefaultCatalog(), civicspace.DefaultCountries()
	obs := benchObservations(cat)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := civicspace.Ranking(cat, countries, obs, civicspace.RankingQuery{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRegions(b *testing.B) {
	cat, countries := civicspace.DefaultCatalog(), civicspace.DefaultCountries()
	obs := benchObservations(cat)
	b.ReportAllocs()
	for b.Loop() {
		civicspace.Regions(countries, obs, civicspace.RegionQuery{Period: "2025"})
	}
}

func BenchmarkTrend(b *testing.B) {
	cat := civicspace.DefaultCatalog()
	obs := benchObservations(cat)
	b.ReportAllocs()
	for b.Loop() {
		civicspace.Trend(cat, obs, "AFG", civicspace.TrendQuery{})
	}
}
