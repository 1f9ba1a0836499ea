package civicspace

import (
	"context"
	"slices"
	"sync"
)

// The administration use cases of Service: API keys, the audit trail,
// policy packs and scoring under a pack. All of them are an admin's.

// PackCompiler turns an uploaded policy pack into a Scorer: it compiles the
// pack's modules with capabilities that reach neither the network nor the
// host, runs the pack's own tests, and sets p.Digest. A pack that does not
// compile, or whose tests fail, is an EINVALID error naming the file and
// line (and the forbidden builtin, if one is called). Implemented by
// civicspace/opa.
type PackCompiler interface {
	CompilePack(ctx context.Context, p *PolicyPack) (scorer Scorer, testsPassed int, err error)
}

// CreateKey makes an API key and returns its secret, which exists only in
// this answer (the store keeps its hash).
func (s *Service) CreateKey(ctx context.Context, spec KeySpec) (secret string, k *APIKey, err error) {
	p, err := s.permit(ctx, "createKey")
	if err != nil {
		return "", nil, err
	}
	secret, k, err = NewAPIKey(spec, p.Actor(), s.now())
	if err != nil {
		return "", nil, err
	}
	if err := s.Store.CreateKey(ctx, k); err != nil {
		return "", nil, err
	}
	s.audit(ctx, "createKey", k.ID, map[string]any{"role": k.Role, "subjects": k.Subjects, "organisation": k.Organisation})
	return secret, k, nil
}

// Keys lists every key, without secrets (none is stored).
func (s *Service) Keys(ctx context.Context) ([]*APIKey, error) {
	if _, err := s.permit(ctx, "listKeys"); err != nil {
		return nil, err
	}
	return s.Store.Keys(ctx)
}

// RevokeKey revokes a key.
func (s *Service) RevokeKey(ctx context.Context, id string) (*APIKey, error) {
	if _, err := s.permit(ctx, "revokeKey"); err != nil {
		return nil, err
	}
	k, err := s.Store.RevokeKey(ctx, id, s.now())
	if err != nil {
		return nil, err
	}
	s.audit(ctx, "revokeKey", k.ID, map[string]any{})
	return k, nil
}

// Audit reads a page of the audit trail, newest first.
func (s *Service) Audit(ctx context.Context, f AuditFilter) (*AuditPage, error) {
	if _, err := s.permit(ctx, "listAudit"); err != nil {
		return nil, err
	}
	return s.Store.Audit(ctx, f)
}

// UploadPolicyPack compiles a pack under the restricted capabilities, runs
// its tests and stores it; it returns how many tests passed.
func (s *Service) UploadPolicyPack(ctx context.Context, pack *PolicyPack) (testsPassed int, err error) {
	p, err := s.permit(ctx, "uploadPolicyPack")
	if err != nil {
		return 0, err
	}
	if s.Packs == nil {
		return 0, Errorf(EINTERNAL, "this service takes no policy packs")
	}
	pack.UploadedBy = p.Actor()
	if _, testsPassed, err = s.Packs.CompilePack(ctx, pack); err != nil {
		return 0, err
	}
	if err := s.Store.PutPolicyPack(ctx, pack); err != nil {
		return 0, err
	}
	s.audit(ctx, "uploadPolicyPack", pack.Ref(), map[string]any{"digest": pack.Digest})
	return testsPassed, nil
}

// PolicyPacks lists the packs without their files.
func (s *Service) PolicyPacks(ctx context.Context) ([]*PolicyPack, error) {
	if _, err := s.permit(ctx, "listPolicyPacks"); err != nil {
		return nil, err
	}
	return s.Store.PolicyPacks(ctx)
}

// PolicyPack returns one pack with its files (the latest of name for an
// empty version).
func (s *Service) PolicyPack(ctx context.Context, name, version string) (*PolicyPack, error) {
	if _, err := s.permit(ctx, "getPolicyPack"); err != nil {
		return nil, err
	}
	return s.Store.PolicyPack(ctx, name, version)
}

// RescoreAssessment scores the current revision of assessment id under a
// stored pack (NAME@VERSION, or NAME for the latest) and stores the result
// beside the scores already stored: a score is kept per revision and
// policy digest, so the original is not lost. Scoring the same revision
// under the same pack again returns the stored score.
func (s *Service) RescoreAssessment(ctx context.Context, id, pack string) (*StoredScore, error) {
	if _, err := s.permit(ctx, "rescoreAssessment"); err != nil {
		return nil, err
	}
	p, scorer, err := s.packScorer(ctx, pack)
	if err != nil {
		return nil, err
	}
	rec, err := s.Store.Assessment(ctx, id)
	if err != nil {
		return nil, err
	}
	sc, err := s.Store.Score(ctx, id, rec.Version, scorer.PolicyDigest())
	if ErrorCode(err) == ENOTFOUND {
		if problems := s.Validate(&rec.Assessment); len(problems) > 0 {
			return nil, invalid(problems, "cannot score assessment %s", id)
		}
		sc, err = s.computeScore(ctx, scorer, id, rec.Version, &rec.Assessment, true)
	}
	if err != nil {
		return nil, err
	}
	s.audit(ctx, "rescoreAssessment", id, map[string]any{"version": sc.Version, "policy_digest": sc.PolicyDigest, "pack": p.Ref()})
	return sc, nil
}

// PackScore returns the score stored for a revision (the current one for
// version 0) under a stored pack: a pack's score beside the original.
// ENOTFOUND if the revision was never scored under it.
func (s *Service) PackScore(ctx context.Context, id string, version int, pack string) (*StoredScore, error) {
	// Packs are an admin's tool (their names are not public): so are the
	// scores stored under them.
	if _, err := s.permit(ctx, "rescoreAssessment"); err != nil {
		return nil, err
	}
	name, v := parsePackRef(pack)
	p, err := s.Store.PolicyPack(ctx, name, v)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		rec, err := s.Store.Assessment(ctx, id)
		if err != nil {
			return nil, err
		}
		version = rec.Version
	}
	sc, err := s.Store.Score(ctx, id, version, p.Digest)
	if ErrorCode(err) != ENOTFOUND {
		return sc, err
	}
	if _, err := s.Store.Revision(ctx, id, version); err != nil {
		return nil, err
	}
	return nil, WrapError(ENOTFOUND, err, "assessment %s version %d has no score under pack %s: rescore it under that pack first", id, version, p.Ref())
}

// packScorer returns a stored pack and its compiled scorer.
func (s *Service) packScorer(ctx context.Context, ref string) (*PolicyPack, Scorer, error) {
	if s.Packs == nil {
		return nil, nil, Errorf(EINTERNAL, "this service takes no policy packs")
	}
	name, version := parsePackRef(ref)
	p, err := s.Store.PolicyPack(ctx, name, version)
	if err != nil {
		return nil, nil, err
	}
	scorer, err := s.packScorers.get(ctx, s.Packs, p)
	return p, scorer, err
}

// maxPackScorers bounds the compiled packs kept for rescoring: each holds
// its compiled policy and its answer caches.
const maxPackScorers = 4

// packScorers keeps the scorers of the packs used last, by name@version
// and digest: a pack is never changed once uploaded, and compiling it
// again, its tests included, costs more than the rescoring it serves.
type packScorers struct {
	mu      sync.Mutex
	scorers map[string]Scorer
	order   []string // least recently used first
}

func (c *packScorers) get(ctx context.Context, compiler PackCompiler, p *PolicyPack) (Scorer, error) {
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
		c.scorers = map[string]Scorer{}
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
