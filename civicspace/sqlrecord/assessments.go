package sqlrecord

import (
	"context"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

// Assessments keeps assessments: the lifecycle half of
// civicspace.AssessmentStore (scores and publications stay with each
// store).
type Assessments struct {
	t *Table[civicspace.Assessment]
}

// identity are the columns of an assessments row kept from its document;
// a publication copies them to pub_<column>.
var identity = []string{"subject_key", "country", "organisation", "period", "period_year", "kind"}

func assessmentFields(a *civicspace.Assessment) []Field {
	year := 0
	if !a.Period.End.IsZero() {
		year = a.Period.Year()
	}
	values := []any{a.Subject.Key(), a.Subject.Country, a.Subject.Organisation, a.Period.Key(), year, string(a.Kind)}
	fields := make([]Field, len(identity))
	for i, col := range identity {
		fields[i] = Field{col, values[i]}
	}
	return fields
}

// NewAssessments returns the assessments of db, kept in the tables
// assessments and assessment_revisions.
func NewAssessments(db DB, d Dialect) *Assessments {
	return &Assessments{NewTable(db, d, Kind[civicspace.Assessment]{
		Noun: "assessment", Table: "assessments", Revisions: "assessment_revisions", Key: "assessment_id", IDPrefix: "asm_",
		Fields: assessmentFields, Published: identity, PublishedSeq: true, Deletable: true,
		Changes: civicspace.ChangedPointers, TransitionFor: civicspace.TransitionFor,
	})}
}

func toRecord(r *Record[civicspace.Assessment]) *civicspace.Record {
	if r == nil {
		return nil
	}
	return &civicspace.Record{ID: r.ID, Version: r.Version, Status: r.Status, PublishedVersion: r.PublishedVersion,
		Assessment: r.Document, CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt, UpdatedBy: r.UpdatedBy}
}

func toRevision(r *Revision[civicspace.Assessment]) *civicspace.Revision {
	return &civicspace.Revision{AssessmentID: r.ID, Version: r.Version, Status: r.Status, Action: r.Action,
		Actor: r.Actor, At: r.At, Note: r.Note, Changes: r.Changes, Assessment: r.Document}
}

// RevisionColumns selects a revision of the assessment_revisions row r,
// for ScanRevision.
func (s *Assessments) RevisionColumns() string { return s.t.RevisionColumns() }

// ScanRevision reads a row of RevisionColumns.
func (s *Assessments) ScanRevision(row Row) (*civicspace.Revision, error) {
	rev, err := s.t.ScanRevision(row)
	if err != nil {
		return nil, err
	}
	return toRevision(rev), nil
}

// CreateAssessment stores a as a new draft, version 1.
func (s *Assessments) CreateAssessment(ctx context.Context, a *civicspace.Assessment, actor string) (*civicspace.Record, error) {
	rec, err := s.t.Create(ctx, a, actor)
	return toRecord(rec), err
}

// Assessment returns the current state of an assessment.
func (s *Assessments) Assessment(ctx context.Context, id string) (*civicspace.Record, error) {
	rec, err := s.t.Get(ctx, id)
	return toRecord(rec), err
}

// UpdateAssessment replaces the content of a draft.
func (s *Assessments) UpdateAssessment(ctx context.Context, id string, version int, a *civicspace.Assessment, actor, note string) (*civicspace.Record, error) {
	rec, err := s.t.Update(ctx, id, version, a, actor, note)
	return toRecord(rec), err
}

// TransitionAssessment makes a lifecycle move.
func (s *Assessments) TransitionAssessment(ctx context.Context, id string, version int, action civicspace.Action, actor, note string) (*civicspace.Record, error) {
	rec, err := s.t.Transition(ctx, id, version, action, actor, note)
	return toRecord(rec), err
}

// DeleteAssessment deletes a draft that was never published.
func (s *Assessments) DeleteAssessment(ctx context.Context, id string, version int, actor string) error {
	return s.t.Delete(ctx, id, version, actor)
}

// Revisions lists every revision of a live assessment, oldest first.
func (s *Assessments) Revisions(ctx context.Context, id string) ([]*civicspace.Revision, error) {
	revs, err := s.t.Revisions(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]*civicspace.Revision, len(revs))
	for i, r := range revs {
		out[i] = toRevision(r)
	}
	return out, nil
}

// Revision returns one revision of a live assessment.
func (s *Assessments) Revision(ctx context.Context, id string, version int) (*civicspace.Revision, error) {
	rev, err := s.t.Revision(ctx, id, version)
	if err != nil {
		return nil, err
	}
	return toRevision(rev), nil
}

// ListAssessments returns one page of live assessments in creation order.
// With PublishedOnly it lists their published view, filtered on it.
func (s *Assessments) ListAssessments(ctx context.Context, f civicspace.AssessmentFilter) (*civicspace.AssessmentPage, error) {
	if f.Subjects != nil && len(f.Subjects) == 0 {
		return &civicspace.AssessmentPage{Records: []*civicspace.Record{}}, nil
	}
	d := s.t.Dialect()
	author := d.JSONText("r.document", "author")
	recs, next, err := s.t.List(ctx, List{Published: f.PublishedOnly, Status: f.Status, PageSize: f.PageSize, PageToken: f.PageToken,
		Where: func(q *Query, published bool) {
			col := func(c string) string {
				if published {
					return "x.pub_" + c
				}
				return "x." + c
			}
			for _, c := range [][2]string{{"country", f.Country}, {"organisation", f.Organisation}, {"period", f.Period}, {"kind", string(f.Kind)}} {
				if c[1] != "" {
					q.Add(col(c[0])+" = ?", c[1])
				}
			}
			if f.Subjects != nil {
				cond, arg := d.OneOf(col("subject_key"), f.Subjects)
				q.Add(cond, arg)
			}
			if f.Author != "" {
				q.Add(author+" = ?", f.Author)
			}
			if o := f.Visible; o != nil {
				s.visible(q, o, author)
			}
		}})
	if err != nil {
		return nil, err
	}
	page := &civicspace.AssessmentPage{Records: make([]*civicspace.Record, len(recs)), NextPageToken: next}
	for i, r := range recs {
		page.Records[i] = toRecord(r)
	}
	return page, nil
}

// visible adds: published, or owned by o (of its kind, subjects and
// author).
func (s *Assessments) visible(q *Query, o *civicspace.Ownership, author string) {
	if len(o.Subjects) == 0 && o.Author == "" {
		q.Add("x.published_version > 0") // owns nothing
		return
	}
	owned, args := []string{"x.kind = ?"}, []any{string(o.Kind)}
	if o.Subjects != nil {
		cond, arg := s.t.Dialect().OneOf("x.subject_key", o.Subjects)
		owned, args = append(owned, cond), append(args, arg)
	}
	if o.Author != "" {
		owned, args = append(owned, author+" = ?"), append(args, o.Author)
	}
	q.Add("(x.published_version > 0 OR ("+strings.Join(owned, " AND ")+"))", args...)
}

// LatestPublishedOf returns the published revisions a WITH clause selects:
// with defines latest (id, published_version, pub_subject_key,
// pub_period, pub_kind, …), each store's fastest query of the latest
// publication of each subject, period and kind; they come ordered by
// subject, period and kind.
func (s *Assessments) LatestPublishedOf(ctx context.Context, with string, args ...any) ([]*civicspace.Revision, error) {
	revs, err := queryAll(ctx, s.t.db, s.ScanRevision, `WITH `+with+`
		SELECT `+s.t.RevisionColumns()+` FROM latest l
		JOIN assessment_revisions r ON r.assessment_id = l.id AND r.version = l.published_version
		ORDER BY l.pub_subject_key, l.pub_period, l.pub_kind`, args...)
	return revs, Error(s.t.d, "latest published", err)
}

// PublicationsOf returns the publications a WITH clause as for
// LatestPublishedOf selects, without reading their documents.
func (s *Assessments) PublicationsOf(ctx context.Context, with string, args ...any) ([]civicspace.Publication, error) {
	pubs, err := queryAll(ctx, s.t.db, func(row Row) (civicspace.Publication, error) {
		var (
			p    civicspace.Publication
			kind string
		)
		err := row.Scan(&p.AssessmentID, &p.Version, &p.Country, &p.Organisation, &p.Period, &kind)
		p.Kind = civicspace.Kind(kind)
		return p, err
	}, `WITH `+with+`
		SELECT id, published_version, pub_country, pub_organisation, pub_period, pub_kind FROM latest
		ORDER BY pub_subject_key, pub_period, pub_kind`, args...)
	return pubs, Error(s.t.d, "publications", err)
}
