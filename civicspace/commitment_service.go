package civicspace

import (
	"context"
	"fmt"
	"slices"
)

// The commitment use cases of Service. They need a Store that also keeps
// commitments (implements CommitmentStore), as civicspace/sqlite and
// civicspace/postgres do, and read the day from Service.Now: overdue
// milestones are computed on every read, never stored.

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

// commitments returns the store's CommitmentStore side.
func (s *Service) commitments() (CommitmentStore, error) {
	cs, ok := s.Store.(CommitmentStore)
	if !ok {
		return nil, Errorf(EINTERNAL, "the store (%T) does not keep commitments", s.Store)
	}
	return cs, nil
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
// work in progress), and returns it with its problems and warnings.
func (s *Service) CreateCommitment(ctx context.Context, c *Commitment, actor string) (*CommitmentView, error) {
	cs, err := s.commitments()
	if err != nil {
		return nil, err
	}
	rec, err := cs.CreateCommitment(ctx, c, actor)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, cs, rec)
}

// Commitment returns the current state of a commitment with its problems,
// warnings and progress.
func (s *Service) Commitment(ctx context.Context, id string) (*CommitmentView, error) {
	cs, err := s.commitments()
	if err != nil {
		return nil, err
	}
	rec, err := cs.Commitment(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, cs, rec)
}

// CommitmentRecord returns the current state of a commitment alone,
// without computing its view: what authorization decisions need.
func (s *Service) CommitmentRecord(ctx context.Context, id string) (*CommitmentRecord, error) {
	cs, err := s.commitments()
	if err != nil {
		return nil, err
	}
	return cs.Commitment(ctx, id)
}

// PublishedCommitmentRecord returns rec as readers without rights on its
// drafts see it: its published revision as the current state (ENOTFOUND
// when it has none).
func (s *Service) PublishedCommitmentRecord(ctx context.Context, rec *CommitmentRecord) (*CommitmentRecord, error) {
	switch rec.PublishedVersion {
	case 0:
		return nil, Errorf(ENOTFOUND, "commitment %q not found", rec.ID)
	case rec.Version:
		return rec, nil
	}
	cs, err := s.commitments()
	if err != nil {
		return nil, err
	}
	rev, err := cs.CommitmentRevision(ctx, rec.ID, rec.PublishedVersion)
	if err != nil {
		return nil, err
	}
	pub := *rec
	pub.Version, pub.Status, pub.Commitment = rev.Version, Published, rev.Commitment
	pub.UpdatedAt, pub.UpdatedBy = rev.At, rev.Actor
	return &pub, nil
}

// PublishedCommitment returns the view of a commitment's published
// revision, as readers without rights on its drafts see it.
func (s *Service) PublishedCommitment(ctx context.Context, id string) (*CommitmentView, error) {
	cs, err := s.commitments()
	if err != nil {
		return nil, err
	}
	rec, err := cs.Commitment(ctx, id)
	if err != nil {
		return nil, err
	}
	if rec, err = s.PublishedCommitmentRecord(ctx, rec); err != nil {
		return nil, err
	}
	return s.view(ctx, cs, rec)
}

// ListCommitments returns one page of commitments.
func (s *Service) ListCommitments(ctx context.Context, f CommitmentFilter) (*CommitmentPage, error) {
	cs, err := s.commitments()
	if err != nil {
		return nil, err
	}
	return cs.ListCommitments(ctx, f)
}

// UpdateCommitment replaces the content of a draft from the version the
// caller read (ECONFLICT if stale).
func (s *Service) UpdateCommitment(ctx context.Context, id string, version int, c *Commitment, actor, note string) (*CommitmentView, error) {
	cs, err := s.commitments()
	if err != nil {
		return nil, err
	}
	rec, err := cs.UpdateCommitment(ctx, id, version, c, actor, note)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, cs, rec)
}

// TransitionCommitment makes a lifecycle move (see CommitmentTransitions)
// from the version the caller read. Publishing needs content without
// problems: EINVALID with all of them otherwise.
func (s *Service) TransitionCommitment(ctx context.Context, id string, version int, action Action, actor, note string) (*CommitmentView, error) {
	cs, err := s.commitments()
	if err != nil {
		return nil, err
	}
	if action == ActionPublish {
		rec, err := cs.Commitment(ctx, id)
		if err != nil {
			return nil, err
		}
		if rec.Version != version {
			return nil, Errorf(ECONFLICT, "commitment %s was changed since version %d; the current version is %d", id, version, rec.Version)
		}
		if _, err := CommitmentTransitionFor(rec.Status, action); err != nil {
			return nil, err
		}
		if problems := s.ValidateCommitment(&rec.Commitment); len(problems) > 0 {
			return nil, invalidInput("commitment", problems, "cannot publish commitment %s", id)
		}
	}
	rec, err := cs.TransitionCommitment(ctx, id, version, action, actor, note)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, cs, rec)
}

// CommitmentRevisions lists a commitment's revisions, oldest first.
func (s *Service) CommitmentRevisions(ctx context.Context, id string) ([]*CommitmentRevision, error) {
	cs, err := s.commitments()
	if err != nil {
		return nil, err
	}
	return cs.CommitmentRevisions(ctx, id)
}

// AddProgressReport files a progress report on a published commitment and
// returns it as stored with the commitment's progress after it. The
// report is checked against the published revision (its milestones, its
// date) and, when it corrects one, against the earlier reports: EINVALID
// with every problem otherwise.
func (s *Service) AddProgressReport(ctx context.Context, id string, r *ProgressReport, actor string) (*ProgressReport, *CommitmentProgress, error) {
	cs, err := s.commitments()
	if err != nil {
		return nil, nil, err
	}
	rec, err := cs.Commitment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if rec.PublishedVersion == 0 {
		return nil, nil, Errorf(ESTATE, "commitment %s is %s and has no published revision: progress is reported on published commitments only", id, rec.Status)
	}
	published, err := s.publishedContent(ctx, cs, rec)
	if err != nil {
		return nil, nil, err
	}
	reports, err := cs.ProgressReports(ctx, id)
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
	stored, err := cs.AddProgressReport(ctx, id, r, actor)
	if err != nil {
		return nil, nil, err
	}
	return stored, Progress(published, append(reports, stored), s.now()), nil
}

// ProgressReports returns a commitment's reports in Seq order and its
// progress.
func (s *Service) ProgressReports(ctx context.Context, id string) ([]*ProgressReport, *CommitmentProgress, error) {
	cs, err := s.commitments()
	if err != nil {
		return nil, nil, err
	}
	rec, err := cs.Commitment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	content, err := s.publishedContent(ctx, cs, rec)
	if err != nil {
		return nil, nil, err
	}
	reports, err := cs.ProgressReports(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return reports, Progress(content, reports, s.now()), nil
}

// CountryCommitmentSummary summarises a country's published commitments;
// see SummariseCountry. The linked recommendations' statuses are read from
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
	return SummariseCountry(s.Catalog, s.Countries, country, items, obs, s.now())
}

// WorkstreamCommitmentSummary summarises the published commitments by
// workstream; see SummariseWorkstreams.
func (s *Service) WorkstreamCommitmentSummary(ctx context.Context) (*WorkstreamCommitmentSummary, error) {
	items, err := s.publishedCommitments(ctx)
	if err != nil {
		return nil, err
	}
	return SummariseWorkstreams(s.Catalog, items, s.now()), nil
}

// FollowUpCommitmentSummary summarises the published commitments by
// follow-up process; see SummariseFollowUp.
func (s *Service) FollowUpCommitmentSummary(ctx context.Context) (*FollowUpCommitmentSummary, error) {
	items, err := s.publishedCommitments(ctx)
	if err != nil {
		return nil, err
	}
	return SummariseFollowUp(s.Catalog, items, s.now()), nil
}

// publishedCommitments reads every published commitment with its reports.
func (s *Service) publishedCommitments(ctx context.Context) ([]PublishedCommitment, error) {
	cs, err := s.commitments()
	if err != nil {
		return nil, err
	}
	revs, err := cs.PublishedCommitments(ctx, CommitmentFilter{})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(revs))
	for i, rev := range revs {
		ids[i] = rev.CommitmentID
	}
	reports, err := cs.ProgressReports(ctx, ids...)
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
func (s *Service) publishedContent(ctx context.Context, cs CommitmentStore, rec *CommitmentRecord) (*Commitment, error) {
	if rec.PublishedVersion == 0 || rec.PublishedVersion == rec.Version {
		return &rec.Commitment, nil
	}
	rev, err := cs.CommitmentRevision(ctx, rec.ID, rec.PublishedVersion)
	if err != nil {
		return nil, err
	}
	return &rev.Commitment, nil
}

// view completes a record with its problems, warnings and progress.
func (s *Service) view(ctx context.Context, cs CommitmentStore, rec *CommitmentRecord) (*CommitmentView, error) {
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
		published, err = cs.PublishedCommitments(ctx, CommitmentFilter{})
	case c.Occasion.WorkstreamID != "":
		published, err = cs.PublishedCommitments(ctx, CommitmentFilter{Workstream: c.Occasion.WorkstreamID})
	}
	if err != nil {
		return nil, err
	}
	set := slices.DeleteFunc(published, func(r *CommitmentRevision) bool { return r.CommitmentID == rec.ID })
	if rec.Status != Withdrawn {
		set = append(set, &CommitmentRevision{CommitmentID: rec.ID, Version: rec.Version, Commitment: rec.Commitment})
	}
	v.Warnings = concerns(AimWarnings(s.Catalog, set), rec.ID)
	content, err := s.publishedContent(ctx, cs, rec)
	if err != nil {
		return nil, err
	}
	reports, err := cs.ProgressReports(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	v.Progress = Progress(content, reports, s.now())
	return v, nil
}
