package api

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strconv"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
)

// The admin operations: API keys, policy packs, the audit trail and
// rescoring under a pack. The Service allows them to admin keys only.

func keyToAPI(k *civicspace.APIKey) APIKey {
	out := APIKey{
		ID: k.ID, Name: k.Name, Role: KeyRole(k.Role), Subjects: k.Subjects, Organisation: k.Organisation,
		CreatedAt: k.CreatedAt, CreatedBy: k.CreatedBy,
	}
	if out.Subjects == nil {
		out.Subjects = []string{}
	}
	for _, t := range []struct {
		from *time.Time
		to   *time.Time
	}{{k.ExpiresAt, &out.ExpiresAt}, {k.RevokedAt, &out.RevokedAt}, {k.LastUsedAt, &out.LastUsedAt}} {
		if t.from != nil {
			*t.to = *t.from
		}
	}
	return out
}

// CreateKey makes a key; its secret is in this response only.
func (s *Server) CreateKey(ctx context.Context, req CreateKeyRequestObject) (CreateKeyResponseObject, error) {
	spec := civicspace.KeySpec{Name: req.Body.Name, Role: civicspace.KeyRole(req.Body.Role), Subjects: req.Body.Subjects, Organisation: req.Body.Organisation}
	if req.Body.ExpiresIn != "" {
		d, err := time.ParseDuration(req.Body.ExpiresIn)
		if err != nil || d <= 0 {
			return nil, &civicspace.Error{Code: civicspace.EINVALID, Message: "the key request has problems",
				Problems: []civicspace.Problem{{Pointer: "/expires_in", Detail: "give a positive duration such as 720h"}}}
		}
		spec.TTL = d
	}
	secret, k, err := s.svc.CreateKey(ctx, spec)
	if err != nil {
		return nil, err
	}
	return CreateKey201JSONResponse{Key: keyToAPI(k), Secret: secret}, nil
}

// ListKeys lists every key, without secrets (none is stored).
func (s *Server) ListKeys(ctx context.Context, _ ListKeysRequestObject) (ListKeysResponseObject, error) {
	all, err := s.svc.Keys(ctx)
	if err != nil {
		return nil, err
	}
	out := ListKeys200JSONResponse{Keys: make([]APIKey, len(all))}
	for i, k := range all {
		out.Keys[i] = keyToAPI(k)
	}
	return out, nil
}

// RevokeKey revokes a key.
func (s *Server) RevokeKey(ctx context.Context, req RevokeKeyRequestObject) (RevokeKeyResponseObject, error) {
	k, err := s.svc.RevokeKey(ctx, req.KeyID)
	if err != nil {
		return nil, err
	}
	return RevokeKey200JSONResponse(keyToAPI(k)), nil
}

// ListAudit reads the audit trail, newest first.
func (s *Server) ListAudit(ctx context.Context, req ListAuditRequestObject) (ListAuditResponseObject, error) {
	p := req.Params
	f, err := negotiate(ctx, string(p.Format), report.JSON, report.CSV)
	if err != nil {
		return nil, err
	}
	page, err := s.svc.Audit(ctx, civicspace.AuditFilter{
		Actor: p.Actor, Action: p.Action, Target: p.Target, Since: p.Since, Until: p.Until,
		PageSize: civicspace.ClampPageSize(p.PageSize), PageToken: p.PageToken,
	})
	if err != nil {
		return nil, err
	}
	var link *string
	if page.NextPageToken != "" {
		l := "<" + nextAuditURL(p, page.NextPageToken) + `>; rel="next"`
		link = &l
	}
	if f == report.CSV {
		r, err := renderTable(p.Bom, func(w io.Writer) error { return report.AuditCSV(w, page.Entries) },
			"audit", p.Actor, p.Action, p.Target)
		r.link = link
		return r, err
	}
	out := ListAudit200JSONResponse{Body: AuditPage{Entries: make([]AuditEntry, len(page.Entries)), NextPageToken: page.NextPageToken}}
	for i, e := range page.Entries {
		out.Body.Entries[i] = AuditEntry{ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, Target: e.Target}
		if len(e.Details) > 0 {
			// Details are a JSON object (written by the Service); anything
			// else is left out rather than failing the page.
			var d map[string]any
			if err := json.Unmarshal(e.Details, &d); err == nil {
				out.Body.Entries[i].Details = d
			}
		}
	}
	out.Headers.Link, out.Headers.Vary = link, "Accept"
	return out, nil
}

// nextAuditURL is the URL of the next page of the audit trail, with the
// same filters.
func nextAuditURL(p ListAuditParams, token string) string {
	q := url.Values{}
	for k, v := range map[string]string{"actor": p.Actor, "action": p.Action, "target": p.Target} {
		if v != "" {
			q.Set(k, v)
		}
	}
	for k, t := range map[string]time.Time{"since": p.Since, "until": p.Until} {
		if !t.IsZero() {
			q.Set(k, t.Format(time.RFC3339Nano))
		}
	}
	if p.PageSize != 0 {
		q.Set("page_size", strconv.Itoa(p.PageSize))
	}
	q.Set("page_token", token)
	return "/v1/audit?" + q.Encode()
}

func packToAPI(p *civicspace.PolicyPack) PolicyPack {
	return PolicyPack{Name: p.Name, Version: p.Version, Digest: p.Digest, Files: p.Files, UploadedAt: p.UploadedAt, UploadedBy: p.UploadedBy}
}

// UploadPolicyPack compiles a pack under the restricted capabilities, runs
// its tests and stores it.
func (s *Server) UploadPolicyPack(ctx context.Context, req UploadPolicyPackRequestObject) (UploadPolicyPackResponseObject, error) {
	p := &civicspace.PolicyPack{Name: req.Body.Name, Version: req.Body.Version, Files: req.Body.Files}
	passed, err := s.svc.UploadPolicyPack(ctx, p)
	if err != nil {
		return nil, asUnprocessable(err)
	}
	out := packToAPI(p)
	out.Files, out.TestsPassed = nil, passed
	return UploadPolicyPack201JSONResponse(out), nil
}

// asUnprocessable makes a pack's compile or test failure a 422 even when
// it carries no problems: the request was well-formed, the policy is not.
func asUnprocessable(err error) error {
	if civicspace.ErrorCode(err) == civicspace.EINVALID && len(civicspace.ErrorProblems(err)) == 0 {
		return &civicspace.Error{Code: civicspace.EINVALID, Message: civicspace.ErrorMessage(err),
			Problems: []civicspace.Problem{{Pointer: "/files", Detail: civicspace.ErrorMessage(err)}}, Err: err}
	}
	return err
}

// ListPolicyPacks lists the packs without their files.
func (s *Server) ListPolicyPacks(ctx context.Context, _ ListPolicyPacksRequestObject) (ListPolicyPacksResponseObject, error) {
	all, err := s.svc.PolicyPacks(ctx)
	if err != nil {
		return nil, err
	}
	out := ListPolicyPacks200JSONResponse{Packs: make([]PolicyPack, len(all))}
	for i, p := range all {
		out.Packs[i] = packToAPI(p)
	}
	return out, nil
}

// GetPolicyPack answers one pack with its files.
func (s *Server) GetPolicyPack(ctx context.Context, req GetPolicyPackRequestObject) (GetPolicyPackResponseObject, error) {
	p, err := s.svc.PolicyPack(ctx, req.Name, req.Version)
	if err != nil {
		return nil, err
	}
	return GetPolicyPack200JSONResponse(packToAPI(p)), nil
}

// RescoreAssessment scores the current revision under a stored pack,
// keeping the scores stored before.
func (s *Server) RescoreAssessment(ctx context.Context, req RescoreAssessmentRequestObject) (RescoreAssessmentResponseObject, error) {
	sc, err := s.svc.RescoreAssessment(ctx, req.ID, req.Params.Pack)
	if err != nil {
		return nil, err
	}
	return RescoreAssessment200JSONResponse(storedScoreToAPI(sc)), nil
}
