package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newValidateCmd, newScoreCmd) }

func newValidateCmd(a *app) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Validate assessments (JSON exchange form; - reads standard input) and list every problem",
		Long: `Validate checks each assessment against the catalog and the country table
and prints every problem with its JSON Pointer. It exits with status 2 when
any assessment is invalid.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return &exitError{code: exitInvalid, err: fmt.Errorf("unknown --format %q: use text or json", format)}
			}
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			inputs, err := a.readAssessments(args, cat)
			if err != nil {
				return err
			}
			if format == "json" {
				type report struct {
					File     string               `json:"file"`
					Valid    bool                 `json:"valid"`
					Problems []civicspace.Problem `json:"problems"`
				}
				reports := make([]report, len(inputs))
				for i, in := range inputs {
					reports[i] = report{File: in.name, Valid: len(in.problems) == 0, Problems: in.problems}
					if reports[i].Problems == nil {
						reports[i].Problems = []civicspace.Problem{}
					}
				}
				if err := writeJSON(a.stdout, reports); err != nil {
					return err
				}
			} else {
				for _, in := range inputs {
					if len(in.problems) == 0 {
						fmt.Fprintf(a.stdout, "%s: valid\n", in.name)
						continue
					}
					fmt.Fprintf(a.stdout, "%s: invalid (%s)\n", in.name, countProblems(len(in.problems)))
					for _, p := range in.problems {
						fmt.Fprintf(a.stdout, "  %s\n", p)
					}
				}
			}
			if invalidInputs(inputs) > 0 {
				return &exitError{code: exitInvalid, err: errors.New("")}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

func newScoreCmd(a *app) *cobra.Command {
	var format, policyDir string
	cmd := &cobra.Command{
		Use:   "score FILE...",
		Short: "Score assessments with the OPA policy and explain the result (- reads standard input)",
		Long: `Score validates every assessment first; if any is invalid it prints the
problems (each with its JSON Pointer) and exits with status 2 without
scoring. Otherwise it prints the explained result: for one file the result
object, for several a JSON array in the same order (--format json), or a
summary per file (--format table).

--policy DIR overrides or extends the built-in policy with the Rego modules
(*.rego) and data documents (data.json, data.yaml) found in DIR, laid out as
in an OPA bundle.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "json" && format != "table" {
				return &exitError{code: exitInvalid, err: fmt.Errorf("unknown --format %q: use json or table", format)}
			}
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			inputs, err := a.readAssessments(args, cat)
			if err != nil {
				return err
			}
			if n := invalidInputs(inputs); n > 0 {
				for _, in := range inputs {
					for _, p := range in.problems {
						fmt.Fprintf(a.stderr, "%s: %s\n", in.name, p)
					}
				}
				return &exitError{code: exitInvalid, err: fmt.Errorf("%s invalid: nothing scored", countOf(n, "assessment", "assessments"))}
			}
			scorer, err := newPolicyScorer(cat, policyDir)
			if err != nil {
				return err
			}
			results := make([]*civicspace.Result, len(inputs))
			for i, in := range inputs {
				if results[i], err = scorer.Score(cmd.Context(), in.assessment); err != nil {
					return fmt.Errorf("%s: %w", in.name, err)
				}
			}
			if format == "table" {
				return writeResultTables(a.stdout, inputs, results)
			}
			if len(results) == 1 {
				return writeJSON(a.stdout, results[0])
			}
			return writeJSON(a.stdout, results)
		},
	}
	cmd.Flags().StringVar(&format, "format", "json", "json or table")
	cmd.Flags().StringVar(&policyDir, "policy", "", "directory of Rego modules and data documents overriding the built-in policy")
	return cmd
}

// newPolicyScorer builds the OPA scorer for cat, with the policy files of
// dir over the built-in policy when dir is set.
func newPolicyScorer(cat *civicspace.Catalog, dir string) (*opa.Scorer, error) {
	var opts []opa.Option
	if dir != "" {
		info, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("policy directory: %w", err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("policy directory: %s is not a directory", dir)
		}
		opts = append(opts, opa.WithPolicyFS(os.DirFS(dir)))
	}
	return opa.NewScorer(cat, opts...)
}

// assessmentInput is one file given on the command line.
type assessmentInput struct {
	name       string
	assessment *civicspace.Assessment
	problems   []civicspace.Problem
}

// readAssessments reads, decodes and validates each named file ("-" for
// standard input). A file that cannot be read is an error; one that does
// not decode or validate carries its problems.
func (a *app) readAssessments(names []string, cat *civicspace.Catalog) ([]assessmentInput, error) {
	countries := civicspace.DefaultCountries()
	stdinRead := false
	out := make([]assessmentInput, 0, len(names))
	for _, name := range names {
		in := assessmentInput{name: name}
		var doc *civicspace.Assessment
		var err error
		if name == "-" {
			if stdinRead {
				return nil, &exitError{code: exitInvalid, err: errors.New("standard input (-) can be given only once")}
			}
			stdinRead = true
			in.name = "<stdin>"
			doc, err = civicspace.DecodeAssessment(a.stdin)
		} else {
			f, openErr := os.Open(name)
			if openErr != nil {
				return nil, openErr
			}
			doc, err = civicspace.DecodeAssessment(f)
			f.Close()
		}
		switch {
		case civicspace.ErrorCode(err) == civicspace.EINVALID:
			in.problems = civicspace.ErrorProblems(err)
			if len(in.problems) == 0 {
				in.problems = []civicspace.Problem{{Pointer: "", Detail: civicspace.ErrorMessage(err)}}
			}
		case err != nil:
			return nil, fmt.Errorf("%s: %w", in.name, err)
		default:
			in.assessment = doc
			in.problems = doc.Validate(cat, countries)
		}
		out = append(out, in)
	}
	return out, nil
}

func invalidInputs(inputs []assessmentInput) int {
	n := 0
	for _, in := range inputs {
		if len(in.problems) > 0 {
			n++
		}
	}
	return n
}

func countProblems(n int) string { return countOf(n, "problem", "problems") }

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// writeResultTables prints, per result, the rating with its caps, the
// frameworks and groups, and the costliest findings.
func writeResultTables(w io.Writer, inputs []assessmentInput, results []*civicspace.Result) error {
	const topFindings = 10
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		roles := make([]string, len(r.Roles))
		for k, x := range r.Roles {
			roles[k] = string(x)
		}
		fmt.Fprintf(tw, "== %s: %s, %s, %s assessment, roles %s\n", inputs[i].name, r.Subject.Key(), r.Period, r.Kind, strings.Join(roles, ", "))
		fmt.Fprintf(tw, "RATING\t%s\tscore %s\tuncapped %s\tcoverage %s\n", r.Rating.Band, optNumber(r.Rating.Score), optNumber(r.Rating.Uncapped), civicspace.FormatNumber(r.Rating.Coverage))
		for _, c := range r.Rating.Caps {
			applied := "not applied"
			if c.Applied {
				applied = "applied"
			}
			fmt.Fprintf(tw, "  CAP\t%s\t%s\t%s\t%s\n", civicspace.FormatNumber(c.Cap), c.RedFlag, applied, c.Title)
		}
		fmt.Fprintln(tw)
		fmt.Fprintln(tw, "FRAMEWORK / GROUP\tSTATUS\tSCORE\tCOVERAGE\tMET\tPARTIAL\tNOT MET\tNOT ASSESSED\tN/A")
		var walk func(groups []civicspace.GroupScore, depth int)
		walk = func(groups []civicspace.GroupScore, depth int) {
			for _, g := range groups {
				fmt.Fprintf(tw, "%s%s\t%s\n", strings.Repeat("  ", depth), g.ID, groupColumns(g.Status, g.Score, g.Coverage, g.Counts))
				walk(g.Groups, depth+1)
			}
		}
		for _, f := range r.Frameworks {
			fmt.Fprintf(tw, "%s\t%s\n", f.ID, groupColumns(f.Status, f.Score, f.Coverage, f.Counts))
			walk(f.Groups, 1)
		}
		fmt.Fprintln(tw)
		n := min(len(r.Findings), topFindings)
		fmt.Fprintf(tw, "FINDINGS (%d of %d, red flags first, then costliest)\tANSWER\tPOINTS\tCOST\tRECOMMENDATIONS\n", n, len(r.Findings))
		for _, f := range r.Findings[:n] {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Indicator, f.Answer, optNumber(f.Points), civicspace.FormatNumber(f.Cost), strings.Join(f.Recommendations, ", "))
		}
		fmt.Fprintln(tw)
		fmt.Fprintf(tw, "PROVENANCE\tcatalog %s\tpolicy %s (%s)\t%s\n", r.Provenance.CatalogVersion, r.Provenance.PolicyName, shortDigest(r.Provenance.PolicyDigest), r.Provenance.EngineVersion)
	}
	return tw.Flush()
}

func groupColumns(status string, score *float64, coverage float64, c civicspace.StatusCounts) string {
	return fmt.Sprintf("%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d", status, optNumber(score), civicspace.FormatNumber(coverage), c.Met, c.PartiallyMet, c.NotMet, c.NotAssessed, c.NotApplicable)
}

func optNumber(x *float64) string {
	if x == nil {
		return "-"
	}
	return civicspace.FormatNumber(*x)
}

func shortDigest(d string) string {
	if len(d) > len("sha256:")+12 {
		return d[:len("sha256:")+12]
	}
	return d
}
