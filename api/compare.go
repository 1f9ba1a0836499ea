package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"mime"
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

// rendered is a comparison or a scorecard written in its format, with
// the file name a browser saves it under (none for JSON).
type rendered struct {
	format   report.Format
	body     []byte
	filename string
	link     *string // a list's next page (RFC 8288), when there is one
	language string  // the language of a localised answer, which then varies by Accept-Language too
}

func (r rendered) write(w http.ResponseWriter) error {
	h := w.Header()
	h.Set("Content-Type", r.format.ContentType())
	h.Set("Content-Length", strconv.Itoa(len(r.body)))
	if r.filename != "" {
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": r.filename}))
	}
	if r.link != nil {
		h.Set("Link", *r.link)
	}
	// The format may follow the Accept header: caches must key on it.
	h.Set("Vary", "Accept")
	if r.language != "" {
		h.Set("Content-Language", r.language)
		h.Set("Vary", "Accept, Accept-Language")
	}
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
func (r rendered) VisitGetAssessmentScoreResponse(w http.ResponseWriter) error { return r.write(w) }
func (r rendered) VisitListIndicatorsResponse(w http.ResponseWriter) error     { return r.write(w) }
func (r rendered) VisitListCountriesResponse(w http.ResponseWriter) error      { return r.write(w) }
func (r rendered) VisitListAssessmentsResponse(w http.ResponseWriter) error    { return r.write(w) }
func (r rendered) VisitExportCatalogResponse(w http.ResponseWriter) error      { return r.write(w) }
func (r rendered) VisitListCommitmentsResponse(w http.ResponseWriter) error    { return r.write(w) }
func (r rendered) VisitListAuditResponse(w http.ResponseWriter) error          { return r.write(w) }

// renderTable writes a list as CSV with write, starting with the
// byte-order mark when bom is set; name parts make its file name.
func renderTable(bom bool, write func(io.Writer) error, name ...string) (rendered, error) {
	var b bytes.Buffer
	if bom {
		b.WriteString(report.BOM)
	}
	if err := write(&b); err != nil {
		return rendered{}, err
	}
	return rendered{format: report.CSV, body: b.Bytes(), filename: report.FileName(report.CSV, name...)}, nil
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

// render writes v in format f, starting a CSV table with the byte-order
// mark when bom is set; name parts make its file name (report.FileName).
func (s *Server) render(f report.Format, v any, bom bool, name ...string) (rendered, error) {
	opts := []report.Option{report.WithCatalog(s.svc.Catalog), report.WithCountries(s.svc.Countries)}
	if bom {
		opts = append(opts, report.WithBOM())
	}
	var b bytes.Buffer
	if err := report.Write(&b, f, v, opts...); err != nil {
		return rendered{}, err
	}
	r := rendered{format: f, body: b.Bytes()}
	if f != report.JSON {
		r.filename = report.FileName(f, name...)
	}
	return r, nil
}

// targetName names a comparison's target in a file name: its level and ID
// ("framework-oecd-dac"), or "rating".
func targetName(t civicspace.Target) string {
	if t.ID == "" {
		return t.Level
	}
	return t.Level + "-" + t.ID
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
	return s.render(f, res, p.Bom, "ranking", targetName(res.Target), res.Period, string(res.Kind))
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
	return s.render(f, res, p.Bom, "trend", res.Subject, cmp.Or(p.Framework, p.Group, p.Recommendation), string(res.Kind))
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
	return s.render(f, res, p.Bom, "regions", targetName(res.Target), res.Period, string(res.Kind))
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
	return s.render(f, res, p.Bom, "gap", res.Country, res.Period, string(res.Self.Kind), string(res.Shadow.Kind))
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
	return s.render(f, &res, false, "scorecard", req.ID, "v"+strconv.Itoa(sc.Version))
}

// sdmxStructure is the SDMX-ML structure message.
type sdmxStructure []byte

func (b sdmxStructure) VisitGetSdmxStructureResponse(w http.ResponseWriter) error {
	h := w.Header()
	h.Set("Content-Type", report.MediaSDMXStructure)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "civicspace-sdmx-structure.xml"}))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b)
	return err
}

// GetSdmxStructure answers the SDMX structure the SDMX-CSV answers
// reference, for the server's catalog.
func (s *Server) GetSdmxStructure(ctx context.Context, _ GetSdmxStructureRequestObject) (GetSdmxStructureResponseObject, error) {
	var accept string
	if r, ok := ctx.Value(requestKey).(*http.Request); ok {
		accept = strings.Join(r.Header.Values("Accept"), ", ")
	}
	if !report.AcceptsStructure(accept) {
		return nil, &httpError{status: http.StatusNotAcceptable, code: civicspace.EINVALID,
			detail: "this resource is served as " + report.MediaSDMXStructure + "; the Accept header allows none of it: " + accept}
	}
	var b bytes.Buffer
	if err := report.SDMXStructure(&b, s.svc.Catalog, s.svc.Countries); err != nil {
		return nil, err
	}
	return sdmxStructure(b.Bytes()), nil
}
