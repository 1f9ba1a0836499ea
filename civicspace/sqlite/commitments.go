package sqlite

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

var _ civicspace.CommitmentStore = (*Store)(nil)

// newCommitmentID returns a random commitment ID: "cmt_" and 20 base32
// characters (100 random bits).
func newCommitmentID() string {
	var b [13]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "cmt_" + idEncoding.EncodeToString(b[:])[:20]
}

func marshalCommitment(c *civicspace.Commitment) ([]byte, error) {
	if c == nil {
		return nil, civicspace.Errorf(civicspace.EINVALID, "no commitment given")
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return nil, civicspace.WrapError(civicspace.EINVALID, err, "commitment cannot be encoded")
	}
	return doc, nil
}

func commitmentNotFound(id string) error {
	return civicspace.Errorf(civicspace.ENOTFOUND, "commitment %q not found", id)
}

// commitmentColumns selects a CommitmentRecord: the commitments row c
// joined with its current revision r.
const commitmentColumns = `c.id, c.version, c.status, c.published_version, c.created_at, c.created_by, c.updated_at, c.updated_by, r.document`

const commitmentFrom = ` FROM commitments c JOIN commitment_revisions r ON r.commitment_id = c.id AND r.version = c.version`

func scanCommitment(row scanner, extra ...any) (*civicspace.CommitmentRecord, error) {
	var (
		rec              civicspace.CommitmentRecord
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
	if err := json.Unmarshal(doc, &rec.Commitment); err != nil {
		return nil, fmt.Errorf("commitment %s version %d: stored document: %w", rec.ID, rec.Version, err)
	}
	return &rec, nil
}

// CreateCommitment stores c as a new draft, version 1.
func (s *Store) CreateCommitment(ctx context.Context, c *civicspace.Commitment, actor string) (*civicspace.CommitmentRecord, error) {
	doc, err := marshalCommitment(c)
	if err != nil {
		return nil, err
	}
	id, at := newCommitmentID(), now()
	err = s.write(ctx, "create commitment", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO commitments (id, seq, version, status, created_at, created_by, updated_at, updated_by)
			VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM commitments), 1, ?, ?, ?, ?, ?)`,
			id, civicspace.Draft, at.UnixMicro(), actor, at.UnixMicro(), actor); err != nil {
			return err
		}
		return insertCommitmentRevision(ctx, tx, id, 1, civicspace.Draft, civicspace.ActionCreate, actor, at, "", civicspace.ChangedCommitmentPointers(nil, c), doc)
	})
	if err != nil {
		return nil, err
	}
	rec := &civicspace.CommitmentRecord{ID: id, Version: 1, Status: civicspace.Draft, CreatedAt: at, CreatedBy: actor, UpdatedAt: at, UpdatedBy: actor}
	// The stored bytes decoded: what a later read returns, and a copy the
	// caller's later edits cannot alter.
	if err := json.Unmarshal(doc, &rec.Commitment); err != nil {
		return nil, fmt.Errorf("sqlite: create commitment: %w", err)
	}
	return rec, nil
}

func insertCommitmentRevision(ctx context.Context, tx *sql.Tx, id string, version int, status civicspace.AssessmentStatus, action civicspace.Action, actor string, at time.Time, note string, changes []string, doc []byte) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO commitment_revisions
		(commitment_id, version, status, action, actor, at, note, changes, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, version, status, action, actor, at.UnixMicro(), note, marshalChanges(changes), string(doc))
	return err
}

// Commitment returns the current state of a commitment.
func (s *Store) Commitment(ctx context.Context, id string) (*civicspace.CommitmentRecord, error) {
	rec, err := scanCommitment(s.reader.QueryRowContext(ctx, `SELECT `+commitmentColumns+commitmentFrom+` WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, commitmentNotFound(id)
	}
	if err != nil {
		return nil, dbError("read commitment", err)
	}
	return rec, nil
}

// currentCommitment is the commitments row a write starts from.
type currentCommitment struct {
	version, publishedVersion int
	status                    civicspace.AssessmentStatus
	createdAt                 int64
	createdBy                 string
	document                  []byte
}

// loadCommitment reads the row a write changes, inside its transaction,
// and checks that the caller read the current version.
func loadCommitment(ctx context.Context, tx *sql.Tx, id string, version int) (*currentCommitment, error) {
	var (
		c      currentCommitment
		status string
	)
	err := tx.QueryRowContext(ctx, `SELECT c.version, c.status, c.published_version, c.created_at, c.created_by, r.document`+commitmentFrom+` WHERE c.id = ?`, id).
		Scan(&c.version, &status, &c.publishedVersion, &c.createdAt, &c.createdBy, &c.document)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, commitmentNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	c.status = civicspace.AssessmentStatus(status)
	if c.version != version {
		return nil, civicspace.Errorf(civicspace.ECONFLICT, "commitment %q was changed by someone else: it is at version %d, not %d; read it again and reapply your change", id, c.version, version)
	}
	return &c, nil
}

// advanceCommitment moves the row from version `from` to the next; the
// version condition is the optimistic lock itself.
func advanceCommitment(ctx context.Context, tx *sql.Tx, id string, from int, set string, at time.Time, actor string, args ...any) error {
	q := `UPDATE commitments SET version = version + 1, updated_at = ?, updated_by = ?`
	if set != "" {
		q += ", " + set
	}
	res, err := tx.ExecContext(ctx, q+` WHERE id = ? AND version = ?`, append(append([]any{at.UnixMicro(), actor}, args...), id, from)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return civicspace.Errorf(civicspace.ECONFLICT, "commitment %q changed while it was being updated from version %d", id, from)
	}
	return nil
}

// UpdateCommitment replaces the content of a draft.
func (s *Store) UpdateCommitment(ctx context.Context, id string, version int, c *civicspace.Commitment, actor, note string) (*civicspace.CommitmentRecord, error) {
	doc, err := marshalCommitment(c)
	if err != nil {
		return nil, err
	}
	at := now()
	var rec *civicspace.CommitmentRecord
	err = s.write(ctx, "update commitment", func(tx *sql.Tx) error {
		cur, err := loadCommitment(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if cur.status != civicspace.Draft {
			return civicspace.Errorf(civicspace.ESTATE, "commitment %q is %s: only drafts can be edited (%s)", id, cur.status, howToEditCommitment(cur.status))
		}
		var old civicspace.Commitment
		if err := json.Unmarshal(cur.document, &old); err != nil {
			return fmt.Errorf("commitment %s version %d: stored document: %w", id, cur.version, err)
		}
		next := cur.version + 1
		if err := insertCommitmentRevision(ctx, tx, id, next, civicspace.Draft, civicspace.ActionUpdate, actor, at, note, civicspace.ChangedCommitmentPointers(&old, c), doc); err != nil {
			return err
		}
		if err := advanceCommitment(ctx, tx, id, cur.version, "", at, actor); err != nil {
			return err
		}
		rec = &civicspace.CommitmentRecord{ID: id, Version: next, Status: civicspace.Draft, PublishedVersion: cur.publishedVersion,
			CreatedAt: fromMicros(cur.createdAt), CreatedBy: cur.createdBy, UpdatedAt: at, UpdatedBy: actor}
		return json.Unmarshal(doc, &rec.Commitment)
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

func howToEditCommitment(status civicspace.AssessmentStatus) string {
	switch status {
	case civicspace.Published:
		return "correct it to start a new draft"
	case civicspace.Withdrawn:
		return "reopen it first"
	}
	return "it cannot be changed"
}

// TransitionCommitment makes a lifecycle move. Publishing makes the new
// revision the one readers see; withdrawing hides it; correcting keeps the
// previous publication visible while the correction is drafted.
func (s *Store) TransitionCommitment(ctx context.Context, id string, version int, action civicspace.Action, actor, note string) (*civicspace.CommitmentRecord, error) {
	if _, err := civicspace.CommitmentTransitionFor(civicspace.Draft, action); civicspace.ErrorCode(err) == civicspace.EINVALID {
		return nil, err
	}
	at := now()
	var rec *civicspace.CommitmentRecord
	err := s.write(ctx, "transition commitment", func(tx *sql.Tx) error {
		cur, err := loadCommitment(ctx, tx, id, version)
		if err != nil {
			return err
		}
		t, err := civicspace.CommitmentTransitionFor(cur.status, action)
		if err != nil {
			return err
		}
		next, published := cur.version+1, cur.publishedVersion
		set, args := `status = ?`, []any{t.To}
		switch action {
		case civicspace.ActionPublish:
			published = next
			set, args = set+`, published_version = ?`, append(args, next)
		case civicspace.ActionWithdraw:
			published = 0
			set += `, published_version = 0`
		}
		if err := insertCommitmentRevision(ctx, tx, id, next, t.To, action, actor, at, note, nil, cur.document); err != nil {
			return err
		}
		if err := advanceCommitment(ctx, tx, id, cur.version, set, at, actor, args...); err != nil {
			return err
		}
		rec = &civicspace.CommitmentRecord{ID: id, Version: next, Status: t.To, PublishedVersion: published,
			CreatedAt: fromMicros(cur.createdAt), CreatedBy: cur.createdBy, UpdatedAt: at, UpdatedBy: actor}
		return json.Unmarshal(cur.document, &rec.Commitment)
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

const commitmentRevisionColumns = `r.commitment_id, r.version, r.status, r.action, r.actor, r.at, r.note, r.changes, r.document`

func scanCommitmentRevision(row scanner) (*civicspace.CommitmentRevision, error) {
	var (
		rev            civicspace.CommitmentRevision
		status, action string
		at             int64
		changes, doc   []byte
	)
	if err := row.Scan(&rev.CommitmentID, &rev.Version, &status, &action, &rev.Actor, &at, &rev.Note, &changes, &doc); err != nil {
		return nil, err
	}
	rev.Status, rev.Action, rev.At = civicspace.AssessmentStatus(status), civicspace.Action(action), fromMicros(at)
	if err := json.Unmarshal(changes, &rev.Changes); err != nil {
		return nil, fmt.Errorf("commitment %s version %d: stored changes: %w", rev.CommitmentID, rev.Version, err)
	}
	if err := json.Unmarshal(doc, &rev.Commitment); err != nil {
		return nil, fmt.Errorf("commitment %s version %d: stored document: %w", rev.CommitmentID, rev.Version, err)
	}
	return &rev, nil
}

func (s *Store) queryCommitmentRevisions(ctx context.Context, op, query string, args ...any) ([]*civicspace.CommitmentRevision, error) {
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbError(op, err)
	}
	defer rows.Close()
	revs := []*civicspace.CommitmentRevision{}
	for rows.Next() {
		rev, err := scanCommitmentRevision(rows)
		if err != nil {
			return nil, dbError(op, err)
		}
		revs = append(revs, rev)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(op, err)
	}
	return revs, nil
}

// CommitmentRevisions lists every revision of a commitment, oldest first.
func (s *Store) CommitmentRevisions(ctx context.Context, id string) ([]*civicspace.CommitmentRevision, error) {
	revs, err := s.queryCommitmentRevisions(ctx, "list commitment revisions",
		`SELECT `+commitmentRevisionColumns+` FROM commitment_revisions r WHERE r.commitment_id = ? ORDER BY r.version`, id)
	if err != nil {
		return nil, err
	}
	if len(revs) == 0 {
		return nil, commitmentNotFound(id)
	}
	return revs, nil
}

// CommitmentRevision returns one revision of a commitment.
func (s *Store) CommitmentRevision(ctx context.Context, id string, version int) (*civicspace.CommitmentRevision, error) {
	rev, err := scanCommitmentRevision(s.reader.QueryRowContext(ctx, `SELECT `+commitmentRevisionColumns+` FROM commitment_revisions r
		WHERE r.commitment_id = ? AND r.version = ?`, id, version))
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.Commitment(ctx, id); err != nil {
			return nil, err
		}
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "commitment %q has no version %d", id, version)
	}
	if err != nil {
		return nil, dbError("read commitment revision", err)
	}
	return rev, nil
}

// commitmentConditions turns the content filters into conditions on the
// revision r.
func commitmentConditions(f civicspace.CommitmentFilter) ([]string, []any) {
	var (
		where []string
		args  []any
	)
	if f.Country != "" {
		where = append(where, `EXISTS (SELECT 1 FROM json_each(r.document, '$.subject.countries') WHERE value = ?)`)
		args = append(args, f.Country)
	}
	if f.Workstream != "" {
		where, args = append(where, `json_extract(r.document, '$.occasion.workstream_id') = ?`), append(args, f.Workstream)
	}
	if f.FollowUp != "" {
		where, args = append(where, `json_extract(r.document, '$.follow_up') = ?`), append(args, f.FollowUp)
	}
	return where, args
}

// ListCommitments returns one page of commitments in creation order,
// filtered on their current content.
func (s *Store) ListCommitments(ctx context.Context, f civicspace.CommitmentFilter) (*civicspace.CommitmentPage, error) {
	where, args := commitmentConditions(f)
	where = append(where, "TRUE")
	if f.PageToken != "" {
		after, err := decodePageToken(f.PageToken)
		if err != nil {
			return nil, err
		}
		where, args = append(where, "c.seq > ?"), append(args, after)
	}
	if f.Status != "" {
		where, args = append(where, "c.status = ?"), append(args, string(f.Status))
	}
	if f.PublishedOnly {
		where = append(where, "c.published_version > 0")
	}
	size := civicspace.ClampPageSize(f.PageSize)
	args = append(args, size+1)
	rows, err := s.reader.QueryContext(ctx, `SELECT `+commitmentColumns+`, c.seq`+commitmentFrom+`
		WHERE `+strings.Join(where, " AND ")+` ORDER BY c.seq LIMIT ?`, args...)
	if err != nil {
		return nil, dbError("list commitments", err)
	}
	defer rows.Close()
	records, next, err := readPage(rows, size, func(row scanner, seq *int64) (*civicspace.CommitmentRecord, error) {
		return scanCommitment(row, seq)
	})
	if err != nil {
		return nil, dbError("list commitments", err)
	}
	return &civicspace.CommitmentPage{Records: records, NextPageToken: next}, nil
}

// PublishedCommitments returns the published revision of every commitment
// that has one, in creation order, filtered on that revision's content.
func (s *Store) PublishedCommitments(ctx context.Context, f civicspace.CommitmentFilter) ([]*civicspace.CommitmentRevision, error) {
	where, args := commitmentConditions(f)
	where = append(where, "c.published_version > 0")
	return s.queryCommitmentRevisions(ctx, "published commitments", `SELECT `+commitmentRevisionColumns+`
		FROM commitments c JOIN commitment_revisions r ON r.commitment_id = c.id AND r.version = c.published_version
		WHERE `+strings.Join(where, " AND ")+` ORDER BY c.seq`, args...)
}

// AddProgressReport appends a report to a published commitment.
func (s *Store) AddProgressReport(ctx context.Context, id string, r *civicspace.ProgressReport, actor string) (*civicspace.ProgressReport, error) {
	if r == nil {
		return nil, civicspace.Errorf(civicspace.EINVALID, "no progress report given")
	}
	at := now()
	var stored civicspace.ProgressReport
	err := s.write(ctx, "add progress report", func(tx *sql.Tx) error {
		var (
			status    string
			published int
		)
		err := tx.QueryRowContext(ctx, `SELECT status, published_version FROM commitments WHERE id = ?`, id).Scan(&status, &published)
		if errors.Is(err, sql.ErrNoRows) {
			return commitmentNotFound(id)
		}
		if err != nil {
			return err
		}
		if published == 0 {
			return civicspace.Errorf(civicspace.ESTATE, "commitment %q is %s and has no published revision: progress is reported on published commitments only", id, status)
		}
		var seq int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM commitment_reports WHERE commitment_id = ?`, id).Scan(&seq); err != nil {
			return err
		}
		stored = *r
		stored.CommitmentID, stored.Seq, stored.CommitmentVersion, stored.CreatedAt, stored.CreatedBy = id, seq, published, at, actor
		doc, err := json.Marshal(&stored)
		if err != nil {
			return civicspace.WrapError(civicspace.EINVALID, err, "progress report cannot be encoded")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO commitment_reports
			(commitment_id, seq, commitment_version, reporter_kind, level, date, created_at, created_by, document)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, seq, published, string(r.Reporter.Kind), string(r.Level), r.Date, at.UnixMicro(), actor, string(doc)); err != nil {
			return err
		}
		// A copy decoded from the stored bytes, like every later read.
		stored = civicspace.ProgressReport{}
		return json.Unmarshal(doc, &stored)
	})
	if err != nil {
		return nil, err
	}
	return &stored, nil
}

// ProgressReports returns the reports of the given commitments, by
// commitment in the order given, then by Seq.
func (s *Store) ProgressReports(ctx context.Context, ids ...string) ([]*civicspace.ProgressReport, error) {
	out := []*civicspace.ProgressReport{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT commitment_id, seq, document FROM commitment_reports
		WHERE commitment_id IN (SELECT value FROM json_each(?)) ORDER BY commitment_id, seq`, jsonArray(ids))
	if err != nil {
		return nil, dbError("progress reports", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id  string
			seq int
			doc []byte
		)
		if err := rows.Scan(&id, &seq, &doc); err != nil {
			return nil, dbError("progress reports", err)
		}
		var r civicspace.ProgressReport
		if err := json.Unmarshal(doc, &r); err != nil {
			return nil, fmt.Errorf("sqlite: progress report %s/%d: stored document: %w", id, seq, err)
		}
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("progress reports", err)
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
