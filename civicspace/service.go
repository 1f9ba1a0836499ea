package civicspace

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// Service is the one place that decides: every use case of civicspace
// (assessments, commitments, scores, comparisons' scorecards, API keys,
// policy packs, the audit trail) is a method that takes the caller from
// its context (NewContextWithPrincipal), applies the access rules of this
// package to it, does the work, and records a write in the audit trail.
// The REST API (package api), the command line and the web app call it,
// so that all of them keep the same rules; they only authenticate the
// caller and translate.
//
// Set the fields, then use it; it is safe for concurrent use once set.
// Its dependencies are its fields' types: a store that lacks a capability
// the use cases need does not compile in.
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
	Store     Store
	Scorer    Scorer
	// Packs compiles uploaded policy packs (civicspace/opa); nil refuses
	// uploads and rescoring under a pack.
	Packs PackCompiler
	// Logger receives what the caller cannot act on (a score or an audit
	// entry that could not be stored after a successful write); nil
	// discards it.
	Logger *slog.Logger
	// Now stamps computed scores; nil means time.Now.
	Now func() time.Time

	packScorers packScorers
}

// Store is everything the Service keeps: assessments and their scores,
// commitments, API keys, the audit trail, policy packs and the official
// figures (reference observations). Implemented by civicspace/sqlite and
// civicspace/postgres.
type Store interface {
	AssessmentStore
	CommitmentStore
	KeyStore
	AuditStore
	PolicyPackStore
	ReferenceStore
	Transactor
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// permit applies the operation-level rule of a use case (see Permit) and
// returns the caller.
func (s *Service) permit(ctx context.Context, operation string) (*Principal, error) {
	return PrincipalFromContext(ctx), s.Permit(ctx, operation)
}

// Validate returns every problem of a against the service's catalog and
// country table; none means it can be submitted and scored.
func (s *Service) Validate(a *Assessment) []Problem {
	return a.Validate(s.Catalog, s.Countries)
}

// ValidateInline is the validateAssessment use case: the problems of an
// assessment that is not stored, for a caller with a key.
func (s *Service) ValidateInline(ctx context.Context, a *Assessment) ([]Problem, error) {
	if _, err := s.permit(ctx, "validateAssessment"); err != nil {
		return nil, err
	}
	return s.Validate(a), nil
}

// invalid is the EINVALID error for an assessment with problems.
func invalid(problems []Problem, format string, args ...any) error {
	return invalidInput("assessment", problems, format, args...)
}

// Score validates a and scores it without storing anything, for a caller
// with a key. An invalid assessment is an EINVALID error carrying every
// problem.
func (s *Service) Score(ctx context.Context, a *Assessment) (*Result, error) {
	if _, err := s.permit(ctx, "scoreAssessment"); err != nil {
		return nil, err
	}
	if problems := s.Validate(a); len(problems) > 0 {
		return nil, invalid(problems, "cannot score")
	}
	return s.Scorer.Score(ctx, a)
}

// CreateAssessment stores a as a new draft of the caller's, even when it
// has problems (a draft is work in progress), and returns the record with
// those problems. A draft without problems is scored and the score stored.
func (s *Service) CreateAssessment(ctx context.Context, a *Assessment) (*Record, []Problem, error) {
	return atomically(ctx, s, func(ctx context.Context) (*Record, []Problem, error) { return s.createAssessment(ctx, a) })
}

func (s *Service) createAssessment(ctx context.Context, a *Assessment) (*Record, []Problem, error) {
	p, err := s.permit(ctx, "createAssessment")
	if err != nil {
		return nil, nil, err
	}
	if err := authorizeWrite(p, ActionCreate, nil, a); err != nil {
		return nil, nil, err
	}
	rec, err := s.Store.CreateAssessment(ctx, a, p.Actor())
	if err != nil {
		return nil, nil, err
	}
	problems := s.Validate(&rec.Assessment)
	if len(problems) == 0 {
		s.scoreWritten(ctx, rec, 0)
	}
	s.audit(ctx, "createAssessment", rec.ID, map[string]any{"version": rec.Version, "status": rec.Status})
	return rec, problems, nil
}

// Assessment returns an assessment as the caller may see it, with the
// problems its content has against the catalog in force: the current
// state to its owners, the published revision to everyone else, and
// ENOTFOUND for an assessment never published.
func (s *Service) Assessment(ctx context.Context, id string) (*Record, []Problem, error) {
	rec, problems, _, err := s.AssessmentView(ctx, id)
	return rec, problems, err
}

// AssessmentView is Assessment that also says whether the caller sees the
// whole of the assessment (its current state, as an owner or an admin) or
// only its published revision, for front ends that show owners more.
func (s *Service) AssessmentView(ctx context.Context, id string) (rec *Record, problems []Problem, full bool, err error) {
	rec, full, err = s.readable(ctx, id)
	if err != nil {
		return nil, nil, false, err
	}
	return rec, s.Validate(&rec.Assessment), full, nil
}

// readable returns assessment id as the caller may see it (see
// Assessment) and whether that is the whole of it.
func (s *Service) readable(ctx context.Context, id string) (*Record, bool, error) {
	rec, err := s.Store.Assessment(ctx, id)
	if err != nil {
		return nil, false, err
	}
	full, err := authorizeRead(PrincipalFromContext(ctx), rec)
	if err != nil || full {
		return rec, full, err
	}
	pub, err := s.publishedRecord(ctx, rec)
	return pub, false, err
}

// publishedRecord returns rec as the public sees it: its published
// revision as the current state.
func (s *Service) publishedRecord(ctx context.Context, rec *Record) (*Record, error) {
	if rec.PublishedVersion == 0 {
		return nil, Errorf(ENOTFOUND, "assessment %s not found", rec.ID)
	}
	if rec.Version == rec.PublishedVersion {
		return rec, nil
	}
	rev, err := s.Store.Revision(ctx, rec.ID, rec.PublishedVersion)
	if err != nil {
		return nil, err
	}
	pub := *rec
	pub.Version, pub.Status, pub.Assessment = rev.Version, Published, rev.Assessment
	pub.UpdatedAt, pub.UpdatedBy = rev.At, rev.Actor
	return &pub, nil
}

// ListAssessments returns one page of the assessments the caller may
// see: what it owns in any status, everything else as published (a
// correction being drafted does not show through the published
// revision), and for an admin everything. A page may be short; its next
// page token is still right. A period filter matches the period however
// it was written (see Period.Key): 2025 lists the assessments of
// 2025-01-01/2025-12-31 too.
func (s *Service) ListAssessments(ctx context.Context, f AssessmentFilter) (*AssessmentPage, error) {
	p := PrincipalFromContext(ctx)
	f = listScope(p, f)
	// A period filter matches the period however it was written (see
	// Period.Key): 2025 lists the assessments of 2025-01-01/2025-12-31 too.
	f.Period = PeriodKey(f.Period)
	page, err := s.Store.ListAssessments(ctx, f)
	if err != nil || p.role() == RoleAdmin {
		return page, err
	}
	kept := page.Records[:0]
	for _, rec := range page.Records {
		full, err := authorizeRead(p, rec)
		if err != nil {
			continue
		}
		if !full {
			if rec, err = s.publishedRecord(ctx, rec); err != nil {
				return nil, err
			}
			// The store filtered on the current state: ?status=draft
			// must not tell that a correction is being drafted.
			if !viewMatches(f, rec) {
				continue
			}
		}
		kept = append(kept, rec)
	}
	page.Records = kept
	return page, nil
}

// viewMatches reports whether the published view of a record still
// matches the filter the store applied to its current state.
func viewMatches(f AssessmentFilter, rec *Record) bool {
	a := &rec.Assessment
	for _, c := range [][2]string{
		{f.Country, a.Subject.Country}, {f.Organisation, a.Subject.Organisation}, {f.Period, a.Period.Key()},
		{string(f.Kind), string(a.Kind)}, {string(f.Status), string(rec.Status)}, {f.Author, a.Author},
	} {
		if c[0] != "" && c[0] != c[1] {
			return false
		}
	}
	return true
}

// writable reads assessment id for a write by the caller: ENOTFOUND when
// it may not even read it, EFORBIDDEN when it may not take action on it
// (or write content, when not nil).
func (s *Service) writable(ctx context.Context, operation, id string, action Action, content *Assessment) (*Principal, *Record, error) {
	p, err := s.permit(ctx, operation)
	if err != nil {
		return nil, nil, err
	}
	rec, err := s.Store.Assessment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return p, rec, authorizeWrite(p, action, rec, content)
}

// UpdateAssessment replaces the content of a draft. version is the version
// the caller read (ECONFLICT if stale). Like a new draft, the content may
// have problems; without any it is scored.
func (s *Service) UpdateAssessment(ctx context.Context, id string, version int, a *Assessment, note string) (*Record, []Problem, error) {
	return atomically(ctx, s, func(ctx context.Context) (*Record, []Problem, error) {
		return s.updateAssessment(ctx, id, version, a, note)
	})
}

func (s *Service) updateAssessment(ctx context.Context, id string, version int, a *Assessment, note string) (*Record, []Problem, error) {
	p, _, err := s.writable(ctx, "updateAssessment", id, ActionUpdate, a)
	if err != nil {
		return nil, nil, err
	}
	rec, err := s.Store.UpdateAssessment(ctx, id, version, a, p.Actor(), note)
	if err != nil {
		return nil, nil, err
	}
	problems := s.Validate(&rec.Assessment)
	if len(problems) == 0 {
		s.scoreWritten(ctx, rec, 0)
	}
	s.audit(ctx, "updateAssessment", rec.ID, map[string]any{"version": rec.Version, "status": rec.Status})
	return rec, problems, nil
}

// Transition makes a lifecycle move (see Transitions) from the version the
// caller read, and returns the record with its content's problems.
// Submitting and publishing need content without problems (EINVALID with
// all of them otherwise), and a score: the content's score is computed
// first if it is missing, so that a published revision always has one.
func (s *Service) Transition(ctx context.Context, id string, version int, action Action, note string) (*Record, []Problem, error) {
	return atomically(ctx, s, func(ctx context.Context) (*Record, []Problem, error) {
		return s.transition(ctx, id, version, action, note)
	})
}

func (s *Service) transition(ctx context.Context, id string, version int, action Action, note string) (*Record, []Problem, error) {
	operation := string(action) + "Assessment"
	p, cur, err := s.writable(ctx, operation, id, action, nil)
	if err != nil {
		return nil, nil, err
	}
	// The content does not change in a move: its problems are known now.
	problems := s.Validate(&cur.Assessment)
	if action == ActionSubmit || action == ActionPublish {
		if cur.Version != version {
			return nil, nil, Errorf(ECONFLICT, "assessment %s was changed since version %d; the current version is %d", id, version, cur.Version)
		}
		if _, err := TransitionFor(cur.Status, action); err != nil {
			return nil, nil, err
		}
		if len(problems) > 0 {
			return nil, nil, invalid(problems, "cannot %s assessment %s", action, id)
		}
		if _, err := s.ensureScore(ctx, id, cur.Version, &cur.Assessment, cur.Status == Published); err != nil {
			return nil, nil, err
		}
	}
	rec, err := s.Store.TransitionAssessment(ctx, id, version, action, p.Actor(), note)
	if err != nil {
		return nil, nil, err
	}
	if len(problems) == 0 {
		s.scoreWritten(ctx, rec, version)
	}
	s.audit(ctx, operation, rec.ID, map[string]any{"version": rec.Version, "status": rec.Status})
	return rec, problems, nil
}

// DeleteAssessment deletes a draft that was never published.
func (s *Service) DeleteAssessment(ctx context.Context, id string, version int) error {
	_, err := atomically1(ctx, s, func(ctx context.Context) (none, error) { return none{}, s.deleteAssessment(ctx, id, version) })
	return err
}

func (s *Service) deleteAssessment(ctx context.Context, id string, version int) error {
	p, _, err := s.writable(ctx, "deleteAssessment", id, ActionDelete, nil)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteAssessment(ctx, id, version, p.Actor()); err != nil {
		return err
	}
	s.audit(ctx, "deleteAssessment", id, map[string]any{})
	return nil
}

// Revisions lists the revisions of an assessment the caller may read,
// oldest first: all of them to its owners, the published ones to everyone
// else.
func (s *Service) Revisions(ctx context.Context, id string) ([]*Revision, error) {
	rec, full, err := s.readable(ctx, id)
	if err != nil {
		return nil, err
	}
	revs, err := s.Store.Revisions(ctx, id)
	if err != nil || full {
		return revs, err
	}
	p := PrincipalFromContext(ctx)
	return slices.DeleteFunc(revs, func(rev *Revision) bool { return !canReadRevision(p, rec, rev) }), nil
}

// Revision returns one revision of an assessment, if the caller may read
// it (ENOTFOUND otherwise).
func (s *Service) Revision(ctx context.Context, id string, version int) (*Revision, error) {
	rec, err := s.Store.Assessment(ctx, id)
	if err != nil {
		return nil, err
	}
	p := PrincipalFromContext(ctx)
	full, err := authorizeRead(p, rec)
	if err != nil {
		return nil, err
	}
	rev, err := s.Store.Revision(ctx, id, version)
	if err != nil {
		return nil, err
	}
	if !full && !canReadRevision(p, rec, rev) {
		return nil, Errorf(ENOTFOUND, "assessment %s has no published revision %d", id, version)
	}
	return rev, nil
}

// StoredScore returns the stored score of a revision the caller may read
// (version 0: the current one for its owners, the published one for
// everyone else): the one computed under the scorer's policy, or else the
// most recent one under any policy. It never runs the policy; a revision
// without a stored score (content with problems) is ENOTFOUND.
func (s *Service) StoredScore(ctx context.Context, id string, version int) (*StoredScore, error) {
	version, err := s.readableVersion(ctx, id, version, false)
	if err != nil {
		return nil, err
	}
	return s.storedScore(ctx, id, version)
}

// Scorecard returns the stored score a scorecard draws: as StoredScore,
// except that version 0 is the published revision whenever there is one.
func (s *Service) Scorecard(ctx context.Context, id string, version int) (*StoredScore, error) {
	version, err := s.readableVersion(ctx, id, version, true)
	if err != nil {
		return nil, err
	}
	return s.storedScore(ctx, id, version)
}

// readableVersion resolves version 0 and checks the caller may read the
// revision.
func (s *Service) readableVersion(ctx context.Context, id string, version int, publishedFirst bool) (int, error) {
	rec, err := s.Store.Assessment(ctx, id)
	if err != nil {
		return 0, err
	}
	full, err := authorizeRead(PrincipalFromContext(ctx), rec)
	switch {
	case err != nil:
		return 0, err
	case version == 0 && (!full || publishedFirst) && rec.PublishedVersion > 0:
		return rec.PublishedVersion, nil
	case version == 0:
		return rec.Version, nil
	case !full:
		_, err = s.Revision(ctx, id, version)
	}
	return version, err
}

func (s *Service) storedScore(ctx context.Context, id string, version int) (*StoredScore, error) {
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

// audit records a write in the audit trail. The write has happened: a
// failure to record it is logged as an error for the operator, not
// returned to the caller.
func (s *Service) audit(ctx context.Context, operation, target string, details map[string]any) {
	if id := requestIDFromContext(ctx); id != "" {
		details["request_id"] = id
	}
	data, err := json.Marshal(details)
	if err == nil {
		err = s.Store.AppendAudit(ctx, &AuditEntry{Actor: PrincipalFromContext(ctx).Actor(), Action: operation, Target: target, Details: data})
	}
	if err != nil {
		s.logger().ErrorContext(ctx, "write not recorded in the audit trail", "operation", operation, "target", target, "err", err)
	}
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
	return s.computeScore(ctx, s.Scorer, id, version, a, observations)
}

// computeScore scores a revision's content and stores the result, with its
// observations if asked.
func (s *Service) computeScore(ctx context.Context, scorer Scorer, id string, version int, a *Assessment, observations bool) (*StoredScore, error) {
	result, err := scorer.Score(ctx, a)
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
		PolicyDigest:  scorer.PolicyDigest(),
		CatalogDigest: s.Catalog.Digest(),
		// At the stores' precision, so that this answer and later reads agree.
		ComputedAt: s.now().Truncate(time.Microsecond),
		Band:       result.Rating.Band,
		Score:      result.Rating.Score,
		Result:     data,
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
	// Pack is the policy pack the revisions were scored under (name@version),
	// empty for the scorer's policy.
	Pack string
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
// scorer's policy, or under the stored policy pack named by pack
// (NAME@VERSION, or NAME for its latest version) when not empty: the
// current version of each assessment and each published version. It keeps
// every score stored before, so that after a policy change scores exist
// under both policies. progress, if not nil, is called after each
// revision. Admin only; the run is recorded in the audit trail.
func (s *Service) Rescore(ctx context.Context, pack string, progress func(ref RevisionRef, err error)) (*RescoreReport, error) {
	if _, err := s.permit(ctx, "rescore"); err != nil {
		return nil, err
	}
	scorer := s.Scorer
	report := &RescoreReport{}
	if pack != "" {
		p, packScorer, err := s.packScorer(ctx, pack)
		if err != nil {
			return nil, err
		}
		scorer, report.Pack = packScorer, p.Ref()
	}
	report.PolicyDigest = scorer.PolicyDigest()
	err := s.rescore(ctx, scorer, report, progress)
	target, details := report.PolicyDigest, map[string]any{"policy_digest": report.PolicyDigest, "scored": report.Scored, "skipped": len(report.Skipped)}
	if report.Pack != "" {
		target, details["pack"] = report.Pack, report.Pack
	}
	s.audit(ctx, "rescore", target, details)
	return report, err
}

func (s *Service) rescore(ctx context.Context, scorer Scorer, report *RescoreReport, progress func(ref RevisionRef, err error)) error {
	skipped := map[RevisionRef]bool{}
	for {
		// Revisions skipped earlier are still unscored: ask for enough
		// beyond them to make progress.
		refs, err := s.Store.Unscored(ctx, report.PolicyDigest, rescoreBatch+len(skipped))
		if err != nil {
			return err
		}
		todo := refs[:0]
		for _, ref := range refs {
			if !skipped[ref] {
				todo = append(todo, ref)
			}
		}
		if len(todo) == 0 {
			return nil
		}
		for _, ref := range todo {
			if err := ctx.Err(); err != nil {
				return err
			}
			rev, err := s.Store.Revision(ctx, ref.AssessmentID, ref.Version)
			if err != nil {
				return err
			}
			if problems := s.Validate(&rev.Assessment); len(problems) > 0 {
				skipped[ref] = true
				report.Skipped = append(report.Skipped, ref)
				if progress != nil {
					progress(ref, invalid(problems, "cannot score %s version %d", ref.AssessmentID, ref.Version))
				}
				continue
			}
			if _, err := s.computeScore(ctx, scorer, ref.AssessmentID, ref.Version, &rev.Assessment, rev.Status == Published); err != nil {
				return err
			}
			report.Scored++
			if progress != nil {
				progress(ref, nil)
			}
		}
	}
}

// MayAct reports whether the caller may take action on rec, for front ends
// that offer only the controls a caller can use. It decides nothing: the
// method that takes the action checks again.
func (s *Service) MayAct(ctx context.Context, action Action, rec *Record) bool {
	return authorizeWrite(PrincipalFromContext(ctx), action, rec, nil) == nil
}

// PublishedAssessment returns assessment id as the public sees it, whoever
// asks: its published revision as the current state, ENOTFOUND when it was
// never published.
func (s *Service) PublishedAssessment(ctx context.Context, id string) (*Record, error) {
	rec, err := s.Store.Assessment(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.publishedRecord(ctx, rec)
}
