package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/postgres"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newBackupCmd) }

func newBackupCmd(a *app) *cobra.Command {
	var dbURL, to string
	cmd := &cobra.Command{
		Use:   "backup --to FILE",
		Short: "Copy a SQLite database while it serves",
		Long: `Backup writes a consistent copy of a SQLite database to a new file while
servers go on using it (SQLite's VACUUM INTO: one snapshot, no writer
blocked). To restore, stop the servers, replace the database file with the
copy and remove the old file's -wal and -shm files. For PostgreSQL use
pg_dump (docs/operations.md).`,
		Example: `  civicspace backup --db sqlite:/var/lib/civicspace/civicspace.db --to /backups/civicspace-$(date +%F).db`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := parseDatabase(dbURL)
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			if db.driver != "sqlite" {
				return &exitError{code: exitInvalid, err: fmt.Errorf("backup copies SQLite files; back PostgreSQL up with pg_dump (docs/operations.md)")}
			}
			if to == "" {
				return &exitError{code: exitInvalid, err: fmt.Errorf("--to: name the new file to write the copy to")}
			}
			if err := sqlite.Backup(cmd.Context(), db.target, to); err != nil {
				if civicspace.ErrorCode(err) == civicspace.EINVALID {
					return &exitError{code: exitInvalid, err: err}
				}
				return err
			}
			fmt.Fprintf(a.stdout, "backed up %s to %s\n", db, to)
			return nil
		},
	}
	addDBFlag(cmd, &dbURL)
	cmd.Flags().StringVar(&to, "to", "", "the new file to write the copy to (must not exist)")
	return cmd
}

// newMigrateStatusCmd is `civicspace migrate status`.
func newMigrateStatusCmd(a *app) *cobra.Command {
	var dbURL string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "List the schema migrations and which the database has",
		Long: `Status lists the schema migrations this build knows, each with the time the
database applied it or "pending". It changes nothing. Its exit code is 0
when the database is up to date and 1 when a migration is pending, so a
deployment can check before it starts servers.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := parseDatabase(dbURL)
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			ms, err := migrationStatus(cmd.Context(), db)
			if err != nil {
				if civicspace.ErrorCode(err) == civicspace.EINVALID {
					return &exitError{code: exitInvalid, err: err}
				}
				return err
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			pending := 0
			for _, m := range ms {
				state := m.AppliedAt.Format("2006-01-02T15:04:05Z")
				if m.Pending() {
					state, pending = "pending", pending+1
				}
				fmt.Fprintf(tw, "%04d\t%s\t%s\n", m.Version, m.Name, state)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if pending > 0 {
				return &exitError{code: exitFailure, err: fmt.Errorf("%s lacks %d migration(s): run civicspace migrate", db, pending)}
			}
			fmt.Fprintf(a.stdout, "%s is up to date\n", db)
			return nil
		},
	}
	addDBFlag(cmd, &dbURL)
	return cmd
}

func migrationStatus(ctx context.Context, db database) ([]civicspace.Migration, error) {
	if db.driver == "sqlite" {
		return sqlite.MigrationStatus(ctx, db.target)
	}
	var opts []postgres.Option
	if db.schema != "" {
		opts = append(opts, postgres.WithSchema(db.schema))
	}
	return postgres.MigrationStatus(ctx, db.target, opts...)
}
