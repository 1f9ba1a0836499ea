package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"regexp"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlrecord"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is a civicspace.AssessmentStore in PostgreSQL. It is safe for
// concurrent use, and several processes may share one database.
type Store struct {
	pool *pgxpool.Pool

	// Records, scores, keys, audit and packs: the SQL both stores share.
	sqlrecord.Stores
}

// Option configures Open and Migrate.
type Option func(*config)

type config struct {
	logger *slog.Logger
	schema string
}

// WithLogger logs migrations to l. The default discards.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithSchema keeps the tables in the named schema, created if missing, by
// making it the search_path of every connection. By default the tables go
// to the connection's current schema (normally "public").
func WithSchema(name string) Option {
	return func(c *config) { c.schema = name }
}

var schemaName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

func newConfig(opts []Option) *config {
	c := &config{}
	for _, o := range opts {
		o(c)
	}
	c.logger = sqlrecord.Logger(c.logger)
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
	db, d := database{conn: conn{pool}, pool: pool}, dialect{createLock: lockKey("create", schema)}
	return &Store{pool: pool, Stores: sqlrecord.NewStores(db, d)}, nil
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

// dbError wraps a driver error with the operation; domain errors pass
// through unchanged.
func dbError(op string, err error) error { return sqlrecord.Error(dialect{}, op, err) }

func now() time.Time { return sqlrecord.Now() }
