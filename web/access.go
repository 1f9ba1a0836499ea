package web

import (
	"context"

	"github.com/civicspace/civicspace/civicspace"
)

// The app's calls into the Service, each with the caller's principal and
// the domain's own authorization rules (civicspace.AuthorizeRead,
// AuthorizeWrite, ListScope): the same rules, in the same order, as the
// REST API's. No rule is decided here; this file only puts the principal
// next to each Service call, so that when the Service takes the principal
// itself the app changes in this one place.

// readAssessment returns what p may read of an assessment: the record and
// its problems when p owns it (full), else its published revision only.
func (a *Handler) readAssessment(ctx context.Context, p *civicspace.Principal, id string) (rec *civicspace.Record, problems []civicspace.Problem, full bool, err error) {
	rec, problems, err = a.svc.Assessment(ctx, id)
	if err != nil {
		return nil, nil, false, err
	}
	if full, err = civicspace.AuthorizeRead(p, rec); err != nil {
		return nil, nil, false, err
	}
	if full {
		return rec, problems, true, nil
	}
	pub, err := a.publishedRecord(ctx, rec)
	return pub, nil, false, err
}

// publishedRecord is rec as of its published revision.
func (a *Handler) publishedRecord(ctx context.Context, rec *civicspace.Record) (*civicspace.Record, error) {
	if rec.PublishedVersion == 0 {
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "assessment %s not found", rec.ID)
	}
	rev, err := a.svc.Revision(ctx, rec.ID, rec.PublishedVersion)
	if err != nil {
		return nil, err
	}
	pub := *rec
	pub.Version, pub.Status, pub.Assessment = rev.Version, rev.Status, rev.Assessment
	return &pub, nil
}

// ownedAssessments lists the assessments p owns (its work), in status
// (any when empty).
func (a *Handler) ownedAssessments(ctx context.Context, p *civicspace.Principal, status civicspace.AssessmentStatus) ([]*civicspace.Record, error) {
	if !p.Authenticated() {
		return nil, nil
	}
	page, err := a.svc.ListAssessments(ctx, civicspace.ListScope(p, civicspace.AssessmentFilter{Status: status, PageSize: civicspace.MaxPageSize}))
	if err != nil {
		return nil, err
	}
	var out []*civicspace.Record
	for _, rec := range page.Records {
		if full, err := civicspace.AuthorizeRead(p, rec); err == nil && full {
			out = append(out, rec)
		}
	}
	return out, nil
}

// createAssessment stores content as a new draft of p.
func (a *Handler) createAssessment(ctx context.Context, p *civicspace.Principal, content *civicspace.Assessment) (*civicspace.Record, error) {
	if err := civicspace.AuthorizeWrite(p, civicspace.ActionCreate, nil, content); err != nil {
		return nil, err
	}
	rec, _, err := a.svc.CreateAssessment(ctx, content, p.Actor())
	return rec, err
}

// updateAssessment replaces a draft's content from version.
func (a *Handler) updateAssessment(ctx context.Context, p *civicspace.Principal, id string, version int, content *civicspace.Assessment) (*civicspace.Record, []civicspace.Problem, error) {
	rec, _, err := a.svc.Assessment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := civicspace.AuthorizeWrite(p, civicspace.ActionUpdate, rec, content); err != nil {
		return nil, nil, err
	}
	return a.svc.UpdateAssessment(ctx, id, version, content, p.Actor(), "")
}

// transition makes a lifecycle move from version.
func (a *Handler) transition(ctx context.Context, p *civicspace.Principal, id string, version int, action civicspace.Action, note string) (*civicspace.Record, error) {
	rec, _, err := a.svc.Assessment(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := civicspace.AuthorizeWrite(p, action, rec, nil); err != nil {
		return nil, err
	}
	return a.svc.Transition(ctx, id, version, action, p.Actor(), note)
}

// storedScore returns the stored score of a revision p may read.
func (a *Handler) storedScore(ctx context.Context, rec *civicspace.Record) (*civicspace.StoredScore, error) {
	return a.svc.StoredScore(ctx, rec.ID, rec.Version)
}
