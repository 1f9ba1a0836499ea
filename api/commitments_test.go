package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
	"github.com/stretchr/testify/require"
)

// commitmentDay is the day the commitment tests run on (Service.Now).
var commitmentDay = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

// withClock sets the service's clock: overdue milestones and the date
// checks of reports depend on the day.
func withClock(now time.Time) envOption {
	return func(svc *civicspace.Service, _ *[]api.Option) { svc.Now = func() time.Time { return now } }
}

// visaCommitment is Norway's commitment in the Civic Space Cohort's exile
// workstream: humanitarian visas for defenders, followed up by the
// Community of Democracies, with a milestone past due on commitmentDay.
func visaCommitment(countries ...string) *civicspace.Commitment {
	return &civicspace.Commitment{
		Subject:         civicspace.CommitmentSubject{Countries: countries},
		Occasion:        civicspace.Occasion{Kind: civicspace.OccasionWorkstream, Name: "Civic Space Cohort, workstream on civil society in exile", WorkstreamID: "s4d-cohort.ws-3", Date: "2023-03-29"},
		Title:           "Humanitarian visas for defenders at risk",
		Text:            "Norway will open a humanitarian visa route for human rights defenders at risk and report on its use every year.",
		Recommendations: []string{"s4d-cohort.ws-3.1", "exile.a1"},
		Indicators:      []string{"hrd-humanitarian-visas"},
		FollowUp:        "cod",
		Milestones: []civicspace.Milestone{
			{ID: "route-open", Title: "Open the visa route", Due: "2024-06-30"},
			{ID: "first-report", Title: "Publish the first yearly figures", Due: "2025-06-30"},
		},
	}
}

func progressReport(kind civicspace.ReporterKind, org string, level civicspace.CompletionLevel, date string, done ...string) map[string]any {
	r := map[string]any{
		"level":    level,
		"date":     date,
		"reporter": map[string]any{"kind": kind, "organisation": org},
		"evidence": []map[string]any{{"title": "Visa figures " + date, "url": "https://example.org/visas"}},
	}
	if len(done) > 0 {
		r["milestones_done"] = done
	}
	return r
}

// TestCommitmentFlow follows a pledge from summit to implementation over
// REST: a government's assessor drafts a commitment linked to catalog
// recommendations, its reviewer publishes it, the assessor reports
// progress twice, a watchdog's independent review disagrees, and the
// country summary shows where it stands, next to the recommendations'
// statuses in the country's published self-assessment. Every response is
// checked against openapi.yaml.
func TestCommitmentFlow(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open, withClock(commitmentDay))
		const ministry = "Ministry of Foreign Affairs of Norway"
		assessor := bearer(e.newKey(civicspace.KeySpec{Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}, Organisation: ministry}))
		reviewer := bearer(e.newKey(civicspace.KeySpec{Role: civicspace.RoleReviewer, Subjects: []string{"NOR"}}))
		watchdog := bearer(e.newKey(civicspace.KeySpec{Role: civicspace.RoleWatchdog, Organisation: "Civic Watch"}))
		swedish := bearer(e.newKey(civicspace.KeySpec{Role: civicspace.RoleAssessor, Subjects: []string{"SWE"}}))
		anonymous := bearer("")

		// Norway's published self-assessment gives the linked
		// recommendations a status.
		res := e.do("POST", "/v1/assessments", fullAssessment(e.svc.Catalog, "NOR"))
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		asm := location(t, res)
		res = e.do("POST", asm+"/submit", nil, ifMatch(res.Header.Get("ETag")))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res = e.do("POST", asm+"/publish", nil, ifMatch(res.Header.Get("ETag")))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)

		// The assessor drafts the commitment; no one else sees the draft.
		res = e.do("POST", "/v1/commitments", visaCommitment("NOR"), assessor)
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		var rec api.CommitmentRecord
		res.decode(t, &rec)
		url := location(t, res)
		require.Equal(t, "/v1/commitments/"+rec.ID, url)
		require.Equal(t, fmt.Sprintf("%q", rec.ID+".1"), res.Header.Get("ETag"))
		require.Equal(t, api.CommitmentStatusDraft, rec.Status)
		require.Empty(t, rec.Problems)
		require.Empty(t, rec.Warnings)
		require.Equal(t, 1, rec.Progress.Overdue, "the route was due on 30 June 2024")
		e.do("GET", url, nil, anonymous).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
		e.do("GET", url, nil, watchdog).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
		e.do("POST", url+"/reports", progressReport(civicspace.ReporterGovernment, ministry, civicspace.CompletionLimited, "2024-09-01"), assessor).
			problem(t, http.StatusConflict, civicspace.ESTATE)

		// Only its reviewer publishes it, with the ETag last read.
		e.do("POST", url+"/publish", nil, assessor, ifMatch(res.Header.Get("ETag"))).problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)
		e.do("POST", url+"/publish", nil, reviewer).problem(t, http.StatusPreconditionRequired, civicspace.EINVALID)
		e.do("POST", url+"/publish", nil, reviewer, ifMatch(`"`+rec.ID+`.7"`)).problem(t, http.StatusPreconditionFailed, civicspace.ECONFLICT)
		res = e.do("POST", url+"/publish", map[string]string{"note": "made at the cohort meeting"}, reviewer, ifMatch(res.Header.Get("ETag")))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res.decode(t, &rec)
		require.Equal(t, api.CommitmentStatusPublished, rec.Status)
		require.Equal(t, 2, rec.PublishedVersion)
		e.do("PUT", url, visaCommitment("NOR"), assessor, ifMatch(res.Header.Get("ETag"))).problem(t, http.StatusConflict, civicspace.ESTATE)

		// The government reports progress twice.
		bad := progressReport(civicspace.ReporterGovernment, ministry, civicspace.CompletionComplete, "2025-03-02", "route-closed")
		p := e.do("POST", url+"/reports", bad, assessor).problem(t, http.StatusUnprocessableEntity, civicspace.EINVALID)
		require.Equal(t, []string{"/date", "/milestones_done/0"}, pointers(p.Errors))
		e.do("POST", url+"/reports", progressReport(civicspace.ReporterGovernment, ministry, civicspace.CompletionLimited, "2024-09-01"), swedish).
			problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)
		e.do("POST", url+"/reports", progressReport(civicspace.ReporterGovernment, ministry, civicspace.CompletionLimited, "2024-09-01"), anonymous).
			problem(t, http.StatusUnauthorized, civicspace.EUNAUTHORIZED)
		res = e.do("POST", url+"/reports", progressReport(civicspace.ReporterGovernment, ministry, civicspace.CompletionLimited, "2024-09-01"), assessor)
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		var result api.ProgressReportResult
		res.decode(t, &result)
		require.Equal(t, 1, result.Report.Seq)
		require.Equal(t, 2, result.Report.CommitmentVersion)
		require.Nil(t, result.Progress.Disagreement)
		res = e.do("POST", url+"/reports", progressReport(civicspace.ReporterGovernment, ministry, civicspace.CompletionSubstantial, "2025-01-15", "route-open"), assessor)
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		res.decode(t, &result)
		require.Equal(t, 2, result.Report.Seq)
		require.Equal(t, 0, result.Progress.Overdue, "the government reports the route open")
		require.Len(t, result.Progress.Timeline, 2)
		require.Equal(t, 1, *result.Progress.Timeline[1].Steps, "limited to substantial")

		// The watchdog's independent review disagrees.
		e.do("POST", url+"/reports", progressReport(civicspace.ReporterGovernment, "Civic Watch", civicspace.CompletionLimited, "2025-02-01"), watchdog).
			problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)
		res = e.do("POST", url+"/reports", progressReport(civicspace.ReporterIndependent, "Civic Watch", civicspace.CompletionLimited, "2025-02-01"), watchdog)
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		res.decode(t, &result)
		d := result.Progress.Disagreement
		require.NotNil(t, d)
		require.Equal(t, civicspace.CompletionSubstantial, d.Government)
		require.Equal(t, civicspace.CompletionLimited, d.Independent)
		require.Equal(t, -1, *d.Steps, "the review finds one step less progress")
		require.Contains(t, d.Detail, "the independent review by Civic Watch (2025-02-01) finds limited completion, 1 step below")

		// Anyone reads the published commitment, its reports and revisions.
		res = e.do("GET", url, nil, anonymous)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res.decode(t, &rec)
		require.Equal(t, -1, *rec.Progress.Disagreement.Steps)
		res = e.do("GET", url+"/reports", nil, anonymous)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		var list api.ProgressReportList
		res.decode(t, &list)
		require.Len(t, list.Reports, 3)
		res = e.do("GET", url+"/revisions", nil, anonymous)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		var revs api.CommitmentRevisionList
		res.decode(t, &revs)
		require.Len(t, revs.Revisions, 1, "the public sees the published revision only")
		res = e.do("GET", "/v1/commitments?country=NOR", nil, anonymous)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		var page api.CommitmentList
		res.decode(t, &page)
		require.Len(t, page.Commitments, 1)
		require.Equal(t, "Humanitarian visas for defenders at risk", page.Commitments[0].Title)

		// The country summary: by level, the disagreement, the linked
		// recommendations' statuses in the published self-assessment.
		res = e.do("GET", "/v1/commitments/summary/countries/NOR", nil, anonymous)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		require.Equal(t, "Accept", res.Header.Get("Vary"))
		var sum api.CountryCommitmentSummary
		res.decode(t, &sum)
		require.Equal(t, "2025-03-01", sum.AsOf)
		require.Equal(t, api.CommitmentCounts{Commitments: 1, Reported: 1, Reviewed: 1, Disagreements: 1, Milestones: 2, MilestonesDone: 1}, sum.Counts)
		require.Len(t, sum.Commitments, 1)
		require.Equal(t, api.CompletionLevelSubstantial, sum.Commitments[0].Government)
		require.Equal(t, api.CompletionLevelLimited, sum.Commitments[0].Independent)
		require.Empty(t, sum.OverdueMilestones)
		res = e.do("GET", asm+"/score", nil, anonymous)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		var score api.StoredScore
		res.decode(t, &score)
		var explained struct {
			Recommendations []api.RecommendationScore `json:"recommendations"`
		}
		require.NoError(t, json.Unmarshal(score.Result, &explained))
		scored := map[string]api.RecommendationScore{}
		for _, r := range explained.Recommendations {
			scored[r.ID] = r
		}
		require.Len(t, sum.Recommendations, 2)
		for _, r := range sum.Recommendations {
			require.Len(t, r.Latest, 1, r.ID)
			l := r.Latest[0]
			require.Equal(t, api.KindSelf, l.Kind)
			require.Equal(t, "2025", l.Period)
			require.Equal(t, strings.TrimPrefix(asm, "/v1/assessments/"), l.AssessmentID)
			require.Equal(t, string(scored[r.ID].Status), l.Status, "the status in the published self-assessment's stored score")
			require.Equal(t, scored[r.ID].Score, l.Score)
		}

		// The same as CSV, asked for by parameter or by Accept header.
		for _, h := range []header{{"Accept", "text/csv"}, {"Accept", "application/json;q=0.5, text/*"}} {
			res = e.do("GET", "/v1/commitments/summary/countries/NOR", nil, anonymous, h)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
			require.Equal(t, report.CSV.ContentType(), res.Header.Get("Content-Type"))
			rows, err := csv.NewReader(bytes.NewReader(res.body)).ReadAll()
			require.NoError(t, err)
			require.Equal(t, report.CommitmentsCSVHeader, rows[0])
			require.Len(t, rows, 1+1+2, "the commitment and its two recommendations")
		}
		res = e.do("GET", "/v1/commitments/summary/countries/NOR?format=csv", nil, anonymous, header{"Accept", "application/json"})
		require.Equal(t, report.CSV.ContentType(), res.Header.Get("Content-Type"), "the parameter wins")
		e.do("GET", "/v1/commitments/summary/countries/NOR", nil, anonymous, header{"Accept", "image/png"}).problem(t, http.StatusNotAcceptable, civicspace.EINVALID)
		e.do("GET", "/v1/commitments/summary/countries/NOR?format=svg", nil, anonymous).problem(t, http.StatusBadRequest, civicspace.EINVALID)
		e.do("GET", "/v1/commitments/summary/countries/XXX", nil, anonymous) // a user-assigned code: an empty summary
		e.do("GET", "/v1/commitments/summary/countries/NOQ", nil, anonymous).problem(t, http.StatusBadRequest, civicspace.EINVALID)

		// By workstream and by follow-up process.
		res = e.do("GET", "/v1/commitments/summary/workstreams", nil, anonymous)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		var ws api.WorkstreamCommitmentSummary
		res.decode(t, &ws)
		require.Len(t, ws.Workstreams, 6, "the cohort's six workstreams")
		require.Equal(t, "s4d-cohort.ws-3", ws.Workstreams[2].ID)
		require.Equal(t, 1, ws.Workstreams[2].Counts.Commitments)
		res = e.do("GET", "/v1/commitments/summary/follow-up?format=csv", nil, anonymous)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		require.Contains(t, string(res.body), "follow_up,cod,Community of Democracies,commitment,"+rec.ID)
	})
}

// TestCommitmentAimWarnings checks that a workstream's set of commitments
// beyond the cohort's aim of 1-3 recommendations is answered with a
// warning, not an error.
func TestCommitmentAimWarnings(t *testing.T) {
	e := newEnv(t, stores["sqlite"], withClock(commitmentDay))
	publish := func(recs ...string) api.CommitmentRecord {
		c := visaCommitment("NOR", "CZE")
		c.Recommendations = recs
		res := e.do("POST", "/v1/commitments", c)
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		res = e.do("POST", location(t, res)+"/publish", nil, ifMatch(res.Header.Get("ETag")))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		var rec api.CommitmentRecord
		res.decode(t, &rec)
		return rec
	}
	require.Empty(t, publish("s4d-cohort.ws-3.1", "exile.a1").Warnings)
	require.Empty(t, publish("s4d-cohort.ws-3.2").Warnings)
	rec := publish("exile.a2")
	require.Len(t, rec.Warnings, 1, "four recommendations in workstream 3")
	w := rec.Warnings[0]
	require.Equal(t, "s4d-cohort", w.Framework)
	require.Equal(t, civicspace.AimRecommendationsPerGroup, w.Scope)
	require.Equal(t, 3, w.Max)
	require.Equal(t, 4, w.Count)
	rec = publish("exile.a3")
	require.Len(t, rec.Warnings, 2, "and four joint commitments on the exile note")
	require.Equal(t, civicspace.AimJointCommitments, rec.Warnings[1].Scope)
	require.Equal(t, "s4d-cohort.ws-3", rec.Warnings[1].Group)

	res := e.do("GET", "/v1/commitments/summary/workstreams", nil)
	var ws api.WorkstreamCommitmentSummary
	res.decode(t, &ws)
	require.Len(t, ws.Warnings, 2)
	require.Len(t, ws.Workstreams[2].Warnings, 2)
}

// TestCommitmentErrors covers the requests refused before any rule: a
// body of the wrong shape, a missing If-Match, an unknown commitment.
func TestCommitmentErrors(t *testing.T) {
	e := newEnv(t, stores["sqlite"], withClock(commitmentDay))
	p := e.do("POST", "/v1/commitments", map[string]any{"subject": map[string]any{"countries": "NOR"}, "pledge": "x"}).
		problem(t, http.StatusBadRequest, civicspace.EINVALID)
	require.Contains(t, pointers(p.Errors), "/subject/countries")
	require.Contains(t, pointers(p.Errors), "/pledge")

	// A draft with problems is stored and listed with them, and cannot be
	// published.
	c := visaCommitment("NOR")
	c.FollowUp, c.Recommendations = "un", []string{"s4d-cohort.ws-9"}
	res := e.do("POST", "/v1/commitments", c)
	require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
	var rec api.CommitmentRecord
	res.decode(t, &rec)
	require.Equal(t, []string{"/follow_up", "/recommendations/0"}, pointers(rec.Problems))
	p = e.do("POST", "/v1/commitments/"+rec.ID+"/publish", nil, ifMatch(res.Header.Get("ETag"))).problem(t, http.StatusUnprocessableEntity, civicspace.EINVALID)
	require.Equal(t, []string{"/follow_up", "/recommendations/0"}, pointers(p.Errors))

	res = e.do("PUT", "/v1/commitments/"+rec.ID, visaCommitment("NOR"), ifMatch("*"))
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
	res.decode(t, &rec)
	require.Empty(t, rec.Problems)
	require.Equal(t, 2, rec.Version)
	e.do("PUT", "/v1/commitments/"+rec.ID, visaCommitment("NOR")).problem(t, http.StatusPreconditionRequired, civicspace.EINVALID)
	e.do("PUT", "/v1/commitments/"+rec.ID, visaCommitment("NOR"), ifMatch(`"`+rec.ID+`.1"`)).problem(t, http.StatusPreconditionFailed, civicspace.ECONFLICT)
	e.do("POST", "/v1/commitments/"+rec.ID+"/withdraw", nil, ifMatch("*")).problem(t, http.StatusConflict, civicspace.ESTATE)
	e.do("GET", "/v1/commitments/cmt_00000000000000000000", nil).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
	e.do("GET", "/v1/commitments/cmt_00000000000000000000/reports", nil).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
	e.do("POST", "/v1/commitments/"+rec.ID+"/reports", map[string]any{"level": "halfway"}).problem(t, http.StatusBadRequest, civicspace.EINVALID)
	e.do("GET", "/v1/commitments?status=submitted", nil).problem(t, http.StatusBadRequest, civicspace.EINVALID)

	// Pagination carries the filters in the next link.
	for range 2 {
		require.Equal(t, http.StatusCreated, e.do("POST", "/v1/commitments", visaCommitment("NOR")).StatusCode)
	}
	res = e.do("GET", "/v1/commitments?country=NOR&page_size=2", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
	require.Contains(t, res.Header.Get("Link"), "country=NOR")
	var page api.CommitmentList
	res.decode(t, &page)
	require.Len(t, page.Commitments, 2)
	res = e.do("GET", "/v1/commitments?country=NOR&page_size=2&page_token="+page.NextPageToken, nil)
	var last api.CommitmentList
	res.decode(t, &last)
	require.Len(t, last.Commitments, 1)
	require.Empty(t, last.NextPageToken)
}

// TestCommitmentSchemasMatchDomainTypes checks that the commitment schemas
// of openapi.yaml have exactly the JSON members of the domain types: the
// handlers map between the two through their JSON form.
func TestCommitmentSchemasMatchDomainTypes(t *testing.T) {
	spec, err := api.LoadSpec()
	require.NoError(t, err)
	for name, v := range map[string]any{
		"Commitment":                  civicspace.Commitment{},
		"ProgressReport":              civicspace.ProgressReport{},
		"CommitmentProgress":          civicspace.CommitmentProgress{},
		"AimWarning":                  civicspace.AimWarning{},
		"CountryCommitmentSummary":    civicspace.CountryCommitmentSummary{},
		"WorkstreamCommitmentSummary": civicspace.WorkstreamCommitmentSummary{},
		"FollowUpCommitmentSummary":   civicspace.FollowUpCommitmentSummary{},
		"CommitmentRecord": struct {
			civicspace.CommitmentRecord
			Problems []civicspace.Problem          `json:"problems"`
			Warnings []civicspace.AimWarning       `json:"warnings"`
			Progress civicspace.CommitmentProgress `json:"progress"`
		}{},
		"ProgressReportInput": struct {
			Level          string                `json:"level"`
			Date           string                `json:"date"`
			Reporter       civicspace.Reporter   `json:"reporter"`
			Evidence       []civicspace.Evidence `json:"evidence"`
			MilestonesDone []string              `json:"milestones_done"`
			Comment        string                `json:"comment"`
			Corrects       int                   `json:"corrects"`
		}{},
	} {
		t.Run(name, func(t *testing.T) {
			ref := spec.Components.Schemas[name]
			require.NotNil(t, ref, "no schema %s", name)
			matchSchema(t, name, ref.Value, reflect.TypeOf(v), map[visit]bool{})
		})
	}
	// Every member of the input is a member of the stored report.
	input, stored := spec.Components.Schemas["ProgressReportInput"].Value, spec.Components.Schemas["ProgressReport"].Value
	for name := range input.Properties {
		require.Contains(t, stored.Properties, name)
	}
	require.True(t, strings.HasPrefix(spec.Components.Schemas["Commitment"].Value.Description, "A state's pledge"))
}

// TestCommitmentListUnderCorrection checks that a correction being drafted
// does not show through the public's status filter: the public lists the
// publication under ?status=published and nothing under ?status=draft;
// the commitment's owners list the draft it is.
func TestCommitmentListUnderCorrection(t *testing.T) {
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open, withClock(commitmentDay))
			res := e.do("POST", "/v1/commitments", visaCommitment("NOR"))
			require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
			var rec api.CommitmentRecord
			res.decode(t, &rec)
			for _, action := range []string{"publish", "correct"} {
				res = e.do("POST", "/v1/commitments/"+rec.ID+"/"+action, nil, ifMatch(res.Header.Get("ETag")))
				require.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", action, res.body)
			}
			list := func(query string, headers ...header) []api.CommitmentListItem {
				res := e.do("GET", "/v1/commitments?"+query, nil, headers...)
				require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
				var page api.CommitmentList
				res.decode(t, &page)
				return page.Commitments
			}
			require.Empty(t, list("status=draft", bearer("")), "the public does not see the correction")
			pub := list("status=published", bearer(""))
			require.Len(t, pub, 1, "the public sees the publication")
			require.Equal(t, api.CommitmentStatusPublished, pub[0].Status)
			require.Equal(t, 2, pub[0].Version)
			own := list("status=draft")
			require.Len(t, own, 1, "the admin sees the draft")
			require.Equal(t, 3, own[0].Version)
			require.Empty(t, list("status=published"))
		})
	}
}
