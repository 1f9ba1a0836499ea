package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"log/slog"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlrecord"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrate applies the schema migrations the database file at path lacks,
// creating the file if needed, and returns the names of those it applied.
// Open does the same; Migrate is for deploying a schema change before
// starting servers.
func Migrate(ctx context.Context, path string, opts ...Option) ([]string, error) {
	cfg := newConfig(opts)
	db, err := openWriter(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return migrate(ctx, db, cfg.logger)
}

// migrate applies each pending migration in its own immediate transaction,
// which re-checks that it is still pending: two processes migrating the same
// file at once apply each migration once.
func migrate(ctx context.Context, db *sql.DB, logger *slog.Logger) ([]string, error) {
	ms, err := sqlrecord.LoadMigrations(migrationFiles)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return nil, fmt.Errorf("sqlite: migrate: %w", err)
	}
	var newest sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&newest); err != nil {
		return nil, fmt.Errorf("sqlite: migrate: %w", err)
	}
	if known := ms[len(ms)-1].Version; newest.Valid && int(newest.Int64) > known {
		return nil, civicspace.Errorf(civicspace.EINTERNAL, "the database schema is at version %d but this program knows only up to %d: run a newer civicspace", newest.Int64, known)
	}
	var applied []string
	for _, m := range ms {
		done, err := applyMigration(ctx, db, m)
		if err != nil {
			return applied, fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
		}
		if done {
			logger.InfoContext(ctx, "applied schema migration", "store", "sqlite", "migration", m.Name)
			applied = append(applied, m.Name)
		}
	}
	return applied, nil
}

func applyMigration(ctx context.Context, db *sql.DB, m sqlrecord.Migration) (bool, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, now().UnixMicro()); err != nil {
		return false, err
	}
	return true, tx.Commit()
}
