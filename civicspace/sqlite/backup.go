package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlrecord"
)

// Backup writes a consistent copy of the database file at path to the new
// file to, while servers go on reading and writing it: VACUUM INTO reads
// one snapshot (a read transaction, which in WAL mode blocks no writer)
// and writes a compact, self-contained database. to must not exist. The
// copy is restored by stopping the servers and putting it in place of the
// file (and removing the old file's -wal and -shm files).
func Backup(ctx context.Context, path, to string) error {
	if err := checkPath(path); err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return civicspace.Errorf(civicspace.EINVALID, "sqlite: no database at %s", path)
	}
	if _, err := os.Stat(to); !errors.Is(err, fs.ErrNotExist) {
		return civicspace.Errorf(civicspace.EINVALID, "sqlite: %s already exists: back up to a new file", to)
	}
	// Not the read-only DSN: query_only refuses VACUUM INTO, although it
	// writes only the new file.
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, to); err != nil {
		return fmt.Errorf("sqlite: back up %s to %s: %w", path, to, err)
	}
	return nil
}

// MigrationStatus lists the schema migrations this program knows, each
// with when the database file at path applied it (zero when pending). It
// changes nothing and does not create the file.
func MigrationStatus(ctx context.Context, path string) ([]civicspace.Migration, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err != nil {
		return nil, civicspace.Errorf(civicspace.EINVALID, "sqlite: no database at %s", path)
	}
	ms, err := sqlrecord.LoadMigrations(migrationFiles)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	db, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	defer db.Close()
	applied := map[int]time.Time{}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n); err != nil {
		return nil, fmt.Errorf("sqlite: migration status: %w", err)
	}
	if n > 0 {
		rows, err := db.QueryContext(ctx, `SELECT version, applied_at FROM schema_migrations`)
		if err != nil {
			return nil, fmt.Errorf("sqlite: migration status: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var v int
			var at int64
			if err := rows.Scan(&v, &at); err != nil {
				return nil, fmt.Errorf("sqlite: migration status: %w", err)
			}
			applied[v] = time.UnixMicro(at).UTC()
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: migration status: %w", err)
		}
	}
	out := make([]civicspace.Migration, len(ms))
	for i, m := range ms {
		out[i] = civicspace.Migration{Version: m.Version, Name: m.Name, AppliedAt: applied[m.Version]}
	}
	return out, nil
}
