package main

import (
	"fmt"
	"log/slog"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newRescoreCmd) }

func newRescoreCmd(a *app) *cobra.Command {
	var dbURL, policyDir string
	cmd := &cobra.Command{
		Use:   "rescore",
		Short: "Score every stored revision that has no score under the current policy",
		Long: `Rescore scores, under the policy in force (the built-in one, or --policy
DIR), every stored revision that has no score under it yet: the current
revision of each assessment and each published one. Scores computed under
other policies are kept, so a policy change never loses a result; run it
after changing the policy, or to score revisions whose scoring failed.

Revisions whose content has problems against the catalog in force cannot be
scored; they are listed and left as they are.`,
		Example: `  civicspace rescore
  civicspace rescore --db postgres://civicspace@db:5432/civicspace --policy ./policy`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd.Flags(), map[string]string{"policy": "CIVICSPACE_POLICY"}); err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			db, err := parseDatabase(dbURL)
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			scorer, err := newPolicyScorer(cat, policyDir)
			if err != nil {
				return err
			}
			logger := slog.New(slog.NewJSONHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
			store, err := openStore(cmd.Context(), dbURL, logger)
			if err != nil {
				return fmt.Errorf("open %s: %w", db, err)
			}
			defer store.Close()
			svc := &civicspace.Service{Catalog: cat, Countries: civicspace.DefaultCountries(), Store: store, Scorer: scorer, Logger: logger}
			report, err := svc.Rescore(cmd.Context(), func(ref civicspace.RevisionRef, err error) {
				if err != nil {
					fmt.Fprintf(a.stdout, "skipped %s version %d: %v\n", ref.AssessmentID, ref.Version, err)
					return
				}
				fmt.Fprintf(a.stdout, "scored %s version %d\n", ref.AssessmentID, ref.Version)
			})
			if report != nil {
				fmt.Fprintf(a.stdout, "%s scored, %s skipped under policy %s (%s)\n",
					countOf(report.Scored, "revision", "revisions"), countOf(len(report.Skipped), "revision", "revisions"),
					shortDigest(report.PolicyDigest), db)
			}
			return err
		},
	}
	cmd.SetFlagErrorFunc(invalidFlag)
	addDBFlag(cmd, &dbURL)
	cmd.Flags().StringVar(&policyDir, "policy", "", "directory of Rego modules and data documents overriding the built-in policy")
	return cmd
}
