package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newKeysCmd) }

func newKeysCmd(a *app) *cobra.Command {
	var dbURL string
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, list and revoke API keys in the database",
		Long: `Keys manages the API keys of the REST API directly in the database, which
is how the first admin key is made: run "civicspace keys create --role admin"
against the server's database, then manage the rest with it over REST or
here. A key's secret is printed once, at creation; the database keeps only its
SHA-256. Every creation and revocation is recorded in the audit trail.`,
	}
	// open returns the service the keys commands run on: the database's,
	// as the local operator (an admin), so that every change is recorded
	// in the audit trail as the REST API's are.
	open := func(cmd *cobra.Command) (*civicspace.Service, context.Context, func(), error) {
		db, err := parseDatabase(dbURL)
		if err != nil {
			return nil, nil, nil, &exitError{code: exitInvalid, err: err}
		}
		logger := slog.New(slog.NewJSONHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		store, err := openStore(cmd.Context(), dbURL, logger)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("open %s: %w", db, err)
		}
		svc := &civicspace.Service{Store: store, Logger: logger}
		return svc, operator(cmd.Context()), func() { store.Close() }, nil
	}

	var (
		spec    civicspace.KeySpec
		role    string
		expires time.Duration
	)
	create := &cobra.Command{
		Use:   "create",
		Short: "Create a key and print its secret (shown once)",
		Example: `  civicspace keys create --role admin --name "ops"
  civicspace keys create --role assessor --subject NOR --organisation "Ministry of Justice" --expires 720h
  civicspace keys create --role watchdog --organisation "Civic Watch"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			spec.Role, spec.TTL = civicspace.KeyRole(role), expires
			svc, ctx, done, err := open(cmd)
			if err != nil {
				return err
			}
			defer done()
			secret, k, err := svc.CreateKey(ctx, spec)
			if len(civicspace.ErrorProblems(err)) > 0 {
				var b strings.Builder
				for _, p := range civicspace.ErrorProblems(err) {
					fmt.Fprintf(&b, "\n  %s: %s", flagOf[strings.SplitN(p.Pointer+"/", "/", 3)[1]], p.Detail)
				}
				return &exitError{code: exitInvalid, err: fmt.Errorf("%s%s", civicspace.ErrorMessage(err), b.String())}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "created %s key %s; its secret is shown this once:\n", k.Role, k.ID)
			fmt.Fprintln(a.stdout, secret)
			return nil
		},
	}
	create.Flags().StringVar(&role, "role", "", "admin, assessor, reviewer or watchdog")
	create.Flags().StringVar(&spec.Name, "name", "", "who or what holds the key")
	create.Flags().StringSliceVar(&spec.Subjects, "subject", nil, "subject the key is scoped to (a country code such as NOR, or org:NAME); repeatable")
	create.Flags().StringVar(&spec.Organisation, "organisation", "", "organisation the key speaks for (a watchdog's shadow assessments' author)")
	create.Flags().DurationVar(&expires, "expires", 0, "lifetime, such as 720h; none by default")
	create.SetFlagErrorFunc(invalidFlag)

	list := &cobra.Command{
		Use:   "list",
		Short: "List keys (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, ctx, done, err := open(cmd)
			if err != nil {
				return err
			}
			defer done()
			keys, err := svc.Keys(ctx)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tROLE\tSUBJECTS\tORGANISATION\tNAME\tCREATED\tEXPIRES\tLAST USED\tSTATE")
			now := time.Now()
			for _, k := range keys {
				state := "active"
				switch {
				case k.RevokedAt != nil:
					state = "revoked " + k.RevokedAt.Format(time.RFC3339)
				case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
					state = "expired"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, strings.Join(k.Subjects, ","), k.Organisation, k.Name,
					k.CreatedAt.Format(time.RFC3339), optTime(k.ExpiresAt), optTime(k.LastUsedAt), state)
			}
			return w.Flush()
		},
	}
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a key: from now on it is answered 401",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, ctx, done, err := open(cmd)
			if err != nil {
				return err
			}
			defer done()
			k, err := svc.RevokeKey(ctx, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "revoked %s key %s at %s\n", k.Role, k.ID, k.RevokedAt.Format(time.RFC3339))
			return nil
		},
	}
	for _, c := range []*cobra.Command{create, list, revoke} {
		addDBFlag(c, &dbURL)
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}

// flagOf names the flag of a key request's field.
var flagOf = map[string]string{"role": "--role", "subjects": "--subject", "organisation": "--organisation", "name": "--name", "expires_in": "--expires"}

func optTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}

// operator is ctx carrying the local operator: the command line has the
// database in hand, and so every right already; it acts as an admin, and
// its changes are recorded in the audit trail as key:cli.
func operator(ctx context.Context) context.Context {
	return civicspace.NewContextWithPrincipal(ctx, civicspace.System)
}
