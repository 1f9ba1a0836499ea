package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/civicspace/civicspace/civicspace"
)

// rule is who may call an operation. access is checked for every request
// before it is validated (authMiddleware); object says which record-level
// rule of package civicspace applies once the request is decoded
// (authorizeObject): none, a read (AuthorizeRead: owners see everything,
// others only what is published, and an unpublished assessment is a 404),
// or a write of action (AuthorizeWrite: a role's actions on what it owns,
// and the fields of the content it may set).
type rule struct {
	access civicspace.Access
	object objectRule
	action civicspace.Action // for writes
	audit  bool              // recorded in the audit trail
}

type objectRule int

const (
	noObject objectRule = iota
	readObject
	writeObject
	listObjects
)

var (
	public   = rule{access: civicspace.AccessPublic}
	anyKey   = rule{access: civicspace.AccessAuthenticated}
	admin    = rule{access: civicspace.AccessAdmin}
	adminW   = rule{access: civicspace.AccessAdmin, audit: true}
	read     = rule{access: civicspace.AccessPublic, object: readObject}
	write    = func(a civicspace.Action) rule { return rule{civicspace.AccessAuthenticated, writeObject, a, true} }
	listRule = rule{access: civicspace.AccessPublic, object: listObjects}
	// keyW is a write whose record-level rule its handler applies.
	keyW = rule{access: civicspace.AccessAuthenticated, audit: true}
)

// operationRules is the access rule of every operation in openapi.yaml, by
// operationId: the one place that says who may do what. An operation
// missing here is refused (500) and fails TestRoleMatrix.
var operationRules = map[string]rule{
	// The catalog and countries: public.
	"getCatalog":        public,
	"exportCatalog":     public,
	"listFrameworks":    public,
	"getFramework":      public,
	"getRecommendation": public,
	"listIndicators":    public,
	"getIndicator":      public,
	"getCrosswalk":      public,
	"listCountries":     public,
	"getCountry":        public,

	// Assessments: everyone reads what is published, owners the rest.
	"listAssessments":       listRule,
	"getAssessment":         read,
	"listRevisions":         read,
	"getRevision":           read,
	"getAssessmentProblems": read,
	"getAssessmentScore":    read,
	"createAssessment":      write(civicspace.ActionCreate),
	"updateAssessment":      write(civicspace.ActionUpdate),
	"deleteAssessment":      write(civicspace.ActionDelete),
	"submitAssessment":      write(civicspace.ActionSubmit),
	"publishAssessment":     write(civicspace.ActionPublish),
	"returnAssessment":      write(civicspace.ActionReturn),
	"withdrawAssessment":    write(civicspace.ActionWithdraw),
	"correctAssessment":     write(civicspace.ActionCorrect),
	"reopenAssessment":      write(civicspace.ActionReopen),
	// A bulk import needs a key; the Service applies the create and
	// update rules to each item.
	"importAssessments": keyW,

	// Scoring an inline assessment costs policy evaluations: a key is
	// needed, so the per-key rate limit applies.
	"scoreAssessment":    anyKey,
	"validateAssessment": anyKey,
	"rescoreAssessment":  adminW,

	// Administration.
	"createKey":        adminW,
	"listKeys":         admin,
	"revokeKey":        adminW,
	"listAudit":        admin,
	"uploadPolicyPack": adminW,
	"listPolicyPacks":  admin,
	"getPolicyPack":    admin,

	// Commitments: everyone reads what is published; which commitment a
	// caller may read or change is decided by the handlers
	// (api/commitments.go) with the commitment rules of package
	// civicspace: assessors draft and report their governments',
	// reviewers publish, watchdogs file independent reviews.
	"listCommitments":                public,
	"getCommitment":                  public,
	"listCommitmentRevisions":        public,
	"listProgressReports":            public,
	"getCountryCommitmentSummary":    public,
	"getWorkstreamCommitmentSummary": public,
	"getFollowUpCommitmentSummary":   public,
	"createCommitment":               keyW,
	"updateCommitment":               keyW,
	"publishCommitment":              keyW,
	"correctCommitment":              keyW,
	"withdrawCommitment":             keyW,
	"reopenCommitment":               keyW,
	"createProgressReport":           keyW,

	// Comparisons read published, scored assessments only: public. The
	// scorecard applies the read rule of assessments itself
	// (api/compare.go): owners draw any revision, others published ones.
	"getRanking":             public,
	"getTrend":               public,
	"getRegionAggregates":    public,
	"getGap":                 public,
	"getAssessmentScorecard": public,

	// Operations: probes and documentation are public; metrics tell about
	// traffic, for the operator's scraper (an admin key).
	"getHealth":    public,
	"getReadiness": public,
	"getMetrics":   admin,
	"getOpenAPI":   public,
	"getDocs":      public,
	"getDocsAsset": public,
}

// specOperationID turns the generated name of an operation (GetAssessment)
// back into its operationId (getAssessment).
func specOperationID(generated string) string {
	r, n := utf8.DecodeRuneInString(generated)
	return string(unicode.ToLower(r)) + generated[n:]
}

// authorizeObject is the strict middleware that applies the record-level
// rules and records writes in the audit trail.
func (s *Server) authorizeObject(f StrictHandlerFunc, generatedID string) StrictHandlerFunc {
	op := specOperationID(generatedID)
	rule := operationRules[op]
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, request any) (any, error) {
		p := civicspace.PrincipalFromContext(ctx)
		var (
			resp any
			err  error
		)
		switch rule.object {
		case listObjects:
			resp, err = s.listVisible(ctx, f, w, r, request, p)
		case readObject:
			resp, err = s.readVisible(ctx, f, w, r, request, p, op)
		case writeObject:
			if err := s.authorizeWrite(ctx, r, request, p, rule.action); err != nil {
				return nil, err
			}
			resp, err = f(ctx, w, r, request)
		default:
			resp, err = f(ctx, w, r, request)
		}
		if err == nil && rule.audit {
			s.recordAudit(ctx, r, p, op, resp)
		}
		return resp, err
	}
}

// authorizeWrite applies AuthorizeWrite to the record the request names
// and the content it carries.
func (s *Server) authorizeWrite(ctx context.Context, r *http.Request, request any, p *civicspace.Principal, action civicspace.Action) error {
	var (
		rec     *civicspace.Record
		content *civicspace.Assessment
		err     error
	)
	if id := r.PathValue("id"); id != "" {
		if !p.Authenticated() {
			return civicspace.AuthorizeWrite(p, action, nil, nil)
		}
		if rec, err = s.svc.Store.Assessment(ctx, id); err != nil {
			return err
		}
	}
	var body *Assessment
	switch req := request.(type) {
	case CreateAssessmentRequestObject:
		body = req.Body
	case UpdateAssessmentRequestObject:
		body = req.Body
	}
	if body != nil {
		if content, err = assessmentFromAPI(body); err != nil {
			return err
		}
	}
	return civicspace.AuthorizeWrite(p, action, rec, content)
}

// listVisible lists what p may see: ListScope narrows the filter.
func (s *Server) listVisible(ctx context.Context, f StrictHandlerFunc, w http.ResponseWriter, r *http.Request, request any, p *civicspace.Principal) (any, error) {
	req, ok := request.(ListAssessmentsRequestObject)
	if !ok || p.Role == civicspace.RoleAdmin {
		return f(ctx, w, r, request)
	}
	params := req.Params
	filter := civicspace.ListScope(p, civicspace.AssessmentFilter{
		Country:      params.Country,
		Organisation: params.Organisation,
		Period:       params.Period,
		Kind:         civicspace.Kind(params.Kind),
		Status:       civicspace.AssessmentStatus(params.Status),
		PageSize:     civicspace.ClampPageSize(params.PageSize),
		PageToken:    params.PageToken,
	})
	page, err := s.svc.ListAssessments(ctx, filter)
	if err != nil {
		return nil, err
	}
	out := ListAssessments200JSONResponse{Body: AssessmentList{Assessments: make([]AssessmentSummary, 0, len(page.Records))}}
	for _, rec := range page.Records {
		if full, err := civicspace.AuthorizeRead(p, rec); err == nil {
			if !full {
				rec = s.publishedRecordOf(ctx, rec)
				// The store filtered on the current state: a correction
				// being drafted must not show through the published one
				// (?status=draft would tell that there is one).
				if rec == nil || !viewMatches(filter, rec) {
					continue
				}
			}
			out.Body.Assessments = append(out.Body.Assessments, summaryToAPI(rec))
		}
	}
	if page.NextPageToken != "" {
		out.Body.NextPageToken = page.NextPageToken
		link := "<" + nextPageURL(params, page.NextPageToken) + `>; rel="next"`
		out.Headers.Link = &link
	}
	return out, nil
}

// viewMatches reports whether the published view of a record still
// matches the filter the store applied to its current state. Dropping
// one leaves a short page; its next page token is still right.
func viewMatches(f civicspace.AssessmentFilter, rec *civicspace.Record) bool {
	a := &rec.Assessment
	for _, c := range [][2]string{
		{f.Country, a.Subject.Country}, {f.Organisation, a.Subject.Organisation}, {f.Period, a.Period.String()},
		{string(f.Kind), string(a.Kind)}, {string(f.Status), string(rec.Status)}, {f.Author, a.Author},
	} {
		if c[0] != "" && c[0] != c[1] {
			return false
		}
	}
	return true
}

// publishedRecordOf returns rec as the public sees it: its published
// revision (nil if that cannot be read).
func (s *Server) publishedRecordOf(ctx context.Context, rec *civicspace.Record) *civicspace.Record {
	if rec.PublishedVersion == 0 || rec.Version == rec.PublishedVersion {
		return rec
	}
	rev, err := s.svc.Revision(ctx, rec.ID, rec.PublishedVersion)
	if err != nil {
		logger(ctx).ErrorContext(ctx, "published revision unreadable", "assessment", rec.ID, "err", err)
		return nil
	}
	pub := *rec
	pub.Version, pub.Status, pub.Assessment = rev.Version, civicspace.Published, rev.Assessment
	pub.UpdatedAt, pub.UpdatedBy = rev.At, rev.Actor
	return &pub
}

// readVisible serves a read of one assessment: as is to its owners, its
// published state to everyone else, a 404 when it has none.
func (s *Server) readVisible(ctx context.Context, f StrictHandlerFunc, w http.ResponseWriter, r *http.Request, request any, p *civicspace.Principal, op string) (any, error) {
	id := r.PathValue("id")
	rec, err := s.svc.Store.Assessment(ctx, id)
	if err != nil {
		return nil, err
	}
	full, err := civicspace.AuthorizeRead(p, rec)
	if err != nil {
		return nil, err
	}
	if req, ok := request.(GetAssessmentScoreRequestObject); ok && req.Params.Pack != "" {
		// Packs are an admin's tool (their names are not public): so are
		// the scores stored under them.
		if err := civicspace.Authorize(p, civicspace.AccessAdmin); err != nil {
			return nil, err
		}
	}
	if full {
		return f(ctx, w, r, request)
	}
	notFound := civicspace.Errorf(civicspace.ENOTFOUND, "assessment %s has no such published revision", id)
	switch req := request.(type) {
	case GetAssessmentRequestObject:
		pub := s.publishedRecordOf(ctx, rec)
		if pub == nil {
			return nil, notFound
		}
		return GetAssessment200JSONResponse{Body: recordToAPI(pub, s.svc.Validate(&pub.Assessment)), Headers: GetAssessment200ResponseHeaders{ETag: etag(pub.ID, pub.Version)}}, nil
	case GetAssessmentProblemsRequestObject:
		pub := s.publishedRecordOf(ctx, rec)
		if pub == nil {
			return nil, notFound
		}
		problems := s.svc.Validate(&pub.Assessment)
		return GetAssessmentProblems200JSONResponse{Valid: len(problems) == 0, Problems: problemsToAPI(problems)}, nil
	case GetRevisionRequestObject:
		rev, err := s.svc.Revision(ctx, id, req.Version)
		if err != nil {
			return nil, err
		}
		if !civicspace.CanReadRevision(p, rec, rev) {
			return nil, notFound
		}
		return f(ctx, w, r, request)
	case GetAssessmentScoreRequestObject:
		if req.Params.Version == 0 {
			req.Params.Version = rec.PublishedVersion
		} else {
			rev, err := s.svc.Revision(ctx, id, req.Params.Version)
			if err != nil {
				return nil, err
			}
			if !civicspace.CanReadRevision(p, rec, rev) {
				return nil, notFound
			}
		}
		return f(ctx, w, r, req)
	case ListRevisionsRequestObject:
		resp, err := f(ctx, w, r, request)
		if err != nil {
			return nil, err
		}
		list, ok := resp.(ListRevisions200JSONResponse)
		if !ok {
			return resp, nil
		}
		kept := list.Revisions[:0]
		for _, rev := range list.Revisions {
			if string(rev.Status) == string(civicspace.Published) {
				kept = append(kept, rev)
			}
		}
		list.Revisions = kept
		return list, nil
	}
	// A read operation without a public view: only owners may use it.
	return nil, civicspace.Errorf(civicspace.EINTERNAL, "operation %s has no public view", op)
}

// recordAudit appends a successful write to the audit trail. The write has
// happened: a failure to record it is logged as an error for the operator,
// not returned to the caller.
func (s *Server) recordAudit(ctx context.Context, r *http.Request, p *civicspace.Principal, op string, resp any) {
	if s.auth.audit == nil {
		return
	}
	target, details := auditTarget(r, resp)
	details["request_id"] = requestID(ctx)
	data, err := json.Marshal(details)
	if err == nil {
		err = s.auth.audit.AppendAudit(ctx, &civicspace.AuditEntry{Actor: p.Actor(), Action: op, Target: target, Details: data})
	}
	if err != nil {
		logger(ctx).ErrorContext(ctx, "write not recorded in the audit trail", "operation", op, "target", target, "err", err)
	}
}

// auditTarget names what a write acted on and what it changed.
func auditTarget(r *http.Request, resp any) (string, map[string]any) {
	details := map[string]any{}
	record := func(rec AssessmentRecord) {
		details["version"], details["status"] = rec.Version, rec.Status
	}
	target := r.PathValue("id")
	switch v := resp.(type) {
	case CreateAssessment201JSONResponse:
		target = v.Body.ID
		record(v.Body)
	case UpdateAssessment200JSONResponse:
		record(v.Body)
	case SubmitAssessment200JSONResponse:
		record(v.Body)
	case PublishAssessment200JSONResponse:
		record(v.Body)
	case ReturnAssessment200JSONResponse:
		record(v.Body)
	case WithdrawAssessment200JSONResponse:
		record(v.Body)
	case CorrectAssessment200JSONResponse:
		record(v.Body)
	case ReopenAssessment200JSONResponse:
		record(v.Body)
	case CreateCommitment201JSONResponse:
		target = v.Body.ID
		details["version"], details["status"] = v.Body.Version, v.Body.Status
	case UpdateCommitment200JSONResponse:
		details["version"], details["status"] = v.Body.Version, v.Body.Status
	case PublishCommitment200JSONResponse:
		details["version"], details["status"] = v.Body.Version, v.Body.Status
	case CorrectCommitment200JSONResponse:
		details["version"], details["status"] = v.Body.Version, v.Body.Status
	case WithdrawCommitment200JSONResponse:
		details["version"], details["status"] = v.Body.Version, v.Body.Status
	case ReopenCommitment200JSONResponse:
		details["version"], details["status"] = v.Body.Version, v.Body.Status
	case CreateProgressReport201JSONResponse:
		details["seq"], details["level"], details["reporter"] = v.Report.Seq, v.Report.Level, v.Report.Reporter.Kind
	case CreateKey201JSONResponse:
		target = v.Key.ID
		details["role"], details["subjects"], details["organisation"] = v.Key.Role, v.Key.Subjects, v.Key.Organisation
	case RevokeKey200JSONResponse:
		target = v.ID
	case UploadPolicyPack201JSONResponse:
		target = v.Name + "@" + v.Version
		details["digest"] = v.Digest
	case RescoreAssessment200JSONResponse:
		details["version"], details["policy_digest"] = v.Version, v.PolicyDigest
		if pack := r.URL.Query().Get("pack"); pack != "" {
			details["pack"] = pack
		}
	}
	if target == "" {
		target = strings.TrimPrefix(r.URL.Path, "/")
		if u, err := url.PathUnescape(target); err == nil {
			target = u
		}
	}
	return target, details
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
