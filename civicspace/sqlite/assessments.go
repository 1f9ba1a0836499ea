package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

// identity is what the assessments row keeps of a document for filtering.
type identity struct {
	subjectKey, country, organisation, period string
	year                                      int
	kind                                      string
}

func identityOf(a *civicspace.Assessment) identity {
	id := identity{
		subjectKey:   a.Subject.Key(),
		country:      a.Subject.Country,
		organisation: a.Subject.Organisation,
		period:       a.Period.Key(), // one period, however written: see Period.Key
		kind:         string(a.Kind),
	}
	if !a.Period.End.IsZero() {
		id.year = a.Period.Year()
	}
	return id
}

func marshalDocument(a *civicspace.Assessment) ([]byte, error) {
	if a == nil {
		return nil, civicspace.Errorf(civicspace.EINVALID, "no assessment given")
	}
	doc, err := json.Marshal(a)
	if err != nil {
		return nil, civicspace.WrapError(civicspace.EINVALID, err, "assessment cannot be encoded")
	}
	return doc, nil
}

func marshalChanges(changes []string) string {
	if changes == nil {
		changes = []string{}
	}
	b, _ := json.Marshal(changes)
	return string(b)
}

// recordColumns selects a Record: the assessments row a joined with its
// current revision r.
const recordColumns = `a.id, a.version, a.status, a.published_version, a.created_at, a.created_by, a.updated_at, a.updated_by, r.document`

const recordFrom = ` FROM assessments a JOIN assessment_revisions r ON r.assessment_id = a.id AND r.version = a.version`

type scanner interface{ Scan(dest ...any) error }

func scanRecord(row scanner, extra ...any) (*civicspace.Record, error) {
	var (
		rec              civicspace.Record
		status           string
		created, updated int64
		doc              []byte
	)
	dest := append([]any{&rec.ID, &rec.Version, &status, &rec.PublishedVersion, &created, &rec.CreatedBy, &updated, &rec.UpdatedBy, &doc}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	rec.Status = civicspace.AssessmentStatus(status)
	rec.CreatedAt, rec.UpdatedAt = fromMicros(created), fromMicros(updated)
	if err := json.Unmarshal(doc, &rec.Assessment); err != nil {
		return nil, fmt.Errorf("assessment %s version %d: stored document: %w", rec.ID, rec.Version, err)
	}
	return &rec, nil
}

// CreateAssessment stores a as a new draft, version 1.
func (s *Store) CreateAssessment(ctx context.Context, a *civicspace.Assessment, actor string) (*civicspace.Record, error) {
	doc, err := marshalDocument(a)
	if err != nil {
		return nil, err
	}
	id, at, ident := newID(), now(), identityOf(a)
	err = s.write(ctx, "create assessment", func(tx *sql.Tx) error {
		// One writer at a time: MAX+1 inside the transaction gives sequence
		// numbers in commit order, which keeps pagination free of gaps.
		if _, err := tx.ExecContext(ctx, `INSERT INTO assessments
			(id, seq, version, status, subject_key, country, organisation, period, period_year, kind, created_at, created_by, updated_at, updated_by)
			VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM assessments), 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, civicspace.Draft, ident.subjectKey, ident.country, ident.organisation, ident.period, ident.year, ident.kind,
			at.UnixMicro(), actor, at.UnixMicro(), actor); err != nil {
			return err
		}
		return insertRevision(ctx, tx, id, 1, civicspace.Draft, civicspace.ActionCreate, actor, at.UnixMicro(), "", civicspace.ChangedPointers(nil, a), doc)
	})
	if err != nil {
		return nil, err
	}
	rec := &civicspace.Record{ID: id, Version: 1, Status: civicspace.Draft, CreatedAt: at, CreatedBy: actor, UpdatedAt: at, UpdatedBy: actor}
	// Decoding the stored bytes returns what a later read returns, and a
	// copy the caller's later edits of a cannot alter.
	if err := json.Unmarshal(doc, &rec.Assessment); err != nil {
		return nil, fmt.Errorf("sqlite: create assessment: %w", err)
	}
	return rec, nil
}

func insertRevision(ctx context.Context, tx *sql.Tx, id string, version int, status civicspace.AssessmentStatus, action civicspace.Action, actor string, at int64, note string, changes []string, doc []byte) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO assessment_revisions
		(assessment_id, version, status, action, actor, at, note, changes, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, version, status, action, actor, at, note, marshalChanges(changes), string(doc))
	return err
}

// Assessment returns the current state of an assessment.
func (s *Store) Assessment(ctx context.Context, id string) (*civicspace.Record, error) {
	rec, err := scanRecord(s.reader.QueryRowContext(ctx, `SELECT `+recordColumns+recordFrom+` WHERE a.id = ? AND a.deleted = 0`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, dbError("read assessment", err)
	}
	return rec, nil
}

func notFound(id string) error {
	return civicspace.Errorf(civicspace.ENOTFOUND, "assessment %q not found", id)
}

// current is the assessments row a write starts from.
type current struct {
	version, publishedVersion int
	everPublished             bool
	status                    civicspace.AssessmentStatus
	createdAt                 int64
	createdBy                 string
	document                  []byte
}

// load reads the row a write changes, inside its transaction, and checks
// that it exists and that the caller read the current version.
func load(ctx context.Context, tx *sql.Tx, id string, version int) (*current, error) {
	var (
		c       current
		status  string
		pubSeq  sql.NullInt64
		deleted bool
	)
	err := tx.QueryRowContext(ctx, `SELECT a.version, a.status, a.published_version, a.published_seq, a.deleted, a.created_at, a.created_by, r.document`+recordFrom+` WHERE a.id = ?`, id).
		Scan(&c.version, &status, &c.publishedVersion, &pubSeq, &deleted, &c.createdAt, &c.createdBy, &c.document)
	if errors.Is(err, sql.ErrNoRows) || deleted {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, err
	}
	c.status, c.everPublished = civicspace.AssessmentStatus(status), pubSeq.Valid
	if c.version != version {
		return nil, conflict(id, c.version, version)
	}
	return &c, nil
}

func conflict(id string, current, stated int) error {
	return civicspace.Errorf(civicspace.ECONFLICT, "assessment %q was changed by someone else: it is at version %d, not %d; read it again and reapply your change", id, current, stated)
}

// UpdateAssessment replaces the content of a draft.
func (s *Store) UpdateAssessment(ctx context.Context, id string, version int, a *civicspace.Assessment, actor, note string) (*civicspace.Record, error) {
	doc, err := marshalDocument(a)
	if err != nil {
		return nil, err
	}
	at, ident := now(), identityOf(a)
	var rec *civicspace.Record
	err = s.write(ctx, "update assessment", func(tx *sql.Tx) error {
		c, err := load(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if c.status != civicspace.Draft {
			return civicspace.Errorf(civicspace.ESTATE, "assessment %q is %s: only drafts can be edited (%s)", id, c.status, howToEdit(c.status))
		}
		var old civicspace.Assessment
		if err := json.Unmarshal(c.document, &old); err != nil {
			return fmt.Errorf("assessment %s version %d: stored document: %w", id, c.version, err)
		}
		next := c.version + 1
		if err := insertRevision(ctx, tx, id, next, civicspace.Draft, civicspace.ActionUpdate, actor, at.UnixMicro(), note, civicspace.ChangedPointers(&old, a), doc); err != nil {
			return err
		}
		if err := advance(ctx, tx, id, c.version, `subject_key = ?, country = ?, organisation = ?, period = ?, period_year = ?, kind = ?`,
			at, actor, ident.subjectKey, ident.country, ident.organisation, ident.period, ident.year, ident.kind); err != nil {
			return err
		}
		rec = &civicspace.Record{ID: id, Version: next, Status: civicspace.Draft, PublishedVersion: c.publishedVersion,
			CreatedAt: fromMicros(c.createdAt), CreatedBy: c.createdBy, UpdatedAt: at, UpdatedBy: actor}
		return json.Unmarshal(doc, &rec.Assessment)
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

func howToEdit(status civicspace.AssessmentStatus) string {
	switch status {
	case civicspace.Submitted:
		return "return it to draft first"
	case civicspace.Published:
		return "correct it to start a new draft"
	case civicspace.Withdrawn:
		return "reopen it first"
	}
	return "it cannot be changed"
}

// advance moves the row from version `from` to the next, setting the given
// columns too. The version condition is the optimistic lock itself; load
// has already checked it, so a miss here means a bug, reported as a
// conflict rather than a silent overwrite.
func advance(ctx context.Context, tx *sql.Tx, id string, from int, set string, at time.Time, actor string, args ...any) error {
	q := `UPDATE assessments SET version = version + 1, updated_at = ?, updated_by = ?`
	if set != "" {
		q += ", " + set
	}
	q += ` WHERE id = ? AND version = ?`
	res, err := tx.ExecContext(ctx, q, append(append([]any{at.UnixMicro(), actor}, args...), id, from)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return civicspace.Errorf(civicspace.ECONFLICT, "assessment %q changed while it was being updated from version %d", id, from)
	}
	return nil
}

// checkAction returns the EINVALID error of an action that is not a
// lifecycle move.
func checkAction(action civicspace.Action) error {
	for _, t := range civicspace.Transitions {
		if t.Action == action {
			return nil
		}
	}
	_, err := civicspace.TransitionFor(civicspace.Draft, action)
	return err
}

// TransitionAssessment makes a lifecycle move. Publishing makes the new
// revision the one readers see; withdrawing hides it; correcting keeps the
// previous publication visible while the correction is drafted.
func (s *Store) TransitionAssessment(ctx context.Context, id string, version int, action civicspace.Action, actor, note string) (*civicspace.Record, error) {
	if err := checkAction(action); err != nil {
		return nil, err
	}
	at := now()
	var rec *civicspace.Record
	err := s.write(ctx, "transition assessment", func(tx *sql.Tx) error {
		c, err := load(ctx, tx, id, version)
		if err != nil {
			return err
		}
		t, err := civicspace.TransitionFor(c.status, action)
		if err != nil {
			return err
		}
		next, published := c.version+1, c.publishedVersion
		set, args := `status = ?`, []any{t.To}
		switch action {
		case civicspace.ActionPublish:
			published = next
			set += `, published_version = ?, published_seq = (SELECT COALESCE(MAX(published_seq), 0) + 1 FROM assessments),
				pub_subject_key = subject_key, pub_country = country, pub_organisation = organisation,
				pub_period = period, pub_period_year = period_year, pub_kind = kind`
			args = append(args, next)
		case civicspace.ActionWithdraw:
			published = 0
			set += `, published_version = 0`
		}
		if err := insertRevision(ctx, tx, id, next, t.To, action, actor, at.UnixMicro(), note, nil, c.document); err != nil {
			return err
		}
		if err := advance(ctx, tx, id, c.version, set, at, actor, args...); err != nil {
			return err
		}
		rec = &civicspace.Record{ID: id, Version: next, Status: t.To, PublishedVersion: published,
			CreatedAt: fromMicros(c.createdAt), CreatedBy: c.createdBy, UpdatedAt: at, UpdatedBy: actor}
		return json.Unmarshal(c.document, &rec.Assessment)
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// DeleteAssessment deletes a draft that was never published. Nothing is
// erased: a final delete revision is written and the row marked deleted.
func (s *Store) DeleteAssessment(ctx context.Context, id string, version int, actor string) error {
	at := now()
	return s.write(ctx, "delete assessment", func(tx *sql.Tx) error {
		c, err := load(ctx, tx, id, version)
		if err != nil {
			return err
		}
		switch {
		case c.status != civicspace.Draft:
			return civicspace.Errorf(civicspace.ESTATE, "assessment %q is %s: only drafts can be deleted", id, c.status)
		case c.everPublished:
			return civicspace.Errorf(civicspace.ESTATE, "assessment %q has been published and cannot be deleted: its history stays public", id)
		}
		if err := insertRevision(ctx, tx, id, c.version+1, civicspace.Draft, civicspace.ActionDelete, actor, at.UnixMicro(), "", nil, c.document); err != nil {
			return err
		}
		return advance(ctx, tx, id, c.version, `deleted = 1`, at, actor)
	})
}

const revisionColumns = `r.assessment_id, r.version, r.status, r.action, r.actor, r.at, r.note, r.changes, r.document`

func scanRevision(row scanner) (*civicspace.Revision, error) {
	var (
		rev            civicspace.Revision
		status, action string
		at             int64
		changes, doc   []byte
	)
	if err := row.Scan(&rev.AssessmentID, &rev.Version, &status, &action, &rev.Actor, &at, &rev.Note, &changes, &doc); err != nil {
		return nil, err
	}
	rev.Status, rev.Action, rev.At = civicspace.AssessmentStatus(status), civicspace.Action(action), fromMicros(at)
	if err := json.Unmarshal(changes, &rev.Changes); err != nil {
		return nil, fmt.Errorf("assessment %s version %d: stored changes: %w", rev.AssessmentID, rev.Version, err)
	}
	if err := json.Unmarshal(doc, &rev.Assessment); err != nil {
		return nil, fmt.Errorf("assessment %s version %d: stored document: %w", rev.AssessmentID, rev.Version, err)
	}
	return &rev, nil
}

// Revisions lists every revision of a live assessment, oldest first.
func (s *Store) Revisions(ctx context.Context, id string) ([]*civicspace.Revision, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+revisionColumns+` FROM assessment_revisions r
		JOIN assessments a ON a.id = r.assessment_id AND a.deleted = 0
		WHERE r.assessment_id = ? ORDER BY r.version`, id)
	if err != nil {
		return nil, dbError("list revisions", err)
	}
	defer rows.Close()
	var revs []*civicspace.Revision
	for rows.Next() {
		rev, err := scanRevision(rows)
		if err != nil {
			return nil, dbError("list revisions", err)
		}
		revs = append(revs, rev)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("list revisions", err)
	}
	if len(revs) == 0 {
		return nil, notFound(id)
	}
	return revs, nil
}

// Revision returns one revision of a live assessment.
func (s *Store) Revision(ctx context.Context, id string, version int) (*civicspace.Revision, error) {
	rev, err := scanRevision(s.reader.QueryRowContext(ctx, `SELECT `+revisionColumns+` FROM assessment_revisions r
		JOIN assessments a ON a.id = r.assessment_id AND a.deleted = 0
		WHERE r.assessment_id = ? AND r.version = ?`, id, version))
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.Assessment(ctx, id); err != nil {
			return nil, err
		}
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "assessment %q has no version %d", id, version)
	}
	if err != nil {
		return nil, dbError("read revision", err)
	}
	return rev, nil
}

// ListAssessments returns one page of live assessments in creation order.
func (s *Store) ListAssessments(ctx context.Context, f civicspace.AssessmentFilter) (*civicspace.AssessmentPage, error) {
	var (
		where = []string{"a.deleted = 0"}
		args  []any
	)
	if f.PageToken != "" {
		after, err := decodePageToken(f.PageToken)
		if err != nil {
			return nil, err
		}
		where, args = append(where, "a.seq > ?"), append(args, after)
	}
	eq := func(col, v string) {
		if v != "" {
			where, args = append(where, col+" = ?"), append(args, v)
		}
	}
	eq("a.country", f.Country)
	eq("a.organisation", f.Organisation)
	eq("a.period", f.Period)
	eq("a.kind", string(f.Kind))
	eq("a.status", string(f.Status))
	if f.PublishedOnly {
		where = append(where, "a.published_version > 0")
	}
	if f.Subjects != nil {
		if len(f.Subjects) == 0 {
			return &civicspace.AssessmentPage{Records: []*civicspace.Record{}}, nil
		}
		where, args = append(where, "a.subject_key IN (SELECT value FROM json_each(?))"), append(args, jsonArray(f.Subjects))
	}
	if f.Author != "" {
		where, args = append(where, "json_extract(r.document, '$.author') = ?"), append(args, f.Author)
	}
	if o := f.Visible; o != nil {
		// Published, or owned: of the owner's kind, subjects and author.
		owned, oargs := []string{"a.kind = ?"}, []any{string(o.Kind)}
		if o.Subjects != nil {
			owned, oargs = append(owned, "a.subject_key IN (SELECT value FROM json_each(?))"), append(oargs, jsonArray(o.Subjects))
		}
		if o.Author != "" {
			owned, oargs = append(owned, "json_extract(r.document, '$.author') = ?"), append(oargs, o.Author)
		}
		if len(o.Subjects) == 0 && o.Author == "" {
			where = append(where, "a.published_version > 0") // owns nothing
		} else {
			where, args = append(where, "(a.published_version > 0 OR ("+strings.Join(owned, " AND ")+"))"), append(args, oargs...)
		}
	}
	size := civicspace.ClampPageSize(f.PageSize)
	args = append(args, size+1)
	rows, err := s.reader.QueryContext(ctx, `SELECT `+recordColumns+`, a.seq`+recordFrom+`
		WHERE `+strings.Join(where, " AND ")+` ORDER BY a.seq LIMIT ?`, args...)
	if err != nil {
		return nil, dbError("list assessments", err)
	}
	defer rows.Close()
	records, next, err := readPage(rows, size, func(row scanner, seq *int64) (*civicspace.Record, error) {
		return scanRecord(row, seq)
	})
	if err != nil {
		return nil, dbError("list assessments", err)
	}
	return &civicspace.AssessmentPage{Records: records, NextPageToken: next}, nil
}

func jsonArray[T ~string](xs []T) string {
	b, _ := json.Marshal(xs)
	return string(b)
}
