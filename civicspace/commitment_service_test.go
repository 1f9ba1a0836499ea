package civicspace_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/stretchr/testify/require"
)

// storedOnly is a Scorer whose results are already stored: the commitment
// use cases only read its policy digest.
type storedOnly string

func (s storedOnly) Score(context.Context, *civicspace.Assessment) (*civicspace.Result, error) {
	return nil, errors.New("not used")
}
func (s storedOnly) PolicyDigest() string { return string(s) }

// clock is a settable Service.Now.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func commitmentService(t *testing.T) (*civicspace.Service, *clock) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "civicspace.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	c := &clock{now: time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)}
	return &civicspace.Service{
		Catalog:   commitmentCatalog(t),
		Countries: civicspace.DefaultCountries(),
		Store:     st,
		Scorer:    storedOnly("policy-1"),
		Now:       c.Now,
	}, c
}

func requireCode(t *testing.T, code string, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, civicspace.ErrorCode(err), "error: %v", err)
}

func pointers(ps []civicspace.Problem) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Pointer)
	}
	return out
}

func TestServiceCommitmentLifecycle(t *testing.T) {
	ctx := civicspace.NewContextWithPrincipal(t.Context(), civicspace.System)
	svc, clk := commitmentService(t)

	// A draft may have problems; it cannot be published with them.
	draft := validCommitment("NOR")
	draft.FollowUp = ""
	v, err := svc.CreateCommitment(ctx, draft)
	require.NoError(t, err)
	require.Equal(t, []string{"/follow_up"}, pointers(v.Problems))
	require.Empty(t, v.Progress.Timeline)
	id := v.Record.ID
	_, err = svc.TransitionCommitment(ctx, id, 1, civicspace.ActionPublish, "")
	requireCode(t, civicspace.EINVALID, err)
	require.Equal(t, []string{"/follow_up"}, pointers(civicspace.ErrorProblems(err)))
	require.Contains(t, civicspace.ErrorMessage(err), "the commitment has 1 problem")
	_, err = svc.TransitionCommitment(ctx, id, 2, civicspace.ActionPublish, "")
	requireCode(t, civicspace.ECONFLICT, err)

	_, err = svc.Commitment(civicspace.NewContextWithPrincipal(ctx, civicspace.Anonymous), id)
	requireCode(t, civicspace.ENOTFOUND, err)

	// No report on a draft.
	_, _, err = svc.AddProgressReport(ctx, id, report(0, civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-06-01"))
	requireCode(t, civicspace.ESTATE, err)

	v, err = svc.UpdateCommitment(ctx, id, 1, validCommitment("NOR"), "named the follow-up")
	require.NoError(t, err)
	require.Empty(t, v.Problems)
	v, err = svc.TransitionCommitment(ctx, id, 2, civicspace.ActionPublish, "")
	require.NoError(t, err)
	require.Equal(t, civicspace.Published, v.Record.Status)
	require.Equal(t, 3, v.Record.PublishedVersion)
	require.Equal(t, 0, v.Progress.Overdue, "nothing is overdue on 30 June 2024")
	require.Equal(t, []bool{false, false}, []bool{v.Progress.Milestones[0].Overdue, v.Progress.Milestones[1].Overdue})

	// Reports: checked against the published revision and the clock.
	bad := report(0, civicspace.ReporterGovernment, civicspace.CompletionComplete, "2024-07-02", "law-signed")
	bad.Evidence = nil
	_, _, err = svc.AddProgressReport(ctx, id, bad)
	requireCode(t, civicspace.EINVALID, err)
	require.Equal(t, []string{"/date", "/evidence", "/milestones_done/0"}, pointers(civicspace.ErrorProblems(err)))

	r1, p, err := svc.AddProgressReport(ctx, id, report(0, civicspace.ReporterGovernment, civicspace.CompletionComplete, "2024-06-01", "law-drafted"))
	require.NoError(t, err)
	require.Equal(t, 1, r1.Seq)
	require.Equal(t, 3, r1.CommitmentVersion)
	require.Nil(t, p.Disagreement)
	require.Equal(t, "2024-06-01", p.Milestones[0].DoneOn)

	r2, p, err := svc.AddProgressReport(ctx, id, report(0, civicspace.ReporterIndependent, civicspace.CompletionLimited, "2024-06-20"))
	require.NoError(t, err)
	require.Equal(t, 2, r2.Seq)
	require.NotNil(t, p.Disagreement)
	require.Equal(t, -2, *p.Disagreement.Steps, "the review finds limited progress, two steps below complete")

	// A correction names a report of its own kind.
	fix := report(0, civicspace.ReporterIndependent, civicspace.CompletionSubstantial, "2024-06-20")
	fix.Corrects = 1
	_, _, err = svc.AddProgressReport(ctx, id, fix)
	requireCode(t, civicspace.EINVALID, err)
	require.Contains(t, civicspace.ErrorProblems(err)[0].Detail, "report 1 is a government report; only another government report can correct it")
	fix.Corrects = 9
	_, _, err = svc.AddProgressReport(ctx, id, fix)
	require.Contains(t, civicspace.ErrorProblems(err)[0].Detail, "no report 9")
	fix.Corrects = 2
	_, p, err = svc.AddProgressReport(ctx, id, fix)
	require.NoError(t, err)
	require.Equal(t, -1, *p.Disagreement.Steps)
	require.Equal(t, 3, p.Disagreement.IndependentSeq)

	// The clock moves on: the first milestone is done, the second overdue.
	clk.now = time.Date(2025, 7, 2, 0, 0, 0, 0, time.UTC)
	v, err = svc.Commitment(ctx, id)
	require.NoError(t, err)
	require.Equal(t, "2025-07-02", v.Progress.AsOf)
	require.Equal(t, 1, v.Progress.Overdue)
	require.True(t, v.Progress.Milestones[1].Overdue)
	require.Equal(t, 2, v.Progress.Milestones[1].DaysOverdue)
	reports, p, err := svc.ProgressReports(ctx, id)
	require.NoError(t, err)
	require.Len(t, reports, 3)
	require.Equal(t, 1, p.Overdue)

	// A correction of the commitment drops a milestone; until it is
	// published, reports are checked against the published milestones.
	v, err = svc.TransitionCommitment(ctx, id, 3, civicspace.ActionCorrect, "")
	require.NoError(t, err)
	fewer := validCommitment("NOR")
	fewer.Milestones = fewer.Milestones[:1]
	v, err = svc.UpdateCommitment(ctx, id, v.Record.Version, fewer, "")
	require.NoError(t, err)
	require.Len(t, v.Progress.Milestones, 2, "progress stays on the published revision")
	pub, err := svc.Commitment(civicspace.NewContextWithPrincipal(ctx, civicspace.Anonymous), id)
	require.NoError(t, err)
	require.Equal(t, civicspace.Published, pub.Record.Status, "readers see the publication, not the correction")
	require.Equal(t, 3, pub.Record.Version)
	require.Len(t, pub.Record.Commitment.Milestones, 2)
	require.Equal(t, civicspace.System.Actor(), pub.Record.UpdatedBy)
	_, _, err = svc.AddProgressReport(ctx, id, report(0, civicspace.ReporterGovernment, civicspace.CompletionComplete, "2025-07-01", "law-passed"))
	require.NoError(t, err)
	v, err = svc.TransitionCommitment(ctx, id, v.Record.Version, civicspace.ActionPublish, "")
	require.NoError(t, err)
	require.Len(t, v.Progress.Milestones, 1)
	_, _, err = svc.AddProgressReport(ctx, id, report(0, civicspace.ReporterGovernment, civicspace.CompletionComplete, "2025-07-02", "law-passed"))
	requireCode(t, civicspace.EINVALID, err)

	revs, err := svc.CommitmentRevisions(ctx, id)
	require.NoError(t, err)
	require.Len(t, revs, 6)
	page, err := svc.ListCommitments(ctx, civicspace.CommitmentFilter{Country: "NOR"})
	require.NoError(t, err)
	require.Len(t, page.Records, 1)
	_, err = svc.Commitment(ctx, "cmt_00000000000000000000")
	requireCode(t, civicspace.ENOTFOUND, err)
}

func TestServiceCommitmentWarnings(t *testing.T) {
	ctx := civicspace.NewContextWithPrincipal(t.Context(), civicspace.System)
	svc, _ := commitmentService(t)
	publish := func(c *civicspace.Commitment) *civicspace.CommitmentView {
		t.Helper()
		v, err := svc.CreateCommitment(ctx, c)
		require.NoError(t, err)
		v, err = svc.TransitionCommitment(ctx, v.Record.ID, v.Record.Version, civicspace.ActionPublish, "")
		require.NoError(t, err)
		return v
	}
	in1 := func(recs ...string) *civicspace.Commitment {
		c := validCommitment("NOR")
		c.Occasion.WorkstreamID, c.Recommendations = "co.ws-1", recs
		return c
	}
	first := publish(in1("co.ws-1.1"))
	require.Empty(t, first.Warnings)
	publish(in1("co.ws-1.2"))

	// A third recommendation in the workstream: a warning, not an error.
	v, err := svc.CreateCommitment(ctx, in1("fa.r1"))
	require.NoError(t, err)
	require.Empty(t, v.Problems)
	require.Len(t, v.Warnings, 1)
	require.Equal(t, "co.ws-1", v.Warnings[0].Group)
	require.Equal(t, 3, v.Warnings[0].Count)
	require.Contains(t, v.Warnings[0].Commitments, v.Record.ID, "the draft counts as if published")
	other, err := svc.Commitment(ctx, first.Record.ID)
	require.NoError(t, err)
	require.Empty(t, other.Warnings, "drafts of others do not count")
	v, err = svc.TransitionCommitment(ctx, v.Record.ID, v.Record.Version, civicspace.ActionPublish, "")
	require.NoError(t, err)
	require.Len(t, v.Warnings, 1)
	other, err = svc.Commitment(ctx, first.Record.ID)
	require.NoError(t, err)
	require.Len(t, other.Warnings, 1, "once published, it is in everyone's set")

	v, err = svc.TransitionCommitment(ctx, v.Record.ID, v.Record.Version, civicspace.ActionWithdraw, "")
	require.NoError(t, err)
	require.Empty(t, v.Warnings, "a withdrawn commitment counts for nothing")
	other, err = svc.Commitment(ctx, first.Record.ID)
	require.NoError(t, err)
	require.Empty(t, other.Warnings)
}

func TestServiceCountrySummary(t *testing.T) {
	ctx := civicspace.NewContextWithPrincipal(t.Context(), civicspace.System)
	svc, _ := commitmentService(t)
	st := svc.Store

	// A published self-assessment of Norway, scored under the service's
	// policy, and an older one scored under another policy only.
	score := func(period string, policy string, status string, points float64) {
		a := &civicspace.Assessment{Subject: civicspace.Subject{Country: "NOR"}, Roles: []civicspace.Role{civicspace.RoleDomestic},
			Period: civicspace.MustPeriod(period), Kind: civicspace.KindSelf, Author: "Ministry", Answers: map[string]civicspace.Answer{}}
		rec, err := st.CreateAssessment(ctx, a, "alice")
		require.NoError(t, err)
		for _, action := range []civicspace.Action{civicspace.ActionSubmit, civicspace.ActionPublish} {
			rec, err = st.TransitionAssessment(ctx, rec.ID, rec.Version, action, "rita", "")
			require.NoError(t, err)
		}
		require.NoError(t, st.PutScore(ctx, &civicspace.StoredScore{AssessmentID: rec.ID, Version: rec.Version, PolicyDigest: policy,
			CatalogDigest: "c", Band: civicspace.BandOpen, Score: &points, Result: []byte(`{}`),
			Observations: []civicspace.Observation{
				{Level: civicspace.LevelRating, ItemID: civicspace.ObservationOverall, Score: &points, Status: civicspace.BandOpen},
				{Level: civicspace.LevelRecommendation, ItemID: "co.ws-1.1", Score: &points, Coverage: cmpNum(1), Status: status},
				{Level: civicspace.LevelRecommendation, ItemID: "fa.r1", Score: &points, Coverage: cmpNum(1), Status: status},
			}}))
	}
	score("2023", "policy-1", civicspace.StatusNotMet, 10)
	score("2024", "policy-1", civicspace.StatusPartiallyMet, 50)
	score("2025", "policy-0", civicspace.StatusMet, 100)

	c := validCommitment("NOR", "SWE")
	c.Occasion.WorkstreamID, c.Recommendations = "co.ws-1", []string{"co.ws-1.1"}
	v, err := svc.CreateCommitment(ctx, c)
	require.NoError(t, err)
	_, err = svc.CreateCommitment(ctx, validCommitment("NOR")) // a draft: not in summaries
	require.NoError(t, err)

	s, err := svc.CountryCommitmentSummary(ctx, "NOR")
	require.NoError(t, err)
	require.Empty(t, s.Commitments, "nothing published yet")

	_, err = svc.TransitionCommitment(ctx, v.Record.ID, v.Record.Version, civicspace.ActionPublish, "")
	require.NoError(t, err)
	_, _, err = svc.AddProgressReport(ctx, v.Record.ID, report(0, civicspace.ReporterGovernment, civicspace.CompletionSubstantial, "2024-06-01"))
	require.NoError(t, err)
	for _, country := range []string{"NOR", "SWE"} {
		s, err = svc.CountryCommitmentSummary(ctx, country)
		require.NoError(t, err)
		require.Len(t, s.Commitments, 1, "a joint commitment is each of its countries'")
		require.Equal(t, civicspace.CompletionSubstantial, s.Commitments[0].Government)
		require.Equal(t, 1, s.Counts.Joint)
	}
	s, err = svc.CountryCommitmentSummary(ctx, "NOR")
	require.NoError(t, err)
	require.Len(t, s.Recommendations, 1)
	require.Equal(t, []civicspace.RecommendationLatest{{Kind: civicspace.KindSelf, Period: "2024", AssessmentID: s.Recommendations[0].Latest[0].AssessmentID,
		Version: 3, Status: civicspace.StatusPartiallyMet, Score: cmpNum(50), Coverage: cmpNum(1)}}, s.Recommendations[0].Latest,
		"the latest period scored under the service's policy")
	s, err = svc.CountryCommitmentSummary(ctx, "SWE")
	require.NoError(t, err)
	require.Empty(t, s.Recommendations[0].Latest, "Sweden has no assessment")

	_, err = svc.CountryCommitmentSummary(ctx, "nor")
	requireCode(t, civicspace.EINVALID, err)

	ws, err := svc.WorkstreamCommitmentSummary(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, ws.Workstreams[0].Counts.Commitments)
	fu, err := svc.FollowUpCommitmentSummary(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, fu.Processes[1].Counts.Commitments, "ogp")
}
