package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
)

// The commitment operations: each decodes, calls one use case of the
// Service (which decides who may see or change which commitment) and maps
// the answer.
//
// The generated Commitment, ProgressReport, CommitmentProgress and
// AimWarning are the domain's types (x-go-type in openapi.yaml): a body is
// decoded once, into the domain type, and answers are encoded as they are;
// TestCommitmentSchemasMatchDomainTypes keeps the schemas and the types in
// step.

func commitmentViewToAPI(v *civicspace.CommitmentView) CommitmentRecord {
	rec := v.Record
	out := CommitmentRecord{
		ID: rec.ID, Version: rec.Version, Status: CommitmentStatus(rec.Status), PublishedVersion: rec.PublishedVersion,
		Commitment: rec.Commitment, Problems: problemsToAPI(v.Problems), Warnings: nonNil(v.Warnings),
		CreatedAt: rec.CreatedAt, CreatedBy: rec.CreatedBy, UpdatedAt: rec.UpdatedAt, UpdatedBy: rec.UpdatedBy,
	}
	if v.Progress != nil {
		out.Progress = *v.Progress
	}
	return out
}

// progressReportFromAPI maps the input form of a report (what a reporter
// sends: no sequence number, no filing time) to the domain's report.
func progressReportFromAPI(in *ProgressReportInput) (*civicspace.ProgressReport, error) {
	var r civicspace.ProgressReport
	b, err := json.Marshal(in)
	if err == nil {
		err = json.Unmarshal(b, &r)
	}
	if err != nil {
		return nil, civicspace.WrapError(civicspace.EINVALID, err, "the progress report cannot be read")
	}
	return &r, nil
}

func commitmentLocation(id string) string { return "/v1/commitments/" + url.PathEscape(id) }

// CreateCommitment stores a new draft commitment.
func (s *Server) CreateCommitment(ctx context.Context, req CreateCommitmentRequestObject) (CreateCommitmentResponseObject, error) {
	v, err := s.svc.CreateCommitment(ctx, req.Body)
	if err != nil {
		return nil, err
	}
	body := commitmentViewToAPI(v)
	return CreateCommitment201JSONResponse{Body: body, Headers: CreateCommitment201ResponseHeaders{
		ETag: etag(v.Record.ID, v.Record.Version), Location: commitmentLocation(v.Record.ID)}}, nil
}

// ListCommitments answers one page of the commitments the caller may see.
func (s *Server) ListCommitments(ctx context.Context, req ListCommitmentsRequestObject) (ListCommitmentsResponseObject, error) {
	params := req.Params
	f, err := negotiate(ctx, string(params.Format), report.JSON, report.CSV)
	if err != nil {
		return nil, err
	}
	page, err := s.svc.ListCommitments(ctx, civicspace.CommitmentFilter{
		Country:    params.Country,
		Workstream: params.Workstream,
		FollowUp:   params.FollowUp,
		Status:     civicspace.AssessmentStatus(params.Status),
		PageSize:   civicspace.ClampPageSize(params.PageSize),
		PageToken:  params.PageToken,
	})
	if err != nil {
		return nil, err
	}
	var link *string
	if page.NextPageToken != "" {
		l := "<" + nextCommitmentsURL(params, page.NextPageToken) + `>; rel="next"`
		link = &l
	}
	if f == report.CSV {
		r, err := renderTable(params.Bom, func(w io.Writer) error { return report.CommitmentListCSV(w, page.Records) },
			"commitments", params.Country, params.Workstream, params.FollowUp, string(params.Status))
		r.link = link
		return r, err
	}
	out := ListCommitments200JSONResponse{Body: CommitmentList{Commitments: make([]CommitmentListItem, 0, len(page.Records))}}
	for _, rec := range page.Records {
		out.Body.Commitments = append(out.Body.Commitments, commitmentListItem(rec))
	}
	out.Body.NextPageToken = page.NextPageToken
	out.Headers.Link, out.Headers.Vary = link, "Accept"
	return out, nil
}

// nextCommitmentsURL is the URL of the next page, with the same filters.
func nextCommitmentsURL(params ListCommitmentsParams, token string) string {
	q := url.Values{}
	for k, v := range map[string]string{"country": params.Country, "workstream": params.Workstream, "follow_up": params.FollowUp, "status": string(params.Status)} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if params.PageSize != 0 {
		q.Set("page_size", strconv.Itoa(params.PageSize))
	}
	q.Set("page_token", token)
	return "/v1/commitments?" + q.Encode()
}

func commitmentListItem(rec *civicspace.CommitmentRecord) CommitmentListItem {
	c := &rec.Commitment
	title := c.Title
	if title == "" {
		title = c.Text
		if r := []rune(title); len(r) > 80 {
			title = string(r[:79]) + "…"
		}
	}
	return CommitmentListItem{
		ID: rec.ID, Version: rec.Version, Status: CommitmentStatus(rec.Status), PublishedVersion: rec.PublishedVersion,
		Title: title, Countries: nonNil(slices.Clone(c.Subject.Countries)), FollowUp: c.FollowUp,
		Occasion:        Occasion{Kind: OccasionKind(c.Occasion.Kind), Name: c.Occasion.Name, WorkstreamID: c.Occasion.WorkstreamID, Date: c.Occasion.Date},
		Recommendations: nonNil(slices.Clone(c.Recommendations)),
		CreatedAt:       rec.CreatedAt, UpdatedAt: rec.UpdatedAt,
	}
}

// GetCommitment answers a commitment with its problems, warnings and
// progress.
func (s *Server) GetCommitment(ctx context.Context, req GetCommitmentRequestObject) (GetCommitmentResponseObject, error) {
	v, err := s.svc.Commitment(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	body := commitmentViewToAPI(v)
	return GetCommitment200JSONResponse{Body: body, Headers: GetCommitment200ResponseHeaders{ETag: etag(v.Record.ID, v.Record.Version)}}, nil
}

// UpdateCommitment replaces a draft commitment's content.
func (s *Server) UpdateCommitment(ctx context.Context, req UpdateCommitmentRequestObject) (UpdateCommitmentResponseObject, error) {
	c := req.Body
	version, err := s.commitmentIfMatch(ctx, req.ID, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	v, err := s.svc.UpdateCommitment(ctx, req.ID, version, c, "")
	if err != nil {
		return nil, err
	}
	body := commitmentViewToAPI(v)
	return UpdateCommitment200JSONResponse{Body: body, Headers: UpdateCommitment200ResponseHeaders{ETag: etag(v.Record.ID, v.Record.Version)}}, nil
}

// transitionCommitment makes a lifecycle move for one of the transition
// operations.
func (s *Server) transitionCommitment(ctx context.Context, id, ifMatch string, body *TransitionRequest, action civicspace.Action) (CommitmentTransitionedJSONResponse, error) {
	var out CommitmentTransitionedJSONResponse
	version, err := s.commitmentIfMatch(ctx, id, ifMatch)
	if err != nil {
		return out, err
	}
	var note string
	if body != nil {
		note = body.Note
	}
	v, err := s.svc.TransitionCommitment(ctx, id, version, action, note)
	if err != nil {
		return out, err
	}
	out.Body = commitmentViewToAPI(v)
	out.Headers.ETag = etag(v.Record.ID, v.Record.Version)
	return out, nil
}

// PublishCommitment publishes a draft commitment.
func (s *Server) PublishCommitment(ctx context.Context, req PublishCommitmentRequestObject) (PublishCommitmentResponseObject, error) {
	r, err := s.transitionCommitment(ctx, req.ID, req.Params.IfMatch, req.Body, civicspace.ActionPublish)
	if err != nil {
		return nil, err
	}
	return PublishCommitment200JSONResponse{r}, nil
}

// CorrectCommitment opens a published commitment for correction.
func (s *Server) CorrectCommitment(ctx context.Context, req CorrectCommitmentRequestObject) (CorrectCommitmentResponseObject, error) {
	r, err := s.transitionCommitment(ctx, req.ID, req.Params.IfMatch, req.Body, civicspace.ActionCorrect)
	if err != nil {
		return nil, err
	}
	return CorrectCommitment200JSONResponse{r}, nil
}

// WithdrawCommitment withdraws a published commitment.
func (s *Server) WithdrawCommitment(ctx context.Context, req WithdrawCommitmentRequestObject) (WithdrawCommitmentResponseObject, error) {
	r, err := s.transitionCommitment(ctx, req.ID, req.Params.IfMatch, req.Body, civicspace.ActionWithdraw)
	if err != nil {
		return nil, err
	}
	return WithdrawCommitment200JSONResponse{r}, nil
}

// ReopenCommitment reopens a withdrawn commitment.
func (s *Server) ReopenCommitment(ctx context.Context, req ReopenCommitmentRequestObject) (ReopenCommitmentResponseObject, error) {
	r, err := s.transitionCommitment(ctx, req.ID, req.Params.IfMatch, req.Body, civicspace.ActionReopen)
	if err != nil {
		return nil, err
	}
	return ReopenCommitment200JSONResponse{r}, nil
}

// ListCommitmentRevisions answers a commitment's revisions: all of them to
// its owners, the published ones to everyone else.
func (s *Server) ListCommitmentRevisions(ctx context.Context, req ListCommitmentRevisionsRequestObject) (ListCommitmentRevisionsResponseObject, error) {
	revs, err := s.svc.CommitmentRevisions(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	out := ListCommitmentRevisions200JSONResponse{Revisions: []CommitmentRevisionSummary{}}
	for _, rev := range revs {
		out.Revisions = append(out.Revisions, CommitmentRevisionSummary{
			CommitmentID: rev.CommitmentID, Version: rev.Version, Status: CommitmentStatus(rev.Status),
			Action: CommitmentRevisionSummaryAction(rev.Action), Actor: rev.Actor, At: rev.At, Note: rev.Note,
			Changes: nonNil(rev.Changes),
		})
	}
	return out, nil
}

// CreateProgressReport files a progress report on a commitment.
func (s *Server) CreateProgressReport(ctx context.Context, req CreateProgressReportRequestObject) (CreateProgressReportResponseObject, error) {
	r, err := progressReportFromAPI(req.Body)
	if err != nil {
		return nil, err
	}
	stored, progress, err := s.svc.AddProgressReport(ctx, req.ID, r)
	if err != nil {
		return nil, err
	}
	return CreateProgressReport201JSONResponse{Report: *stored, Progress: *progress}, nil
}

// ListProgressReports answers a commitment's reports and its progress.
func (s *Server) ListProgressReports(ctx context.Context, req ListProgressReportsRequestObject) (ListProgressReportsResponseObject, error) {
	reports, progress, err := s.svc.ProgressReports(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	out := ListProgressReports200JSONResponse{Reports: make([]ProgressReport, len(reports)), Progress: *progress}
	for i, r := range reports {
		out.Reports[i] = *r
	}
	return out, nil
}

// ---- summaries ----

// summaryResponse is a commitment summary in the format the request
// asked for. It is written by report.WriteCommitmentSummary from the
// domain value, whose JSON form the spec describes, so that the JSON and
// the CSV come from one place.
type summaryResponse struct {
	format report.Format
	body   []byte
}

func (sr summaryResponse) write(w http.ResponseWriter) error {
	h := w.Header()
	h.Set("Content-Type", sr.format.ContentType())
	// The format may follow the Accept header: caches must key on it.
	h.Set("Vary", "Accept")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(sr.body)
	return err
}

func (sr summaryResponse) VisitGetCountryCommitmentSummaryResponse(w http.ResponseWriter) error {
	return sr.write(w)
}

func (sr summaryResponse) VisitGetWorkstreamCommitmentSummaryResponse(w http.ResponseWriter) error {
	return sr.write(w)
}

func (sr summaryResponse) VisitGetFollowUpCommitmentSummaryResponse(w http.ResponseWriter) error {
	return sr.write(w)
}

// summaryFormat is the format of a summary: the format parameter, else
// what the Accept header prefers (JSON for none), else a 406.
func summaryFormat(ctx context.Context, param SummaryFormat) (report.Format, error) {
	if param != "" {
		return report.ParseFormat(string(param))
	}
	var accept string
	if r, ok := ctx.Value(requestKey).(*http.Request); ok {
		accept = strings.Join(r.Header.Values("Accept"), ", ")
	}
	f, ok := report.Negotiate(accept, report.JSON, report.CSV)
	if !ok {
		return "", &httpError{status: http.StatusNotAcceptable, code: civicspace.EINVALID,
			detail: "this resource is served as application/json or text/csv, not " + accept}
	}
	return f, nil
}

// summary renders v in the format the request asks for.
func summary(ctx context.Context, param SummaryFormat, v any) (summaryResponse, error) {
	f, err := summaryFormat(ctx, param)
	if err != nil {
		return summaryResponse{}, err
	}
	var b bytes.Buffer
	if err := report.WriteCommitmentSummary(&b, f, v); err != nil {
		return summaryResponse{}, err
	}
	return summaryResponse{format: f, body: b.Bytes()}, nil
}

// GetCountryCommitmentSummary answers where a country's commitments stand.
func (s *Server) GetCountryCommitmentSummary(ctx context.Context, req GetCountryCommitmentSummaryRequestObject) (GetCountryCommitmentSummaryResponseObject, error) {
	v, err := s.svc.CountryCommitmentSummary(ctx, req.Alpha3)
	if err != nil {
		return nil, err
	}
	return summary(ctx, req.Params.Format, v)
}

// GetWorkstreamCommitmentSummary answers the commitments by workstream.
func (s *Server) GetWorkstreamCommitmentSummary(ctx context.Context, req GetWorkstreamCommitmentSummaryRequestObject) (GetWorkstreamCommitmentSummaryResponseObject, error) {
	v, err := s.svc.WorkstreamCommitmentSummary(ctx)
	if err != nil {
		return nil, err
	}
	return summary(ctx, req.Params.Format, v)
}

// GetFollowUpCommitmentSummary answers the commitments by follow-up
// process.
func (s *Server) GetFollowUpCommitmentSummary(ctx context.Context, req GetFollowUpCommitmentSummaryRequestObject) (GetFollowUpCommitmentSummaryResponseObject, error) {
	v, err := s.svc.FollowUpCommitmentSummary(ctx)
	if err != nil {
		return nil, err
	}
	return summary(ctx, req.Params.Format, v)
}

// commitmentIfMatch returns the version a change of commitment id is based
// on, from the If-Match header, with the rules of ifMatchVersion.
func (s *Server) commitmentIfMatch(ctx context.Context, id, header string) (int, error) {
	return ifMatchVersion(ctx, "commitment", id, header, func(ctx context.Context) (int, error) {
		v, err := s.svc.Commitment(ctx, id)
		if err != nil {
			return 0, err
		}
		return v.Record.Version, nil
	})
}
