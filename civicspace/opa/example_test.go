package opa_test

import (
	"context"
	"fmt"
	"log"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
)

// A one-framework catalog keeps the examples' output independent of the
// built-in catalog's wording.
const exampleCatalog = `
version: "example.1"
frameworks:
  - id: demo
    title: Demo framework
    source: {file: example}
    groups:
      - id: demo.pillar
        kind: pillar
        title: Freedoms
        recommendations:
          - id: demo.assembly
            number: "1"
            title: Protect peaceful assembly
            text: Require notification at most, never authorisation.
            addressees: [domestic]
            source: {file: example}
indicators:
  - id: notification
    question: Does the law require only notification for assemblies?
    type: boolean
    direction: higher_is_better
    weight: 2
    recommendations: [demo.assembly]
  - id: shutdowns
    question: How many internet shutdowns were ordered?
    type: count
    direction: lower_is_better
    weight: 1
    count: {worst: 4}
    recommendations: [demo.assembly]
    red_flag: {id: shutdown, title: Internet shutdown, when: {at_least: 1}, cap: 60}
`

func exampleAssessment() *civicspace.Assessment {
	a, err := civicspace.ParseAssessment([]byte(`{
		"subject": {"country": "XAA"}, "roles": ["domestic"], "period": "2025",
		"kind": "self", "author": "Ministry of Justice",
		"answers": {"notification": {"value": true}, "shutdowns": {"value": 1}}
	}`))
	if err != nil {
		log.Fatal(err)
	}
	return a
}

func ExampleNewScorer() {
	cat, err := civicspace.ParseCatalog(civicspace.CatalogFile{Name: "example.yaml", Data: []byte(exampleCatalog)})
	if err != nil {
		log.Fatal(err)
	}
	// A watchdog's policy: stricter status thresholds, its own name.
	scorer, err := opa.NewScorer(cat,
		opa.WithName("watchdog-2025"),
		opa.WithData(map[string]any{"civicspace": map[string]any{"policy": map[string]any{
			"status": map[string]any{"met": 95},
		}}}),
	)
	if err != nil {
		log.Fatal(err)
	}
	result, err := scorer.Score(context.Background(), exampleAssessment())
	if err != nil {
		log.Fatal(err)
	}
	rec := result.Recommendations[0]
	fmt.Println(scorer.Name())
	// The shutdown's red flag reaches the recommendation its indicator
	// measures: not met, and its score (91.7) capped at the flag's 60.
	fmt.Println(rec.ID, rec.Status, *rec.Score, rec.RedFlags)
	// Output:
	// watchdog-2025
	// demo.assembly not_met 60 [shutdown]
}

func ExampleScorer_Score() {
	cat, err := civicspace.ParseCatalog(civicspace.CatalogFile{Name: "example.yaml", Data: []byte(exampleCatalog)})
	if err != nil {
		log.Fatal(err)
	}
	scorer, err := opa.NewScorer(cat)
	if err != nil {
		log.Fatal(err)
	}
	result, err := scorer.Score(context.Background(), exampleAssessment())
	if err != nil {
		log.Fatal(err)
	}
	// (2 × 100 + 1 × 75) / 3 = 91.7, capped at 60 by the shutdown: 60
	// reaches the narrowed cut-off (60), so the band is narrowed.
	fmt.Println("uncapped:", *result.Rating.Uncapped)
	fmt.Println("rating:", result.Rating.Band, *result.Rating.Score)
	for _, c := range result.Rating.Caps {
		fmt.Println("cap:", c.RedFlag, c.Cap, c.Applied)
	}
	for _, ind := range result.Indicators {
		fmt.Printf("%s: %v points (%s)\n", ind.ID, *ind.Points, ind.Explanation)
	}
	// Output:
	// uncapped: 91.7
	// rating: narrowed 60
	// cap: shutdown 60 true
	// notification: 100 points (boolean, higher is better: true earns 100)
	// shutdowns: 75 points (count, fewer is better: 100 at 0 down to 0 at 4 or more; 1 earns 75)
}
