package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlrecord"
	msqlite "modernc.org/sqlite" // also registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// Store is a civicspace.AssessmentStore in one SQLite file. It is safe for
// concurrent use.
type Store struct {
	// writer has exactly one connection: SQLite allows one writer at a time,
	// and queueing writers in Go rather than in SQLite's busy handler means
	// no write ever fails with SQLITE_BUSY under load from this process.
	writer *sql.DB
	// reader is a pool of read-only connections; in WAL mode they read the
	// last committed state while the writer writes.
	reader *sql.DB

	// Records, scores, keys, audit and packs: the SQL both stores share.
	sqlrecord.Stores
}

// Option configures Open and Migrate.
type Option func(*config)

type config struct {
	logger  *slog.Logger
	readers int
}

// WithMaxReaders bounds the read connection pool (default: the number of
// CPUs, at least 4).
func WithMaxReaders(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.readers = n
		}
	}
}

// WithLogger logs migrations to l. The default discards.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

func newConfig(opts []Option) *config {
	c := &config{readers: max(4, runtime.NumCPU())}
	for _, o := range opts {
		o(c)
	}
	c.logger = sqlrecord.Logger(c.logger)
	return c
}

// dsn returns the driver's data source name for path.
//
// synchronous=FULL, not the NORMAL usually paired with WAL: in WAL mode
// NORMAL does not sync the WAL at commit, only at checkpoints, so after a
// power loss or OS crash the last transactions that were already reported as
// committed can be missing. FULL syncs the WAL on every commit: once a write
// returns, it is on disk. Assessments are written by people, a few per
// minute, so the cost of one fsync per commit is not felt.
//
// _txlock=immediate makes every transaction BEGIN IMMEDIATE: it takes the
// write lock at the start, so a transaction that read a version can never
// fail to upgrade to a write (SQLITE_BUSY mid-transaction) because another
// process wrote first; busy_timeout waits out such a writer instead.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		// The file is already in WAL mode (the writer opens first and WAL is
		// persistent); query_only guards against a write slipping onto a
		// reader connection.
		q.Add("_pragma", "query_only(1)")
		// Reading through a memory map spares a system call per page read
		// (it halved the time of LatestPublished over 10,000 assessments).
		q.Add("_pragma", "mmap_size(268435456)")
	} else {
		// journal_mode(WAL) is set by setWAL, not here: see there.
		q.Set("_txlock", "immediate")
	}
	return path + "?" + q.Encode()
}

func checkPath(path string) error {
	switch {
	case path == "":
		return civicspace.Errorf(civicspace.EINVALID, "sqlite: the database path is empty")
	case path == ":memory:" || strings.HasPrefix(path, "file::memory:"):
		return civicspace.Errorf(civicspace.EINVALID, "sqlite: an in-memory database cannot be shared by the store's connections: give a file path")
	case strings.ContainsRune(path, '?'):
		return civicspace.Errorf(civicspace.EINVALID, "sqlite: the database path %q contains '?': give a plain file path", path)
	}
	return nil
}

// Open opens (creating it if needed) the database file at path and applies
// the schema migrations it lacks.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	cfg := newConfig(opts)
	writer, err := openWriter(ctx, path)
	if err != nil {
		return nil, err
	}
	if _, err := migrate(ctx, writer, cfg.logger); err != nil {
		writer.Close()
		return nil, err
	}
	reader, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	reader.SetMaxOpenConns(cfg.readers)
	reader.SetMaxIdleConns(cfg.readers)
	if err := reader.PingContext(ctx); err != nil {
		reader.Close()
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return newStore(writer, reader), nil
}

func newStore(writer, reader *sql.DB) *Store {
	db := database{reader: reader, writer: writer}
	return &Store{writer: writer, reader: reader, Stores: sqlrecord.NewStores(db, dialect{})}
}

func openWriter(ctx context.Context, path string) (*sql.DB, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	if err := setWAL(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return db, nil
}

// setWAL puts the file in WAL mode (a persistent property of the file).
// Switching a new file to WAL needs an exclusive lock, and SQLite reports
// SQLITE_BUSY at once, without its busy handler, when another process is
// switching or creating it at the same moment, so this retries for as long
// as busy_timeout would wait.
func setWAL(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		var mode string
		err := db.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode)
		switch {
		case err == nil && strings.EqualFold(mode, "wal"):
			return nil
		case err == nil:
			return fmt.Errorf("the file cannot be put in WAL mode (journal mode stays %q)", mode)
		case !isBusy(err) || time.Now().After(deadline):
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// isBusy reports whether err is SQLITE_BUSY (or one of its extended
// codes).
func isBusy(err error) bool {
	var e *msqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// Ping checks that the file can be read and written.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.reader.PingContext(ctx); err != nil {
		return dbError("ping", err)
	}
	if err := s.writer.PingContext(ctx); err != nil {
		return dbError("ping", err)
	}
	return nil
}

// Close closes the database. Every acknowledged write is already on disk.
func (s *Store) Close() error {
	return errors.Join(s.reader.Close(), s.writer.Close())
}

// dbError wraps a driver error with the operation; domain errors pass
// through unchanged.
func dbError(op string, err error) error { return sqlrecord.Error(dialect{}, op, err) }

func now() time.Time { return sqlrecord.Now() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
