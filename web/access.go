package web

import (
	"context"

	"github.com/civicspace/civicspace/civicspace"
)

// The app's calls into the Service. The Service decides access from the
// principal in the context (the same rules, in the same order, as for the
// REST API); this file only puts the signed-in principal into the context
// of each call.

func withPrincipal(ctx context.Context, p *civicspace.Principal) context.Context {
	return civicspace.NewContextWithPrincipal(ctx, p)
}

// readAssessment returns what p may read of an assessment: the record and
// its problems when p owns it (full), else its published revision only.
func (a *Handler) readAssessment(ctx context.Context, p *civicspace.Principal, id string) (rec *civicspace.Record, problems []civicspace.Problem, full bool, err error) {
	rec, problems, full, err = a.svc.AssessmentView(withPrincipal(ctx, p), id)
	if err != nil || !full {
		problems = nil
	}
	return rec, problems, full, err
}

// ownedAssessments lists the assessments p owns (its work), in status
// (any when empty).
func (a *Handler) ownedAssessments(ctx context.Context, p *civicspace.Principal, status civicspace.AssessmentStatus) ([]*civicspace.Record, error) {
	if !p.Authenticated() {
		return nil, nil
	}
	ctx = withPrincipal(ctx, p)
	page, err := a.svc.ListAssessments(ctx, civicspace.AssessmentFilter{Status: status, PageSize: civicspace.MaxPageSize})
	if err != nil {
		return nil, err
	}
	var out []*civicspace.Record
	for _, rec := range page.Records {
		// Only what p may see whole: its own work, not others' publications.
		if _, _, full, err := a.svc.AssessmentView(ctx, rec.ID); err == nil && full {
			out = append(out, rec)
		}
	}
	return out, nil
}

// createAssessment stores content as a new draft of p.
func (a *Handler) createAssessment(ctx context.Context, p *civicspace.Principal, content *civicspace.Assessment) (*civicspace.Record, error) {
	rec, _, err := a.svc.CreateAssessment(withPrincipal(ctx, p), content)
	return rec, err
}

// updateAssessment replaces a draft's content from version.
func (a *Handler) updateAssessment(ctx context.Context, p *civicspace.Principal, id string, version int, content *civicspace.Assessment) (*civicspace.Record, []civicspace.Problem, error) {
	return a.svc.UpdateAssessment(withPrincipal(ctx, p), id, version, content, "")
}

// transition makes a lifecycle move from version.
func (a *Handler) transition(ctx context.Context, p *civicspace.Principal, id string, version int, action civicspace.Action, note string) (*civicspace.Record, error) {
	rec, _, err := a.svc.Transition(withPrincipal(ctx, p), id, version, action, note)
	return rec, err
}

// storedScore returns the stored score of a revision p may read.
func (a *Handler) storedScore(ctx context.Context, p *civicspace.Principal, rec *civicspace.Record) (*civicspace.StoredScore, error) {
	return a.svc.StoredScore(withPrincipal(ctx, p), rec.ID, rec.Version)
}
