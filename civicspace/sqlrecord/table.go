package sqlrecord

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

// Record is the current state of a stored record: its row and its latest
// revision's document.
type Record[D any] struct {
	ID      string
	Version int
	Status  civicspace.AssessmentStatus
	// PublishedVersion is the revision readers see (0 if none); while a
	// correction is drafted it stays the previous publication.
	PublishedVersion     int
	Document             D
	CreatedAt, UpdatedAt time.Time
	CreatedBy, UpdatedBy string
}

// Revision is one immutable state of a record.
type Revision[D any] struct {
	ID       string
	Version  int
	Status   civicspace.AssessmentStatus
	Action   civicspace.Action
	Actor    string
	At       time.Time
	Note     string
	Changes  []string
	Document D
}

// Field is a column of a record's row, set from its document so that
// lists can filter on it.
type Field struct {
	Column string
	Value  any
}

// Expr is a Field value written as SQL rather than passed as a parameter.
type Expr string

// Kind describes one kind of versioned record: where it is kept and its
// lifecycle.
type Kind[D any] struct {
	// Noun names one record in messages ("assessment").
	Noun string
	// Table holds one row per record; Revisions one row per version, whose
	// column Key names the record.
	Table, Revisions, Key string
	// IDPrefix starts every ID ("asm_").
	IDPrefix string
	// Fields returns the row's columns kept from a document (nil: none).
	Fields func(*D) []Field
	// Published names the Fields the row also keeps for its published
	// revision, as pub_<name>, set on every publication.
	Published []string
	// PublishedSeq says the table numbers publications in published_seq,
	// which also marks a record as published once.
	PublishedSeq bool
	// Deletable says the table has a deleted column: a draft never
	// published may be deleted (its revisions are kept).
	Deletable bool
	// Changes returns the JSON Pointers of what changes from old (nil on
	// create) to new.
	Changes func(old, new *D) []string
	// TransitionFor is the lifecycle: the move an action makes from a
	// status, or an ESTATE (EINVALID for an unknown action) error.
	TransitionFor func(from civicspace.AssessmentStatus, action civicspace.Action) (civicspace.Transition, error)
}

// Table keeps the records of one Kind.
type Table[D any] struct {
	db DB
	d  Dialect
	k  Kind[D]
}

// NewTable returns the table of kind k in db.
func NewTable[D any](db DB, d Dialect, k Kind[D]) *Table[D] {
	return &Table[D]{db: db, d: d, k: k}
}

// Dialect returns the table's dialect.
func (t *Table[D]) Dialect() Dialect { return t.d }

func (t *Table[D]) fail(op string, err error) error {
	return Error(t.d, op+" "+t.k.Noun, err)
}

func (t *Table[D]) notFound(id string) error {
	return civicspace.Errorf(civicspace.ENOTFOUND, "%s %q not found", t.k.Noun, id)
}

func (t *Table[D]) marshal(doc *D) ([]byte, error) {
	if doc == nil {
		return nil, civicspace.Errorf(civicspace.EINVALID, "no %s given", t.k.Noun)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, civicspace.WrapError(civicspace.EINVALID, err, "%s cannot be encoded", t.k.Noun)
	}
	return data, nil
}

func (t *Table[D]) unmarshal(data []byte, doc *D, id string, version int) error {
	if err := json.Unmarshal(data, doc); err != nil {
		return fmt.Errorf("%s %s version %d: stored document: %w", t.k.Noun, id, version, err)
	}
	return nil
}

func (t *Table[D]) fields(doc *D) []Field {
	if t.k.Fields == nil {
		return nil
	}
	return t.k.Fields(doc)
}

// live is the condition on the row x that it is not deleted.
func (t *Table[D]) live() string {
	if t.k.Deletable {
		return "NOT x.deleted"
	}
	return "TRUE"
}

// from joins the row x with its revision r: the current one, or the
// published one for the published view.
func (t *Table[D]) from(published bool) string {
	v := "x.version"
	if published {
		v = "x.published_version"
	}
	return ` FROM ` + t.k.Table + ` x JOIN ` + t.k.Revisions + ` r ON r.` + t.k.Key + ` = x.id AND r.version = ` + v
}

// recordColumns selects a Record from x and r. The published view is the
// record as readers without rights on its drafts see it: the published
// revision, stamped with who published it when.
func recordColumns(published bool) string {
	if published {
		return `x.id, r.version, r.status, x.published_version, x.created_at, x.created_by, r.at, r.actor, r.document`
	}
	return `x.id, x.version, x.status, x.published_version, x.created_at, x.created_by, x.updated_at, x.updated_by, r.document`
}

func (t *Table[D]) scanRecord(row Row, extra ...any) (*Record[D], error) {
	var (
		rec    Record[D]
		status string
		doc    []byte
	)
	dest := append([]any{&rec.ID, &rec.Version, &status, &rec.PublishedVersion,
		ScanTime(&rec.CreatedAt), &rec.CreatedBy, ScanTime(&rec.UpdatedAt), &rec.UpdatedBy, &doc}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	rec.Status = civicspace.AssessmentStatus(status)
	return &rec, t.unmarshal(doc, &rec.Document, rec.ID, rec.Version)
}

// RevisionColumns selects a Revision from the revision r.
func (t *Table[D]) RevisionColumns() string {
	return `r.` + t.k.Key + `, r.version, r.status, r.action, r.actor, r.at, r.note, r.changes, r.document`
}

// ScanRevision reads a row of RevisionColumns.
func (t *Table[D]) ScanRevision(row Row) (*Revision[D], error) {
	var (
		rev            Revision[D]
		status, action string
		changes, doc   []byte
	)
	if err := row.Scan(&rev.ID, &rev.Version, &status, &action, &rev.Actor, ScanTime(&rev.At), &rev.Note, &changes, &doc); err != nil {
		return nil, err
	}
	rev.Status, rev.Action = civicspace.AssessmentStatus(status), civicspace.Action(action)
	if err := json.Unmarshal(changes, &rev.Changes); err != nil {
		return nil, fmt.Errorf("%s %s version %d: stored changes: %w", t.k.Noun, rev.ID, rev.Version, err)
	}
	return &rev, t.unmarshal(doc, &rev.Document, rev.ID, rev.Version)
}

// Get returns the current state of a live record.
func (t *Table[D]) Get(ctx context.Context, id string) (*Record[D], error) {
	rec, err := t.get(ctx, t.db, id)
	return rec, t.fail("read", err)
}

func (t *Table[D]) get(ctx context.Context, q Querier, id string) (*Record[D], error) {
	rec, err := t.scanRecord(q.QueryRow(ctx, `SELECT `+recordColumns(false)+t.from(false)+` WHERE x.id = $1 AND `+t.live(), id))
	if t.d.IsNoRows(err) {
		return nil, t.notFound(id)
	}
	return rec, err
}

// Create stores doc as a new draft, version 1, and returns it as a later
// read returns it: read back in the same transaction, so a document the
// database cannot read back is never left behind.
func (t *Table[D]) Create(ctx context.Context, doc *D, actor string) (*Record[D], error) {
	data, err := t.marshal(doc)
	if err != nil {
		return nil, err
	}
	id, at := NewID(t.k.IDPrefix), Now()
	var rec *Record[D]
	err = t.db.Write(ctx, func(tx Querier) error {
		if err := t.d.LockCreates(ctx, tx, t.k.Table); err != nil {
			return err
		}
		q := &Query{}
		cols := []string{"id", "seq", "version", "status", "created_at", "created_by", "updated_at", "updated_by"}
		when, who := q.Param(t.d.Time(at)), q.Param(actor)
		vals := []string{q.Param(id), t.d.NextSeq(t.k.Table, "seq"), "1", q.Param(string(civicspace.Draft)), when, who, when, who}
		for _, f := range t.fields(doc) {
			cols, vals = append(cols, f.Column), append(vals, q.Param(f.Value))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO `+t.k.Table+` (`+strings.Join(cols, ", ")+`) VALUES (`+strings.Join(vals, ", ")+`)`, q.Args()...); err != nil {
			return err
		}
		if err := t.insertRevision(ctx, tx, id, 1, civicspace.Draft, civicspace.ActionCreate, actor, at, "", t.k.Changes(nil, doc), data); err != nil {
			return err
		}
		rec, err = t.get(ctx, tx, id)
		return err
	})
	return rec, t.fail("create", err)
}

func (t *Table[D]) insertRevision(ctx context.Context, tx Querier, id string, version int, status civicspace.AssessmentStatus, action civicspace.Action, actor string, at time.Time, note string, changes []string, doc []byte) error {
	_, err := tx.Exec(ctx, `INSERT INTO `+t.k.Revisions+`
		(`+t.k.Key+`, version, status, action, actor, at, note, changes, document) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		id, version, string(status), string(action), actor, t.d.Time(at), note, JSONArray(changes), string(doc))
	return err
}

// current is the row a write starts from.
type current struct {
	version, publishedVersion int
	everPublished             bool
	status                    civicspace.AssessmentStatus
	document                  []byte
}

// load locks the row a write changes, for the rest of its transaction,
// checks that it exists and that the caller read the current version, and
// reads the current revision's document. The row is locked alone and the
// document read in a statement of its own: a writer that waited for the
// lock then sees the revision its predecessor wrote.
func (t *Table[D]) load(ctx context.Context, tx Querier, id string, version int) (*current, error) {
	var (
		c             current
		status        string
		everPub, gone = "FALSE", "FALSE"
		deleted       bool
	)
	if t.k.PublishedSeq {
		everPub = "published_seq IS NOT NULL"
	}
	if t.k.Deletable {
		gone = "deleted"
	}
	err := tx.QueryRow(ctx, `SELECT version, status, published_version, `+everPub+`, `+gone+`
		FROM `+t.k.Table+` WHERE id = $1`+t.d.ForUpdate(), id).
		Scan(&c.version, &status, &c.publishedVersion, &c.everPublished, &deleted)
	if t.d.IsNoRows(err) || (err == nil && deleted) {
		return nil, t.notFound(id)
	}
	if err != nil {
		return nil, err
	}
	c.status = civicspace.AssessmentStatus(status)
	if c.version != version {
		return nil, civicspace.Errorf(civicspace.ECONFLICT, "%s %q was changed by someone else: it is at version %d, not %d; read it again and reapply your change", t.k.Noun, id, c.version, version)
	}
	err = tx.QueryRow(ctx, `SELECT document FROM `+t.k.Revisions+` WHERE `+t.k.Key+` = $1 AND version = $2`, id, c.version).Scan(&c.document)
	return &c, err
}

// advance moves the row from version `from` to the next, setting the given
// fields too. The version condition is the optimistic lock itself; load
// has already checked it, so a miss here means a bug, reported as a
// conflict rather than a silent overwrite.
func (t *Table[D]) advance(ctx context.Context, tx Querier, id string, from int, at time.Time, actor string, set []Field) error {
	q := &Query{}
	sets := []string{"version = version + 1", "updated_at = " + q.Param(t.d.Time(at)), "updated_by = " + q.Param(actor)}
	for _, f := range set {
		if e, ok := f.Value.(Expr); ok {
			sets = append(sets, f.Column+" = "+string(e))
		} else {
			sets = append(sets, f.Column+" = "+q.Param(f.Value))
		}
	}
	n, err := tx.Exec(ctx, `UPDATE `+t.k.Table+` SET `+strings.Join(sets, ", ")+
		` WHERE id = `+q.Param(id)+` AND version = `+q.Param(from), q.Args()...)
	if err != nil {
		return err
	}
	if n != 1 {
		return civicspace.Errorf(civicspace.ECONFLICT, "%s %q changed while it was being updated from version %d", t.k.Noun, id, from)
	}
	return nil
}

// Update replaces the content of a draft.
func (t *Table[D]) Update(ctx context.Context, id string, version int, doc *D, actor, note string) (*Record[D], error) {
	data, err := t.marshal(doc)
	if err != nil {
		return nil, err
	}
	at := Now()
	var rec *Record[D]
	err = t.db.Write(ctx, func(tx Querier) error {
		c, err := t.load(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if c.status != civicspace.Draft {
			return civicspace.Errorf(civicspace.ESTATE, "%s %q is %s: only drafts can be edited (%s)", t.k.Noun, id, c.status, howToEdit(c.status))
		}
		var old D
		if err := t.unmarshal(c.document, &old, id, c.version); err != nil {
			return err
		}
		if err := t.insertRevision(ctx, tx, id, c.version+1, civicspace.Draft, civicspace.ActionUpdate, actor, at, note, t.k.Changes(&old, doc), data); err != nil {
			return err
		}
		if err := t.advance(ctx, tx, id, c.version, at, actor, t.fields(doc)); err != nil {
			return err
		}
		rec, err = t.get(ctx, tx, id)
		return err
	})
	return rec, t.fail("update", err)
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

// Transition makes a lifecycle move. Publishing makes the new revision the
// one readers see; withdrawing hides it; correcting keeps the previous
// publication visible while the correction is drafted.
func (t *Table[D]) Transition(ctx context.Context, id string, version int, action civicspace.Action, actor, note string) (*Record[D], error) {
	if _, err := t.k.TransitionFor(civicspace.Draft, action); civicspace.ErrorCode(err) == civicspace.EINVALID {
		return nil, err
	}
	at := Now()
	var rec *Record[D]
	err := t.db.Write(ctx, func(tx Querier) error {
		c, err := t.load(ctx, tx, id, version)
		if err != nil {
			return err
		}
		tr, err := t.k.TransitionFor(c.status, action)
		if err != nil {
			return err
		}
		next := c.version + 1
		set := []Field{{"status", string(tr.To)}}
		switch action {
		case civicspace.ActionPublish:
			set = append(set, Field{"published_version", next})
			if t.k.PublishedSeq {
				set = append(set, Field{"published_seq", Expr(t.d.NextSeq(t.k.Table, "published_seq"))})
			}
			for _, col := range t.k.Published {
				set = append(set, Field{"pub_" + col, Expr(col)})
			}
		case civicspace.ActionWithdraw:
			set = append(set, Field{"published_version", 0})
		}
		if err := t.insertRevision(ctx, tx, id, next, tr.To, action, actor, at, note, nil, c.document); err != nil {
			return err
		}
		if err := t.advance(ctx, tx, id, c.version, at, actor, set); err != nil {
			return err
		}
		rec, err = t.get(ctx, tx, id)
		return err
	})
	return rec, t.fail("transition", err)
}

// Delete deletes a draft that was never published. Nothing is erased: a
// final delete revision is written and the row marked deleted.
func (t *Table[D]) Delete(ctx context.Context, id string, version int, actor string) error {
	if !t.k.Deletable {
		return civicspace.Errorf(civicspace.ESTATE, "a %s cannot be deleted", t.k.Noun)
	}
	at := Now()
	err := t.db.Write(ctx, func(tx Querier) error {
		c, err := t.load(ctx, tx, id, version)
		if err != nil {
			return err
		}
		switch {
		case c.status != civicspace.Draft:
			return civicspace.Errorf(civicspace.ESTATE, "%s %q is %s: only drafts can be deleted", t.k.Noun, id, c.status)
		case c.everPublished:
			return civicspace.Errorf(civicspace.ESTATE, "%s %q has been published and cannot be deleted: its history stays public", t.k.Noun, id)
		}
		if err := t.insertRevision(ctx, tx, id, c.version+1, civicspace.Draft, civicspace.ActionDelete, actor, at, "", nil, c.document); err != nil {
			return err
		}
		return t.advance(ctx, tx, id, c.version, at, actor, []Field{{"deleted", Expr("TRUE")}})
	})
	return t.fail("delete", err)
}

// queryRevisions reads the revisions a query of RevisionColumns selects.
func (t *Table[D]) queryRevisions(ctx context.Context, query string, args ...any) ([]*Revision[D], error) {
	rows, err := t.db.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	revs := []*Revision[D]{}
	for rows.Next() {
		rev, err := t.ScanRevision(rows)
		if err != nil {
			return nil, err
		}
		revs = append(revs, rev)
	}
	return revs, rows.Err()
}

// Revisions lists every revision of a live record, oldest first.
func (t *Table[D]) Revisions(ctx context.Context, id string) ([]*Revision[D], error) {
	revs, err := t.queryRevisions(ctx, `SELECT `+t.RevisionColumns()+` FROM `+t.k.Revisions+` r
		JOIN `+t.k.Table+` x ON x.id = r.`+t.k.Key+` AND `+t.live()+`
		WHERE r.`+t.k.Key+` = $1 ORDER BY r.version`, id)
	if err == nil && len(revs) == 0 {
		err = t.notFound(id)
	}
	return revs, t.fail("list revisions of", err)
}

// Revision returns one revision of a live record.
func (t *Table[D]) Revision(ctx context.Context, id string, version int) (*Revision[D], error) {
	rev, err := t.ScanRevision(t.db.QueryRow(ctx, `SELECT `+t.RevisionColumns()+` FROM `+t.k.Revisions+` r
		JOIN `+t.k.Table+` x ON x.id = r.`+t.k.Key+` AND `+t.live()+`
		WHERE r.`+t.k.Key+` = $1 AND r.version = $2`, id, version))
	if t.d.IsNoRows(err) {
		if _, err := t.Get(ctx, id); err != nil {
			return nil, err
		}
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "%s %q has no version %d", t.k.Noun, id, version)
	}
	return rev, t.fail("read revision of", err)
}

// List selects a page of live records.
type List struct {
	// Published lists the published view of the records that have one
	// (what readers without rights on their drafts see): Status and the
	// conditions of Where then apply to the published revision, so a
	// correction being drafted never shows through.
	Published bool
	Status    civicspace.AssessmentStatus
	// Where adds conditions on the row x and its revision r (the current
	// one, or the published one when published is true).
	Where     func(q *Query, published bool)
	PageSize  int
	PageToken string
}

// List returns one page of live records in creation order and the next
// page's token ("" on the last).
func (t *Table[D]) List(ctx context.Context, l List) ([]*Record[D], string, error) {
	q := &Query{}
	q.Add(t.live())
	if l.PageToken != "" {
		after, err := DecodePageToken(l.PageToken)
		if err != nil {
			return nil, "", err
		}
		q.Add("x.seq > ?", after)
	}
	switch {
	case l.Published && l.Status != "" && l.Status != civicspace.Published:
		return []*Record[D]{}, "", nil // the published view is published
	case l.Published:
		q.Add("x.published_version > 0")
	case l.Status != "":
		q.Add("x.status = ?", string(l.Status))
	}
	if l.Where != nil {
		l.Where(q, l.Published)
	}
	size := civicspace.ClampPageSize(l.PageSize)
	limit := q.Param(size + 1)
	rows, err := t.db.Query(ctx, `SELECT `+recordColumns(l.Published)+`, x.seq`+t.from(l.Published)+`
		WHERE `+q.SQL()+` ORDER BY x.seq LIMIT `+limit, q.Args()...)
	if err != nil {
		return nil, "", t.fail("list", err)
	}
	recs, next, err := readPage(rows, size, func(row Row, seq *int64) (*Record[D], error) {
		return t.scanRecord(row, seq)
	})
	return recs, next, t.fail("list", err)
}

// Published returns the published revision of every live record that has
// one, in creation order, with the conditions where adds on the row x and
// that revision r.
func (t *Table[D]) Published(ctx context.Context, where func(q *Query)) ([]*Revision[D], error) {
	q := &Query{}
	q.Add("x.published_version > 0")
	if where != nil {
		where(q)
	}
	revs, err := t.queryRevisions(ctx, `SELECT `+t.RevisionColumns()+t.from(true)+` WHERE `+q.SQL()+` ORDER BY x.seq`, q.Args()...)
	return revs, t.fail("list published", err)
}
