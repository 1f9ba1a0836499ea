package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace/sqlrecord"
)

// dialect is SQLite's side of the SQL the stores share.
type dialect struct{}

var _ sqlrecord.Dialect = dialect{}

func (dialect) Name() string { return "sqlite" }

// Time is microseconds since the epoch, in an INTEGER column.
func (dialect) Time(t time.Time) any { return t.UnixMicro() }

// NextSeq is MAX+1: the single writer draws it inside its transaction, so
// sequence numbers are in commit order.
func (dialect) NextSeq(table, column string) string {
	return "(SELECT COALESCE(MAX(" + column + "), 0) + 1 FROM " + table + ")"
}

// LockCreates has nothing to do: every write transaction is BEGIN
// IMMEDIATE on the one writer connection.
func (dialect) LockCreates(context.Context, sqlrecord.Querier, string) error { return nil }

func (dialect) JSONValue(p string) string { return p }

func (dialect) ForUpdate() string { return "" }

func jsonPath(path []string) string { return "'$." + strings.Join(path, ".") + "'" }

func (dialect) JSONText(col string, path ...string) string {
	return "json_extract(" + col + ", " + jsonPath(path) + ")"
}

func (dialect) JSONArrayHas(col string, path ...string) string {
	return "EXISTS (SELECT 1 FROM json_each(" + col + ", " + jsonPath(path) + ") WHERE value = ?)"
}

func (dialect) OneOf(col string, values []string) (string, any) {
	return col + " IN (SELECT value FROM json_each(?))", sqlrecord.JSONArray(values)
}

func (dialect) Classify(error) error { return nil }

func (dialect) IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// database is the store's two pools as a sqlrecord.DB: reads on the
// read-only pool, writes on the single writer.
type database struct{ reader, writer *sql.DB }

var _ sqlrecord.DB = database{}

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn adapts a pool or a transaction.
type conn struct{ q querier }

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := c.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (c conn) Query(ctx context.Context, query string, args ...any) (sqlrecord.Rows, error) {
	rows, err := c.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqlrecord.Row {
	return c.q.QueryRowContext(ctx, query, args...)
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }

func (d database) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return conn{d.writer}.Exec(ctx, query, args...)
}

func (d database) Query(ctx context.Context, query string, args ...any) (sqlrecord.Rows, error) {
	return conn{d.reader}.Query(ctx, query, args...)
}

func (d database) QueryRow(ctx context.Context, query string, args ...any) sqlrecord.Row {
	return conn{d.reader}.QueryRow(ctx, query, args...)
}

// Write runs fn in one write transaction (BEGIN IMMEDIATE), committed if
// fn returns nil and rolled back if it fails or panics.
func (d database) Write(ctx context.Context, fn func(tx sqlrecord.Querier) error) error {
	tx, err := d.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	// A panic in fn (a bug) must not leave the one writer connection in
	// an open transaction: every later write would wait for it.
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(conn{tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
