package postgres

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is a civicspace.AssessmentStore in PostgreSQL. It is safe for
// concurrent use, and several processes may share one database.
type Store struct {
	pool *pgxpool.Pool
	// createLock is the advisory lock key creates take so that sequence
	// numbers are drawn in commit order (see CreateAssessment).
	createLock int64
}

var _ civicspace.AssessmentStore = (*Store)(nil)

// Option configures Open and Migrate.
type Option func(*config)

type config struct {
	logger *slog.Logger
	schema string
}

// WithLogger logs migrations to l. The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithSchema keeps the tables in the named schema, created if missing, by
// making it the search_path of every connection. By default the tables go
// to the connection's current schema (normally "public").
func WithSchema(name string) Option {
	return func(c *config) { c.schema = name }
}

var schemaName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

func newConfig(opts []Option) *config {
	c := &config{logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, o := range opts {
		o(c)
	}
	return c
}

// newPool connects a pool for dsn, a PostgreSQL URL or key=value string
// (pool settings such as pool_max_conns go in it too).
func newPool(ctx context.Context, dsn string, cfg *config) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The parse error can quote the DSN, password included.
		return nil, civicspace.Errorf(civicspace.EINVALID, "postgres: the connection string cannot be parsed")
	}
	if cfg.schema != "" {
		if !schemaName.MatchString(cfg.schema) {
			return nil, civicspace.Errorf(civicspace.EINVALID, "postgres: schema name %q: use letters, digits and '_', not starting with a digit", cfg.schema)
		}
		pc.ConnConfig.RuntimeParams["search_path"] = cfg.schema
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	return pool, nil
}

// Open connects to the database and applies the schema migrations it
// lacks.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	cfg := newConfig(opts)
	pool, err := newPool(ctx, dsn, cfg)
	if err != nil {
		return nil, err
	}
	schema, err := migrate(ctx, pool, cfg)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{pool: pool, createLock: lockKey("create", schema)}, nil
}

// lockKey derives an advisory lock key from a purpose and the schema, so
// that stores in different schemas of one database do not wait for each
// other.
func lockKey(purpose, schema string) int64 {
	h := fnv.New64a()
	_, _ = io.WriteString(h, "civicspace:"+purpose+":"+schema)
	return int64(h.Sum64())
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return dbError("ping", err)
	}
	return nil
}

// Close closes the pool's connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// write runs fn in one transaction, committed if fn returns nil.
func (s *Store) write(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return dbError(op, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return dbError(op, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return dbError(op, err)
	}
	return nil
}

// dbError wraps a driver error with the operation; domain errors pass
// through unchanged.
func dbError(op string, err error) error {
	var (
		e  *civicspace.Error
		pg *pgconn.PgError
	)
	switch {
	case errors.As(err, &e):
		return err
	case errors.Is(err, context.DeadlineExceeded):
		return civicspace.WrapError(civicspace.ETIMEOUT, err, "the database did not answer in time")
	case errors.As(err, &pg) && pg.Code == "23505":
		// A unique key taken by a concurrent writer: the version checks
		// make this unreachable, but if it happens it is a conflict, not
		// an overwrite.
		return civicspace.WrapError(civicspace.ECONFLICT, err, "someone else changed this at the same time: read it again and retry")
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// now is the time stamped on a write: UTC, in microseconds, which both
// stores keep exactly.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// idEncoding is lower-case base32 without the letters easily misread
// (Crockford's alphabet), so IDs are URL-safe and can be read aloud.
var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// newID returns a random assessment ID: "asm_" and 20 base32 characters
// (100 random bits).
func newID() string {
	var b [13]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "asm_" + idEncoding.EncodeToString(b[:])[:20]
}

// Page tokens are the base64url text of the last sequence number served.
// readPage reads a page of records in sequence order from rows, which hold
// one row more than size when there is a next page, and returns them with
// the next page's token ("" on the last page).
func readPage[T any](rows pgx.Rows, size int, scan func(row pgx.Row, seq *int64) (T, error)) ([]T, string, error) {
	out := []T{}
	var last int64
	for rows.Next() {
		var seq int64
		rec, err := scan(rows, &seq)
		if err != nil {
			return nil, "", err
		}
		if len(out) == size {
			return out, encodePageToken(last), nil
		}
		out, last = append(out, rec), seq
	}
	return out, "", rows.Err()
}

func encodePageToken(seq int64) string {
	return base64.RawURLEncoding.EncodeToString(strconv.AppendInt(nil, seq, 10))
}

func decodePageToken(token string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		var seq int64
		if seq, err = strconv.ParseInt(string(b), 10, 64); err == nil && seq > 0 {
			return seq, nil
		}
	}
	return 0, civicspace.Errorf(civicspace.EINVALID, "page token %q is not one this server issued: start again without it", token)
}
