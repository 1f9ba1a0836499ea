package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/postgres"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newMigrateCmd) }

func newMigrateCmd(a *app) *cobra.Command {
	var dbURL string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the database schema",
		Long: `Migrate applies the schema migrations the database lacks, in order, and
records them in its schema_migrations table. Servers do this themselves at
start (safely when several start at once); run it to upgrade the schema
before deploying them. It creates a SQLite file that does not exist.`,
		Example: `  civicspace migrate
  civicspace migrate --db sqlite:/var/lib/civicspace/civicspace.db
  CIVICSPACE_DB='postgres://civicspace@db:5432/civicspace' civicspace migrate`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := parseDatabase(dbURL)
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			applied, err := migrateDatabase(cmd.Context(), db, slog.New(slog.NewTextHandler(io.Discard, nil)))
			for _, name := range applied {
				fmt.Fprintf(a.stdout, "applied %s\n", name)
			}
			if err != nil {
				if civicspace.ErrorCode(err) == civicspace.EINVALID {
					return &exitError{code: exitInvalid, err: err}
				}
				return err
			}
			fmt.Fprintf(a.stdout, "%s is up to date\n", db)
			return nil
		},
	}
	addDBFlag(cmd, &dbURL)
	cmd.AddCommand(newMigrateStatusCmd(a))
	return cmd
}

// migrateDatabase applies db's pending migrations and returns their names.
func migrateDatabase(ctx context.Context, db database, logger *slog.Logger) ([]string, error) {
	if db.driver == "sqlite" {
		return sqlite.Migrate(ctx, db.target, sqlite.WithLogger(logger))
	}
	opts := []postgres.Option{postgres.WithLogger(logger)}
	if db.schema != "" {
		opts = append(opts, postgres.WithSchema(db.schema))
	}
	return postgres.Migrate(ctx, db.target, opts...)
}
