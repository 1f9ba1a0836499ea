package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlrecord"
	"github.com/jackc/pgx/v5"
)

// MigrationStatus lists the schema migrations this program knows, each
// with when the database applied it (zero when pending). It changes
// nothing.
func MigrationStatus(ctx context.Context, dsn string, opts ...Option) ([]civicspace.Migration, error) {
	cfg := newConfig(opts)
	ms, err := sqlrecord.LoadMigrations(migrationFiles)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pool, err := newPool(ctx, dsn, cfg)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	applied := map[int]time.Time{}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return nil, fmt.Errorf("postgres: migration status: %w", err)
	}
	if exists {
		rows, err := pool.Query(ctx, `SELECT version, applied_at FROM schema_migrations`)
		if err != nil {
			return nil, fmt.Errorf("postgres: migration status: %w", err)
		}
		type row struct {
			Version   int
			AppliedAt time.Time
		}
		rs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
		if err != nil {
			return nil, fmt.Errorf("postgres: migration status: %w", err)
		}
		for _, r := range rs {
			applied[r.Version] = r.AppliedAt.UTC()
		}
	}
	out := make([]civicspace.Migration, len(ms))
	for i, m := range ms {
		out[i] = civicspace.Migration{Version: m.Version, Name: m.Name, AppliedAt: applied[m.Version]}
	}
	return out, nil
}
