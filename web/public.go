package web

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
)

// catalog returns the catalog in the caller's language.
func (a *Handler) catalog(r *http.Request) *civicspace.Catalog {
	return a.svc.Catalog.Localized(reqOf(r.Context()).loc.Tag)
}

type rankingData struct {
	Query      url.Values
	Result     *civicspace.RankingResult
	Frameworks []*civicspace.Framework
	Regions    []civicspace.RegionSummary
	Kinds      []civicspace.Kind
	CSV        string
	Error      string
}

// home shows the latest ranking of published self-assessments.
func (a *Handler) home(w http.ResponseWriter, r *http.Request) {
	d, err := a.rankingData(r, url.Values{})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, "home", &page{Title: "home.title", Data: d})
}

// ranking is the ranking with its filters (a GET form: the page's URL is
// the query, to bookmark or share) and the REST CSV of the same query.
func (a *Handler) ranking(w http.ResponseWriter, r *http.Request) {
	q := url.Values{}
	for _, k := range []string{"framework", "period", "kind", "region"} {
		if v := strings.TrimSpace(r.URL.Query().Get(k)); v != "" {
			q.Set(k, v)
		}
	}
	d, err := a.rankingData(r, q)
	status := http.StatusOK
	if err != nil {
		if civicspace.ErrorCode(err) != civicspace.EINVALID {
			a.fail(w, r, err)
			return
		}
		// A filter the domain refuses: the form again, with the reason.
		status, d.Error = http.StatusBadRequest, detailOf(err, http.StatusBadRequest)
	}
	a.render(w, r, status, "ranking", &page{Title: "ranking.title", Problem: d.Error, Data: d})
}

func (a *Handler) rankingData(r *http.Request, q url.Values) (*rankingData, error) {
	cat := a.catalog(r)
	d := &rankingData{Query: q, Frameworks: cat.Frameworks(), Regions: a.svc.Countries.Regions(), Kinds: civicspace.Kinds}
	csv := url.Values{"format": {"csv"}}
	for k, v := range q {
		csv[k] = v
	}
	d.CSV = "/v1/comparisons/ranking?" + csv.Encode()
	res, err := civicspace.CompareRanking(r.Context(), a.svc.Store, cat, a.svc.Countries, a.svc.Scorer.PolicyDigest(), civicspace.RankingQuery{
		Framework: q.Get("framework"), Period: q.Get("period"), Kind: civicspace.Kind(q.Get("kind")), Region: q.Get("region"),
	})
	d.Result = res
	return d, err
}

type countryData struct {
	Country     civicspace.Country
	Trend       *civicspace.TrendResult
	Commitments *civicspace.CountryCommitmentSummary
	TrendCSV    string
	CommitCSV   string
}

// country shows a country's ratings over time and its commitments.
func (a *Handler) country(w http.ResponseWriter, r *http.Request) {
	code := strings.ToUpper(r.PathValue("alpha3"))
	c, ok := a.svc.Countries.Lookup(code)
	if !ok {
		a.fail(w, r, civicspace.Errorf(civicspace.ENOTFOUND, "no country %q", code))
		return
	}
	cat := a.catalog(r)
	trend, err := civicspace.CompareTrend(r.Context(), a.svc.Store, cat, a.svc.Countries, a.svc.Scorer.PolicyDigest(), code, civicspace.TrendQuery{})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &countryData{Country: c, Trend: trend,
		TrendCSV:  "/v1/comparisons/trend/" + code + "?format=csv",
		CommitCSV: "/v1/commitments/summary/countries/" + code + "?format=csv"}
	// A store without commitments has none to show: not an error.
	if s, err := a.svc.CountryCommitmentSummary(r.Context(), code); err == nil {
		d.Commitments = s
	}
	a.render(w, r, http.StatusOK, "country", &page{Title: c.Name, Data: d})
}

type scorecardData struct {
	Record  *civicspace.Record
	Country civicspace.Country
	Result  *civicspace.Result
	SVG     template.HTML
	Digest  string
}

// scorecard shows a published assessment's scorecard: the report's SVG,
// drawn with the catalog in the page's language.
func (a *Handler) scorecard(w http.ResponseWriter, r *http.Request) {
	rq := reqOf(r.Context())
	// The public page shows the published revision, even to owners.
	rec, err := a.svc.PublishedAssessment(withPrincipal(r.Context(), rq.p), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.scoreData(r, rec)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, "scorecard", &page{Title: "scorecard.title", Data: d})
}

// scoreData draws the stored score of rec's revision.
func (a *Handler) scoreData(r *http.Request, rec *civicspace.Record) (*scorecardData, error) {
	d := &scorecardData{Record: rec}
	d.Country, _ = a.svc.Countries.Lookup(rec.Assessment.Subject.Country)
	sc, err := a.storedScore(r.Context(), reqOf(r.Context()).p, rec)
	if err != nil {
		return nil, err
	}
	var res civicspace.Result
	if err := json.Unmarshal(sc.Result, &res); err != nil {
		return nil, civicspace.WrapError(civicspace.EINTERNAL, err, "decode the stored score of %s", rec.ID)
	}
	var b bytes.Buffer
	if err := report.Scorecard(&b, &res, a.catalog(r)); err != nil {
		return nil, err
	}
	d.Result, d.Digest = &res, sc.PolicyDigest
	// report.Scorecard escapes every text it draws (report's TestSVGEscapesText).
	d.SVG = template.HTML(b.String()) //nolint:gosec
	return d, nil
}
