package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
)

var _ StrictServerInterface = (*Server)(nil)

// ---- catalog ----

// GetCatalog answers the catalog's version, digest and counts.
func (s *Server) GetCatalog(ctx context.Context, _ GetCatalogRequestObject) (GetCatalogResponseObject, error) {
	cat := s.svc.Catalog
	groups := 0
	for _, f := range cat.Frameworks() {
		groups += countGroups(f.Groups)
	}
	return GetCatalog200JSONResponse{
		Version: cat.Version(),
		Title:   cat.Title(),
		Digest:  cat.Digest(),
		Counts: CatalogCounts{
			Frameworks:      len(cat.Frameworks()),
			Groups:          groups,
			Recommendations: len(cat.Recommendations()),
			Indicators:      len(cat.Indicators()),
		},
	}, nil
}

func countGroups(gs []*civicspace.Group) int {
	n := len(gs)
	for _, g := range gs {
		n += countGroups(g.Groups)
	}
	return n
}

// ExportCatalog answers the whole catalog; as CSV, its
// recommendation-indicator links.
func (s *Server) ExportCatalog(ctx context.Context, req ExportCatalogRequestObject) (ExportCatalogResponseObject, error) {
	cat, lang := s.localCatalog(req.Params.AcceptLanguage)
	f, err := negotiate(ctx, string(req.Params.Format), report.JSON, report.CSV)
	if err != nil {
		return nil, err
	}
	if f == report.CSV {
		r, err := renderTable(req.Params.Bom, func(w io.Writer) error { return report.CatalogCSV(w, cat) },
			"catalog", cat.Version())
		r.language = lang
		return r, err
	}
	out := ExportCatalog200JSONResponse{Body: CatalogExport{
		Version:    cat.Version(),
		Title:      cat.Title(),
		Digest:     cat.Digest(),
		Indicators: indicatorsToAPI(cat.Indicators()),
	}, Headers: ExportCatalog200ResponseHeaders{ContentLanguage: lang, Vary: "Accept, " + varyLanguage}}
	for _, f := range cat.Frameworks() {
		out.Body.Frameworks = append(out.Body.Frameworks, frameworkToAPI(f))
	}
	return out, nil
}

// ListFrameworks answers every framework without its groups.
func (s *Server) ListFrameworks(ctx context.Context, req ListFrameworksRequestObject) (ListFrameworksResponseObject, error) {
	cat, lang := s.localCatalog(req.Params.AcceptLanguage)
	out := ListFrameworks200JSONResponse{Body: FrameworkList{Frameworks: []FrameworkSummary{}},
		Headers: ListFrameworks200ResponseHeaders{ContentLanguage: lang, Vary: varyLanguage}}
	for _, f := range cat.Frameworks() {
		recs := cat.FrameworkRecommendations(f.ID)
		inds := map[string]bool{}
		for _, r := range recs {
			for _, ind := range cat.IndicatorsFor(r.ID) {
				inds[ind.ID] = true
			}
		}
		out.Body.Frameworks = append(out.Body.Frameworks, FrameworkSummary{
			ID:          f.ID,
			Title:       f.Title,
			ShortTitle:  f.ShortTitle,
			Description: f.Description,
			Publisher:   f.Publisher,
			Date:        f.Date,
			Confidence:  Confidence(f.Confidence),
			Counts:      FrameworkCounts{Groups: countGroups(f.Groups), Recommendations: len(recs), Indicators: len(inds)},
		})
	}
	return out, nil
}

// GetFramework answers one framework with its groups.
func (s *Server) GetFramework(ctx context.Context, req GetFrameworkRequestObject) (GetFrameworkResponseObject, error) {
	cat, lang := s.localCatalog(req.Params.AcceptLanguage)
	f, ok := cat.Framework(req.FrameworkID)
	if !ok {
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "framework %q not found", req.FrameworkID)
	}
	return GetFramework200JSONResponse{Body: frameworkToAPI(f), Headers: GetFramework200ResponseHeaders{ContentLanguage: lang, Vary: varyLanguage}}, nil
}

// GetRecommendation answers one recommendation with its indicators.
func (s *Server) GetRecommendation(ctx context.Context, req GetRecommendationRequestObject) (GetRecommendationResponseObject, error) {
	cat, lang := s.localCatalog(req.Params.AcceptLanguage)
	r, ok := cat.Recommendation(req.RecommendationID)
	if !ok {
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "recommendation %q not found", req.RecommendationID)
	}
	return GetRecommendation200JSONResponse{Body: recommendationDetailToAPI(r, cat.IndicatorsFor(r.ID)),
		Headers: GetRecommendation200ResponseHeaders{ContentLanguage: lang, Vary: varyLanguage}}, nil
}

// ListIndicators answers the indicators, filtered.
func (s *Server) ListIndicators(ctx context.Context, req ListIndicatorsRequestObject) (ListIndicatorsResponseObject, error) {
	cat, lang := s.localCatalog(req.Params.AcceptLanguage)
	p := req.Params
	f, err := negotiate(ctx, string(p.Format), report.JSON, report.CSV)
	if err != nil {
		return nil, err
	}
	if p.Framework != "" {
		if _, ok := cat.Framework(p.Framework); !ok {
			return nil, civicspace.Errorf(civicspace.ENOTFOUND, "framework %q not found", p.Framework)
		}
	}
	if p.Recommendation != "" {
		if _, ok := cat.Recommendation(p.Recommendation); !ok {
			return nil, civicspace.Errorf(civicspace.ENOTFOUND, "recommendation %q not found", p.Recommendation)
		}
	}
	var keep []*civicspace.Indicator
	for _, ind := range cat.Indicators() {
		if p.Type != "" && string(ind.Type) != string(p.Type) {
			continue
		}
		if p.Recommendation != "" && !slices.Contains(ind.Recommendations, p.Recommendation) {
			continue
		}
		if p.Framework != "" && !measuresFramework(cat, ind, p.Framework) {
			continue
		}
		keep = append(keep, ind)
	}
	if f == report.CSV {
		r, err := renderTable(p.Bom, func(w io.Writer) error { return report.IndicatorsCSV(w, keep) },
			"indicators", p.Framework, p.Recommendation, string(p.Type))
		r.language = lang
		return r, err
	}
	return ListIndicators200JSONResponse{Body: IndicatorList{Indicators: indicatorsToAPI(keep)},
		Headers: ListIndicators200ResponseHeaders{ContentLanguage: lang, Vary: "Accept, " + varyLanguage}}, nil
}

func measuresFramework(cat *civicspace.Catalog, ind *civicspace.Indicator, framework string) bool {
	for _, r := range cat.RecommendationsFor(ind.ID) {
		if r.Framework().ID == framework {
			return true
		}
	}
	return false
}

// GetIndicator answers one indicator.
func (s *Server) GetIndicator(ctx context.Context, req GetIndicatorRequestObject) (GetIndicatorResponseObject, error) {
	cat, lang := s.localCatalog(req.Params.AcceptLanguage)
	ind, ok := cat.Indicator(req.IndicatorID)
	if !ok {
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "indicator %q not found", req.IndicatorID)
	}
	return GetIndicator200JSONResponse{Body: indicatorToAPI(ind), Headers: GetIndicator200ResponseHeaders{ContentLanguage: lang, Vary: varyLanguage}}, nil
}

// GetCrosswalk answers the links between two frameworks.
func (s *Server) GetCrosswalk(ctx context.Context, req GetCrosswalkRequestObject) (GetCrosswalkResponseObject, error) {
	links, err := s.svc.Catalog.Crosswalk(req.Params.From, req.Params.To)
	if err != nil {
		return nil, err
	}
	return GetCrosswalk200JSONResponse(crosswalkToAPI(req.Params.From, req.Params.To, links)), nil
}

// ---- countries ----

// ListCountries answers the countries, optionally of one M49 area.
func (s *Server) ListCountries(ctx context.Context, req ListCountriesRequestObject) (ListCountriesResponseObject, error) {
	c := s.svc.Countries
	p := req.Params
	f, err := negotiate(ctx, string(p.Format), report.JSON, report.CSV)
	if err != nil {
		return nil, err
	}
	var keep []civicspace.Country
	for _, k := range c.All() {
		if p.Region != "" && k.Region.Code != p.Region && k.SubRegion.Code != p.Region && (k.IntermediateRegion == nil || k.IntermediateRegion.Code != p.Region) {
			continue
		}
		keep = append(keep, k)
	}
	if f == report.CSV {
		return renderTable(p.Bom, func(w io.Writer) error { return report.CountriesCSV(w, keep) }, "countries", p.Region)
	}
	out := CountryList{Countries: make([]Country, len(keep)), Regions: regionsToAPI(c.Regions()), Sources: sourcesToAPI(c.Sources())}
	for i, k := range keep {
		out.Countries[i] = countryToAPI(k)
	}
	return ListCountries200JSONResponse{Body: out, Headers: ListCountries200ResponseHeaders{Vary: "Accept"}}, nil
}

// GetCountry answers one country.
func (s *Server) GetCountry(ctx context.Context, req GetCountryRequestObject) (GetCountryResponseObject, error) {
	k, ok := s.svc.Countries.Lookup(req.Alpha3)
	if !ok {
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "no country with ISO 3166-1 alpha-3 code %q", req.Alpha3)
	}
	return GetCountry200JSONResponse(countryToAPI(k)), nil
}

// ---- assessments ----

// CreateAssessment stores a new draft.
func (s *Server) CreateAssessment(ctx context.Context, req CreateAssessmentRequestObject) (CreateAssessmentResponseObject, error) {
	a := req.Body
	rec, problems, err := s.svc.CreateAssessment(ctx, a)
	if err != nil {
		return nil, err
	}
	return CreateAssessment201JSONResponse{
		Body:    recordToAPI(rec, problems),
		Headers: CreateAssessment201ResponseHeaders{ETag: etag(rec.ID, rec.Version), Location: "/v1/assessments/" + url.PathEscape(rec.ID)},
	}, nil
}

// ListAssessments answers one page of assessments.
func (s *Server) ListAssessments(ctx context.Context, req ListAssessmentsRequestObject) (ListAssessmentsResponseObject, error) {
	p := req.Params
	f, err := negotiate(ctx, string(p.Format), report.JSON, report.CSV)
	if err != nil {
		return nil, err
	}
	page, err := s.svc.ListAssessments(ctx, civicspace.AssessmentFilter{
		Country:      p.Country,
		Organisation: p.Organisation,
		Period:       p.Period,
		Kind:         civicspace.Kind(p.Kind),
		Status:       civicspace.AssessmentStatus(p.Status),
		PageSize:     civicspace.ClampPageSize(p.PageSize),
		PageToken:    p.PageToken,
	})
	if err != nil {
		return nil, err
	}
	var link *string
	if page.NextPageToken != "" {
		l := "<" + nextPageURL(p, page.NextPageToken) + `>; rel="next"`
		link = &l
	}
	if f == report.CSV {
		r, err := renderTable(p.Bom, func(w io.Writer) error { return report.AssessmentsCSV(w, page.Records) },
			"assessments", p.Country, p.Organisation, p.Period, string(p.Kind), string(p.Status))
		r.link = link
		return r, err
	}
	out := ListAssessments200JSONResponse{Body: AssessmentList{Assessments: make([]AssessmentSummary, len(page.Records))}}
	for i, rec := range page.Records {
		out.Body.Assessments[i] = summaryToAPI(rec)
	}
	out.Body.NextPageToken = page.NextPageToken
	out.Headers.Link, out.Headers.Vary = link, "Accept"
	return out, nil
}

// nextPageURL is the URL of the next page, with the same filters.
func nextPageURL(p ListAssessmentsParams, token string) string {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("country", p.Country)
	set("organisation", p.Organisation)
	set("period", p.Period)
	set("kind", string(p.Kind))
	set("status", string(p.Status))
	if p.PageSize != 0 {
		q.Set("page_size", strconv.Itoa(p.PageSize))
	}
	q.Set("page_token", token)
	return "/v1/assessments?" + q.Encode()
}

// GetAssessment answers an assessment's current state and problems.
func (s *Server) GetAssessment(ctx context.Context, req GetAssessmentRequestObject) (GetAssessmentResponseObject, error) {
	rec, problems, err := s.svc.Assessment(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	return GetAssessment200JSONResponse{Body: recordToAPI(rec, problems), Headers: GetAssessment200ResponseHeaders{ETag: etag(rec.ID, rec.Version)}}, nil
}

// UpdateAssessment replaces a draft's content.
func (s *Server) UpdateAssessment(ctx context.Context, req UpdateAssessmentRequestObject) (UpdateAssessmentResponseObject, error) {
	version, err := s.ifMatch(ctx, req.ID, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	a := req.Body
	rec, problems, err := s.svc.UpdateAssessment(ctx, req.ID, version, a, "")
	if err != nil {
		return nil, err
	}
	return UpdateAssessment200JSONResponse{Body: recordToAPI(rec, problems), Headers: UpdateAssessment200ResponseHeaders{ETag: etag(rec.ID, rec.Version)}}, nil
}

// DeleteAssessment deletes a draft.
func (s *Server) DeleteAssessment(ctx context.Context, req DeleteAssessmentRequestObject) (DeleteAssessmentResponseObject, error) {
	version, err := s.ifMatch(ctx, req.ID, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	if err := s.svc.DeleteAssessment(ctx, req.ID, version); err != nil {
		return nil, err
	}
	return DeleteAssessment204Response{}, nil
}

// transition makes a lifecycle move for one of the transition operations.
func (s *Server) transition(ctx context.Context, id string, ifMatch string, body *TransitionRequest, action civicspace.Action) (TransitionedJSONResponse, error) {
	version, err := s.ifMatch(ctx, id, ifMatch)
	if err != nil {
		return TransitionedJSONResponse{}, err
	}
	var note string
	if body != nil {
		note = body.Note
	}
	rec, problems, err := s.svc.Transition(ctx, id, version, action, note)
	if err != nil {
		return TransitionedJSONResponse{}, err
	}
	return TransitionedJSONResponse{Body: recordToAPI(rec, problems), Headers: TransitionedResponseHeaders{ETag: etag(rec.ID, rec.Version)}}, nil
}

// SubmitAssessment submits a draft.
func (s *Server) SubmitAssessment(ctx context.Context, req SubmitAssessmentRequestObject) (SubmitAssessmentResponseObject, error) {
	r, err := s.transition(ctx, req.ID, req.Params.IfMatch, req.Body, civicspace.ActionSubmit)
	if err != nil {
		return nil, err
	}
	return SubmitAssessment200JSONResponse{r}, nil
}

// PublishAssessment publishes a submitted assessment.
func (s *Server) PublishAssessment(ctx context.Context, req PublishAssessmentRequestObject) (PublishAssessmentResponseObject, error) {
	r, err := s.transition(ctx, req.ID, req.Params.IfMatch, req.Body, civicspace.ActionPublish)
	if err != nil {
		return nil, err
	}
	return PublishAssessment200JSONResponse{r}, nil
}

// ReturnAssessment returns a submitted assessment to draft.
func (s *Server) ReturnAssessment(ctx context.Context, req ReturnAssessmentRequestObject) (ReturnAssessmentResponseObject, error) {
	r, err := s.transition(ctx, req.ID, req.Params.IfMatch, req.Body, civicspace.ActionReturn)
	if err != nil {
		return nil, err
	}
	return ReturnAssessment200JSONResponse{r}, nil
}

// WithdrawAssessment withdraws a published assessment.
func (s *Server) WithdrawAssessment(ctx context.Context, req WithdrawAssessmentRequestObject) (WithdrawAssessmentResponseObject, error) {
	r, err := s.transition(ctx, req.ID, req.Params.IfMatch, req.Body, civicspace.ActionWithdraw)
	if err != nil {
		return nil, err
	}
	return WithdrawAssessment200JSONResponse{r}, nil
}

// CorrectAssessment opens a published assessment for correction.
func (s *Server) CorrectAssessment(ctx context.Context, req CorrectAssessmentRequestObject) (CorrectAssessmentResponseObject, error) {
	r, err := s.transition(ctx, req.ID, req.Params.IfMatch, req.Body, civicspace.ActionCorrect)
	if err != nil {
		return nil, err
	}
	return CorrectAssessment200JSONResponse{r}, nil
}

// ReopenAssessment reopens a withdrawn assessment.
func (s *Server) ReopenAssessment(ctx context.Context, req ReopenAssessmentRequestObject) (ReopenAssessmentResponseObject, error) {
	r, err := s.transition(ctx, req.ID, req.Params.IfMatch, req.Body, civicspace.ActionReopen)
	if err != nil {
		return nil, err
	}
	return ReopenAssessment200JSONResponse{r}, nil
}

// ListRevisions answers an assessment's revisions without their content.
func (s *Server) ListRevisions(ctx context.Context, req ListRevisionsRequestObject) (ListRevisionsResponseObject, error) {
	revs, err := s.svc.Revisions(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	out := ListRevisions200JSONResponse{Revisions: make([]RevisionSummary, len(revs))}
	for i, rev := range revs {
		out.Revisions[i] = revisionSummaryToAPI(rev)
	}
	return out, nil
}

// GetRevision answers one revision.
func (s *Server) GetRevision(ctx context.Context, req GetRevisionRequestObject) (GetRevisionResponseObject, error) {
	rev, err := s.svc.Revision(ctx, req.ID, req.Version)
	if err != nil {
		return nil, err
	}
	return GetRevision200JSONResponse(revisionToAPI(rev)), nil
}

// GetAssessmentProblems answers the current content's problems.
func (s *Server) GetAssessmentProblems(ctx context.Context, req GetAssessmentProblemsRequestObject) (GetAssessmentProblemsResponseObject, error) {
	_, problems, err := s.svc.Assessment(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	return GetAssessmentProblems200JSONResponse{Valid: len(problems) == 0, Problems: problemsToAPI(problems)}, nil
}

// ---- scores ----

// GetAssessmentScore answers a revision's stored score; it never scores.
func (s *Server) GetAssessmentScore(ctx context.Context, req GetAssessmentScoreRequestObject) (GetAssessmentScoreResponseObject, error) {
	f, err := negotiate(ctx, string(req.Params.Format), report.JSON, report.CSV)
	if err != nil {
		return nil, err
	}
	var sc *civicspace.StoredScore
	if req.Params.Pack != "" {
		sc, err = s.svc.PackScore(ctx, req.ID, req.Params.Version, req.Params.Pack)
	} else {
		sc, err = s.svc.StoredScore(ctx, req.ID, req.Params.Version)
	}
	if err != nil {
		return nil, err
	}
	if f == report.JSON {
		return storedScoreResponse(storedScoreToAPI(sc)), nil
	}
	return s.render(f, sc, req.Params.Bom, "score", sc.AssessmentID, "v"+strconv.Itoa(sc.Version))
}

// storedScoreResponse writes a stored score with its result as the bytes
// the store holds (compact JSON, checked when it was stored). The generated
// response would have encoding/json re-scan those tens of kilobytes on every
// read, which cost more than reading them from the database.
type storedScoreResponse StoredScore

func (r storedScoreResponse) VisitGetAssessmentScoreResponse(w http.ResponseWriter) error {
	result := r.Result
	r.Result = nil
	envelope, err := json.Marshal(StoredScore(r))
	if err != nil {
		return err
	}
	// {"...","result":null,...}: put the stored bytes in the place of null.
	i := bytes.Index(envelope, []byte(`"result":null`))
	if i < 0 || len(result) == 0 {
		return fmt.Errorf("api: stored score of %s version %d has no result", r.AssessmentID, r.Version)
	}
	i += len(`"result":`)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(envelope)-len("null")+len(result)))
	w.WriteHeader(http.StatusOK)
	for _, part := range [][]byte{envelope[:i], result, envelope[i+len("null"):]} {
		if _, err := w.Write(part); err != nil {
			return err
		}
	}
	return nil
}

// ScoreAssessment scores an inline assessment without storing it.
func (s *Server) ScoreAssessment(ctx context.Context, req ScoreAssessmentRequestObject) (ScoreAssessmentResponseObject, error) {
	a := req.Body
	result, err := s.svc.Score(ctx, a)
	if err != nil {
		return nil, err
	}
	return ScoreAssessment200JSONResponse(resultToAPI(result)), nil
}

// ValidateAssessment lists an inline assessment's problems.
func (s *Server) ValidateAssessment(ctx context.Context, req ValidateAssessmentRequestObject) (ValidateAssessmentResponseObject, error) {
	a := req.Body
	problems, err := s.svc.ValidateInline(ctx, a)
	if err != nil {
		return nil, err
	}
	return ValidateAssessment200JSONResponse{Valid: len(problems) == 0, Problems: problemsToAPI(problems)}, nil
}

// ---- preconditions ----

// ifMatch returns the version an assessment change is based on, from the
// If-Match header (see ifMatchVersion).
func (s *Server) ifMatch(ctx context.Context, id, header string) (int, error) {
	return ifMatchVersion(ctx, "assessment", id, header, func(ctx context.Context) (int, error) {
		rec, _, err := s.svc.Assessment(ctx, id)
		if err != nil {
			return 0, err
		}
		return rec.Version, nil
	})
}

// ifMatchVersion returns the version a change of the kind's item id is
// based on, from the If-Match header (RFC 9110 13.1.1): 428 without it, 412
// when none of its strong entity tags is the item's current one. "*" stands
// for the current version, which current reads only when needed.
func ifMatchVersion(ctx context.Context, kind, id, header string, current func(context.Context) (int, error)) (int, error) {
	header = strings.TrimSpace(header)
	if header == "" {
		return 0, &httpError{status: http.StatusPreconditionRequired, code: civicspace.EINVALID,
			detail: "send the ETag of the revision you read in an If-Match header"}
	}
	var versions []int
	wildcard := false
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimSpace(tag)
		switch {
		case tag == "*":
			wildcard = true
		case strings.HasPrefix(tag, "W/"):
			// A weak tag never matches in If-Match (strong comparison).
		case len(tag) >= 2 && tag[0] == '"' && tag[len(tag)-1] == '"':
			if v, ok := parseETag(id, tag); ok {
				versions = append(versions, v)
			}
		default:
			return 0, &httpError{status: http.StatusBadRequest, code: civicspace.EINVALID,
				detail:   "the If-Match header is not a list of entity tags",
				problems: []civicspace.Problem{{Pointer: "/header/If-Match", Detail: "give the ETag as sent, in double quotes: " + etag(id, 1)}}}
		}
	}
	if len(versions) == 1 && !wildcard {
		return versions[0], nil // the store checks it is current
	}
	if !wildcard && len(versions) == 0 {
		return 0, &httpError{status: http.StatusPreconditionFailed, code: civicspace.ECONFLICT,
			detail: "the If-Match ETag is not one of " + kind + " " + id + "'s: read the " + kind + " again"}
	}
	version, err := current(ctx)
	if err != nil {
		return 0, err
	}
	if wildcard || slices.Contains(versions, version) {
		return version, nil
	}
	return 0, civicspace.Errorf(civicspace.ECONFLICT, "%s %s was changed; the current version is %d", kind, id, version)
}

// parseETag returns the version an entity tag of etag(id, version) names.
func parseETag(id, tag string) (int, bool) {
	inner := tag[1 : len(tag)-1]
	prefix := id + "."
	if !strings.HasPrefix(inner, prefix) {
		return 0, false
	}
	v, err := strconv.Atoi(inner[len(prefix):])
	if err != nil || v < 1 {
		return 0, false
	}
	return v, true
}
