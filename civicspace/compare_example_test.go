package civicspace_test

import (
	"fmt"

	"github.com/civicspace/civicspace/civicspace"
)

// exampleObservations are stored ratings of three countries for 2025 (as
// AssessmentStore.Observations returns them): two tie, one has too little
// coverage to be ranked.
func exampleObservations() []civicspace.Observation {
	rating := func(id, country string, score, coverage float64) civicspace.Observation {
		return civicspace.Observation{AssessmentID: id, Version: 2, Country: country, Period: "2025", Kind: civicspace.KindSelf,
			Level: civicspace.LevelRating, ItemID: civicspace.ObservationOverall, Score: &score, Coverage: &coverage, Status: "narrowed"}
	}
	return []civicspace.Observation{
		rating("a1", "SWE", 72.5, 0.9),
		rating("a2", "NOR", 72.5, 0.8),
		rating("a3", "DNK", 80, 0.3),
		rating("a4", "FIN", 64, 0.7),
	}
}

func ExampleRanking() {
	cat := civicspace.DefaultCatalog()
	r, err := civicspace.Ranking(cat, civicspace.DefaultCountries(), exampleObservations(), civicspace.RankingQuery{Period: "2025"})
	if err != nil {
		panic(err)
	}
	for _, row := range r.Rows {
		rank := "-"
		if row.Rank != nil {
			rank = fmt.Sprint(*row.Rank)
		}
		flag := ""
		if row.Flag != "" {
			flag = " (" + row.Flag + ")"
		}
		fmt.Printf("%s %s %v%s\n", rank, row.Country, *row.Score, flag)
	}
	// Output:
	// 1 NOR 72.5
	// 1 SWE 72.5
	// 3 FIN 64
	// - DNK 80 (low_coverage)
}

func ExampleRegions() {
	r := civicspace.Regions(civicspace.DefaultCountries(), exampleObservations(), civicspace.RegionQuery{Period: "2025"})
	for _, a := range r.Aggregates {
		fmt.Printf("%s %s: %d counted, median %v, mean %v (%d low coverage)\n", a.Code, a.Name, a.Count, *a.Median, *a.Mean, a.LowCoverage)
	}
	// Output:
	// 001 World: 3 counted, median 72.5, mean 69.7 (1 low coverage)
	// 150 Europe: 3 counted, median 72.5, mean 69.7 (1 low coverage)
	// 154 Northern Europe: 3 counted, median 72.5, mean 69.7 (1 low coverage)
}
