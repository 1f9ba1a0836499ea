package postgres

import (
	"context"
	"embed"
	"fmt"
	"slices"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlrecord"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrate applies the schema migrations the database lacks and returns the
// names of those it applied. Open does the same; Migrate is for deploying a
// schema change before starting servers.
func Migrate(ctx context.Context, dsn string, opts ...Option) ([]string, error) {
	cfg := newConfig(opts)
	pool, err := newPool(ctx, dsn, cfg)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	var applied []string
	_, err = migrateAll(ctx, pool, cfg, func(name string) { applied = append(applied, name) })
	return applied, err
}

// migrate applies the pending migrations and returns the schema the
// tables are in.
func migrate(ctx context.Context, pool *pgxpool.Pool, cfg *config) (string, error) {
	return migrateAll(ctx, pool, cfg, func(string) {})
}

// migrateAll holds a session advisory lock on one connection while it
// creates the schema and applies the migrations, so that processes
// starting together wait for the first and then find nothing to do.
// (CREATE SCHEMA IF NOT EXISTS alone is not safe against a concurrent
// twin: it can fail on the catalog's unique index.)
func migrateAll(ctx context.Context, pool *pgxpool.Pool, cfg *config, applied func(name string)) (string, error) {
	ms, err := sqlrecord.LoadMigrations(migrationFiles)
	if err != nil {
		return "", fmt.Errorf("postgres: %w", err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return "", fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Release()
	schema := cfg.schema
	if schema == "" {
		if err := conn.QueryRow(ctx, `SELECT COALESCE(current_schema(), '')`).Scan(&schema); err != nil {
			return "", fmt.Errorf("postgres: migrate: %w", err)
		}
	}
	key := lockKey("migrate", schema)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return "", fmt.Errorf("postgres: migrate: lock: %w", err)
	}
	defer func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key); err != nil {
			// The lock lives as long as the session: end the session.
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	if cfg.schema != "" {
		if _, err := conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{cfg.schema}.Sanitize()); err != nil {
			return "", fmt.Errorf("postgres: migrate: create schema %s: %w", cfg.schema, err)
		}
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return "", fmt.Errorf("postgres: migrate: %w", err)
	}
	rows, err := conn.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return "", fmt.Errorf("postgres: migrate: %w", err)
	}
	done, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return "", fmt.Errorf("postgres: migrate: %w", err)
	}
	if known := ms[len(ms)-1].Version; len(done) > 0 && slices.Max(done) > known {
		return "", civicspace.Errorf(civicspace.EINTERNAL, "the database schema is at version %d but this program knows only up to %d: run a newer civicspace", slices.Max(done), known)
	}
	for _, m := range ms {
		if slices.Contains(done, m.Version) {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
			return err
		})
		if err != nil {
			return "", fmt.Errorf("postgres: migration %s: %w", m.Name, err)
		}
		cfg.logger.InfoContext(ctx, "applied schema migration", "store", "postgres", "schema", schema, "migration", m.Name)
		applied(m.Name)
	}
	return schema, nil
}
