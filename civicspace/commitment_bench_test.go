package civicspace_test

import (
	"fmt"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
)

// benchCommitments makes n published commitments of 40 demo countries in
// the test catalog's two workstreams, a fifth of them joint, each with a
// government report and an independent review that disagree.
func benchCommitments(n int) []civicspace.PublishedCommitment {
	items := make([]civicspace.PublishedCommitment, n)
	for i := range items {
		countries := []string{fmt.Sprintf("Q%c%c", 'M'+i%40/26, 'A'+i%40%26)}
		if i%5 == 0 {
			countries = append(countries, "NOR")
		}
		c := validCommitment(countries...)
		if i%2 == 0 {
			c.Occasion.WorkstreamID, c.Recommendations = "co.ws-1", []string{"co.ws-1.1", "fa.r1"}
		}
		id := fmt.Sprintf("cmt_%020d", i)
		g := report(1, civicspace.ReporterGovernment, civicspace.CompletionSubstantial, "2024-06-01", "law-drafted")
		ind := report(2, civicspace.ReporterIndependent, civicspace.CompletionLimited, "2024-07-01")
		g.CommitmentID, ind.CommitmentID = id, id
		items[i] = civicspace.PublishedCommitment{
			Revision: &civicspace.CommitmentRevision{CommitmentID: id, Version: 2, Status: civicspace.Published, Commitment: *c},
			Reports:  []*civicspace.ProgressReport{g, ind},
		}
	}
	return items
}

// BenchmarkSummaries measures the summaries of 400 published commitments
// (800 reports) once the store has read them: the computation a summary
// request adds to the reads of storetest.BenchPublishedCommitments.
func BenchmarkSummaries(b *testing.B) {
	cat, countries := commitmentCatalog(b), civicspace.DefaultCountries()
	items := benchCommitments(400)
	obs := recommendationObservations()
	b.Run("country", func(b *testing.B) {
		for b.Loop() {
			if _, err := civicspace.SummariseCountry(cat, countries, "NOR", items, obs, summaryNow); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("workstreams", func(b *testing.B) {
		for b.Loop() {
			civicspace.SummariseWorkstreams(cat, items, summaryNow)
		}
	})
	b.Run("follow-up", func(b *testing.B) {
		for b.Loop() {
			civicspace.SummariseFollowUp(cat, items, summaryNow)
		}
	})
}

// BenchmarkProgress measures one commitment's progress from 20 reports:
// what every read of a commitment computes.
func BenchmarkProgress(b *testing.B) {
	c := validCommitment("NOR")
	var reports []*civicspace.ProgressReport
	for i := range 20 {
		kind := civicspace.ReporterGovernment
		if i%2 == 1 {
			kind = civicspace.ReporterIndependent
		}
		level := civicspace.CompletionLevels[i%len(civicspace.CompletionLevels)]
		reports = append(reports, report(i+1, kind, level, fmt.Sprintf("2024-%02d-01", i%12+1), "law-drafted"))
	}
	for b.Loop() {
		civicspace.Progress(c, reports, summaryNow)
	}
}
