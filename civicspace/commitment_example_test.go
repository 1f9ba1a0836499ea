package civicspace_test

import (
	"fmt"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

// Progress shows where a commitment stands on a day: the government's
// latest report against the latest independent review, and the overdue
// milestones.
func ExampleProgress() {
	c := &civicspace.Commitment{
		Subject:         civicspace.CommitmentSubject{Countries: []string{"CZE", "NOR"}},
		Occasion:        civicspace.Occasion{Kind: civicspace.OccasionSummit, Name: "Second Summit for Democracy", Date: "2023-03-29"},
		Text:            "We will grant humanitarian visas to defenders at risk.",
		Recommendations: []string{"s4d-cohort.ws-3.1"},
		FollowUp:        "cod",
		Milestones: []civicspace.Milestone{
			{ID: "scheme", Title: "Agree a joint visa scheme", Due: "2023-12-31"},
			{ID: "first-visas", Title: "Grant the first visas", Due: "2024-06-30"},
		},
	}
	source := []civicspace.Evidence{{Title: "Visa statistics", URL: "https://example.org/visas"}}
	reports := []*civicspace.ProgressReport{
		{Seq: 1, Level: civicspace.CompletionSubstantial, Date: "2024-03-01", Evidence: source, MilestonesDone: []string{"scheme"},
			Reporter: civicspace.Reporter{Kind: civicspace.ReporterGovernment, Organisation: "Ministry of Foreign Affairs"}},
		{Seq: 2, Level: civicspace.CompletionLimited, Date: "2024-05-15", Evidence: source,
			Reporter: civicspace.Reporter{Kind: civicspace.ReporterIndependent, Organisation: "Civic Watch"}},
	}
	p := civicspace.Progress(c, reports, time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println("government:", p.Government.Level, "independent:", p.Independent.Level)
	fmt.Println("steps:", *p.Disagreement.Steps)
	for _, m := range p.Milestones {
		fmt.Printf("%s: done %q late %v overdue %v (%d days)\n", m.ID, m.DoneOn, m.Late, m.Overdue, m.DaysOverdue)
	}
	// Output:
	// government: substantial independent: limited
	// steps: -1
	// scheme: done "2024-03-01" late true overdue false (0 days)
	// first-visas: done "" late false overdue true (63 days)
}

// AimWarnings tells when the commitments made in a workstream go beyond
// what the Civic Space Cohort aimed at: 1-3 recommendations per workstream.
func ExampleAimWarnings() {
	cat := civicspace.DefaultCatalog()
	pledge := func(id, rec string) *civicspace.CommitmentRevision {
		return &civicspace.CommitmentRevision{CommitmentID: id, Commitment: civicspace.Commitment{
			Subject:         civicspace.CommitmentSubject{Countries: []string{"NOR"}},
			Occasion:        civicspace.Occasion{Kind: civicspace.OccasionWorkstream, WorkstreamID: "s4d-cohort.ws-1"},
			Recommendations: []string{rec},
		}}
	}
	set := []*civicspace.CommitmentRevision{
		pledge("c1", "s4d-cohort.ws-1.1"), pledge("c2", "s4d-cohort.ws-1.2"),
		pledge("c3", "un2020.promotion.03"), pledge("c4", "sdg.16-7"),
	}
	for _, w := range civicspace.AimWarnings(cat, set) {
		fmt.Println(w.Group, w.Count, "of at most", w.Max)
	}
	// Output:
	// s4d-cohort.ws-1 4 of at most 3
}
