package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlrecord"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// dialect is PostgreSQL's side of the SQL the stores share.
type dialect struct {
	// createLock is the advisory lock key assessment creates take.
	createLock int64
}

var _ sqlrecord.Dialect = dialect{}

func (dialect) Name() string { return "postgres" }

func (dialect) Time(t time.Time) any { return t }

// NextSeq draws from the column's sequence, <table>_<column>.
func (dialect) NextSeq(table, column string) string {
	return "nextval('" + table + "_" + column + "')"
}

// LockCreates takes a transaction-level advisory lock, held from nextval
// to commit. Sequence numbers come out of nextval in call order, but
// concurrent transactions can commit in another order; a reader paging by
// seq could then pass a number whose row is committed only later and never
// see it. Creates are rare (people start records), so serialising them
// costs nothing felt. The keys are per schema, and those earlier releases
// took, so that replicas of both releases exclude each other during an
// upgrade.
func (d dialect) LockCreates(ctx context.Context, tx sqlrecord.Querier, table string) error {
	key, arg := "hashtextextended('civicspace:create-' || $1 || ':' || current_schema(), 0)", any(strings.TrimSuffix(table, "s"))
	if table == "assessments" {
		key, arg = "$1", d.createLock
	}
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(`+key+`)`, arg)
	return err
}

func (dialect) JSONValue(p string) string { return p + "::jsonb" }

func (dialect) ForUpdate() string { return " FOR UPDATE" }

// jsonPath is col's JSON at path, the last step as text when text is set.
func jsonPath(col string, path []string, text bool) string {
	for i, p := range path {
		op := "->"
		if text && i == len(path)-1 {
			op = "->>"
		}
		col += op + "'" + p + "'"
	}
	return col
}

func (dialect) JSONText(col string, path ...string) string { return jsonPath(col, path, true) }

func (dialect) JSONArrayHas(col string, path ...string) string {
	return "EXISTS (SELECT 1 FROM json_array_elements_text(" + jsonPath(col, path, false) + ") AS k(code) WHERE k.code = ?)"
}

// OneOf compares a single value with "=", not "= ANY": without column
// statistics PostgreSQL costs an array condition as one index descent per
// element and leaves it out of the index scan.
func (dialect) OneOf(col string, values []string) (string, any) {
	if len(values) == 1 {
		return col + " = ?", values[0]
	}
	return col + " = ANY(?)", values
}

// Classify gives a domain meaning to what a client can cause:
//   - 23505, a unique key taken by a concurrent writer: the version checks
//     make this unreachable, but if it happens it is a conflict, not an
//     overwrite;
//   - 22021 (a NUL or invalid UTF-8 in text) and 22P05 (a \u0000 escape
//     that jsonb cannot hold): PostgreSQL cannot keep such text, so it is
//     refused as invalid input and the write rolled back.
func (dialect) Classify(err error) error {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return nil
	}
	switch pg.Code {
	case "23505":
		return civicspace.WrapError(civicspace.ECONFLICT, err, "someone else changed this at the same time: read it again and retry")
	case "22021", "22P05":
		return civicspace.WrapError(civicspace.EINVALID, err, "the text cannot be stored: it holds a NUL character (\\u0000) or is not valid UTF-8")
	}
	return nil
}

func (dialect) IsNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

// pgQuerier is what a pool and a transaction share.
type pgQuerier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// conn adapts a pool or a transaction to sqlrecord.Querier.
type conn struct{ q pgQuerier }

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := c.q.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

func (c conn) Query(ctx context.Context, query string, args ...any) (sqlrecord.Rows, error) {
	return c.q.Query(ctx, query, args...)
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqlrecord.Row {
	return c.q.QueryRow(ctx, query, args...)
}

// database is the pool as a sqlrecord.DB.
type database struct {
	conn
	pool *pgxpool.Pool
}

// Write runs fn in one transaction, committed if fn returns nil and rolled
// back if it fails or panics (the connection then goes back to the pool).
func (d database) Write(ctx context.Context, fn func(tx sqlrecord.Querier) error) error {
	tx, err := d.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
			panic(p)
		}
	}()
	if err := fn(conn{tx}); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	return tx.Commit(ctx)
}
