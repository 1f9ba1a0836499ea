package civicspace

import (
	"context"
	"encoding/json"
	"time"
)

// PackCompiler turns an uploaded policy pack into a Scorer: it compiles the
// pack's modules with capabilities that reach neither the network nor the
// host, runs the pack's own tests, and sets p.Digest. A pack that does not
// compile, or whose tests fail, is an EINVALID error naming the file and
// line (and the forbidden builtin, if one is called). Implemented by
// civicspace/opa.
type PackCompiler interface {
	CompilePack(ctx context.Context, p *PolicyPack) (scorer Scorer, testsPassed int, err error)
}

// ScoreWith scores the current revision of assessment id under another
// policy (an uploaded pack's scorer) and stores the result beside the
// scores already stored: a score is kept per revision and policy digest, so
// the original is not lost. Scoring the same revision under the same pack
// again returns the stored score.
func (s *Service) ScoreWith(ctx context.Context, id string, scorer Scorer) (*StoredScore, error) {
	rec, err := s.Store.Assessment(ctx, id)
	if err != nil {
		return nil, err
	}
	if sc, err := s.Store.Score(ctx, id, rec.Version, scorer.PolicyDigest()); err == nil {
		return sc, nil
	} else if ErrorCode(err) != ENOTFOUND {
		return nil, err
	}
	if problems := s.Validate(&rec.Assessment); len(problems) > 0 {
		return nil, invalid(problems, "cannot score assessment %s", id)
	}
	result, err := scorer.Score(ctx, &rec.Assessment)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(result)
	if err != nil {
		return nil, WrapError(EINTERNAL, err, "encode the score of %s version %d", id, rec.Version)
	}
	sc := &StoredScore{
		AssessmentID:  id,
		Version:       rec.Version,
		PolicyDigest:  scorer.PolicyDigest(),
		CatalogDigest: s.Catalog.Digest(),
		// At the stores' precision, so that this answer and later reads agree.
		ComputedAt:   s.now().Truncate(time.Microsecond),
		Band:         result.Rating.Band,
		Score:        result.Rating.Score,
		Result:       data,
		Observations: result.Observations(id, rec.Version),
	}
	if err := s.Store.PutScore(ctx, sc); err != nil {
		return nil, err
	}
	return sc, nil
}

// StoredScoreUnder returns the score stored for a revision (the current
// one for version 0) under one policy, named by its digest: a pack's
// score beside the original. ENOTFOUND if the revision was never scored
// under it.
func (s *Service) StoredScoreUnder(ctx context.Context, id string, version int, policyDigest string) (*StoredScore, error) {
	if policyDigest == "" {
		return nil, Errorf(EINVALID, "no policy digest to read the score under")
	}
	if version == 0 {
		rec, err := s.Store.Assessment(ctx, id)
		if err != nil {
			return nil, err
		}
		version = rec.Version
	}
	sc, err := s.Store.Score(ctx, id, version, policyDigest)
	if ErrorCode(err) != ENOTFOUND {
		return sc, err
	}
	if _, err := s.Store.Revision(ctx, id, version); err != nil {
		return nil, err
	}
	return nil, WrapError(ENOTFOUND, err, "assessment %s version %d has no score under policy %s: rescore it under that pack first", id, version, policyDigest)
}
