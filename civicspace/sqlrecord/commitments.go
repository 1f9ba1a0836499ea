package sqlrecord

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/civicspace/civicspace/civicspace"
)

var _ civicspace.CommitmentStore = (*Commitments)(nil)

// Commitments keeps commitments and their progress reports: a
// civicspace.CommitmentStore.
type Commitments struct {
	t  *Table[civicspace.Commitment]
	db DB
}

// NewCommitments returns the commitments of db, kept in the tables
// commitments, commitment_revisions and commitment_reports.
func NewCommitments(db DB, d Dialect) *Commitments {
	return &Commitments{db: db, t: NewTable(db, d, Kind[civicspace.Commitment]{
		Noun: "commitment", Table: "commitments", Revisions: "commitment_revisions", Key: "commitment_id", IDPrefix: "cmt_",
		Changes: civicspace.ChangedCommitmentPointers, TransitionFor: civicspace.CommitmentTransitionFor,
	})}
}

func toCommitmentRecord(r *Record[civicspace.Commitment]) *civicspace.CommitmentRecord {
	if r == nil {
		return nil
	}
	return &civicspace.CommitmentRecord{ID: r.ID, Version: r.Version, Status: r.Status, PublishedVersion: r.PublishedVersion,
		Commitment: r.Document, CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy, UpdatedAt: r.UpdatedAt, UpdatedBy: r.UpdatedBy}
}

func toCommitmentRevisions(revs []*Revision[civicspace.Commitment]) []*civicspace.CommitmentRevision {
	out := make([]*civicspace.CommitmentRevision, len(revs))
	for i, r := range revs {
		out[i] = &civicspace.CommitmentRevision{CommitmentID: r.ID, Version: r.Version, Status: r.Status, Action: r.Action,
			Actor: r.Actor, At: r.At, Note: r.Note, Changes: r.Changes, Commitment: r.Document}
	}
	return out
}

// CreateCommitment stores c as a new draft, version 1.
func (s *Commitments) CreateCommitment(ctx context.Context, c *civicspace.Commitment, actor string) (*civicspace.CommitmentRecord, error) {
	rec, err := s.t.Create(ctx, c, actor)
	return toCommitmentRecord(rec), err
}

// Commitment returns the current state of a commitment.
func (s *Commitments) Commitment(ctx context.Context, id string) (*civicspace.CommitmentRecord, error) {
	rec, err := s.t.Get(ctx, id)
	return toCommitmentRecord(rec), err
}

// UpdateCommitment replaces the content of a draft.
func (s *Commitments) UpdateCommitment(ctx context.Context, id string, version int, c *civicspace.Commitment, actor, note string) (*civicspace.CommitmentRecord, error) {
	rec, err := s.t.Update(ctx, id, version, c, actor, note)
	return toCommitmentRecord(rec), err
}

// TransitionCommitment makes a lifecycle move.
func (s *Commitments) TransitionCommitment(ctx context.Context, id string, version int, action civicspace.Action, actor, note string) (*civicspace.CommitmentRecord, error) {
	rec, err := s.t.Transition(ctx, id, version, action, actor, note)
	return toCommitmentRecord(rec), err
}

// CommitmentRevisions lists every revision of a commitment, oldest first.
func (s *Commitments) CommitmentRevisions(ctx context.Context, id string) ([]*civicspace.CommitmentRevision, error) {
	revs, err := s.t.Revisions(ctx, id)
	if err != nil {
		return nil, err
	}
	return toCommitmentRevisions(revs), nil
}

// CommitmentRevision returns one revision of a commitment.
func (s *Commitments) CommitmentRevision(ctx context.Context, id string, version int) (*civicspace.CommitmentRevision, error) {
	rev, err := s.t.Revision(ctx, id, version)
	if err != nil {
		return nil, err
	}
	return toCommitmentRevisions([]*Revision[civicspace.Commitment]{rev})[0], nil
}

// contentFilter adds the content conditions of f on the revision r.
func (s *Commitments) contentFilter(q *Query, f civicspace.CommitmentFilter) {
	d := s.t.Dialect()
	if f.Country != "" {
		q.Add(d.JSONArrayHas("r.document", "subject", "countries"), f.Country)
	}
	if f.Workstream != "" {
		q.Add(d.JSONText("r.document", "occasion", "workstream_id")+" = ?", f.Workstream)
	}
	if f.FollowUp != "" {
		q.Add(d.JSONText("r.document", "follow_up")+" = ?", f.FollowUp)
	}
}

// ListCommitments returns one page of commitments in creation order,
// filtered on their current content; with PublishedOnly, the published
// view of those that have one, filtered on it (a correction being drafted
// does not show through the status or content filters).
func (s *Commitments) ListCommitments(ctx context.Context, f civicspace.CommitmentFilter) (*civicspace.CommitmentPage, error) {
	recs, next, err := s.t.List(ctx, List{Published: f.PublishedOnly, Status: f.Status, PageSize: f.PageSize, PageToken: f.PageToken,
		Where: func(q *Query, _ bool) { s.contentFilter(q, f) }})
	if err != nil {
		return nil, err
	}
	page := &civicspace.CommitmentPage{Records: make([]*civicspace.CommitmentRecord, len(recs)), NextPageToken: next}
	for i, r := range recs {
		page.Records[i] = toCommitmentRecord(r)
	}
	return page, nil
}

// PublishedCommitments returns the published revision of every commitment
// that has one, in creation order, filtered on that revision's content.
func (s *Commitments) PublishedCommitments(ctx context.Context, f civicspace.CommitmentFilter) ([]*civicspace.CommitmentRevision, error) {
	revs, err := s.t.Published(ctx, func(q *Query) { s.contentFilter(q, f) })
	if err != nil {
		return nil, err
	}
	return toCommitmentRevisions(revs), nil
}

// AddProgressReport appends a report to a published commitment. The
// commitment's row is locked while the next Seq is drawn, so concurrent
// reports get consecutive numbers and a concurrent withdrawal waits.
func (s *Commitments) AddProgressReport(ctx context.Context, id string, r *civicspace.ProgressReport, actor string) (*civicspace.ProgressReport, error) {
	if r == nil {
		return nil, civicspace.Errorf(civicspace.EINVALID, "no progress report given")
	}
	d, at := s.t.Dialect(), Now()
	var stored civicspace.ProgressReport
	err := s.db.Write(ctx, func(tx Querier) error {
		var (
			status    string
			published int
		)
		err := tx.QueryRow(ctx, `SELECT status, published_version FROM commitments WHERE id = $1`+d.ForUpdate(), id).Scan(&status, &published)
		if d.IsNoRows(err) {
			return s.t.notFound(id)
		}
		if err != nil {
			return err
		}
		if published == 0 {
			return civicspace.Errorf(civicspace.ESTATE, "commitment %q is %s and has no published revision: progress is reported on published commitments only", id, status)
		}
		var seq int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM commitment_reports WHERE commitment_id = $1`, id).Scan(&seq); err != nil {
			return err
		}
		stored = *r
		stored.CommitmentID, stored.Seq, stored.CommitmentVersion, stored.CreatedAt, stored.CreatedBy = id, seq, published, at, actor
		doc, err := json.Marshal(&stored)
		if err != nil {
			return civicspace.WrapError(civicspace.EINVALID, err, "progress report cannot be encoded")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO commitment_reports
			(commitment_id, seq, commitment_version, reporter_kind, level, date, created_at, created_by, document)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			id, seq, published, string(r.Reporter.Kind), string(r.Level), r.Date, d.Time(at), actor, string(doc)); err != nil {
			return err
		}
		// A copy decoded from the stored bytes, like every later read.
		stored = civicspace.ProgressReport{}
		return json.Unmarshal(doc, &stored)
	})
	if err != nil {
		return nil, Error(d, "add progress report", err)
	}
	return &stored, nil
}

// ProgressReports returns the reports of the given commitments, by
// commitment in the order given, then by Seq.
func (s *Commitments) ProgressReports(ctx context.Context, ids ...string) ([]*civicspace.ProgressReport, error) {
	out := []*civicspace.ProgressReport{}
	if len(ids) == 0 {
		return out, nil
	}
	d := s.t.Dialect()
	q := &Query{}
	q.Add(d.OneOf("commitment_id", ids))
	rows, err := s.db.Query(ctx, `SELECT commitment_id, seq, document FROM commitment_reports
		WHERE `+q.SQL()+` ORDER BY commitment_id, seq`, q.Args()...)
	if err != nil {
		return nil, Error(d, "progress reports", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id  string
			seq int
			doc []byte
		)
		if err := rows.Scan(&id, &seq, &doc); err != nil {
			return nil, Error(d, "progress reports", err)
		}
		var r civicspace.ProgressReport
		if err := json.Unmarshal(doc, &r); err != nil {
			return nil, fmt.Errorf("%s: progress report %s/%d: stored document: %w", d.Name(), id, seq, err)
		}
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, Error(d, "progress reports", err)
	}
	order := map[string]int{}
	for i, id := range ids {
		if _, ok := order[id]; !ok {
			order[id] = i
		}
	}
	slices.SortStableFunc(out, func(a, b *civicspace.ProgressReport) int {
		return cmp.Compare(order[a.CommitmentID], order[b.CommitmentID])
	})
	return out, nil
}
