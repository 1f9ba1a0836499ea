package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newCompareCmd) }

// compareOptions are the flags the compare subcommands share.
type compareOptions struct {
	db, policyDir  string
	format, out    string
	framework      string
	group          string
	recommendation string
	period         string
	from, to       int
	kind           string
	region         string
	subRegion      string
	minCoverage    float64
	formatExplicit bool
	allowedFormats []report.Format
	bom            bool
}

func newCompareCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "compare",
		Short: "Compare stored scores: rankings, trends, regions, shadow-versus-self gaps, scorecards",
		Long: `Compare reads the published assessments' stored scores (it never re-runs
the policy) and writes a ranking, a trend, region aggregates or a
shadow-versus-self gap as JSON, CSV, SDMX-CSV or an SVG chart, or draws
one assessment's scorecard.

Scores are read under the policy in force (the built-in one, or --policy);
a publication not yet scored under it is left out: run civicspace rescore.`,
	}
	cmd.AddCommand(newCompareRankingCmd(a), newCompareTrendCmd(a), newCompareRegionsCmd(a), newCompareGapCmd(a), newCompareScorecardCmd(a))
	return cmd
}

// addCommon adds the database, policy and output flags.
func (o *compareOptions) addCommon(cmd *cobra.Command, def report.Format, allowed ...report.Format) {
	o.allowedFormats = allowed
	addDBFlag(cmd, &o.db)
	cmd.Flags().StringVar(&o.policyDir, "policy", "", "directory of Rego modules and data documents the scores were computed with (default: the built-in policy)")
	names := make([]string, len(allowed))
	for i, f := range allowed {
		names[i] = string(f)
	}
	cmd.Flags().StringVar(&o.format, "format", string(def), strings.Join(names, ", ")+" (default from the --out file's extension)")
	cmd.Flags().StringVarP(&o.out, "out", "o", "", "write to this file instead of standard output")
	if slices.ContainsFunc(allowed, report.Format.Tabular) {
		cmd.Flags().BoolVar(&o.bom, "bom", false, "start CSV and SDMX-CSV output with a UTF-8 byte-order mark, so that Excel reads its accents")
	}
}

// addTarget adds the flags naming what is compared.
func (o *compareOptions) addTarget(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.framework, "framework", "", "compare on this framework (ID)")
	cmd.Flags().StringVar(&o.group, "group", "", "compare on this group: pillar, focus, role, workstream (ID)")
	cmd.Flags().StringVar(&o.recommendation, "recommendation", "", "compare on this recommendation (ID)")
}

// addSelection adds the flags selecting assessments.
func (o *compareOptions) addSelection(cmd *cobra.Command, period bool) {
	if period {
		cmd.Flags().StringVar(&o.period, "period", "", "period, a year (2025) or a date range; default the latest with data")
	}
	cmd.Flags().IntVar(&o.from, "from", 0, "first year of the periods considered")
	cmd.Flags().IntVar(&o.to, "to", 0, "last year of the periods considered")
	cmd.Flags().StringVar(&o.kind, "kind", "", "only this kind of assessment: self, shadow or independent (default: each kind apart)")
}

func (o *compareOptions) addRegion(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.region, "region", "", "only countries of this UN M49 region (code such as 150, or name such as Europe)")
	cmd.Flags().StringVar(&o.subRegion, "sub-region", "", "only countries of this M49 sub-region or intermediate region (code or name)")
	cmd.Flags().Float64Var(&o.minCoverage, "min-coverage", civicspace.DefaultMinCoverage, "coverage (0-1) below which a score is flagged low_coverage, not ranked or aggregated")
}

// env is what a comparison runs on.
type compareEnv struct {
	cat       *civicspace.Catalog
	countries *civicspace.Countries
	store     civicspace.AssessmentStore
	policy    string
}

// open loads the catalog and policy, and opens the store.
func (o *compareOptions) open(ctx context.Context, a *app) (*compareEnv, error) {
	if _, err := o.outputFormat(); err != nil {
		return nil, err
	}
	cat, err := a.catalog()
	if err != nil {
		return nil, err
	}
	scorer, err := newPolicyScorer(cat, o.policyDir)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, o.db, slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return nil, err
	}
	return &compareEnv{cat: cat, countries: civicspace.DefaultCountries(), store: st, policy: scorer.PolicyDigest()}, nil
}

// outputFormat is --format, or the --out file's extension when --format
// was not given.
func (o *compareOptions) outputFormat() (report.Format, error) {
	f := report.Format(o.format)
	if !o.formatExplicit && o.out != "" {
		switch strings.ToLower(filepath.Ext(o.out)) {
		case ".json":
			f = report.JSON
		case ".csv":
			f = report.CSV
		case ".svg":
			f = report.SVG
		}
	}
	f, err := report.ParseFormat(string(f))
	if err != nil {
		return "", err
	}
	for _, allowed := range o.allowedFormats {
		if f == allowed {
			return f, nil
		}
	}
	names := make([]string, len(o.allowedFormats))
	for i, x := range o.allowedFormats {
		names[i] = string(x)
	}
	return "", civicspace.Errorf(civicspace.EINVALID, "format %s is not available here: use %s", f, strings.Join(names, ", "))
}

// write writes v to --out (atomically: a failed write leaves no partial
// file) or to standard output.
func (o *compareOptions) write(a *app, env *compareEnv, v any) error {
	f, err := o.outputFormat()
	if err != nil {
		return err
	}
	opts := []report.Option{report.WithCountries(env.countries), report.WithCatalog(env.cat)}
	if o.bom {
		opts = append(opts, report.WithBOM())
	}
	if o.out == "" || o.out == "-" {
		return report.Write(a.stdout, f, v, opts...)
	}
	tmp, err := os.CreateTemp(filepath.Dir(o.out), "."+filepath.Base(o.out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := report.Write(tmp, f, v, opts...); err != nil {
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

// runCompare opens the environment, runs fn and writes its result; an
// invalid query exits with status 2.
func (o *compareOptions) run(cmd *cobra.Command, a *app, fn func(ctx context.Context, env *compareEnv) (any, error)) error {
	o.formatExplicit = cmd.Flags().Changed("format")
	ctx := cmd.Context()
	env, err := o.open(ctx, a)
	if err != nil {
		return compareExit(err)
	}
	defer env.store.Close()
	v, err := fn(ctx, env)
	if err != nil {
		return compareExit(err)
	}
	return compareExit(o.write(a, env, v))
}

func compareExit(err error) error {
	if err != nil && civicspace.ErrorCode(err) == civicspace.EINVALID {
		return &exitError{code: exitInvalid, err: err}
	}
	return err
}

func newCompareRankingCmd(a *app) *cobra.Command {
	o := &compareOptions{}
	cmd := &cobra.Command{
		Use:   "ranking",
		Short: "Rank countries on the rating, a framework, a group or a recommendation for one period",
		Long: `Ranking ranks the countries' published scores for one period. Equal scores
share a rank (1, 1, 3). A score whose coverage is below --min-coverage is
flagged low_coverage and listed after the ranked ones; an assessment with no
score is listed last, flagged missing: no assessment is dropped. Without
--kind each kind of assessment is ranked apart.`,
		Example: `  civicspace compare ranking --period 2025 --kind self
  civicspace compare ranking --framework oecd-dac --region Africa --format csv --out ranking.csv
  civicspace compare ranking --recommendation cndsi.r1 --format svg --out ranking.svg`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd, a, func(ctx context.Context, env *compareEnv) (any, error) {
				return civicspace.CompareRanking(ctx, env.store, env.cat, env.countries, env.policy, civicspace.RankingQuery{
					Framework: o.framework, Group: o.group, Recommendation: o.recommendation,
					Period: o.period, PeriodFrom: o.from, PeriodTo: o.to, Kind: civicspace.Kind(o.kind),
					Region: o.region, SubRegion: o.subRegion, MinCoverage: o.minCoverage,
				})
			})
		},
	}
	o.addTarget(cmd)
	o.addSelection(cmd, true)
	o.addRegion(cmd)
	o.addCommon(cmd, report.JSON, report.JSON, report.CSV, report.SDMX, report.SDMX1, report.SVG)
	return cmd
}

func newCompareTrendCmd(a *app) *cobra.Command {
	o := &compareOptions{}
	cmd := &cobra.Command{
		Use:   "trend COUNTRY",
		Short: "Follow one country (alpha-3 code, or org:NAME) across periods",
		Long: `Trend follows one country's published scores across periods: the rating,
every framework and group (or the one named), the change between consecutive
periods (empty where a period has no assessment), and the recommendations
whose status changed. Without --kind each kind of assessment is its own
series.`,
		Example: `  civicspace compare trend KEN
  civicspace compare trend KEN --kind self --from 2020 --format svg --out ken.svg`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, a, func(ctx context.Context, env *compareEnv) (any, error) {
				return civicspace.CompareTrend(ctx, env.store, env.cat, env.countries, env.policy, args[0], civicspace.TrendQuery{
					Framework: o.framework, Group: o.group, Recommendation: o.recommendation,
					PeriodFrom: o.from, PeriodTo: o.to, Kind: civicspace.Kind(o.kind),
				})
			})
		},
	}
	o.addTarget(cmd)
	o.addSelection(cmd, false)
	o.addCommon(cmd, report.JSON, report.JSON, report.CSV, report.SDMX, report.SDMX1, report.SVG)
	return cmd
}

func newCompareRegionsCmd(a *app) *cobra.Command {
	o := &compareOptions{}
	cmd := &cobra.Command{
		Use:   "regions",
		Short: "Aggregate scores by UN M49 region and sub-region: count, median, mean, min, max",
		Long: `Regions aggregates the countries' published scores for one period by UN M49
region and sub-region, and for the world. Scores below --min-coverage and
missing ones are counted apart, not averaged in. Countries M49 does not
classify and user-assigned demo codes are aggregated as "not classified".`,
		Example: `  civicspace compare regions --period 2025 --kind self
  civicspace compare regions --framework sdg --format sdmx --out regions.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd, a, func(ctx context.Context, env *compareEnv) (any, error) {
				return civicspace.CompareRegions(ctx, env.store, env.cat, env.countries, env.policy, civicspace.RegionQuery{
					Framework: o.framework, Group: o.group, Recommendation: o.recommendation,
					Period: o.period, PeriodFrom: o.from, PeriodTo: o.to, Kind: civicspace.Kind(o.kind),
					Region: o.region, SubRegion: o.subRegion, MinCoverage: o.minCoverage,
				})
			})
		},
	}
	o.addTarget(cmd)
	o.addSelection(cmd, true)
	o.addRegion(cmd)
	o.addCommon(cmd, report.JSON, report.JSON, report.CSV, report.SDMX, report.SDMX1)
	return cmd
}

func newCompareGapCmd(a *app) *cobra.Command {
	o := &compareOptions{}
	var base, against string
	cmd := &cobra.Command{
		Use:   "gap COUNTRY PERIOD",
		Short: "Compare a country's shadow assessment with its self-assessment for a period",
		Long: `Gap compares the published shadow assessment of a country and period with
its published self-assessment: indicator by indicator, the answers and
points that differ (biggest difference first, each with the
recommendations it touches), the recommendations whose status differs,
framework and group scores side by side, the answers given in one only, the
indicators where only the shadow assessment cites evidence, and the red
flags raised in one only. Differences are shadow minus self.`,
		Example: `  civicspace compare gap KEN 2025
  civicspace compare gap KEN 2025 --against independent --format csv --out gap.csv`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, a, func(ctx context.Context, env *compareEnv) (any, error) {
				return civicspace.CompareGap(ctx, env.store, env.cat, env.countries, env.policy, civicspace.GapQuery{
					Country: args[0], Period: args[1], Base: civicspace.Kind(base), Against: civicspace.Kind(against),
				})
			})
		},
	}
	cmd.Flags().StringVar(&base, "base", string(civicspace.KindSelf), "kind of the assessment compared against")
	cmd.Flags().StringVar(&against, "against", string(civicspace.KindShadow), "kind of the assessment compared: shadow or independent")
	o.addCommon(cmd, report.JSON, report.JSON, report.CSV, report.SDMX, report.SDMX1)
	return cmd
}

func newCompareScorecardCmd(a *app) *cobra.Command {
	o := &compareOptions{}
	var resultFile string
	var version int
	cmd := &cobra.Command{
		Use:   "scorecard [ASSESSMENT-ID]",
		Short: "Draw one assessment's scorecard as SVG: rating and band, red flags, framework and group scores",
		Long: `Scorecard draws the stored score of an assessment (its published version,
else its current one, or --version) as an SVG picture, or writes the score
itself with --format json. With --result it draws a score result file
instead, such as "civicspace score" writes (- reads standard input), and
needs no database.`,
		Example: `  civicspace compare scorecard 01J9Z3Q6T5 --out scorecard.svg
  civicspace score examples/assessments/open-xaa.json | civicspace compare scorecard --result - > xaa.svg`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.formatExplicit = cmd.Flags().Changed("format")
			if (resultFile == "") == (len(args) == 0) {
				return &exitError{code: exitInvalid, err: errors.New("give either an assessment ID or --result FILE")}
			}
			if resultFile != "" {
				res, err := readResult(a, resultFile)
				if err != nil {
					return compareExit(err)
				}
				cat, err := a.catalog()
				if err != nil {
					return err
				}
				if _, err := o.outputFormat(); err != nil {
					return compareExit(err)
				}
				return compareExit(o.write(a, &compareEnv{cat: cat, countries: civicspace.DefaultCountries()}, res))
			}
			return o.run(cmd, a, func(ctx context.Context, env *compareEnv) (any, error) {
				return storedResult(ctx, a, env, args[0], version)
			})
		},
	}
	cmd.Flags().StringVar(&resultFile, "result", "", "draw this score result file (JSON; - reads standard input) instead of a stored score")
	cmd.Flags().IntVar(&version, "version", 0, "the version to draw (default: the published one, else the current one)")
	o.addCommon(cmd, report.SVG, report.SVG, report.JSON)
	return cmd
}

// readResult reads a score result (the JSON "civicspace score" writes).
func readResult(a *app, name string) (*civicspace.Result, error) {
	var r io.Reader
	if name == "-" {
		r = a.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	var res civicspace.Result
	dec := json.NewDecoder(io.LimitReader(r, 16<<20))
	if err := dec.Decode(&res); err != nil {
		return nil, civicspace.WrapError(civicspace.EINVALID, err, "%s is not a score result (JSON as civicspace score writes it)", name)
	}
	if res.Rating.Band == "" && len(res.Frameworks) == 0 {
		return nil, civicspace.Errorf(civicspace.EINVALID, "%s is not a score result: it has no rating and no frameworks", name)
	}
	return &res, nil
}

// storedResult reads the stored score of an assessment's version under the
// policy in force, or, when it was only scored under another policy, the
// latest stored one with a warning.
func storedResult(ctx context.Context, a *app, env *compareEnv, id string, version int) (*civicspace.Result, error) {
	rec, err := env.store.Assessment(ctx, id)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		version = rec.Version
		if rec.PublishedVersion > 0 {
			version = rec.PublishedVersion
		}
	}
	sc, err := env.store.Score(ctx, id, version, env.policy)
	if civicspace.ErrorCode(err) == civicspace.ENOTFOUND {
		if sc, err = env.store.Score(ctx, id, version, ""); err == nil {
			fmt.Fprintf(a.stderr, "civicspace: %s version %d is not scored under the policy in force; drawing its score under %s (run civicspace rescore)\n", id, version, shortDigest(sc.PolicyDigest))
		}
	}
	if err != nil {
		return nil, err
	}
	var res civicspace.Result
	if err := json.Unmarshal(sc.Result, &res); err != nil {
		return nil, civicspace.WrapError(civicspace.EINTERNAL, err, "the stored score of %s version %d cannot be read", id, version)
	}
	return &res, nil
}
