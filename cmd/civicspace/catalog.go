package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newCatalogCmd) }

func newCatalogCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "List, show and export the catalog of frameworks, recommendations and indicators",
	}
	var listFormat, showFormat string
	list := &cobra.Command{
		Use:   "list",
		Short: "List frameworks with their groups and recommendations, then the indicators",
		Long: `List prints the catalog for people, one item a line wrapped to the
terminal's width (or $COLUMNS); --format json prints the whole catalog for
scripts, as "catalog export" does.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			switch listFormat {
			case "text":
				writeCatalogText(a.stdout, cat, outputWidth(a.stdout))
				return nil
			case "json":
				return writeJSON(a.stdout, cat)
			}
			return &exitError{code: exitInvalid, err: fmt.Errorf("unknown --format %q: use text or json", listFormat)}
		},
	}
	list.Flags().StringVar(&listFormat, "format", "text", "text (for people) or json (for scripts)")
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show one framework, group, recommendation or indicator",
		Long: `Show prints one catalog item for people: its title, source and text, and
what it links to (a recommendation's indicators, an indicator's scale and
recommendations), wrapped to the terminal's width; --format json prints it
as JSON for scripts.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			switch showFormat {
			case "text":
				return writeItemText(a.stdout, cat, args[0], outputWidth(a.stdout))
			case "json":
				item, err := catalogItem(cat, args[0])
				if err != nil {
					return err
				}
				return writeJSON(a.stdout, item)
			}
			return &exitError{code: exitInvalid, err: fmt.Errorf("unknown --format %q: use text or json", showFormat)}
		},
	}
	show.Flags().StringVar(&showFormat, "format", "text", "text (for people) or json (for scripts)")
	cmd.AddCommand(list, show)
	var format string
	export := &cobra.Command{
		Use:   "export",
		Short: "Export the whole catalog as JSON, or its recommendation-indicator links as CSV",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			switch format {
			case "json":
				return writeJSON(a.stdout, cat)
			case "csv":
				return report.CatalogCSV(a.stdout, cat)
			}
			return &exitError{code: exitInvalid, err: fmt.Errorf("unknown --format %q: use json or csv", format)}
		},
	}
	export.Flags().StringVar(&format, "format", "json", "json or csv")
	cmd.AddCommand(export)
	return cmd
}

// catalogItem finds any catalog item by ID, with what it links to.
func catalogItem(cat *civicspace.Catalog, id string) (any, error) {
	if f, ok := cat.Framework(id); ok {
		return f, nil
	}
	if g, ok := cat.Group(id); ok {
		return g, nil
	}
	if r, ok := cat.Recommendation(id); ok {
		var inds []string
		for _, ind := range cat.IndicatorsFor(id) {
			inds = append(inds, ind.ID)
		}
		return struct {
			*civicspace.Recommendation
			FrameworkID string   `json:"framework"`
			GroupID     string   `json:"group"`
			Indicators  []string `json:"indicators"`
		}{r, r.Framework().ID, r.Group().ID, inds}, nil
	}
	if ind, ok := cat.Indicator(id); ok {
		return ind, nil
	}
	return nil, civicspace.Errorf(civicspace.ENOTFOUND, "no framework, group, recommendation or indicator %q in catalog %s", id, cat.Version())
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func absPaths(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			abs = p
		}
		out[i] = strings.TrimPrefix(abs, "/")
	}
	return out
}
