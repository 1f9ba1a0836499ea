package civicspace

import (
	"context"
	"fmt"
	"slices"
)

// The commitment use cases of Service. They read the day from Service.Now:
// overdue milestones are computed on every read, never stored.

// CommitmentView is a commitment as the use cases return it.
type CommitmentView struct {
	Record *CommitmentRecord
	// Problems are those of the current content against the catalog in
	// force; a commitment is published only without any.
	Problems []Problem
	// Warnings are the aims exceeded by the published commitments with
	// this one's current content in their set, among those that count it.
	Warnings []AimWarning
	// Progress is computed from the reports on the published revision's
	// content (the current one's before any publication).
	Progress *CommitmentProgress
}

// ValidateCommitment returns every problem of c against the service's
// catalog and country table.
func (s *Service) ValidateCommitment(c *Commitment) []Problem {
	return c.Validate(s.Catalog, s.Countries)
}

// invalidInput is the EINVALID error for a document with problems.
func invalidInput(what string, problems []Problem, format string, args ...any) error {
	noun := "problems"
	if len(problems) == 1 {
		noun = "problem"
	}
	return &Error{Code: EINVALID, Message: fmt.Sprintf(format, args...) + fmt.Sprintf(": the %s has %d %s", what, len(problems), noun), Problems: problems}
}

// CreateCommitment stores c as a new draft, even with problems (a draft is
// work in progress), and returns it with its problems and warnings. An
// assessor drafts the commitments of its subjects' governments.
func (s *Service) CreateCommitment(ctx context.Context, c *Commitment) (*CommitmentView, error) {
	return atomically1(ctx, s, func(ctx context.Context) (*CommitmentView, error) { return s.createCommitment(ctx, c) })
}

func (s *Service) createCommitment(ctx context.Context, c *Commitment) (*CommitmentView, error) {
	p, err := s.permit(ctx, "createCommitment")
	if err != nil {
		return nil, err
	}
	if err := authorizeCommitmentWrite(p, ActionCreate, nil, c); err != nil {
		return nil, err
	}
	rec, err := s.Store.CreateCommitment(ctx, c, p.Actor())
	if err != nil {
		return nil, err
	}
	s.audit(ctx, "createCommitment", rec.ID, map[string]any{"version": rec.Version, "status": rec.Status})
	return s.view(ctx, rec)
}

// Commitment returns a commitment as the caller may see it, with its
// problems, warnings and progress: the current state to its owners, the
// published revision to everyone else, ENOTFOUND for one never published.
func (s *Service) Commitment(ctx context.Context, id string) (*CommitmentView, error) {
	rec, _, err := s.readableCommitment(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, rec)
}

// readableCommitment returns commitment id as the caller may see it and
// whether that is the whole of it.
func (s *Service) readableCommitment(ctx context.Context, id string) (*CommitmentRecord, bool, error) {
	rec, err := s.Store.Commitment(ctx, id)
	if err != nil {
		return nil, false, err
	}
	full, err := authorizeCommitmentRead(PrincipalFromContext(ctx), rec)
	if err != nil || full {
		return rec, full, err
	}
	pub, err := s.publishedCommitmentRecord(ctx, rec)
	return pub, false, err
}

// publishedCommitmentRecord returns rec as readers without rights on its
// drafts see it: its published revision as the current state (ENOTFOUND
// when it has none).
func (s *Service) publishedCommitmentRecord(ctx context.Context, rec *CommitmentRecord) (*CommitmentRecord, error) {
	switch rec.PublishedVersion {
	case 0:
		return nil, Errorf(ENOTFOUND, "commitment %q not found", rec.ID)
	case rec.Version:
		return rec, nil
	}
	rev, err := s.Store.CommitmentRevision(ctx, rec.ID, rec.PublishedVersion)
	if err != nil {
		return nil, err
	}
	pub := *rec
	pub.Version, pub.Status, pub.Commitment = rev.Version, Published, rev.Commitment
	pub.UpdatedAt, pub.UpdatedBy = rev.At, rev.Actor
	return &pub, nil
}

// ListCommitments returns one page of the commitments the caller may see:
// an owner lists a country of its own in any status, everyone else the
// published revisions.
func (s *Service) ListCommitments(ctx context.Context, f CommitmentFilter) (*CommitmentPage, error) {
	p := PrincipalFromContext(ctx)
	page, err := s.Store.ListCommitments(ctx, commitmentListScope(p, f))
	if err != nil {
		return nil, err
	}
	kept := page.Records[:0]
	for _, rec := range page.Records {
		full, err := authorizeCommitmentRead(p, rec)
		if err != nil {
			continue
		}
		if !full {
			if rec, err = s.publishedCommitmentRecord(ctx, rec); err != nil {
				return nil, err
			}
		}
		kept = append(kept, rec)
	}
	page.Records = kept
	return page, nil
}

// writableCommitment reads commitment id for a write by the caller.
func (s *Service) writableCommitment(ctx context.Context, operation, id string, action Action, content *Commitment) (*Principal, *CommitmentRecord, error) {
	p, err := s.permit(ctx, operation)
	if err != nil {
		return nil, nil, err
	}
	rec, err := s.Store.Commitment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return p, rec, authorizeCommitmentWrite(p, action, rec, content)
}

// UpdateCommitment replaces the content of a draft from the version the
// caller read (ECONFLICT if stale).
func (s *Service) UpdateCommitment(ctx context.Context, id string, version int, c *Commitment, note string) (*CommitmentView, error) {
	return atomically1(ctx, s, func(ctx context.Context) (*CommitmentView, error) {
		return s.updateCommitment(ctx, id, version, c, note)
	})
}

func (s *Service) updateCommitment(ctx context.Context, id string, version int, c *Commitment, note string) (*CommitmentView, error) {
	p, _, err := s.writableCommitment(ctx, "updateCommitment", id, ActionUpdate, c)
	if err != nil {
		return nil, err
	}
	rec, err := s.Store.UpdateCommitment(ctx, id, version, c, p.Actor(), note)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, "updateCommitment", rec.ID, map[string]any{"version": rec.Version, "status": rec.Status})
	return s.view(ctx, rec)
}

// TransitionCommitment makes a lifecycle move (see CommitmentTransitions)
// from the version the caller read. Publishing needs content without
// problems: EINVALID with all of them otherwise.
func (s *Service) TransitionCommitment(ctx context.Context, id string, version int, action Action, note string) (*CommitmentView, error) {
	return atomically1(ctx, s, func(ctx context.Context) (*CommitmentView, error) {
		return s.transitionCommitment(ctx, id, version, action, note)
	})
}

func (s *Service) transitionCommitment(ctx context.Context, id string, version int, action Action, note string) (*CommitmentView, error) {
	operation := string(action) + "Commitment"
	p, cur, err := s.writableCommitment(ctx, operation, id, action, nil)
	if err != nil {
		return nil, err
	}
	if action == ActionPublish {
		if cur.Version != version {
			return nil, Errorf(ECONFLICT, "commitment %s was changed since version %d; the current version is %d", id, version, cur.Version)
		}
		if _, err := CommitmentTransitionFor(cur.Status, action); err != nil {
			return nil, err
		}
		if problems := s.ValidateCommitment(&cur.Commitment); len(problems) > 0 {
			return nil, invalidInput("commitment", problems, "cannot publish commitment %s", id)
		}
	}
	rec, err := s.Store.TransitionCommitment(ctx, id, version, action, p.Actor(), note)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, operation, rec.ID, map[string]any{"version": rec.Version, "status": rec.Status})
	return s.view(ctx, rec)
}

// CommitmentRevisions lists the revisions of a commitment the caller may
// read, oldest first: all to its owners, the published ones to everyone
// else.
func (s *Service) CommitmentRevisions(ctx context.Context, id string) ([]*CommitmentRevision, error) {
	rec, err := s.Store.Commitment(ctx, id)
	if err != nil {
		return nil, err
	}
	p := PrincipalFromContext(ctx)
	if _, err := authorizeCommitmentRead(p, rec); err != nil {
		return nil, err
	}
	revs, err := s.Store.CommitmentRevisions(ctx, id)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(revs, func(rev *CommitmentRevision) bool { return !canReadCommitmentRevision(p, rec, rev) }), nil
}

// AddProgressReport files a progress report on a published commitment and
// returns it as stored with the commitment's progress after it. The
// report is checked against the published revision (its milestones, its
// date) and, when it corrects one, against the earlier reports: EINVALID
// with every problem otherwise. An assessor files its government's
// reports, a watchdog independent reviews, as their organisations.
func (s *Service) AddProgressReport(ctx context.Context, id string, r *ProgressReport) (*ProgressReport, *CommitmentProgress, error) {
	return atomically(ctx, s, func(ctx context.Context) (*ProgressReport, *CommitmentProgress, error) {
		return s.addProgressReport(ctx, id, r)
	})
}

func (s *Service) addProgressReport(ctx context.Context, id string, r *ProgressReport) (*ProgressReport, *CommitmentProgress, error) {
	p, err := s.permit(ctx, "createProgressReport")
	if err != nil {
		return nil, nil, err
	}
	rec, err := s.Store.Commitment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := authorizeProgressReport(p, rec, r); err != nil {
		return nil, nil, err
	}
	if rec.PublishedVersion == 0 {
		return nil, nil, Errorf(ESTATE, "commitment %s is %s and has no published revision: progress is reported on published commitments only", id, rec.Status)
	}
	published, err := s.publishedContent(ctx, rec)
	if err != nil {
		return nil, nil, err
	}
	reports, err := s.Store.ProgressReports(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	problems := r.Validate(published, s.now())
	if r.Corrects > 0 {
		i := slices.IndexFunc(reports, func(p *ProgressReport) bool { return p.Seq == r.Corrects })
		switch {
		case i < 0:
			problems = append(problems, Problem{Pointer: "/corrects", Detail: fmt.Sprintf("commitment %s has no report %d to correct", id, r.Corrects)})
		case reports[i].Reporter.Kind != r.Reporter.Kind:
			problems = append(problems, Problem{Pointer: "/corrects", Detail: fmt.Sprintf("report %d is a %s report; only another %s report can correct it", r.Corrects, reports[i].Reporter.Kind, reports[i].Reporter.Kind)})
		}
	}
	if len(problems) > 0 {
		return nil, nil, invalidInput("progress report", problems, "cannot report on commitment %s", id)
	}
	stored, err := s.Store.AddProgressReport(ctx, id, r, p.Actor())
	if err != nil {
		return nil, nil, err
	}
	s.audit(ctx, "createProgressReport", id, map[string]any{"seq": stored.Seq, "level": stored.Level, "reporter": stored.Reporter.Kind})
	return stored, Progress(published, append(reports, stored), s.now()), nil
}

// ProgressReports returns the reports of a commitment the caller may read,
// in Seq order, and its progress.
func (s *Service) ProgressReports(ctx context.Context, id string) ([]*ProgressReport, *CommitmentProgress, error) {
	rec, err := s.Store.Commitment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if _, err := authorizeCommitmentRead(PrincipalFromContext(ctx), rec); err != nil {
		return nil, nil, err
	}
	content, err := s.publishedContent(ctx, rec)
	if err != nil {
		return nil, nil, err
	}
	reports, err := s.Store.ProgressReports(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return reports, Progress(content, reports, s.now()), nil
}

// CountryCommitmentSummary summarises a country's published commitments;
// see summariseCountry. The linked recommendations' statuses are read from
// the stored scores under the scorer's policy (none without a scorer).
func (s *Service) CountryCommitmentSummary(ctx context.Context, country string) (*CountryCommitmentSummary, error) {
	if _, ok := s.Countries.Lookup(country); !ok {
		return nil, Errorf(EINVALID, "unknown country code %q: use an ISO 3166-1 alpha-3 code such as NOR", country)
	}
	items, err := s.publishedCommitments(ctx)
	if err != nil {
		return nil, err
	}
	var recs []string
	for _, pc := range items {
		if c := &pc.Revision.Commitment; c.Subject.Includes(country) {
			for _, r := range c.Recommendations {
				if !slices.Contains(recs, r) {
					recs = append(recs, r)
				}
			}
		}
	}
	var obs []Observation
	if len(recs) > 0 && s.Scorer != nil {
		f := PublishedFilter{Countries: []string{country}, Items: recs}
		if obs, err = s.Store.Observations(ctx, f, s.Scorer.PolicyDigest(), LevelRecommendation); err != nil {
			return nil, err
		}
	}
	return summariseCountry(s.Catalog, s.Countries, country, items, obs, s.now())
}

// WorkstreamCommitmentSummary summarises the published commitments by
// workstream; see summariseWorkstreams.
func (s *Service) WorkstreamCommitmentSummary(ctx context.Context) (*WorkstreamCommitmentSummary, error) {
	items, err := s.publishedCommitments(ctx)
	if err != nil {
		return nil, err
	}
	return summariseWorkstreams(s.Catalog, items, s.now()), nil
}

// FollowUpCommitmentSummary summarises the published commitments by
// follow-up process; see summariseFollowUp.
func (s *Service) FollowUpCommitmentSummary(ctx context.Context) (*FollowUpCommitmentSummary, error) {
	items, err := s.publishedCommitments(ctx)
	if err != nil {
		return nil, err
	}
	return summariseFollowUp(s.Catalog, items, s.now()), nil
}

// publishedCommitments reads every published commitment with its reports.
func (s *Service) publishedCommitments(ctx context.Context) ([]PublishedCommitment, error) {
	revs, err := s.Store.PublishedCommitments(ctx, CommitmentFilter{})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(revs))
	for i, rev := range revs {
		ids[i] = rev.CommitmentID
	}
	reports, err := s.Store.ProgressReports(ctx, ids...)
	if err != nil {
		return nil, err
	}
	byID := map[string][]*ProgressReport{}
	for _, r := range reports {
		byID[r.CommitmentID] = append(byID[r.CommitmentID], r)
	}
	items := make([]PublishedCommitment, len(revs))
	for i, rev := range revs {
		items[i] = PublishedCommitment{Revision: rev, Reports: byID[rev.CommitmentID]}
	}
	return items, nil
}

// publishedContent is the content reports are made on: the published
// revision's, or the current one's before any publication.
func (s *Service) publishedContent(ctx context.Context, rec *CommitmentRecord) (*Commitment, error) {
	if rec.PublishedVersion == 0 || rec.PublishedVersion == rec.Version {
		return &rec.Commitment, nil
	}
	rev, err := s.Store.CommitmentRevision(ctx, rec.ID, rec.PublishedVersion)
	if err != nil {
		return nil, err
	}
	return &rev.Commitment, nil
}

// view completes a record with its problems, warnings and progress.
func (s *Service) view(ctx context.Context, rec *CommitmentRecord) (*CommitmentView, error) {
	v := &CommitmentView{Record: rec, Problems: s.ValidateCommitment(&rec.Commitment)}
	// Only the aims that can count this commitment matter: those of its
	// workstream (its commitments suffice) and, for a joint one, the joint
	// commitments' (all of them are needed). A single country's commitment
	// outside any workstream counts in no aim.
	var (
		published []*CommitmentRevision
		err       error
	)
	switch c := &rec.Commitment; {
	case c.Subject.Joint():
		published, err = s.Store.PublishedCommitments(ctx, CommitmentFilter{})
	case c.Occasion.WorkstreamID != "":
		published, err = s.Store.PublishedCommitments(ctx, CommitmentFilter{Workstream: c.Occasion.WorkstreamID})
	}
	if err != nil {
		return nil, err
	}
	set := slices.DeleteFunc(published, func(r *CommitmentRevision) bool { return r.CommitmentID == rec.ID })
	if rec.Status != Withdrawn {
		set = append(set, &CommitmentRevision{CommitmentID: rec.ID, Version: rec.Version, Commitment: rec.Commitment})
	}
	v.Warnings = concerns(AimWarnings(s.Catalog, set), rec.ID)
	content, err := s.publishedContent(ctx, rec)
	if err != nil {
		return nil, err
	}
	reports, err := s.Store.ProgressReports(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	v.Progress = Progress(content, reports, s.now())
	return v, nil
}
