package civicspace_test

import (
	"fmt"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

func ExampleDefaultCatalog() {
	cat := civicspace.DefaultCatalog()
	for _, f := range cat.Frameworks() {
		fmt.Printf("%-14s %3d recommendations\n", f.ID, len(cat.FrameworkRecommendations(f.ID)))
	}
	// Output:
	// sdg              6 recommendations
	// oecd-dac        10 recommendations
	// cndsi           20 recommendations
	// un2020          48 recommendations
	// s4d-cohort      12 recommendations
	// exile            9 recommendations
	// civic-charter    6 recommendations
}

func ExampleCatalog_Recommendation() {
	cat := civicspace.DefaultCatalog()
	r, _ := cat.Recommendation("cndsi.r15")
	fmt.Println(r.Framework().ID, r.Group().ID, r.Number)
	fmt.Println("source:", r.Source.File)
	// Output:
	// cndsi cndsi.focus-3 15
	// source: 004_bf7dd80bb82cf714.txt
}

func ExampleCatalog_RecommendationsFor() {
	cat := civicspace.DefaultCatalog()
	// One answer counts everywhere it applies: the foreign-agent law
	// question measures recommendations in several frameworks.
	frameworks := map[string]bool{}
	for _, r := range cat.RecommendationsFor("foreign-agent-law") {
		frameworks[r.Framework().ID] = true
	}
	fmt.Println(len(frameworks) > 1)
	// Output:
	// true
}

func ExampleCatalog_Crosswalk() {
	cat, _ := civicspace.ParseCatalog(civicspace.CatalogFile{Name: "mini.yaml", Data: []byte(`
version: "1"
frameworks:
  - id: a
    title: Framework A
    source: {file: a.txt}
    groups: [{id: a.g, kind: focus, title: G, recommendations: [{id: a.r1, number: "1", title: A1, text: A one., addressees: [domestic], source: {file: a.txt}}]}]
  - id: b
    title: Framework B
    source: {file: b.txt}
    groups: [{id: b.g, kind: focus, title: G, recommendations: [{id: b.r1, number: "1", title: B1, text: B one., addressees: [domestic], source: {file: b.txt}}]}]
indicators:
  - {id: ati-law, question: "Is there an access to information law?", type: boolean, direction: higher_is_better, weight: 1, evidence_required: true, recommendations: [a.r1, b.r1]}
`)})
	links, _ := cat.Crosswalk("a", "b")
	for _, l := range links {
		fmt.Println(l.From, "->", l.To, "via", strings.Join(l.Indicators, ","))
	}
	// Output:
	// a.r1 -> b.r1 via ati-law
}

func ExampleAssessment_Validate() {
	a, _ := civicspace.ParseAssessment([]byte(`{
  "subject": {"country": "XAA"},
  "roles": ["domestic"],
  "period": "2025-12-31/2025-01-01",
  "kind": "self",
  "author": "Demo Ministry",
  "answers": {"foreign-agent-law": {"value": "no"}}
}`))
	for _, p := range a.Validate(civicspace.DefaultCatalog(), civicspace.DefaultCountries()) {
		fmt.Println(p.Pointer)
	}
	// Output:
	// /answers/foreign-agent-law/evidence
	// /answers/foreign-agent-law/value
	// /period
}
