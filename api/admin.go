package api

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

// The admin operations: API keys, policy packs, the audit trail and
// rescoring under a pack. operationRules restricts them to admin keys.

func (s *Server) keyStore() (civicspace.KeyStore, error) {
	if s.auth.keys == nil {
		return nil, civicspace.Errorf(civicspace.EINTERNAL, "this server's store keeps no API keys")
	}
	return s.auth.keys, nil
}

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
	keys, err := s.keyStore()
	if err != nil {
		return nil, err
	}
	spec := civicspace.KeySpec{Name: req.Body.Name, Role: civicspace.KeyRole(req.Body.Role), Subjects: req.Body.Subjects, Organisation: req.Body.Organisation}
	if req.Body.ExpiresIn != "" {
		d, err := time.ParseDuration(req.Body.ExpiresIn)
		if err != nil || d <= 0 {
			return nil, &civicspace.Error{Code: civicspace.EINVALID, Message: "the key request has problems",
				Problems: []civicspace.Problem{{Pointer: "/expires_in", Detail: "give a positive duration such as 720h"}}}
		}
		spec.TTL = d
	}
	secret, k, err := civicspace.NewAPIKey(spec, actor(ctx), s.auth.now())
	if err != nil {
		return nil, err
	}
	if err := keys.CreateKey(ctx, k); err != nil {
		return nil, err
	}
	return CreateKey201JSONResponse{Key: keyToAPI(k), Secret: secret}, nil
}

// ListKeys lists every key, without secrets (none is stored).
func (s *Server) ListKeys(ctx context.Context, _ ListKeysRequestObject) (ListKeysResponseObject, error) {
	keys, err := s.keyStore()
	if err != nil {
		return nil, err
	}
	all, err := keys.Keys(ctx)
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
	keys, err := s.keyStore()
	if err != nil {
		return nil, err
	}
	k, err := keys.RevokeKey(ctx, req.KeyID, s.auth.now())
	if err != nil {
		return nil, err
	}
	return RevokeKey200JSONResponse(keyToAPI(k)), nil
}

// ListAudit reads the audit trail, newest first.
func (s *Server) ListAudit(ctx context.Context, req ListAuditRequestObject) (ListAuditResponseObject, error) {
	if s.auth.audit == nil {
		return nil, civicspace.Errorf(civicspace.EINTERNAL, "this server's store keeps no audit trail")
	}
	p := req.Params
	page, err := s.auth.audit.Audit(ctx, civicspace.AuditFilter{
		Actor: p.Actor, Action: p.Action, Target: p.Target, Since: p.Since, Until: p.Until,
		PageSize: civicspace.ClampPageSize(p.PageSize), PageToken: p.PageToken,
	})
	if err != nil {
		return nil, err
	}
	out := ListAudit200JSONResponse{Entries: make([]AuditEntry, len(page.Entries)), NextPageToken: page.NextPageToken}
	for i, e := range page.Entries {
		out.Entries[i] = AuditEntry{ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, Target: e.Target}
		if len(e.Details) > 0 {
			// Details are a JSON object (written by recordAudit and the
			// CLI); anything else is left out rather than failing the page.
			var d map[string]any
			if err := jsonUnmarshal(e.Details, &d); err == nil {
				out.Entries[i].Details = d
			}
		}
	}
	return out, nil
}

func (s *Server) packStore() (civicspace.PolicyPackStore, civicspace.PackCompiler, error) {
	if s.auth.packs == nil || s.auth.compiler == nil {
		return nil, nil, civicspace.Errorf(civicspace.EINTERNAL, "this server takes no policy packs")
	}
	return s.auth.packs, s.auth.compiler, nil
}

func packToAPI(p *civicspace.PolicyPack) PolicyPack {
	return PolicyPack{Name: p.Name, Version: p.Version, Digest: p.Digest, Files: p.Files, UploadedAt: p.UploadedAt, UploadedBy: p.UploadedBy}
}

// UploadPolicyPack compiles a pack under the restricted capabilities, runs
// its tests and stores it.
func (s *Server) UploadPolicyPack(ctx context.Context, req UploadPolicyPackRequestObject) (UploadPolicyPackResponseObject, error) {
	packs, compiler, err := s.packStore()
	if err != nil {
		return nil, err
	}
	p := &civicspace.PolicyPack{Name: req.Body.Name, Version: req.Body.Version, Files: req.Body.Files, UploadedBy: actor(ctx)}
	_, passed, err := compiler.CompilePack(ctx, p)
	if err != nil {
		return nil, asUnprocessable(err)
	}
	if err := packs.PutPolicyPack(ctx, p); err != nil {
		return nil, err
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
	packs, _, err := s.packStore()
	if err != nil {
		return nil, err
	}
	all, err := packs.PolicyPacks(ctx)
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
	packs, _, err := s.packStore()
	if err != nil {
		return nil, err
	}
	p, err := packs.PolicyPack(ctx, req.Name, req.Version)
	if err != nil {
		return nil, err
	}
	return GetPolicyPack200JSONResponse(packToAPI(p)), nil
}

// RescoreAssessment scores the current revision under a stored pack,
// keeping the scores stored before.
func (s *Server) RescoreAssessment(ctx context.Context, req RescoreAssessmentRequestObject) (RescoreAssessmentResponseObject, error) {
	packs, compiler, err := s.packStore()
	if err != nil {
		return nil, err
	}
	name, version := civicspace.ParsePackRef(req.Params.Pack)
	p, err := packs.PolicyPack(ctx, name, version)
	if err != nil {
		return nil, err
	}
	scorer, err := s.auth.packScorers.get(ctx, compiler, p)
	if err != nil {
		return nil, err
	}
	sc, err := s.svc.ScoreWith(ctx, req.ID, scorer)
	if err != nil {
		return nil, err
	}
	return RescoreAssessment200JSONResponse(storedScoreToAPI(sc)), nil
}

// packScore answers the score stored for a revision under a pack (the
// original, under the server's policy, is GetAssessmentScore without one).
func (s *Server) packScore(ctx context.Context, id string, version int, ref string) (*civicspace.StoredScore, error) {
	packs, _, err := s.packStore()
	if err != nil {
		return nil, err
	}
	name, v := civicspace.ParsePackRef(ref)
	p, err := packs.PolicyPack(ctx, name, v)
	if err != nil {
		return nil, err
	}
	return s.svc.StoredScoreUnder(ctx, id, version, p.Digest)
}

// maxPackScorers bounds the compiled packs kept for rescoring: each holds
// its compiled policy and its answer caches.
const maxPackScorers = 4

// packScorers keeps the scorers of the packs used last, by name@version
// and digest: a pack is never changed once uploaded, and compiling it
// again, its tests included, costs more than the rescoring it serves.
type packScorers struct {
	mu      sync.Mutex
	scorers map[string]civicspace.Scorer
	order   []string // least recently used first
}

func (c *packScorers) get(ctx context.Context, compiler civicspace.PackCompiler, p *civicspace.PolicyPack) (civicspace.Scorer, error) {
	key := p.Ref() + " " + p.Digest
	c.mu.Lock()
	scorer, ok := c.scorers[key]
	if ok {
		c.order = append(slices.DeleteFunc(c.order, func(k string) bool { return k == key }), key)
	}
	c.mu.Unlock()
	if ok {
		return scorer, nil
	}
	// Compiled outside the lock: other packs need not wait for this one.
	scorer, _, err := compiler.CompilePack(ctx, p)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.scorers == nil {
		c.scorers = map[string]civicspace.Scorer{}
	}
	if _, ok := c.scorers[key]; !ok {
		if len(c.order) >= maxPackScorers {
			delete(c.scorers, c.order[0])
			c.order = c.order[1:]
		}
		c.scorers[key] = scorer
		c.order = append(c.order, key)
	}
	return scorer, nil
}
