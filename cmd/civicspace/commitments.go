package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newCommitmentsCmd) }

// commitmentOptions are the flags the commitments subcommands share.
type commitmentOptions struct {
	db, policyDir string
	format, out   string
}

func newCommitmentsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "commitments",
		Short: "Follow states' commitments: list, show, create, publish, report progress, summarise",
		Long: `Commitments works on the commitments stored in the database: pledges made
at a summit, in a workstream of the Civic Space Cohort or in an OGP action plan,
linked to catalog recommendations, with milestones and progress reports by
the government and by independent reviewers.

The command line has the database in hand and so every right: it acts as the
system (recorded as key:cli). Overdue milestones are computed for today.`,
	}
	cmd.AddCommand(newCommitmentsListCmd(a), newCommitmentsShowCmd(a), newCommitmentsCreateCmd(a),
		newCommitmentsPublishCmd(a), newCommitmentsReportCmd(a), newCommitmentsSummaryCmd(a))
	return cmd
}

// service opens the database and returns the service the commands run
// on, and its closer. A scorer is loaded only when asked for (summaries
// read recommendations' statuses under its policy).
func (o *commitmentOptions) service(ctx context.Context, a *app, withScorer bool) (*civicspace.Service, func(), error) {
	db, err := parseDatabase(o.db)
	if err != nil {
		return nil, nil, &exitError{code: exitInvalid, err: err}
	}
	cat, err := a.catalog()
	if err != nil {
		return nil, nil, err
	}
	svc := &civicspace.Service{Catalog: cat, Countries: civicspace.DefaultCountries()}
	if withScorer {
		scorer, err := newPolicyScorer(cat, o.policyDir)
		if err != nil {
			return nil, nil, err
		}
		svc.Scorer = scorer
	}
	logger := slog.New(slog.NewJSONHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := openStore(ctx, o.db, logger)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", db, err)
	}
	svc.Store, svc.Logger = store, logger
	return svc, func() { store.Close() }, nil
}

// commitmentExit gives invalid input exit status 2, with its problems.
func commitmentExit(err error) error {
	if err == nil || civicspace.ErrorCode(err) != civicspace.EINVALID {
		return err
	}
	var b strings.Builder
	b.WriteString(civicspace.ErrorMessage(err))
	for _, p := range civicspace.ErrorProblems(err) {
		fmt.Fprintf(&b, "\n  %s", p)
	}
	return &exitError{code: exitInvalid, err: fmt.Errorf("%s", b.String())}
}

func (o *commitmentOptions) addFormat(cmd *cobra.Command, def string, allowed ...string) {
	cmd.Flags().StringVar(&o.format, "format", def, strings.Join(allowed, " or "))
}

func (o *commitmentOptions) checkFormat(allowed ...string) error {
	for _, f := range allowed {
		if o.format == f {
			return nil
		}
	}
	return &exitError{code: exitInvalid, err: fmt.Errorf("unknown format %q: use %s", o.format, strings.Join(allowed, " or "))}
}

func newCommitmentsListCmd(a *app) *cobra.Command {
	o := &commitmentOptions{}
	var f civicspace.CommitmentFilter
	var status string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List commitments, oldest first",
		Example: `  civicspace commitments list --country NOR
  civicspace commitments list --workstream s4d-cohort.ws-3 --status published --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.checkFormat("table", "json"); err != nil {
				return err
			}
			svc, done, err := o.service(cmd.Context(), a, false)
			if err != nil {
				return err
			}
			defer done()
			f.Status, f.PageSize = civicspace.AssessmentStatus(status), civicspace.MaxPageSize
			var recs []*civicspace.CommitmentRecord
			for {
				page, err := svc.ListCommitments(operator(cmd.Context()), f)
				if err != nil {
					return commitmentExit(err)
				}
				recs = append(recs, page.Records...)
				if page.NextPageToken == "" {
					break
				}
				f.PageToken = page.NextPageToken
			}
			if o.format == "json" {
				if recs == nil {
					recs = []*civicspace.CommitmentRecord{}
				}
				return writeJSON(a.stdout, recs)
			}
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tSTATUS\tVERSION\tPUBLISHED\tCOUNTRIES\tOCCASION\tDATE\tFOLLOW-UP\tTITLE")
			for _, r := range recs {
				c := &r.Commitment
				fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Status, r.Version, optVersion(r.PublishedVersion),
					strings.Join(c.Subject.Countries, ","), occasionText(c.Occasion), c.Occasion.Date, c.FollowUp, oneLine(titleOf(c)))
			}
			return w.Flush()
		},
	}
	addDBFlag(cmd, &o.db)
	o.addFormat(cmd, "table", "table", "json")
	cmd.Flags().StringVar(&f.Country, "country", "", "only commitments of this country (alpha-3), joint ones included")
	cmd.Flags().StringVar(&f.Workstream, "workstream", "", "only commitments made in this workstream (catalog group ID)")
	cmd.Flags().StringVar(&f.FollowUp, "follow-up", "", "only commitments tracked by this process (cod, ogp, oecd, other:NAME)")
	cmd.Flags().StringVar(&status, "status", "", "only commitments in this status: draft, published or withdrawn")
	return cmd
}

func newCommitmentsShowCmd(a *app) *cobra.Command {
	o := &commitmentOptions{}
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a commitment: its milestones (overdue ones flagged), progress reports and their disagreement",
		Example: `  civicspace commitments show cmt_k3xq7vbn2m4p6r8t0w2y
  civicspace commitments show cmt_k3xq7vbn2m4p6r8t0w2y --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.checkFormat("text", "json"); err != nil {
				return err
			}
			svc, done, err := o.service(cmd.Context(), a, false)
			if err != nil {
				return err
			}
			defer done()
			v, err := svc.Commitment(operator(cmd.Context()), args[0])
			if err != nil {
				return commitmentExit(err)
			}
			reports, _, err := svc.ProgressReports(operator(cmd.Context()), args[0])
			if err != nil {
				return err
			}
			if o.format == "json" {
				return writeJSON(a.stdout, map[string]any{"commitment": v.Record, "problems": nonNilProblems(v.Problems),
					"warnings": v.Warnings, "progress": v.Progress, "reports": reports})
			}
			return writeCommitmentText(a.stdout, svc.Catalog, v, reports)
		},
	}
	addDBFlag(cmd, &o.db)
	o.addFormat(cmd, "text", "text", "json")
	return cmd
}

func nonNilProblems(ps []civicspace.Problem) []civicspace.Problem {
	if ps == nil {
		return []civicspace.Problem{}
	}
	return ps
}

// readDocument reads a JSON document from a file, or standard input for
// "-".
func (a *app) readDocument(name string) (io.Reader, func(), error) {
	if name == "-" {
		return a.stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, &exitError{code: exitInvalid, err: err}
	}
	return f, func() { f.Close() }, nil
}

func newCommitmentsCreateCmd(a *app) *cobra.Command {
	o := &commitmentOptions{}
	cmd := &cobra.Command{
		Use:   "create FILE",
		Short: "Store a commitment (JSON, - for standard input) as a draft and print its ID",
		Long: `Create stores a commitment as a draft, even with problems (they are printed,
and the draft cannot be published until they are fixed), and prints its ID.
Warnings name the aims of the catalog the published commitments would exceed
with this one among them.`,
		Example: `  civicspace commitments create visas.json`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, closeFile, err := a.readDocument(args[0])
			if err != nil {
				return err
			}
			defer closeFile()
			c, err := civicspace.DecodeCommitment(r)
			if err != nil {
				return commitmentExit(err)
			}
			svc, done, err := o.service(cmd.Context(), a, false)
			if err != nil {
				return err
			}
			defer done()
			v, err := svc.CreateCommitment(operator(cmd.Context()), c)
			if err != nil {
				return commitmentExit(err)
			}
			fmt.Fprintln(a.stdout, v.Record.ID)
			writeNotes(a.stderr, v)
			return nil
		},
	}
	addDBFlag(cmd, &o.db)
	return cmd
}

// writeNotes prints a view's problems and warnings.
func writeNotes(w io.Writer, v *civicspace.CommitmentView) {
	if len(v.Problems) > 0 {
		fmt.Fprintf(w, "%s (it cannot be published until they are fixed):\n", countProblems(len(v.Problems)))
		for _, p := range v.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	for _, warn := range v.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn.Detail)
	}
}

func newCommitmentsPublishCmd(a *app) *cobra.Command {
	o := &commitmentOptions{}
	var note string
	cmd := &cobra.Command{
		Use:     "publish ID",
		Short:   "Publish a draft commitment (it must have no problems)",
		Example: `  civicspace commitments publish cmt_k3xq7vbn2m4p6r8t0w2y --note "made at the second Summit"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, done, err := o.service(cmd.Context(), a, false)
			if err != nil {
				return err
			}
			defer done()
			ctx := operator(cmd.Context())
			cur, err := svc.Commitment(ctx, args[0])
			if err != nil {
				return commitmentExit(err)
			}
			v, err := svc.TransitionCommitment(ctx, cur.Record.ID, cur.Record.Version, civicspace.ActionPublish, note)
			if err != nil {
				return commitmentExit(err)
			}
			fmt.Fprintf(a.stdout, "published %s version %d\n", v.Record.ID, v.Record.Version)
			writeNotes(a.stderr, v)
			return nil
		},
	}
	addDBFlag(cmd, &o.db)
	cmd.Flags().StringVar(&note, "note", "", "a note recorded with the revision")
	return cmd
}

func newCommitmentsReportCmd(a *app) *cobra.Command {
	o := &commitmentOptions{}
	cmd := &cobra.Command{
		Use:   "report ID FILE",
		Short: "File a progress report (JSON, - for standard input) on a published commitment",
		Long: `Report files a progress report on a published commitment: a completion level
(no_evidence, not_started, limited, substantial, complete), the day it
describes, the reporter (government or independent, and the organisation),
evidence, the milestones done, and optionally the report it corrects. Reports
are never changed: a correction is a new report. It prints the report's
number and where the commitment stands after it.`,
		Example: `  civicspace commitments report cmt_k3xq7vbn2m4p6r8t0w2y review.json
  echo '{"level":"limited","date":"2025-02-01","reporter":{"kind":"independent","organisation":"Civic Watch"},"evidence":[{"title":"Interviews"}]}' |
    civicspace commitments report cmt_k3xq7vbn2m4p6r8t0w2y -`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, closeFile, err := a.readDocument(args[1])
			if err != nil {
				return err
			}
			defer closeFile()
			in, err := civicspace.DecodeProgressReport(r)
			if err != nil {
				return commitmentExit(err)
			}
			svc, done, err := o.service(cmd.Context(), a, false)
			if err != nil {
				return err
			}
			defer done()
			stored, p, err := svc.AddProgressReport(operator(cmd.Context()), args[0], in)
			if err != nil {
				return commitmentExit(err)
			}
			fmt.Fprintf(a.stdout, "filed report %d on %s: %s %s as of %s\n", stored.Seq, stored.CommitmentID, stored.Reporter.Kind, stored.Level, stored.Date)
			writeProgress(a.stdout, p)
			return nil
		},
	}
	addDBFlag(cmd, &o.db)
	return cmd
}

func newCommitmentsSummaryCmd(a *app) *cobra.Command {
	o := &commitmentOptions{}
	cmd := &cobra.Command{
		Use:   "summary country ALPHA3 | workstreams | follow-up",
		Short: "Summarise published commitments per country, per workstream or per follow-up process, as JSON or CSV",
		Long: `Summary counts the published commitments by completion level (the
government's latest report and the latest independent review), with their
disagreements and overdue milestones: of one country (joint commitments
included, with the linked recommendations' latest statuses in the country's
published assessments, scored under the policy in force), of every workstream
of the Civic Space Cohort, or of every follow-up process.`,
		Example: `  civicspace commitments summary country NOR
  civicspace commitments summary workstreams --format csv --out workstreams.csv
  civicspace commitments summary follow-up`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 2 && args[0] == "country":
			case len(args) == 1 && (args[0] == "workstreams" || args[0] == "follow-up"):
			default:
				return &exitError{code: exitInvalid, err: fmt.Errorf("give country ALPHA3, workstreams or follow-up")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := o.summaryFormat(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			svc, done, err := o.service(ctx, a, args[0] == "country")
			if err != nil {
				return err
			}
			defer done()
			var v any
			switch args[0] {
			case "country":
				v, err = svc.CountryCommitmentSummary(ctx, args[1])
			case "workstreams":
				v, err = svc.WorkstreamCommitmentSummary(ctx)
			default:
				v, err = svc.FollowUpCommitmentSummary(ctx)
			}
			if err != nil {
				return commitmentExit(err)
			}
			return o.writeSummary(a, f, v)
		},
	}
	addDBFlag(cmd, &o.db)
	o.addFormat(cmd, "json", "json", "csv")
	cmd.Flags().StringVarP(&o.out, "out", "o", "", "write to this file instead of standard output")
	cmd.Flags().StringVar(&o.policyDir, "policy", "", "directory of Rego modules and data documents the scores were computed with (default: the built-in policy)")
	return cmd
}

// summaryFormat is --format, or the --out file's extension when --format
// was not given.
func (o *commitmentOptions) summaryFormat(cmd *cobra.Command) (report.Format, error) {
	name := o.format
	if !cmd.Flags().Changed("format") && strings.EqualFold(filepath.Ext(o.out), ".csv") {
		name = "csv"
	}
	f, err := report.ParseFormat(name)
	if err == nil && f != report.JSON && f != report.CSV {
		err = civicspace.Errorf(civicspace.EINVALID, "format %s is not available for summaries: use json or csv", f)
	}
	if err != nil {
		return "", &exitError{code: exitInvalid, err: err}
	}
	return f, nil
}

// writeSummary writes v to --out (atomically: a failed write leaves no
// partial file) or to standard output.
func (o *commitmentOptions) writeSummary(a *app, f report.Format, v any) error {
	if o.out == "" || o.out == "-" {
		return report.WriteCommitmentSummary(a.stdout, f, v)
	}
	tmp, err := os.CreateTemp(filepath.Dir(o.out), "."+filepath.Base(o.out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := report.WriteCommitmentSummary(tmp, f, v); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), o.out)
}

// ---- text output ----

func titleOf(c *civicspace.Commitment) string {
	if c.Title != "" {
		return c.Title
	}
	return c.Text
}

// oneLine keeps a table cell on one line and short.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}

func optVersion(v int) string {
	if v == 0 {
		return "-"
	}
	return strconv.Itoa(v)
}

func occasionText(o civicspace.Occasion) string {
	s := string(o.Kind) + " " + strconv.Quote(o.Name)
	if o.WorkstreamID != "" {
		s += " (" + o.WorkstreamID + ")"
	}
	return s
}

// writeCommitmentText prints a commitment for people.
func writeCommitmentText(w io.Writer, cat *civicspace.Catalog, v *civicspace.CommitmentView, reports []*civicspace.ProgressReport) error {
	rec, c := v.Record, &v.Record.Commitment
	fmt.Fprintf(w, "%s  %s (version %d, published %s)\n", rec.ID, rec.Status, rec.Version, optVersion(rec.PublishedVersion))
	if c.Title != "" {
		fmt.Fprintln(w, c.Title)
	}
	fmt.Fprintln(w, c.Text)
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "countries:\t%s\n", strings.Join(c.Subject.Countries, ", "))
	fmt.Fprintf(tw, "occasion:\t%s, %s\n", occasionText(c.Occasion), c.Occasion.Date)
	followUp := c.FollowUp
	for _, fu := range cat.FollowUpProcesses() {
		if fu.ID == c.FollowUp {
			followUp += " (" + fu.Name + ")"
		}
	}
	fmt.Fprintf(tw, "follow-up:\t%s\n", followUp)
	fmt.Fprintf(tw, "recommendations:\t%s\n", strings.Join(c.Recommendations, ", "))
	if len(c.Indicators) > 0 {
		fmt.Fprintf(tw, "indicators:\t%s\n", strings.Join(c.Indicators, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	writeProgress(w, v.Progress)
	if len(reports) > 0 {
		fmt.Fprintln(w, "reports:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, r := range reports {
			corrects := ""
			if r.Corrects > 0 {
				corrects = fmt.Sprintf("corrects %d", r.Corrects)
			}
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Seq, r.Date, r.Reporter.Kind, r.Reporter.Organisation, r.Level, corrects, oneLine(r.Comment))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, p := range v.Problems {
		fmt.Fprintf(w, "problem: %s\n", p)
	}
	for _, warn := range v.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn.Detail)
	}
	return nil
}

// writeProgress prints where a commitment stands: the latest reports,
// their disagreement and the milestones.
func writeProgress(w io.Writer, p *civicspace.CommitmentProgress) {
	fmt.Fprintf(w, "progress as of %s:\n", p.AsOf)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	latest := func(name string, r *civicspace.ProgressReport) {
		if r == nil {
			fmt.Fprintf(tw, "  %s:\tno report\n", name)
			return
		}
		fmt.Fprintf(tw, "  %s:\t%s (%s, %s, report %d)\n", name, r.Level, r.Date, r.Reporter.Organisation, r.Seq)
	}
	latest("government", p.Government)
	latest("independent", p.Independent)
	if d := p.Disagreement; d != nil {
		steps := "no step to compare"
		if d.Steps != nil {
			steps = fmt.Sprintf("%+d step", *d.Steps)
			if *d.Steps != 1 && *d.Steps != -1 {
				steps += "s"
			}
		}
		fmt.Fprintf(tw, "  disagreement:\t%s: %s\n", steps, d.Detail)
	}
	_ = tw.Flush()
	if len(p.Milestones) == 0 {
		return
	}
	fmt.Fprintln(w, "milestones:")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, m := range p.Milestones {
		state := "not done"
		switch {
		case m.Overdue:
			state = fmt.Sprintf("OVERDUE by %s", countOf(m.DaysOverdue, "day", "days"))
		case m.DoneOn != "":
			state = "done " + m.DoneOn + " (" + m.DoneSource
			if m.Late {
				state += ", late"
			}
			state += ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\tdue %s\t%s\n", m.ID, oneLine(m.Title), m.Due, state)
	}
	_ = tw.Flush()
}
