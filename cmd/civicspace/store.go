package main

import (
	"context"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/postgres"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/spf13/cobra"
)

// The database the commands use unless --db or CIVICSPACE_DB says
// otherwise: a SQLite file in the working directory.
const (
	defaultDB = "sqlite:civicspace.db"
	dbEnv     = "CIVICSPACE_DB"
)

// addDBFlag adds the --db flag to cmd, storing its value in dbURL. Its
// default is $CIVICSPACE_DB when set, so a deployment configures the
// database once in the environment.
func addDBFlag(cmd *cobra.Command, dbURL *string) {
	*dbURL = defaultDB
	if v := os.Getenv(dbEnv); v != "" {
		*dbURL = v
	}
	cmd.Flags().Var(dbValue{dbURL}, "db", "database: sqlite:PATH (one file) or postgres://USER@HOST:PORT/DB (several servers); default from $"+dbEnv)
}

// dbValue is the --db flag's value. It shows itself without a password,
// since help text prints the default, which may come from the
// environment.
type dbValue struct{ url *string }

func (v dbValue) Set(s string) error { *v.url = s; return nil }
func (v dbValue) Type() string       { return "url" }
func (v dbValue) String() string {
	if v.url == nil {
		return ""
	}
	if db, err := parseDatabase(*v.url); err == nil {
		return db.String()
	}
	if u, err := url.Parse(*v.url); err == nil && u.User != nil {
		return u.Redacted()
	}
	return *v.url
}

// database is a parsed --db value.
type database struct {
	driver string // "sqlite" or "postgres"
	// target is the SQLite file path or the PostgreSQL connection URL.
	target string
	// schema is the PostgreSQL schema named by the URL's search_path, if
	// it names exactly one.
	schema string
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// parseDatabase reads "sqlite:PATH" or a "postgres://" (or
// "postgresql://") URL. Errors never repeat a password.
func parseDatabase(s string) (database, error) {
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(s, "sqlite:"), "//")
		if path == "" {
			return database{}, civicspace.Errorf(civicspace.EINVALID, "database %q names no file: use sqlite:PATH, e.g. sqlite:civicspace.db", s)
		}
		return database{driver: "sqlite", target: path}, nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		u, err := url.Parse(s)
		if err != nil {
			return database{}, civicspace.Errorf(civicspace.EINVALID, "the PostgreSQL URL in --db cannot be parsed")
		}
		db := database{driver: "postgres", target: s}
		if sp := u.Query().Get("search_path"); identifier.MatchString(sp) {
			db.schema = sp
		}
		return db, nil
	}
	scheme, _, found := strings.Cut(s, ":")
	if !found {
		return database{}, civicspace.Errorf(civicspace.EINVALID, "database %q has no kind: use sqlite:%s or a postgres:// URL", s, s)
	}
	return database{}, civicspace.Errorf(civicspace.EINVALID, "unknown kind of database %q: use sqlite:PATH or a postgres:// URL", scheme+":")
}

// String names the database for messages, without a password.
func (d database) String() string {
	if d.driver == "sqlite" {
		return "sqlite:" + d.target
	}
	if u, err := url.Parse(d.target); err == nil {
		return u.Redacted()
	}
	return "postgres"
}

// openStore opens the assessment store a --db value names, applying any
// pending schema migrations. The serve and rescore commands share it.
func openStore(ctx context.Context, dbURL string, logger *slog.Logger) (civicspace.Store, error) {
	db, err := parseDatabase(dbURL)
	if err != nil {
		return nil, err
	}
	if db.driver == "sqlite" {
		return sqlite.Open(ctx, db.target, sqlite.WithLogger(logger))
	}
	opts := []postgres.Option{postgres.WithLogger(logger)}
	if db.schema != "" {
		opts = append(opts, postgres.WithSchema(db.schema))
	}
	return postgres.Open(ctx, db.target, opts...)
}
