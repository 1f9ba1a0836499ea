package web

import (
	"context"

	"github.com/civicspace/civicspace/civicspace"
)

// The app's calls into the Service. The Service reads the caller from the
// context (the app's middleware puts the signed-in principal there) and
// decides, with the same rules as for the REST API; no rule is decided
// here.

// readAssessment returns what p may read of an assessment: the record and
// its problems when p owns it (full), else its published revision only.
func (a *Handler) readAssessment(ctx context.Context, p *civicspace.Principal, id string) (rec *civicspace.Record, problems []civicspace.Problem, full bool, err error) {
	rec, problems, err = a.svc.Assessment(ctx, id)
	if err != nil {
		return nil, nil, false, err
	}
	if !p.Owns(&rec.Assessment) {
		return rec, nil, false, nil
	}
	return rec, problems, true, nil
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
	page, err := a.svc.ListAssessments(ctx, civicspace.AssessmentFilter{Status: status, PageSize: civicspace.MaxPageSize})
	if err != nil {
		return nil, err
	}
	var out []*civicspace.Record
	for _, rec := range page.Records {
		if p.Owns(&rec.Assessment) {
			out = append(out, rec)
		}
	}
	return out, nil
}

// createAssessment stores content as a new draft of p.
func (a *Handler) createAssessment(ctx context.Context, _ *civicspace.Principal, content *civicspace.Assessment) (*civicspace.Record, error) {
	rec, _, err := a.svc.CreateAssessment(ctx, content)
	return rec, err
}

// updateAssessment replaces a draft's content from version.
func (a *Handler) updateAssessment(ctx context.Context, _ *civicspace.Principal, id string, version int, content *civicspace.Assessment) (*civicspace.Record, []civicspace.Problem, error) {
	return a.svc.UpdateAssessment(ctx, id, version, content, "")
}

// transition makes a lifecycle move from version.
func (a *Handler) transition(ctx context.Context, _ *civicspace.Principal, id string, version int, action civicspace.Action, note string) (*civicspace.Record, error) {
	rec, _, err := a.svc.Transition(ctx, id, version, action, note)
	return rec, err
}

// storedScore returns the stored score of a revision p may read.
func (a *Handler) storedScore(ctx context.Context, rec *civicspace.Record) (*civicspace.StoredScore, error) {
	return a.svc.StoredScore(ctx, rec.ID, rec.Version)
}
