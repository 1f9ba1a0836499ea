package civicspace_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// commitmentCatalog is the small, stable catalog of the commitment tests.
func commitmentCatalog(t testing.TB) *civicspace.Catalog {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "commitments", "catalog.yaml"))
	require.NoError(t, err)
	cat, err := civicspace.ParseCatalog(civicspace.CatalogFile{Name: "catalog.yaml", Data: data})
	require.NoError(t, err)
	return cat
}

// validCommitment is a valid commitment of the test catalog.
func validCommitment(countries ...string) *civicspace.Commitment {
	return &civicspace.Commitment{
		Subject:         civicspace.CommitmentSubject{Countries: countries},
		Occasion:        civicspace.Occasion{Kind: civicspace.OccasionWorkstream, Name: "Cohort meeting", WorkstreamID: "co.ws-2", Date: "2023-03-29"},
		Title:           "Visas for defenders",
		Text:            "We will ease visas for human rights defenders at risk.",
		Recommendations: []string{"co.ws-2.1"},
		Indicators:      []string{"visas"},
		FollowUp:        "ogp",
		Milestones: []civicspace.Milestone{
			{ID: "law-drafted", Title: "Draft the visa law", Due: "2024-06-30"},
			{ID: "law-passed", Title: "Pass the visa law", Due: "2025-06-30"},
		},
	}
}

func TestCommitmentValidate(t *testing.T) {
	cat, countries := commitmentCatalog(t), civicspace.DefaultCountries()
	require.Empty(t, validCommitment("NOR").Validate(cat, countries))
	require.Empty(t, validCommitment("NOR", "SWE", "XAA").Validate(cat, countries), "a joint commitment; demo codes are countries")

	type problem struct{ pointer, detail string }
	cases := []struct {
		name string
		edit func(c *civicspace.Commitment)
		want []problem
	}{
		{"no country", func(c *civicspace.Commitment) { c.Subject.Countries = nil },
			[]problem{{"/subject/countries", "name the country"}}},
		{"unknown and repeated countries", func(c *civicspace.Commitment) { c.Subject.Countries = []string{"NOR", "nor", "NOR"} },
			[]problem{{"/subject/countries/1", `unknown country code "nor"`}, {"/subject/countries/2", `"NOR" is listed twice`}}},
		{"occasion", func(c *civicspace.Commitment) {
			c.Occasion = civicspace.Occasion{Kind: "conference", Name: " ", Date: "29/03/2023"}
		},
			[]problem{{"/occasion/date", `"29/03/2023" is not a date`}, {"/occasion/kind", `not "conference"`}, {"/occasion/name", "name the occasion"}}},
		{"missing date", func(c *civicspace.Commitment) { c.Occasion.Date = "" },
			[]problem{{"/occasion/date", "missing"}}},
		{"workstream occasion without workstream", func(c *civicspace.Commitment) { c.Occasion.WorkstreamID = "" },
			[]problem{{"/occasion/workstream_id", "names its workstream (one of co.ws-1, co.ws-2)"}}},
		{"not a workstream", func(c *civicspace.Commitment) { c.Occasion.WorkstreamID = "fa.p1" },
			[]problem{{"/occasion/workstream_id", `"fa.p1" is not a workstream`}}},
		{"summit drafted in a workstream", func(c *civicspace.Commitment) { c.Occasion.Kind = civicspace.OccasionSummit }, nil},
		{"summit without workstream", func(c *civicspace.Commitment) {
			c.Occasion = civicspace.Occasion{Kind: civicspace.OccasionOGPActionPlan, Name: "Norway's 5th action plan", Date: "2023-01-01"}
		}, nil},
		{"no text", func(c *civicspace.Commitment) { c.Text = "\n" },
			[]problem{{"/text", "missing"}}},
		{"no recommendation", func(c *civicspace.Commitment) { c.Recommendations = nil },
			[]problem{{"/recommendations", "at least one"}}},
		{"unknown and repeated links", func(c *civicspace.Commitment) {
			c.Recommendations = []string{"co.ws-2.1", "co.ws-9", "co.ws-2.1"}
			c.Indicators = []string{"visas", "nope"}
		}, []problem{{"/indicators/1", `unknown indicator "nope"`}, {"/recommendations/1", `unknown recommendation "co.ws-9"`}, {"/recommendations/2", "listed twice"}}},
		{"a group is not a recommendation", func(c *civicspace.Commitment) { c.Recommendations = []string{"co.ws-2"} },
			[]problem{{"/recommendations/0", `unknown recommendation "co.ws-2"`}}},
		{"no follow-up", func(c *civicspace.Commitment) { c.FollowUp = "" },
			[]problem{{"/follow_up", "cod, ogp, or other:NAME"}}},
		{"unknown follow-up", func(c *civicspace.Commitment) { c.FollowUp = "oecd" },
			[]problem{{"/follow_up", `unknown follow-up process "oecd"`}}},
		{"other follow-up", func(c *civicspace.Commitment) { c.FollowUp = "other:African Union" }, nil},
		{"other follow-up without name", func(c *civicspace.Commitment) { c.FollowUp = "other: " },
			[]problem{{"/follow_up", "after \"other:\""}}},
		{"milestones", func(c *civicspace.Commitment) {
			c.Milestones = []civicspace.Milestone{
				{ID: "Law Drafted", Title: "x", Due: "2024-06-30"},
				{ID: "ok", Title: "", Due: "2024-13-01", Done: "soon"},
				{ID: "ok", Title: "again", Due: "2024-06-30", Done: "2024-06-01"},
			}
		}, []problem{
			{"/milestones/0/id", `milestone id "Law Drafted"`},
			{"/milestones/1/done", `done date "soon" is not a date`},
			{"/milestones/1/due", `target date "2024-13-01" is not a date`},
			{"/milestones/1/title", "needs a title"},
			{"/milestones/2/id", `"ok" is used twice`},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := validCommitment("NOR")
			tc.edit(c)
			got := c.Validate(cat, countries)
			require.Len(t, got, len(tc.want), "problems: %v", got)
			for i, w := range tc.want {
				require.Equal(t, w.pointer, got[i].Pointer, "problems: %v", got)
				require.Contains(t, got[i].Detail, w.detail)
			}
		})
	}
}

func TestCommitmentTransitions(t *testing.T) {
	cases := []struct {
		from   civicspace.AssessmentStatus
		action civicspace.Action
		to     civicspace.AssessmentStatus
		code   string
	}{
		{civicspace.Draft, civicspace.ActionPublish, civicspace.Published, ""},
		{civicspace.Published, civicspace.ActionCorrect, civicspace.Draft, ""},
		{civicspace.Published, civicspace.ActionWithdraw, civicspace.Withdrawn, ""},
		{civicspace.Withdrawn, civicspace.ActionReopen, civicspace.Draft, ""},
		{civicspace.Draft, civicspace.ActionWithdraw, "", civicspace.ESTATE},
		{civicspace.Published, civicspace.ActionPublish, "", civicspace.ESTATE},
		{civicspace.Withdrawn, civicspace.ActionPublish, "", civicspace.ESTATE},
		{civicspace.Draft, civicspace.ActionCorrect, "", civicspace.ESTATE},
		// The review step of assessments is not a commitment's.
		{civicspace.Draft, civicspace.ActionSubmit, "", civicspace.EINVALID},
		{civicspace.Draft, civicspace.ActionReturn, "", civicspace.EINVALID},
		{civicspace.Draft, civicspace.ActionDelete, "", civicspace.EINVALID},
	}
	for _, tc := range cases {
		t.Run(string(tc.action)+" from "+string(tc.from), func(t *testing.T) {
			tr, err := civicspace.CommitmentTransitionFor(tc.from, tc.action)
			require.Equal(t, tc.code, civicspace.ErrorCode(err), "error: %v", err)
			require.Equal(t, tc.to, tr.To)
		})
	}
	_, err := civicspace.CommitmentTransitionFor(civicspace.Published, civicspace.ActionPublish)
	require.Contains(t, civicspace.ErrorMessage(err), "allowed: [correct withdraw]")
}

func TestCompletionLevelSteps(t *testing.T) {
	for level, want := range map[civicspace.CompletionLevel]int{
		civicspace.CompletionNotStarted: 0, civicspace.CompletionLimited: 1,
		civicspace.CompletionSubstantial: 2, civicspace.CompletionComplete: 3,
	} {
		got, ok := level.Step()
		require.True(t, ok, level)
		require.Equal(t, want, got, level)
	}
	_, ok := civicspace.CompletionNoEvidence.Step()
	require.False(t, ok, "no evidence is not a step of the scale")
	require.False(t, civicspace.CompletionLevel("started").Valid())
}

// report is a valid report of a kind at a level on a date, citing a source.
func report(seq int, kind civicspace.ReporterKind, level civicspace.CompletionLevel, date string, done ...string) *civicspace.ProgressReport {
	org := "Ministry of Foreign Affairs"
	if kind == civicspace.ReporterIndependent {
		org = "Civic Watch"
	}
	return &civicspace.ProgressReport{
		CommitmentID: "cmt_test", Seq: seq, CommitmentVersion: 2,
		Level: level, Date: date, Reporter: civicspace.Reporter{Kind: kind, Organisation: org},
		Evidence:       []civicspace.Evidence{{Title: "Visa statistics " + date, URL: "https://example.org/visas"}},
		MilestonesDone: done,
	}
}

func TestProgressReportValidate(t *testing.T) {
	c := validCommitment("NOR")
	now := time.Date(2024, 9, 1, 10, 0, 0, 0, time.UTC)
	require.Empty(t, report(0, civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-09-01", "law-drafted").Validate(c, now), "today is fine")
	noEvidence := report(0, civicspace.ReporterIndependent, civicspace.CompletionNoEvidence, "2024-01-01")
	noEvidence.Evidence = nil
	require.Empty(t, noEvidence.Validate(c, now), "no evidence needs none")
	notStarted := report(0, civicspace.ReporterGovernment, civicspace.CompletionNotStarted, "2024-01-01")
	notStarted.Evidence = nil
	require.Empty(t, notStarted.Validate(c, now), "nothing done needs no source")

	type problem struct{ pointer, detail string }
	cases := []struct {
		name string
		edit func(r *civicspace.ProgressReport)
		want []problem
	}{
		{"unknown level and reporter", func(r *civicspace.ProgressReport) {
			r.Level, r.Reporter = "halfway", civicspace.Reporter{Kind: "watchdog"}
		}, []problem{{"/level", `not "halfway"`}, {"/reporter/kind", `not "watchdog"`}, {"/reporter/organisation", "name the organisation"}}},
		{"future", func(r *civicspace.ProgressReport) { r.Date = "2024-09-02" },
			[]problem{{"/date", "in the future"}}},
		{"before the commitment", func(r *civicspace.ProgressReport) { r.Date = "2023-03-28" },
			[]problem{{"/date", "before the commitment was made (2023-03-29)"}}},
		{"bad date", func(r *civicspace.ProgressReport) { r.Date = "last week" },
			[]problem{{"/date", `"last week" is not a date`}}},
		{"no date", func(r *civicspace.ProgressReport) { r.Date = "" },
			[]problem{{"/date", "missing"}}},
		{"progress without evidence", func(r *civicspace.ProgressReport) { r.Level, r.Evidence = civicspace.CompletionComplete, nil },
			[]problem{{"/evidence", "a report of complete progress cites at least one source"}}},
		{"bad evidence", func(r *civicspace.ProgressReport) {
			r.Evidence = []civicspace.Evidence{{Title: "ok", URL: "ftp://example.org"}, {Title: " ", Date: "2024"}}
		}, []problem{{"/evidence/0/url", "not an absolute http(s) URL"}, {"/evidence/1/date", `"2024" is not a date`}, {"/evidence/1/title", "needs a title"}}},
		{"unknown and repeated milestones", func(r *civicspace.ProgressReport) {
			r.MilestonesDone = []string{"law-drafted", "law-signed", "law-drafted"}
		}, []problem{{"/milestones_done/1", `unknown milestone "law-signed"`}, {"/milestones_done/2", "listed twice"}}},
		{"negative correction", func(r *civicspace.ProgressReport) { r.Corrects = -1 },
			[]problem{{"/corrects", "1 or more"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := report(0, civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-06-01")
			tc.edit(r)
			got := r.Validate(c, now)
			require.Len(t, got, len(tc.want), "problems: %v", got)
			for i, w := range tc.want {
				require.Equal(t, w.pointer, got[i].Pointer, "problems: %v", got)
				require.Contains(t, got[i].Detail, w.detail)
			}
		})
	}
}

// TestProgressLevelTransitions follows the levels a commitment's reports
// move through: each report in force is compared with the previous of the
// same kind, a fall is a regression, a correction replaces the report it
// corrects, and no evidence has no step to compare.
func TestProgressLevelTransitions(t *testing.T) {
	c := validCommitment("NOR")
	corr := report(6, civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-03-01")
	corr.Corrects = 3
	reports := []*civicspace.ProgressReport{
		report(1, civicspace.ReporterGovernment, civicspace.CompletionNotStarted, "2023-06-01"),
		report(2, civicspace.ReporterGovernment, civicspace.CompletionLimited, "2023-12-01"),
		report(3, civicspace.ReporterGovernment, civicspace.CompletionComplete, "2024-03-01"),
		report(4, civicspace.ReporterIndependent, civicspace.CompletionNoEvidence, "2024-01-15"),
		report(5, civicspace.ReporterIndependent, civicspace.CompletionSubstantial, "2024-04-01"),
		corr,
		report(7, civicspace.ReporterGovernment, civicspace.CompletionNotStarted, "2024-05-01"),
	}
	p := civicspace.Progress(c, reports, time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC))
	type change struct {
		seq          int
		previous     civicspace.CompletionLevel
		steps        *int
		regression   bool
		supersededBy int
	}
	step := func(n int) *int { return &n }
	var got []change
	for _, ch := range p.Timeline {
		got = append(got, change{ch.Seq, ch.Previous, ch.Steps, ch.Regression, ch.SupersededBy})
	}
	require.Equal(t, []change{
		{1, "", nil, false, 0},
		{2, civicspace.CompletionNotStarted, step(1), false, 0},
		{4, "", nil, false, 0},
		// Report 3 claimed completion; report 6 corrects it to limited.
		{3, "", nil, false, 6},
		{6, civicspace.CompletionLimited, step(0), false, 0},
		{5, civicspace.CompletionNoEvidence, nil, false, 0},
		{7, civicspace.CompletionLimited, step(-1), true, 0},
	}, got)
	require.Equal(t, 7, p.Government.Seq, "the latest report in force")
	require.Equal(t, 5, p.Independent.Seq)
	require.NotNil(t, p.Disagreement)
	require.Equal(t, 2, *p.Disagreement.Steps, "the review finds substantial progress, two steps above not started")
}

func TestProgressDisagreement(t *testing.T) {
	c := validCommitment("NOR")
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name        string
		govt, indep civicspace.CompletionLevel
		steps       *int
		detail      string
	}{
		{"review finds less", civicspace.CompletionComplete, civicspace.CompletionLimited, ptr(-2),
			"the independent review by Civic Watch (2024-05-01) finds limited completion, 2 steps below the government's report by Ministry of Foreign Affairs (2024-04-01) of complete completion"},
		{"review finds more", civicspace.CompletionNotStarted, civicspace.CompletionLimited, ptr(1),
			"finds limited completion, 1 step above the government's report by Ministry of Foreign Affairs (2024-04-01) of no start"},
		{"review finds no evidence", civicspace.CompletionSubstantial, civicspace.CompletionNoEvidence, nil,
			"finds no evidence, against the government's report by Ministry of Foreign Affairs (2024-04-01) of substantial completion: no step to compare"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := civicspace.Progress(c, []*civicspace.ProgressReport{
				report(1, civicspace.ReporterGovernment, tc.govt, "2024-04-01"),
				report(2, civicspace.ReporterIndependent, tc.indep, "2024-05-01"),
			}, now)
			d := p.Disagreement
			require.NotNil(t, d)
			require.Equal(t, tc.govt, d.Government)
			require.Equal(t, tc.indep, d.Independent)
			require.Equal(t, 1, d.GovernmentSeq)
			require.Equal(t, 2, d.IndependentSeq)
			require.Equal(t, tc.steps, d.Steps)
			require.Contains(t, d.Detail, tc.detail)
		})
	}
	agree := civicspace.Progress(c, []*civicspace.ProgressReport{
		report(1, civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-04-01"),
		report(2, civicspace.ReporterIndependent, civicspace.CompletionLimited, "2024-05-01"),
	}, now)
	require.Nil(t, agree.Disagreement, "same level, no disagreement")
	alone := civicspace.Progress(c, []*civicspace.ProgressReport{report(1, civicspace.ReporterGovernment, civicspace.CompletionComplete, "2024-04-01")}, now)
	require.Nil(t, alone.Disagreement, "nothing to disagree with")
	require.Nil(t, alone.Independent)
}

func ptr(n int) *int { return &n }

// TestOverdueAtFixedClock computes milestones' states at fixed days: a
// milestone is overdue from the day after its target date until it is
// done, by the commitment's own record or by a report in force.
func TestOverdueAtFixedClock(t *testing.T) {
	c := validCommitment("NOR")
	c.Milestones = []civicspace.Milestone{
		{ID: "a", Title: "A", Due: "2024-06-30"},
		{ID: "b", Title: "B", Due: "2024-03-31", Done: "2024-03-15"},
		{ID: "c", Title: "C", Due: "2024-01-31", Done: "2024-07-15"},
		{ID: "d", Title: "D", Due: "2024-02-29"},
	}
	superseded := report(2, civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-05-01", "a")
	fix := report(3, civicspace.ReporterGovernment, civicspace.CompletionLimited, "2024-05-01")
	fix.Corrects = 2
	reports := []*civicspace.ProgressReport{
		report(1, civicspace.ReporterIndependent, civicspace.CompletionLimited, "2024-04-10", "d"),
		superseded, fix,
	}
	type state struct {
		id          string
		doneOn      string
		source      string
		overdue     bool
		daysOverdue int
		late        bool
	}
	at := func(day string) time.Time {
		d, err := time.Parse(time.DateOnly, day)
		require.NoError(t, err)
		return d.Add(23*time.Hour + 59*time.Minute) // late in the day: only the date counts
	}
	cases := []struct {
		day     string
		want    []state
		overdue int
	}{
		{"2024-01-31", []state{{"a", "", "", false, 0, false}, {"b", "", "", false, 0, false}, {"c", "", "", false, 0, false}, {"d", "", "", false, 0, false}}, 0},
		{"2024-02-01", []state{{"a", "", "", false, 0, false}, {"b", "", "", false, 0, false}, {"c", "", "", true, 1, false}, {"d", "", "", false, 0, false}}, 1},
		{"2024-03-20", []state{{"a", "", "", false, 0, false}, {"b", "2024-03-15", "commitment", false, 0, false}, {"c", "", "", true, 49, false}, {"d", "", "", true, 20, false}}, 2},
		{"2024-06-30", []state{{"a", "", "", false, 0, false}, {"b", "2024-03-15", "commitment", false, 0, false}, {"c", "", "", true, 151, false}, {"d", "2024-04-10", "independent", false, 0, true}}, 1},
		{"2024-07-01", []state{{"a", "", "", true, 1, false}, {"b", "2024-03-15", "commitment", false, 0, false}, {"c", "", "", true, 152, false}, {"d", "2024-04-10", "independent", false, 0, true}}, 2},
		{"2024-07-15", []state{{"a", "", "", true, 15, false}, {"b", "2024-03-15", "commitment", false, 0, false}, {"c", "2024-07-15", "commitment", false, 0, true}, {"d", "2024-04-10", "independent", false, 0, true}}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.day, func(t *testing.T) {
			var in []*civicspace.ProgressReport
			for _, r := range reports {
				if r.Date <= tc.day {
					in = append(in, r)
				}
			}
			p := civicspace.Progress(c, in, at(tc.day))
			require.Equal(t, tc.day, p.AsOf)
			var got []state
			for _, m := range p.Milestones {
				got = append(got, state{m.ID, m.DoneOn, m.DoneSource, m.Overdue, m.DaysOverdue, m.Late})
			}
			require.Equal(t, tc.want, got)
			require.Equal(t, tc.overdue, p.Overdue)
		})
	}
	// The clock is read in UTC: just after midnight UTC on 1 July, even
	// though it is still 30 June in New York.
	ny := time.FixedZone("EDT", -4*60*60)
	p := civicspace.Progress(c, reports, time.Date(2024, 6, 30, 20, 30, 0, 0, ny))
	require.Equal(t, "2024-07-01", p.AsOf)
	require.True(t, p.Milestones[0].Overdue, "the superseded report's claim does not count")
}

func TestAimWarnings(t *testing.T) {
	cat := commitmentCatalog(t)
	rev := func(id string, c *civicspace.Commitment) *civicspace.CommitmentRevision {
		return &civicspace.CommitmentRevision{CommitmentID: id, Version: 2, Commitment: *c}
	}
	in := func(ws string, recs []string, countries ...string) *civicspace.Commitment {
		c := validCommitment(countries...)
		c.Occasion.WorkstreamID, c.Recommendations = ws, recs
		return c
	}
	summit := func(recs []string, countries ...string) *civicspace.Commitment {
		c := in("", recs, countries...)
		c.Occasion.Kind = civicspace.OccasionSummit
		return c
	}

	t.Run("within the aims", func(t *testing.T) {
		set := []*civicspace.CommitmentRevision{
			rev("c1", in("co.ws-1", []string{"co.ws-1.1", "co.ws-1.2"}, "NOR")),
			rev("c2", in("co.ws-1", []string{"co.ws-1.1"}, "SWE")),
			rev("c3", in("co.ws-2", []string{"co.ws-2.1"}, "NOR", "CZE")),
			rev("c4", summit([]string{"ex.a1"}, "SWE", "CZE")),
			rev("c5", summit([]string{"ex.a2"}, "NOR")), // not joint: not counted
		}
		require.Empty(t, civicspace.AimWarnings(cat, set))
	})
	t.Run("too many recommendations in a workstream", func(t *testing.T) {
		set := []*civicspace.CommitmentRevision{
			rev("c1", in("co.ws-1", []string{"co.ws-1.1", "co.ws-1.2"}, "NOR")),
			rev("c2", in("co.ws-1", []string{"co.ws-1.1", "fa.r1"}, "SWE")),
			rev("c3", summit([]string{"co.ws-1.1", "co.ws-2.1", "fa.r1"}, "NOR")), // not made in the workstream
		}
		ws := civicspace.AimWarnings(cat, set)
		require.Len(t, ws, 1)
		w := ws[0]
		require.Equal(t, civicspace.AimWarning{
			Framework: "co", Aim: "recs-per-workstream", Scope: civicspace.AimRecommendationsPerGroup, Group: "co.ws-1",
			Max: 2, Count: 3, Commitments: []string{"c1", "c2"}, Recommendations: []string{"co.ws-1.1", "co.ws-1.2", "fa.r1"},
			Detail: `the commitments of workstream "Participation in decision-making" link to 3 recommendations; Cohort aims at no more than 2 (One to two recommendations per workstream.)`,
		}, w)
	})
	t.Run("too many joint commitments", func(t *testing.T) {
		set := []*civicspace.CommitmentRevision{
			rev("c1", in("co.ws-2", []string{"co.ws-2.1"}, "NOR", "CZE")),          // made in the related workstream
			rev("c2", summit([]string{"ex.a3"}, "SWE", "CZE")),                     // links to the note
			rev("c3", summit([]string{"fa.r1", "ex.a2"}, "NOR", "SWE", "CZE")),     // links to the note
			rev("c4", summit([]string{"fa.r1"}, "NOR", "SWE")),                     // neither
			rev("c5", in("co.ws-2", []string{"co.ws-2.1"}, "SWE")),                 // not joint
			rev("c1", in("co.ws-2", []string{"co.ws-2.1", "ex.a1"}, "NOR", "CZE")), // counted once
		}
		ws := civicspace.AimWarnings(cat, set)
		require.Len(t, ws, 1)
		require.Equal(t, civicspace.AimWarning{
			Framework: "ex", Aim: "joint", Scope: civicspace.AimJointCommitments, Group: "co.ws-2",
			Max: 2, Count: 3, Commitments: []string{"c1", "c2", "c3"},
			Detail: "3 joint commitments are made on Exile note; it aims at no more than 2 (Two joint commitments.)",
		}, ws[0])
	})
}

// TestBuiltinCohortAims checks the aims of the built-in catalog the way
// the issue states them: the Cohort's 1-3 recommendations per workstream
// and the exile note's 2-3 joint commitments, tied to workstream 3.
func TestBuiltinCohortAims(t *testing.T) {
	cat := civicspace.DefaultCatalog()
	require.Len(t, cat.Workstreams(), 6)
	var ids []string
	for _, f := range cat.FollowUpProcesses() {
		ids = append(ids, f.ID)
	}
	require.Equal(t, []string{"cod", "ogp", "oecd"}, ids)

	joint := func(id string, recs ...string) *civicspace.CommitmentRevision {
		return &civicspace.CommitmentRevision{CommitmentID: id, Commitment: civicspace.Commitment{
			Subject:         civicspace.CommitmentSubject{Countries: []string{"CZE", "NOR"}},
			Occasion:        civicspace.Occasion{Kind: civicspace.OccasionWorkstream, WorkstreamID: "s4d-cohort.ws-3"},
			Recommendations: recs,
		}}
	}
	set := []*civicspace.CommitmentRevision{
		joint("c1", "s4d-cohort.ws-3.1"), joint("c2", "s4d-cohort.ws-3.2"), joint("c3", "exile.a1"),
	}
	require.Empty(t, civicspace.AimWarnings(cat, set), "three joint commitments and three recommendations are within both aims")
	ws := civicspace.AimWarnings(cat, append(set, joint("c4", "exile.a2")))
	require.Len(t, ws, 2)
	require.Equal(t, "s4d-cohort", ws[0].Framework)
	require.Equal(t, "s4d-cohort.ws-3", ws[0].Group)
	require.Equal(t, 4, ws[0].Count, "four recommendations in workstream 3")
	require.Equal(t, "exile", ws[1].Framework)
	require.Equal(t, "s4d-cohort.ws-3", ws[1].Group, "the exile note belongs to workstream 3")
	require.Equal(t, []string{"c1", "c2", "c3", "c4"}, ws[1].Commitments)
}

func TestChangedCommitmentPointers(t *testing.T) {
	a := validCommitment("NOR")
	require.Equal(t, []string{""}, civicspace.ChangedCommitmentPointers(nil, a))
	require.Empty(t, civicspace.ChangedCommitmentPointers(a, validCommitment("NOR")))
	b := validCommitment("NOR", "SWE")
	b.Occasion.Date = "2023-03-30"
	b.FollowUp = "cod"
	b.Indicators = nil
	b.Milestones[1].Done = "2025-05-01"
	b.Milestones = append(b.Milestones, civicspace.Milestone{ID: "x", Title: "X", Due: "2026-01-01"})
	require.Equal(t, []string{"/subject", "/occasion", "/indicators", "/follow_up", "/milestones/1", "/milestones/2"}, civicspace.ChangedCommitmentPointers(a, b))
}

func TestDecodeCommitment(t *testing.T) {
	c, err := civicspace.DecodeCommitment(strings.NewReader(`{"subject":{"countries":["NOR"]},"occasion":{"kind":"summit","name":"S4D2","date":"2023-03-29"},"text":"t","recommendations":["co.ws-1.1"],"follow_up":"ogp"}`))
	require.NoError(t, err)
	require.Equal(t, []string{"NOR"}, c.Subject.Countries)
	_, err = civicspace.DecodeCommitment(strings.NewReader(`{"subject":{"countries":["NOR"]},"pledge":"x"}`))
	require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
	require.Contains(t, civicspace.ErrorMessage(err), `unknown field "pledge"`)
	_, err = civicspace.DecodeCommitment(strings.NewReader(`{"subject":{"countries":"NOR"}}`))
	require.Equal(t, "/subject/countries", civicspace.ErrorProblems(err)[0].Pointer)
	_, err = civicspace.DecodeCommitment(strings.NewReader(`{} {}`))
	require.Contains(t, civicspace.ErrorMessage(err), "trailing data")
	_, err = civicspace.DecodeCommitment(strings.NewReader(`{"text":"` + strings.Repeat("x", civicspace.MaxCommitmentBytes) + `"}`))
	require.Contains(t, civicspace.ErrorMessage(err), "larger than")

	r, err := civicspace.DecodeProgressReport(strings.NewReader(`{"level":"limited","date":"2024-01-01","reporter":{"kind":"government","organisation":"MFA"}}`))
	require.NoError(t, err)
	require.Equal(t, civicspace.CompletionLimited, r.Level)
	_, err = civicspace.DecodeProgressReport(strings.NewReader(`{"level":3}`))
	require.Equal(t, "/level", civicspace.ErrorProblems(err)[0].Pointer)
}
