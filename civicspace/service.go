package civicspace

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Service carries out the use cases of assessments and scores on top of an
// AssessmentStore and a Scorer: the REST API and the command line call it,
// so that both keep the same rules. Set the fields, then use it; it is safe
// for concurrent use once set.
//
// Scores are computed when a revision is written, never when one is read:
// every valid revision gets a StoredScore under the scorer's policy, and a
// lifecycle change (which does not change the content) reuses the score of
// the revision it was made from. A score carries its Observations only when
// its revision is a published one: comparisons read nothing else, and
// storing a few hundred observation rows for every draft and submitted
// revision made writing an assessment through its lifecycle several times
// slower.
type Service struct {
	Catalog   *Catalog
	Countries *Countries
	Store     AssessmentStore
	Scorer    Scorer
	// Logger receives what the caller cannot act on (a score that could not
	// be stored after a successful write); nil discards it.
	Logger *slog.Logger
	// Now stamps computed scores; nil means time.Now.
	Now func() time.Time
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return s.Logger
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// Validate returns every problem of a against the service's catalog and
// country table; none means it can be submitted and scored.
func (s *Service) Validate(a *Assessment) []Problem {
	return a.Validate(s.Catalog, s.Countries)
}

// invalid is the EINVALID error for an assessment with problems.
func invalid(problems []Problem, format string, args ...any) error {
	noun := "problems"
	if len(problems) == 1 {
		noun = "problem"
	}
	return &Error{
		Code:     EINVALID,
		Message:  fmt.Sprintf(format, args...) + fmt.Sprintf(": the assessment has %d %s", len(problems), noun),
		Problems: problems,
	}
}

// Score validates a and scores it without storing anything. An invalid
// assessment is an EINVALID error carrying every problem.
func (s *Service) Score(ctx context.Context, a *Assessment) (*Result, error) {
	if problems := s.Validate(a); len(problems) > 0 {
		return nil, invalid(problems, "cannot score")
	}
	return s.Scorer.Score(ctx, a)
}

// CreateAssessment stores a as a new draft, even when it has problems (a
// draft is work in progress), and returns the record with those problems. A
// draft without problems is scored and the score stored.
func (s *Service) CreateAssessment(ctx context.Context, a *Assessment, actor string) (*Record, []Problem, error) {
	rec, err := s.Store.CreateAssessment(ctx, a, actor)
	if err != nil {
		return nil, nil, err
	}
	problems := s.Validate(&rec.Assessment)
	if len(problems) == 0 {
		s.scoreWritten(ctx, rec, 0)
	}
	return rec, problems, nil
}

// Assessment returns the current state of an assessment and the problems
// its content has against the catalog in force.
func (s *Service) Assessment(ctx context.Context, id string) (*Record, []Problem, error) {
	rec, err := s.Store.Assessment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return rec, s.Validate(&rec.Assessment), nil
}

// ListAssessments returns one page of assessments.
// A period filter matches the period however it was written (see
// Period.Key): 2025 lists the assessments of 2025-01-01/2025-12-31 too.
func (s *Service) ListAssessments(ctx context.Context, f AssessmentFilter) (*AssessmentPage, error) {
	f.Period = PeriodKey(f.Period)
	return s.Store.ListAssessments(ctx, f)
}

// UpdateAssessment replaces the content of a draft. version is the version
// the caller read (ECONFLICT if stale). Like a new draft, the content may
// have problems; without any it is scored.
func (s *Service) UpdateAssessment(ctx context.Context, id string, version int, a *Assessment, actor, note string) (*Record, []Problem, error) {
	rec, err := s.Store.UpdateAssessment(ctx, id, version, a, actor, note)
	if err != nil {
		return nil, nil, err
	}
	problems := s.Validate(&rec.Assessment)
	if len(problems) == 0 {
		s.scoreWritten(ctx, rec, 0)
	}
	return rec, problems, nil
}

// Transition makes a lifecycle move (see Transitions) from the version the
// caller read. Submitting and publishing need content without problems
// (EINVALID with all of them otherwise), and a score: the content's score is
// computed first if it is missing, so that a published revision always has
// one.
func (s *Service) Transition(ctx context.Context, id string, version int, action Action, actor, note string) (*Record, error) {
	if action == ActionSubmit || action == ActionPublish {
		rec, err := s.Store.Assessment(ctx, id)
		if err != nil {
			return nil, err
		}
		if rec.Version != version {
			return nil, Errorf(ECONFLICT, "assessment %s was changed since version %d; the current version is %d", id, version, rec.Version)
		}
		if _, err := TransitionFor(rec.Status, action); err != nil {
			return nil, err
		}
		if problems := s.Validate(&rec.Assessment); len(problems) > 0 {
			return nil, invalid(problems, "cannot %s assessment %s", action, id)
		}
		if _, err := s.ensureScore(ctx, id, rec.Version, &rec.Assessment, rec.Status == Published); err != nil {
			return nil, err
		}
	}
	rec, err := s.Store.TransitionAssessment(ctx, id, version, action, actor, note)
	if err != nil {
		return nil, err
	}
	if len(s.Validate(&rec.Assessment)) == 0 {
		s.scoreWritten(ctx, rec, version)
	}
	return rec, nil
}

// DeleteAssessment deletes a draft that was never published.
func (s *Service) DeleteAssessment(ctx context.Context, id string, version int, actor string) error {
	return s.Store.DeleteAssessment(ctx, id, version, actor)
}

// Revisions lists an assessment's revisions, oldest first.
func (s *Service) Revisions(ctx context.Context, id string) ([]*Revision, error) {
	return s.Store.Revisions(ctx, id)
}

// Revision returns one revision of an assessment.
func (s *Service) Revision(ctx context.Context, id string, version int) (*Revision, error) {
	return s.Store.Revision(ctx, id, version)
}

// StoredScore returns the stored score of a revision (the current one for
// version 0): the one computed under the scorer's policy, or else the most
// recent one under any policy. It never runs the policy; a revision without
// a stored score (content with problems) is ENOTFOUND.
func (s *Service) StoredScore(ctx context.Context, id string, version int) (*StoredScore, error) {
	if version == 0 {
		rec, err := s.Store.Assessment(ctx, id)
		if err != nil {
			return nil, err
		}
		version = rec.Version
	}
	sc, err := s.Store.Score(ctx, id, version, s.Scorer.PolicyDigest())
	if ErrorCode(err) == ENOTFOUND {
		sc, err = s.Store.Score(ctx, id, version, "")
	}
	if ErrorCode(err) != ENOTFOUND {
		return sc, err
	}
	// Say whether the revision is missing or only its score.
	if _, err := s.Store.Revision(ctx, id, version); err != nil {
		return nil, err
	}
	return nil, WrapError(ENOTFOUND, err, "assessment %s version %d has no score: only content without problems is scored (see its problems)", id, version)
}

// scoreWritten stores the score of a revision the caller has just written.
// A revision made by a lifecycle move has the content of the revision it was
// made from (from), whose stored score is reused. The write itself
// succeeded, so a failure here is logged rather than returned: the revision
// stays unscored until `civicspace rescore` scores it.
func (s *Service) scoreWritten(ctx context.Context, rec *Record, from int) {
	published := rec.Status == Published
	if from > 0 {
		if prev, err := s.Store.Score(ctx, rec.ID, from, s.Scorer.PolicyDigest()); err == nil {
			if err := s.putCopy(ctx, prev, rec.Version, published); err == nil {
				return
			}
		}
	}
	if _, err := s.ensureScore(ctx, rec.ID, rec.Version, &rec.Assessment, published); err != nil {
		s.logger().ErrorContext(ctx, "score not stored; run civicspace rescore",
			"assessment", rec.ID, "version", rec.Version, "err", err)
	}
}

// putCopy stores prev's result as the score of another version with the
// same content: the same assessment and policy give the same result.
func (s *Service) putCopy(ctx context.Context, prev *StoredScore, version int, observations bool) error {
	sc := *prev
	sc.Version = version
	sc.Observations = nil
	if observations {
		var result Result
		if err := json.Unmarshal(prev.Result, &result); err != nil {
			return fmt.Errorf("decode stored result of %s version %d: %w", prev.AssessmentID, prev.Version, err)
		}
		sc.Observations = result.Observations(prev.AssessmentID, version)
	}
	return s.Store.PutScore(ctx, &sc)
}

// ensureScore returns the stored score of a revision under the scorer's
// policy, computing and storing it first if there is none. a must be the
// revision's content, without problems; observations says whether the
// revision is a published one.
func (s *Service) ensureScore(ctx context.Context, id string, version int, a *Assessment, observations bool) (*StoredScore, error) {
	sc, err := s.Store.Score(ctx, id, version, s.Scorer.PolicyDigest())
	if err == nil {
		return sc, nil
	}
	if ErrorCode(err) != ENOTFOUND {
		return nil, err
	}
	return s.computeScore(ctx, id, version, a, observations)
}

// computeScore scores a revision's content and stores the result, with its
// observations if asked.
func (s *Service) computeScore(ctx context.Context, id string, version int, a *Assessment, observations bool) (*StoredScore, error) {
	result, err := s.Scorer.Score(ctx, a)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(result)
	if err != nil {
		return nil, WrapError(EINTERNAL, err, "encode the score of %s version %d", id, version)
	}
	sc := &StoredScore{
		AssessmentID: id,
		Version:      version,
		// Stored under the digest that look-ups use.
		PolicyDigest:  s.Scorer.PolicyDigest(),
		CatalogDigest: s.Catalog.Digest(),
		ComputedAt:    s.now(),
		Band:          result.Rating.Band,
		Score:         result.Rating.Score,
		Result:        data,
	}
	if observations {
		sc.Observations = result.Observations(id, version)
	}
	if err := s.Store.PutScore(ctx, sc); err != nil {
		return nil, err
	}
	return sc, nil
}

// RescoreReport says what Rescore did.
type RescoreReport struct {
	// PolicyDigest is the policy the revisions were scored under.
	PolicyDigest string
	// Scored counts the revisions scored.
	Scored int
	// Skipped lists the revisions that could not be scored because their
	// content has problems against the catalog in force.
	Skipped []RevisionRef
}

// rescoreBatch is how many unscored revisions Rescore asks the store for at
// a time.
const rescoreBatch = 100

// Rescore scores every stored revision that has no score under the
// scorer's policy (the current version of each assessment and each
// published version), keeping every score stored before: after a policy
// change, scores exist under both policies. progress, if not nil, is called
// after each revision.
func (s *Service) Rescore(ctx context.Context, progress func(ref RevisionRef, err error)) (*RescoreReport, error) {
	report := &RescoreReport{PolicyDigest: s.Scorer.PolicyDigest()}
	skipped := map[RevisionRef]bool{}
	for {
		// Revisions skipped earlier are still unscored: ask for enough
		// beyond them to make progress.
		refs, err := s.Store.Unscored(ctx, report.PolicyDigest, rescoreBatch+len(skipped))
		if err != nil {
			return report, err
		}
		todo := refs[:0]
		for _, ref := range refs {
			if !skipped[ref] {
				todo = append(todo, ref)
			}
		}
		if len(todo) == 0 {
			return report, nil
		}
		for _, ref := range todo {
			if err := ctx.Err(); err != nil {
				return report, err
			}
			rev, err := s.Store.Revision(ctx, ref.AssessmentID, ref.Version)
			if err != nil {
				return report, err
			}
			if problems := s.Validate(&rev.Assessment); len(problems) > 0 {
				skipped[ref] = true
				report.Skipped = append(report.Skipped, ref)
				if progress != nil {
					progress(ref, invalid(problems, "cannot score %s version %d", ref.AssessmentID, ref.Version))
				}
				continue
			}
			if _, err := s.computeScore(ctx, ref.AssessmentID, ref.Version, &rev.Assessment, rev.Status == Published); err != nil {
				return report, err
			}
			report.Scored++
			if progress != nil {
				progress(ref, nil)
			}
		}
	}
}
