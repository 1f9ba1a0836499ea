package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
)

// The comparison operations and scorecards. Each handler reads its query,
// runs one civicspace.Compare function on the stored scores of published
// assessments under the policy in force (its digest: the policy itself is
// never run), and writes the result with report.Write in the format the
// request asks for: the format parameter, else the Accept header, else
// JSON. The JSON is the domain value as report.Write encodes it, whose
// form the spec describes, so that every format comes from one place.

// The formats each operation offers, the default first.
var (
	chartFormats = []report.Format{report.JSON, report.CSV, report.SDMX, report.SDMX1, report.SVG}
	dataFormats  = []report.Format{report.JSON, report.CSV, report.SDMX, report.SDMX1}
)

// rendered is a comparison or a scorecard written in its format.
type rendered struct {
	format report.Format
	body   []byte
}

func (r rendered) write(w http.ResponseWriter) error {
	h := w.Header()
	h.Set("Content-Type", r.format.ContentType())
	h.Set("Content-Length", strconv.Itoa(len(r.body)))
	// The format may follow the Accept header: caches must key on it.
	h.Set("Vary", "Accept")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(r.body)
	return err
}

func (r rendered) VisitGetRankingResponse(w http.ResponseWriter) error          { return r.write(w) }
func (r rendered) VisitGetTrendResponse(w http.ResponseWriter) error            { return r.write(w) }
func (r rendered) VisitGetRegionAggregatesResponse(w http.ResponseWriter) error { return r.write(w) }
func (r rendered) VisitGetGapResponse(w http.ResponseWriter) error              { return r.write(w) }
func (r rendered) VisitGetAssessmentScorecardResponse(w http.ResponseWriter) error {
	return r.write(w)
}

// negotiate returns the format to answer in: param when given (the
// validator has checked it is one of the operation's), else the one the
// Accept header prefers among offered, else a 406.
func negotiate(ctx context.Context, param string, offered ...report.Format) (report.Format, error) {
	if param != "" {
		return report.ParseFormat(param)
	}
	var accept string
	if r, ok := ctx.Value(requestKey).(*http.Request); ok {
		accept = strings.Join(r.Header.Values("Accept"), ", ")
	}
	f, ok := report.Negotiate(accept, offered...)
	if !ok {
		types := make([]string, len(offered))
		for i, o := range offered {
			types[i] = strings.ReplaceAll(o.ContentType(), "; charset=utf-8", "")
		}
		return "", &httpError{status: http.StatusNotAcceptable, code: civicspace.EINVALID,
			detail: "this resource is served as " + strings.Join(types, ", ") + "; the Accept header allows none of them: " + accept}
	}
	return f, nil
}

// render writes v in format f.
func (s *Server) render(f report.Format, v any) (rendered, error) {
	var b bytes.Buffer
	if err := report.Write(&b, f, v, report.WithCatalog(s.svc.Catalog), report.WithCountries(s.svc.Countries)); err != nil {
		return rendered{}, err
	}
	return rendered{format: f, body: b.Bytes()}, nil
}

// GetRanking ranks countries on stored scores.
func (s *Server) GetRanking(ctx context.Context, req GetRankingRequestObject) (GetRankingResponseObject, error) {
	p := req.Params
	f, err := negotiate(ctx, string(p.Format), chartFormats...)
	if err != nil {
		return nil, err
	}
	res, err := civicspace.CompareRanking(ctx, s.svc.Store, s.svc.Catalog, s.svc.Countries, s.svc.Scorer.PolicyDigest(), civicspace.RankingQuery{
		Framework: p.Framework, Group: p.Group, Recommendation: p.Recommendation,
		Period: p.Period, PeriodFrom: p.PeriodFrom, PeriodTo: p.PeriodTo, Kind: civicspace.Kind(p.Kind),
		Region: p.Region, SubRegion: p.SubRegion, MinCoverage: p.MinCoverage,
	})
	if err != nil {
		return nil, err
	}
	return s.render(f, res)
}

// GetTrend follows one country across periods.
func (s *Server) GetTrend(ctx context.Context, req GetTrendRequestObject) (GetTrendResponseObject, error) {
	p := req.Params
	f, err := negotiate(ctx, string(p.Format), chartFormats...)
	if err != nil {
		return nil, err
	}
	res, err := civicspace.CompareTrend(ctx, s.svc.Store, s.svc.Catalog, s.svc.Countries, s.svc.Scorer.PolicyDigest(), req.Country, civicspace.TrendQuery{
		Framework: p.Framework, Group: p.Group, Recommendation: p.Recommendation,
		PeriodFrom: p.PeriodFrom, PeriodTo: p.PeriodTo, Kind: civicspace.Kind(p.Kind),
	})
	if err != nil {
		return nil, err
	}
	return s.render(f, res)
}

// GetRegionAggregates aggregates stored scores by UN M49 region.
func (s *Server) GetRegionAggregates(ctx context.Context, req GetRegionAggregatesRequestObject) (GetRegionAggregatesResponseObject, error) {
	p := req.Params
	f, err := negotiate(ctx, string(p.Format), dataFormats...)
	if err != nil {
		return nil, err
	}
	res, err := civicspace.CompareRegions(ctx, s.svc.Store, s.svc.Catalog, s.svc.Countries, s.svc.Scorer.PolicyDigest(), civicspace.RegionQuery{
		Framework: p.Framework, Group: p.Group, Recommendation: p.Recommendation,
		Period: p.Period, PeriodFrom: p.PeriodFrom, PeriodTo: p.PeriodTo, Kind: civicspace.Kind(p.Kind),
		Region: p.Region, SubRegion: p.SubRegion, MinCoverage: p.MinCoverage,
	})
	if err != nil {
		return nil, err
	}
	return s.render(f, res)
}

// GetGap compares a country's shadow assessment with its self-assessment.
func (s *Server) GetGap(ctx context.Context, req GetGapRequestObject) (GetGapResponseObject, error) {
	p := req.Params
	f, err := negotiate(ctx, string(p.Format), dataFormats...)
	if err != nil {
		return nil, err
	}
	res, err := civicspace.CompareGap(ctx, s.svc.Store, s.svc.Catalog, s.svc.Countries, s.svc.Scorer.PolicyDigest(), civicspace.GapQuery{
		Country: req.Country, Period: req.Period, Base: civicspace.Kind(p.Base), Against: civicspace.Kind(p.Against),
	})
	if err != nil {
		return nil, err
	}
	return s.render(f, res)
}

// GetAssessmentScorecard draws a revision's stored score, as the Service
// lets the caller read it (Service.Scorecard).
func (s *Server) GetAssessmentScorecard(ctx context.Context, req GetAssessmentScorecardRequestObject) (GetAssessmentScorecardResponseObject, error) {
	f, err := negotiate(ctx, "", report.SVG)
	if err != nil {
		return nil, err
	}
	sc, err := s.svc.Scorecard(ctx, req.ID, req.Params.Version)
	if err != nil {
		return nil, err
	}
	var res civicspace.Result
	if err := json.Unmarshal(sc.Result, &res); err != nil {
		return nil, civicspace.WrapError(civicspace.EINTERNAL, err, "the stored score of %s version %d cannot be read", req.ID, sc.Version)
	}
	return s.render(f, &res)
}
