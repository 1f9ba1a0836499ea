package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newSDGCmd) }

func newSDGCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sdg",
		Short: "The official SDG figures: import the UN SDG Global Database's CSV, list what is stored",
		Long: `Sdg keeps the official figures of the UN SDG series the catalog cites
(16.10.1, 16.10.2, 16.5.2, ...) beside the assessments: reference
observations keyed by series, UN M49 area, year and dimensions, with their
source, footnote and nature. They are never mixed into scores; an import of
assessments names them beside the answers they concern.`,
	}
	cmd.AddCommand(newSDGImportCmd(a), newSDGListCmd(a))
	return cmd
}

// referenceService opens the database for the sdg commands, as the system.
func referenceService(ctx context.Context, a *app, dbURL string) (*civicspace.Service, context.Context, func(), error) {
	db, err := parseDatabase(dbURL)
	if err != nil {
		return nil, nil, nil, &exitError{code: exitInvalid, err: err}
	}
	cat, err := a.catalog()
	if err != nil {
		return nil, nil, nil, err
	}
	logger := slog.New(slog.NewJSONHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := openStore(ctx, dbURL, logger)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("open %s: %w", db, err)
	}
	svc := &civicspace.Service{Catalog: cat, Countries: civicspace.DefaultCountries(), Store: store, Logger: logger}
	return svc, civicspace.NewContextWithPrincipal(ctx, civicspace.System), func() { store.Close() }, nil
}

func newSDGImportCmd(a *app) *cobra.Command {
	var dbURL string
	cmd := &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Import a CSV download of the UN SDG Global Database (the series the catalog cites)",
		Long: `Import reads a CSV download of the UN SDG Global Database (one row per
observation: SeriesCode, GeoAreaCode, TimePeriod, Value, and Indicator, Units,
Nature, Source, FootNote, Time_Detail and [dimension] columns when present,
matched without regard to case) and stores the rows of the series the catalog
cites; other series are skipped and counted. An observation is identified by
its series, area, year and dimensions: importing the same file again changes
nothing, a revised value replaces the stored one. A file with a bad row (an
area that is no M49 code, a year that is no year, an empty value, an unknown
nature, a repeated observation) is refused whole, every bad row named by its
line, and nothing changes.`,
		Example: `  civicspace sdg import SDG_16.10.csv --db postgres://civicspace@db:5432/civicspace`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			defer f.Close()
			svc, ctx, done, err := referenceService(cmd.Context(), a, dbURL)
			if err != nil {
				return err
			}
			defer done()
			r, err := svc.ImportReference(ctx, f)
			if err != nil {
				return commitmentExit(err)
			}
			fmt.Fprintf(a.stdout, "%d created, %d updated, %d unchanged; %d rows of series the catalog does not cite skipped\n", r.Created, r.Updated, r.Unchanged, r.Skipped)
			return nil
		},
	}
	addDBFlag(cmd, &dbURL)
	return cmd
}

func newSDGListCmd(a *app) *cobra.Command {
	var (
		dbURL, format string
		f             civicspace.ReferenceFilter
	)
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the stored official figures",
		Example: `  civicspace sdg list --country NOR --indicator 16.10.2`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return &exitError{code: exitInvalid, err: fmt.Errorf("unknown format %q: use table or json", format)}
			}
			svc, ctx, done, err := referenceService(cmd.Context(), a, dbURL)
			if err != nil {
				return err
			}
			defer done()
			obs, err := svc.ReferenceObservations(ctx, f)
			if err != nil {
				return err
			}
			if format == "json" {
				if obs == nil {
					obs = []civicspace.ReferenceObservation{}
				}
				return writeJSON(a.stdout, obs)
			}
			w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "SERIES\tINDICATOR\tAREA\tCOUNTRY\tYEAR\tDIMENSIONS\tVALUE\tUNITS\tNATURE\tSOURCE")
			for _, o := range obs {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", o.Series, o.Indicator, o.AreaCode, o.Country, o.Year,
					o.Dimensions, o.ValueText, o.Units, o.Nature, strings.ReplaceAll(o.Source, "\t", " "))
			}
			return w.Flush()
		},
	}
	addDBFlag(cmd, &dbURL)
	cmd.Flags().StringSliceVar(&f.Countries, "country", nil, "only these countries (ISO 3166-1 alpha-3)")
	cmd.Flags().StringSliceVar(&f.Indicators, "indicator", nil, "only these SDG indicators (16.10.2)")
	cmd.Flags().StringSliceVar(&f.Series, "series", nil, "only these UN series codes")
	cmd.Flags().IntVar(&f.Year, "year", 0, "only this year")
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	return cmd
}
