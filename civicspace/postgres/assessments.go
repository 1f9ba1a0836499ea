package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/jackc/pgx/v5"
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

func scanRecord(row pgx.Row, extra ...any) (*civicspace.Record, error) {
	var (
		rec    civicspace.Record
		status string
		doc    []byte
	)
	dest := append([]any{&rec.ID, &rec.Version, &status, &rec.PublishedVersion, &rec.CreatedAt, &rec.CreatedBy, &rec.UpdatedAt, &rec.UpdatedBy, &doc}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	rec.Status = civicspace.AssessmentStatus(status)
	rec.CreatedAt, rec.UpdatedAt = rec.CreatedAt.UTC(), rec.UpdatedAt.UTC()
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
	err = s.write(ctx, "create assessment", func(tx pgx.Tx) error {
		// Sequence numbers come out of nextval in call order, but
		// concurrent transactions can commit in another order; a reader
		// paging by seq could then pass a number whose row is committed
		// only later and never see it. Holding this lock from nextval to
		// commit makes seq order commit order. Creates are rare (people
		// start assessments), so serialising them costs nothing felt.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, s.createLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO assessments
			(id, seq, version, status, subject_key, country, organisation, period, period_year, kind, created_at, created_by, updated_at, updated_by)
			VALUES ($1, nextval('assessments_seq'), 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10)`,
			id, civicspace.Draft, ident.subjectKey, ident.country, ident.organisation, ident.period, ident.year, ident.kind, at, actor); err != nil {
			return err
		}
		return insertRevision(ctx, tx, id, 1, civicspace.Draft, civicspace.ActionCreate, actor, at, "", civicspace.ChangedPointers(nil, a), doc)
	})
	if err != nil {
		return nil, err
	}
	rec := &civicspace.Record{ID: id, Version: 1, Status: civicspace.Draft, CreatedAt: at, CreatedBy: actor, UpdatedAt: at, UpdatedBy: actor}
	// Decoding the stored bytes returns what a later read returns, and a
	// copy the caller's later edits of a cannot alter.
	if err := json.Unmarshal(doc, &rec.Assessment); err != nil {
		return nil, fmt.Errorf("postgres: create assessment: %w", err)
	}
	return rec, nil
}

func insertRevision(ctx context.Context, tx pgx.Tx, id string, version int, status civicspace.AssessmentStatus, action civicspace.Action, actor string, at time.Time, note string, changes []string, doc []byte) error {
	_, err := tx.Exec(ctx, `INSERT INTO assessment_revisions
		(assessment_id, version, status, action, actor, at, note, changes, document) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		id, version, status, action, actor, at, note, marshalChanges(changes), string(doc))
	return err
}

// Assessment returns the current state of an assessment.
func (s *Store) Assessment(ctx context.Context, id string) (*civicspace.Record, error) {
	rec, err := scanRecord(s.pool.QueryRow(ctx, `SELECT `+recordColumns+recordFrom+` WHERE a.id = $1 AND NOT a.deleted`, id))
	if errors.Is(err, pgx.ErrNoRows) {
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
	createdAt                 time.Time
	createdBy                 string
	document                  []byte
}

// load locks the row a write changes, for the rest of its transaction, and
// checks that it exists and that the caller read the current version.
// Concurrent writers of the same assessment queue on the lock; each then
// sees the version its predecessor wrote.
func load(ctx context.Context, tx pgx.Tx, id string, version int) (*current, error) {
	var (
		c       current
		status  string
		pubSeq  *int64
		deleted bool
	)
	// The row is locked alone: had the lock been taken in a join with the
	// current revision, a writer that waited for it would recheck the join
	// against the new version but the old revision row, and find nothing.
	err := tx.QueryRow(ctx, `SELECT version, status, published_version, published_seq, deleted, created_at, created_by
		FROM assessments WHERE id = $1 FOR UPDATE`, id).
		Scan(&c.version, &status, &c.publishedVersion, &pubSeq, &deleted, &c.createdAt, &c.createdBy)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && deleted) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, err
	}
	c.status, c.everPublished, c.createdAt = civicspace.AssessmentStatus(status), pubSeq != nil, c.createdAt.UTC()
	if c.version != version {
		return nil, conflict(id, c.version, version)
	}
	// A new statement sees the revision the lock holder before us wrote.
	if err := tx.QueryRow(ctx, `SELECT document FROM assessment_revisions WHERE assessment_id = $1 AND version = $2`, id, c.version).
		Scan(&c.document); err != nil {
		return nil, err
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
	err = s.write(ctx, "update assessment", func(tx pgx.Tx) error {
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
		if err := insertRevision(ctx, tx, id, next, civicspace.Draft, civicspace.ActionUpdate, actor, at, note, civicspace.ChangedPointers(&old, a), doc); err != nil {
			return err
		}
		if err := advance(ctx, tx, id, c.version, at, actor, []string{"subject_key", "country", "organisation", "period", "period_year", "kind"},
			ident.subjectKey, ident.country, ident.organisation, ident.period, ident.year, ident.kind); err != nil {
			return err
		}
		rec = &civicspace.Record{ID: id, Version: next, Status: civicspace.Draft, PublishedVersion: c.publishedVersion,
			CreatedAt: c.createdAt, CreatedBy: c.createdBy, UpdatedAt: at, UpdatedBy: actor}
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
// columns to args (a column given as "col = expr" is set to that
// expression). The version condition is the optimistic lock itself; load
// has already checked it under the row lock, so a miss here means a bug,
// reported as a conflict rather than a silent overwrite.
func advance(ctx context.Context, tx pgx.Tx, id string, from int, at time.Time, actor string, cols []string, args ...any) error {
	params := []any{id, from, at, actor}
	q := `UPDATE assessments SET version = version + 1, updated_at = $3, updated_by = $4`
	for _, col := range cols {
		if strings.Contains(col, "=") {
			q += ", " + col
			continue
		}
		params = append(params, args[0])
		args = args[1:]
		q += ", " + col + " = $" + strconv.Itoa(len(params))
	}
	tag, err := tx.Exec(ctx, q+` WHERE id = $1 AND version = $2`, params...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
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
	err := s.write(ctx, "transition assessment", func(tx pgx.Tx) error {
		c, err := load(ctx, tx, id, version)
		if err != nil {
			return err
		}
		t, err := civicspace.TransitionFor(c.status, action)
		if err != nil {
			return err
		}
		next, published := c.version+1, c.publishedVersion
		cols, args := []string{"status"}, []any{t.To}
		switch action {
		case civicspace.ActionPublish:
			published = next
			cols = append(cols, "published_version", "published_seq = nextval('assessments_published_seq')",
				"pub_subject_key = subject_key", "pub_country = country", "pub_organisation = organisation",
				"pub_period = period", "pub_period_year = period_year", "pub_kind = kind")
			args = append(args, next)
		case civicspace.ActionWithdraw:
			published = 0
			cols, args = append(cols, "published_version"), append(args, 0)
		}
		if err := insertRevision(ctx, tx, id, next, t.To, action, actor, at, note, nil, c.document); err != nil {
			return err
		}
		if err := advance(ctx, tx, id, c.version, at, actor, cols, args...); err != nil {
			return err
		}
		rec = &civicspace.Record{ID: id, Version: next, Status: t.To, PublishedVersion: published,
			CreatedAt: c.createdAt, CreatedBy: c.createdBy, UpdatedAt: at, UpdatedBy: actor}
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
	return s.write(ctx, "delete assessment", func(tx pgx.Tx) error {
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
		if err := insertRevision(ctx, tx, id, c.version+1, civicspace.Draft, civicspace.ActionDelete, actor, at, "", nil, c.document); err != nil {
			return err
		}
		return advance(ctx, tx, id, c.version, at, actor, []string{"deleted = true"})
	})
}

const revisionColumns = `r.assessment_id, r.version, r.status, r.action, r.actor, r.at, r.note, r.changes, r.document`

func scanRevision(row pgx.Row) (*civicspace.Revision, error) {
	var (
		rev            civicspace.Revision
		status, action string
		changes, doc   []byte
	)
	if err := row.Scan(&rev.AssessmentID, &rev.Version, &status, &action, &rev.Actor, &rev.At, &rev.Note, &changes, &doc); err != nil {
		return nil, err
	}
	rev.Status, rev.Action, rev.At = civicspace.AssessmentStatus(status), civicspace.Action(action), rev.At.UTC()
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
	rows, err := s.pool.Query(ctx, `SELECT `+revisionColumns+` FROM assessment_revisions r
		JOIN assessments a ON a.id = r.assessment_id AND NOT a.deleted
		WHERE r.assessment_id = $1 ORDER BY r.version`, id)
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
	rev, err := scanRevision(s.pool.QueryRow(ctx, `SELECT `+revisionColumns+` FROM assessment_revisions r
		JOIN assessments a ON a.id = r.assessment_id AND NOT a.deleted
		WHERE r.assessment_id = $1 AND r.version = $2`, id, version))
	if errors.Is(err, pgx.ErrNoRows) {
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

// query builds a WHERE clause with numbered parameters.
type query struct {
	where []string
	args  []any
}

// add appends a condition; each "?" in cond becomes the next parameter.
func (q *query) add(cond string, args ...any) {
	for _, a := range args {
		q.args = append(q.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(q.args)), 1)
	}
	q.where = append(q.where, cond)
}

// anyOf adds "col is one of values" (values not empty). A single value is
// compared with "=", not "= ANY": without column statistics PostgreSQL
// costs an array condition as one index descent per element and leaves
// it out of the index scan, reading every observation of a publication
// to keep one (0.5 s instead of 50 ms for 2,000 ratings).
func (q *query) anyOf(col string, values []string) {
	if len(values) == 1 {
		q.add(col+" = ?", values[0])
		return
	}
	q.add(col+" = ANY(?)", values)
}

// param appends a parameter and returns its placeholder.
func (q *query) param(arg any) string {
	q.args = append(q.args, arg)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *query) sql() string { return strings.Join(q.where, " AND ") }

// ListAssessments returns one page of live assessments in creation order.
func (s *Store) ListAssessments(ctx context.Context, f civicspace.AssessmentFilter) (*civicspace.AssessmentPage, error) {
	q := &query{where: []string{"NOT a.deleted"}}
	if f.PageToken != "" {
		after, err := decodePageToken(f.PageToken)
		if err != nil {
			return nil, err
		}
		q.add("a.seq > ?", after)
	}
	eq := func(col, v string) {
		if v != "" {
			q.add(col+" = ?", v)
		}
	}
	eq("a.country", f.Country)
	eq("a.organisation", f.Organisation)
	eq("a.period", f.Period)
	eq("a.kind", string(f.Kind))
	eq("a.status", string(f.Status))
	if f.PublishedOnly {
		q.add("a.published_version > 0")
	}
	if f.Subjects != nil {
		if len(f.Subjects) == 0 {
			return &civicspace.AssessmentPage{Records: []*civicspace.Record{}}, nil
		}
		q.add("a.subject_key = ANY(?)", f.Subjects)
	}
	if f.Author != "" {
		q.add("r.document->>'author' = ?", f.Author)
	}
	if o := f.Visible; o != nil {
		// Published, or owned: of the owner's kind, subjects and author.
		owned, oargs := "a.kind = ?", []any{string(o.Kind)}
		if o.Subjects != nil {
			owned, oargs = owned+" AND a.subject_key = ANY(?)", append(oargs, o.Subjects)
		}
		if o.Author != "" {
			owned, oargs = owned+" AND r.document->>'author' = ?", append(oargs, o.Author)
		}
		if len(o.Subjects) == 0 && o.Author == "" {
			q.add("a.published_version > 0") // owns nothing
		} else {
			q.add("(a.published_version > 0 OR ("+owned+"))", oargs...)
		}
	}
	size := civicspace.ClampPageSize(f.PageSize)
	limit := q.param(size + 1)
	rows, err := s.pool.Query(ctx, `SELECT `+recordColumns+`, a.seq`+recordFrom+`
		WHERE `+q.sql()+` ORDER BY a.seq LIMIT `+limit, q.args...)
	if err != nil {
		return nil, dbError("list assessments", err)
	}
	defer rows.Close()
	records, next, err := readPage(rows, size, func(row pgx.Row, seq *int64) (*civicspace.Record, error) {
		return scanRecord(row, seq)
	})
	if err != nil {
		return nil, dbError("list assessments", err)
	}
	return &civicspace.AssessmentPage{Records: records, NextPageToken: next}, nil
}
