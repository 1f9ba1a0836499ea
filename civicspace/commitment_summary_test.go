package civicspace_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// checkCommitmentGolden compares v's indented JSON with
// testdata/commitments/NAME.golden.json, rewriting it under -update. The
// report package's CSV tests read these files as their input.
func checkCommitmentGolden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	path := filepath.Join("testdata", "commitments", name+".golden.json")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create the golden file")
	require.Equal(t, string(want), string(got), "golden file %s differs (go test -update rewrites it)", path)
}

// summaryNow is the day the summaries are computed for.
var summaryNow = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// commitmentFixtures are six published commitments of the test catalog
// with their reports: single and joint, in workstreams and at a summit,
// agreeing and disagreeing, with overdue and done milestones, and enough
// of them to exceed both aims (three recommendations in co.ws-1, three
// joint commitments on the exile note).
func commitmentFixtures() []civicspace.PublishedCommitment {
	pub := func(id string, c *civicspace.Commitment, reports ...*civicspace.ProgressReport) civicspace.PublishedCommitment {
		for _, r := range reports {
			r.CommitmentID = id
		}
		return civicspace.PublishedCommitment{
			Revision: &civicspace.CommitmentRevision{CommitmentID: id, Version: 2, Status: civicspace.Published, Action: civicspace.ActionPublish, Commitment: *c},
			Reports:  reports,
		}
	}
	in := func(ws string, recs []string, countries ...string) *civicspace.Commitment {
		c := validCommitment(countries...)
		c.Occasion.WorkstreamID, c.Recommendations = ws, recs
		return c
	}

	c1 := in("co.ws-1", []string{"co.ws-1.1"}, "NOR")
	c1.Title, c1.FollowUp = "Consult on every law", "ogp"
	c1.Milestones = []civicspace.Milestone{{ID: "portal", Title: "Open a consultation portal", Due: "2024-12-31"}}

	c2 := in("co.ws-2", []string{"co.ws-2.1", "ex.a1"}, "NOR", "CZE", "SWE")
	c2.Title, c2.FollowUp = "Humanitarian visas for defenders", "cod"
	c2.Milestones = []civicspace.Milestone{
		{ID: "scheme", Title: "Agree a joint visa scheme", Due: "2024-06-30", Done: "2024-06-15"},
		{ID: "first-visas", Title: "Grant the first visas", Due: "2024-10-31"},
		{ID: "review", Title: "Review the scheme", Due: "2025-12-31"},
	}

	c3 := validCommitment("SWE")
	c3.Occasion = civicspace.Occasion{Kind: civicspace.OccasionSummit, Name: "Second Summit for Democracy", Date: "2023-03-29"}
	c3.Title, c3.Recommendations, c3.FollowUp, c3.Milestones = "", []string{"fa.r1"}, "other:African Union", nil
	c3.Text = "Sweden will protect the freedoms of association and assembly, in law and in practice, and report on it every year."

	c4 := in("co.ws-1", []string{"co.ws-1.2", "fa.r1"}, "NOR")
	c4.Title, c4.FollowUp, c4.Milestones = "Train officials in consultation", "ogp", nil

	c5 := validCommitment("NOR", "CZE")
	c5.Occasion = civicspace.Occasion{Kind: civicspace.OccasionSummit, Name: "Second Summit for Democracy", Date: "2023-03-29"}
	c5.Title, c5.Recommendations, c5.FollowUp = "Residence for exiled defenders", []string{"ex.a2"}, "cod"
	c5.Milestones = []civicspace.Milestone{{ID: "permits", Title: "Issue residence permits", Due: "2024-09-30"}}

	c6 := validCommitment("CZE", "SWE")
	c6.Occasion = civicspace.Occasion{Kind: civicspace.OccasionOGPActionPlan, Name: "Czech OGP action plan 2024-2026", Date: "2024-01-15"}
	c6.Title, c6.Recommendations, c6.FollowUp, c6.Milestones = "Bank accounts for exiles", []string{"ex.a3"}, "ogp", nil

	g := civicspace.ReporterGovernment
	i := civicspace.ReporterIndependent
	corrected := report(4, g, civicspace.CompletionSubstantial, "2024-11-01", "first-visas")
	corrected.Corrects = 3
	return []civicspace.PublishedCommitment{
		pub("cmt_c1", c1,
			report(1, g, civicspace.CompletionNotStarted, "2023-09-01"),
			report(2, g, civicspace.CompletionLimited, "2024-09-01"),
			report(3, i, civicspace.CompletionNotStarted, "2024-10-01")),
		pub("cmt_c2", c2,
			report(1, g, civicspace.CompletionLimited, "2024-06-20", "scheme"),
			report(2, i, civicspace.CompletionLimited, "2024-08-01", "scheme"),
			report(3, g, civicspace.CompletionComplete, "2024-11-01", "first-visas", "review"),
			corrected,
			report(5, i, civicspace.CompletionLimited, "2025-01-15")),
		pub("cmt_c3", c3),
		pub("cmt_c4", c4, report(1, i, civicspace.CompletionNoEvidence, "2024-12-01")),
		pub("cmt_c5", c5, report(1, g, civicspace.CompletionSubstantial, "2024-12-01")),
		pub("cmt_c6", c6),
	}
}

// recommendationObservations are Norway's stored recommendation statuses:
// two periods of self-assessments (the latest wins) and a shadow one.
func recommendationObservations() []civicspace.Observation {
	obs := func(id string, kind civicspace.Kind, period, rec, status string, score float64) civicspace.Observation {
		return civicspace.Observation{AssessmentID: id, Version: 3, Country: "NOR", Period: period, Kind: kind,
			Level: civicspace.LevelRecommendation, ItemID: rec, Score: &score, Coverage: cmpNum(1), Status: status}
	}
	return []civicspace.Observation{
		obs("asm_nor24", civicspace.KindSelf, "2024", "co.ws-1.1", civicspace.StatusMet, 90),
		obs("asm_nor25", civicspace.KindSelf, "2025", "co.ws-1.1", civicspace.StatusPartiallyMet, 60),
		obs("asm_nor25s", civicspace.KindShadow, "2025", "co.ws-1.1", civicspace.StatusNotMet, 20),
		obs("asm_nor25", civicspace.KindSelf, "2025", "co.ws-2.1", civicspace.StatusPartiallyMet, 55),
		obs("asm_nor24", civicspace.KindSelf, "2024", "fa.r1", civicspace.StatusMet, 100),
		// Another country's and another level's numbers are not Norway's
		// recommendation statuses.
		{AssessmentID: "asm_swe25", Version: 2, Country: "SWE", Period: "2025", Kind: civicspace.KindSelf, Level: civicspace.LevelRecommendation, ItemID: "fa.r1", Status: civicspace.StatusNotMet},
		{AssessmentID: "asm_nor25", Version: 3, Country: "NOR", Period: "2025", Kind: civicspace.KindSelf, Level: civicspace.LevelGroup, ItemID: "co.ws-1", Status: civicspace.StatusMet},
	}
}

func TestCommitmentSummaries(t *testing.T) {
	cat, countries := commitmentCatalog(t), civicspace.DefaultCountries()
	items := commitmentFixtures()

	t.Run("country", func(t *testing.T) {
		s, err := civicspace.SummariseCountry(cat, countries, "NOR", items, recommendationObservations(), summaryNow)
		require.NoError(t, err)
		checkCommitmentGolden(t, "country-nor", s)
		require.Equal(t, civicspace.CommitmentCounts{Commitments: 4, Joint: 2, Reported: 3, Reviewed: 3, Disagreements: 2,
			Milestones: 5, MilestonesDone: 2, MilestonesOverdue: 2}, s.Counts)
		require.Len(t, s.Warnings, 2, "both aims are exceeded by sets that include Norway's commitments")
	})
	t.Run("country without commitments", func(t *testing.T) {
		s, err := civicspace.SummariseCountry(cat, countries, "KEN", items, nil, summaryNow)
		require.NoError(t, err)
		checkCommitmentGolden(t, "country-ken", s)
	})
	t.Run("unknown country", func(t *testing.T) {
		_, err := civicspace.SummariseCountry(cat, countries, "XXXX", items, nil, summaryNow)
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	})
	t.Run("workstreams", func(t *testing.T) {
		s := civicspace.SummariseWorkstreams(cat, items, summaryNow)
		checkCommitmentGolden(t, "workstreams", s)
		require.Len(t, s.Workstreams, 2)
		require.Equal(t, 2, s.Workstreams[0].Counts.Commitments)
		require.Equal(t, []string{"co.ws-1.1", "co.ws-1.2", "fa.r1"}, s.Workstreams[0].Recommendations)
		require.Len(t, s.Workstreams[0].Warnings, 1)
		require.Equal(t, "recs-per-workstream", s.Workstreams[0].Warnings[0].Aim)
		require.Len(t, s.Workstreams[1].Warnings, 1)
		require.Equal(t, "joint", s.Workstreams[1].Warnings[0].Aim)
	})
	t.Run("follow-up", func(t *testing.T) {
		s := civicspace.SummariseFollowUp(cat, items, summaryNow)
		checkCommitmentGolden(t, "follow-up", s)
		var ids []string
		for _, p := range s.Processes {
			ids = append(ids, p.ID)
		}
		require.Equal(t, []string{"cod", "ogp", "other:African Union"}, ids, "the catalog's processes, then the others")
		require.Equal(t, "African Union", s.Processes[2].Name)
		require.False(t, s.Processes[2].Catalog)
	})
	t.Run("empty", func(t *testing.T) {
		s := civicspace.SummariseFollowUp(cat, nil, summaryNow)
		require.Len(t, s.Processes, 2, "every process of the catalog, even without commitments")
		for _, p := range s.Processes {
			require.Empty(t, p.Commitments)
			require.NotNil(t, p.Commitments, "an empty list, not null")
		}
	})
}
