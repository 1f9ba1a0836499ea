package sqlrecord

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

// Row is one result row.
type Row interface {
	Scan(dest ...any) error
}

// Rows are the rows of a query, read with Next and Scan.
type Rows interface {
	Row
	Next() bool
	Err() error
	Close()
}

// Querier runs statements: a connection pool or a transaction. Statements
// are written with $1, $2, … placeholders, which both SQLite and
// PostgreSQL read.
type Querier interface {
	// Exec runs a statement and returns the number of rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) Row
}

// DB is a database: reads run on it directly, writes through Write.
type DB interface {
	Querier
	// Write runs fn in one write transaction, committed if fn returns nil
	// and rolled back otherwise.
	Write(ctx context.Context, fn func(tx Querier) error) error
}

// Dialect is what differs between the databases.
type Dialect interface {
	// Name names the database in error messages ("sqlite").
	Name() string
	// Time is t as the database keeps it. Scanning back goes through
	// ScanTime, which reads both forms.
	Time(t time.Time) any
	// NextSeq is an SQL expression for the next number of table.column.
	NextSeq(table, column string) string
	// LockCreates serialises creates in table until tx ends, so that the
	// sequence numbers they draw are in commit order and a reader paging
	// by them never passes a row committed later.
	LockCreates(ctx context.Context, tx Querier, table string) error
	// JSONValue is the placeholder p as a value for a column of JSON the
	// database checks (jsonb: "p::jsonb").
	JSONValue(p string) string
	// ForUpdate is appended to a SELECT of one row a write will change
	// ("" where the database has a single writer).
	ForUpdate() string
	// JSONText is an expression for the text at path in the JSON column
	// col.
	JSONText(col string, path ...string) string
	// JSONArrayHas is a condition: the JSON array at path in col holds the
	// text of its single ? parameter.
	JSONArrayHas(col string, path ...string) string
	// OneOf is a condition and its parameter: col is one of values (not
	// empty).
	OneOf(col string, values []string) (string, any)
	// Classify turns a driver error the domain has a meaning for into a
	// domain error, and returns nil for any other.
	Classify(err error) error
	// IsNoRows reports whether err says a query found no row.
	IsNoRows(err error) bool
}

// Error wraps err with the database and the operation. Domain errors pass
// through unchanged; a deadline is ETIMEOUT; what the dialect classifies
// takes its domain code.
func Error(d Dialect, op string, err error) error {
	var e *civicspace.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e):
		return err
	case errors.Is(err, context.DeadlineExceeded):
		return civicspace.WrapError(civicspace.ETIMEOUT, err, "the database did not answer in time")
	}
	if c := d.Classify(err); c != nil {
		return c
	}
	return fmt.Errorf("%s: %s: %w", d.Name(), op, err)
}

// Query builds a WHERE clause with numbered parameters.
type Query struct {
	where []string
	args  []any
}

// Add appends a condition; each "?" in cond becomes the next parameter.
func (q *Query) Add(cond string, args ...any) {
	for _, a := range args {
		cond = strings.Replace(cond, "?", q.Param(a), 1)
	}
	q.where = append(q.where, cond)
}

// Param appends a parameter and returns its placeholder.
func (q *Query) Param(arg any) string {
	q.args = append(q.args, arg)
	return "$" + strconv.Itoa(len(q.args))
}

// Args are the parameters added so far.
func (q *Query) Args() []any { return q.args }

// SQL is the conditions joined with AND ("TRUE" without any).
func (q *Query) SQL() string {
	if len(q.where) == 0 {
		return "TRUE"
	}
	return strings.Join(q.where, " AND ")
}

// ScanTime returns a scan destination that reads a time stored as
// microseconds since the epoch (SQLite) or as a timestamp (PostgreSQL)
// into t, in UTC.
func ScanTime(t *time.Time) any { return timeDest{t} }

type timeDest struct{ t *time.Time }

func (d timeDest) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*d.t = time.UnixMicro(v).UTC()
	case time.Time:
		*d.t = v.UTC()
	default:
		return fmt.Errorf("a time stored as %T", src)
	}
	return nil
}

var _ sql.Scanner = timeDest{}

// ScanOptTime is ScanTime for a column that may be NULL (a nil *t).
func ScanOptTime(t **time.Time) any { return optTimeDest{t} }

type optTimeDest struct{ t **time.Time }

func (d optTimeDest) Scan(src any) error {
	if src == nil {
		*d.t = nil
		return nil
	}
	var t time.Time
	if err := (timeDest{&t}).Scan(src); err != nil {
		return err
	}
	*d.t = &t
	return nil
}

// optTime is an optional time as the database keeps it (nil for NULL), in
// whole microseconds.
func optTime(d Dialect, t *time.Time) any {
	if t == nil {
		return nil
	}
	return d.Time(t.UTC().Truncate(time.Microsecond))
}

// Now is the time stamped on a write: UTC, in microseconds, which both
// stores keep exactly.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// idEncoding is lower-case base32 without the letters easily misread
// (Crockford's alphabet), so IDs are URL-safe and can be read aloud.
var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a random ID: prefix and 20 base32 characters (100 random
// bits).
func NewID(prefix string) string {
	var b [13]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return prefix + idEncoding.EncodeToString(b[:])[:20]
}

// EncodePageToken returns the token of the page after the row numbered
// seq: the base64url text of the number.
func EncodePageToken(seq int64) string {
	return base64.RawURLEncoding.EncodeToString(strconv.AppendInt(nil, seq, 10))
}

// DecodePageToken returns the number a token of EncodePageToken holds, or
// an EINVALID error.
func DecodePageToken(token string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		var seq int64
		if seq, err = strconv.ParseInt(string(b), 10, 64); err == nil && seq > 0 {
			return seq, nil
		}
	}
	return 0, civicspace.Errorf(civicspace.EINVALID, "page token %q is not one this server issued: start again without it", token)
}

// readPage reads a page in sequence order from rows, which hold one row
// more than size when there is a next page, and returns it with the next
// page's token ("" on the last page). scan reads a row whose last column
// is its sequence number.
func readPage[T any](rows Rows, size int, scan func(row Row, seq *int64) (T, error)) ([]T, string, error) {
	defer rows.Close()
	out := []T{}
	var last int64
	for rows.Next() {
		var seq int64
		rec, err := scan(rows, &seq)
		if err != nil {
			return nil, "", err
		}
		if len(out) == size {
			return out, EncodePageToken(last), nil
		}
		out, last = append(out, rec), seq
	}
	return out, "", rows.Err()
}

// JSONArray is xs as a JSON array text.
func JSONArray[T ~string](xs []T) string {
	if xs == nil {
		xs = []T{}
	}
	b, _ := json.Marshal(xs)
	return string(b)
}

// queryAll reads every row of a query with scan (an empty slice, not nil,
// for none).
func queryAll[T any](ctx context.Context, q Querier, scan func(Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
