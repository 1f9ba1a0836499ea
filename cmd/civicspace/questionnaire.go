package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/questionnaire"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newQuestionnaireCmd) }

func newQuestionnaireCmd(a *app) *cobra.Command {
	var (
		o             questionnaire.Options
		format, out   string
		subject, kind string
		roles         []string
	)
	cmd := &cobra.Command{
		Use:   "questionnaire",
		Short: "Write the catalog's questions as a spreadsheet to fill in offline (XLSX or CSV)",
		Long: `Questionnaire writes the questions of the catalog that apply to a subject's
roles, one row per indicator grouped by topic, with their scales, choices and
guidance, and columns for the answer, not_applicable/unknown with the reason,
the evidence (title, URL, date, excerpt) and a comment.

The XLSX workbook has drop-down lists for yes/no, the scale levels, the
choices and not_applicable/unknown, number checks for counts and
percentages, the indicator IDs in a hidden column and its sheets protected
but for the cells to fill in. The CSV has the same columns, the assessment's
fields as @subject, @roles... rows, and a byte-order mark for spreadsheets.

Labels are in English, French or Spanish (--lang; our own translation, as
the sheet says), the catalog's text in the catalog's translation where there
is one. Import the filled file with "civicspace assessments import FILE": it
becomes a draft, and every cell that cannot be read is reported by sheet, row
and column.`,
		Example: `  civicspace questionnaire --subject XAA --roles domestic,donor --out xaa-2025.xlsx
  civicspace questionnaire --lang fr --format csv --subject XAA --roles domestic --period 2025 > xaa.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if subject != "" {
				if org, ok := strings.CutPrefix(subject, "org:"); ok {
					o.Subject.Organisation = org
				} else {
					o.Subject.Country = strings.ToUpper(subject)
				}
			}
			for _, r := range roles {
				role := civicspace.Role(strings.TrimSpace(r))
				if !role.Valid() {
					return &exitError{code: exitInvalid, err: fmt.Errorf("--roles: unknown role %q (one of %s)", r, roleNames())}
				}
				o.Roles = append(o.Roles, role)
			}
			o.Kind = civicspace.Kind(kind)
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := questionnaire.Write(&buf, cat, format, o); err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			if out != "" {
				return os.WriteFile(out, buf.Bytes(), 0o644)
			}
			if format == "xlsx" && isTerminal(a.stdout) {
				return &exitError{code: exitInvalid, err: fmt.Errorf("an XLSX workbook is not for a terminal: give --out FILE or redirect the output")}
			}
			_, err = a.stdout.Write(buf.Bytes())
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Lang, "lang", "en", "language of the labels and catalog text: "+strings.Join(questionnaire.Languages, ", "))
	f.StringVar(&format, "format", "xlsx", "xlsx or csv")
	f.StringVarP(&out, "out", "o", "", "write to this file (default: standard output)")
	f.StringVar(&subject, "subject", "", "the subject: an ISO 3166-1 alpha-3 code (XAA) or org:NAME")
	f.StringSliceVar(&roles, "roles", nil, "ask the questions of these roles (comma-separated; default: every question): "+roleNames())
	f.StringVar(&o.Period, "period", "", "prefill the period (2025)")
	f.StringVar(&kind, "kind", "self", "prefill the kind: self, shadow or independent")
	f.StringVar(&o.Author, "author", "", "prefill the author organisation")
	f.StringVar(&o.Title, "title", "", "prefill the title")
	return cmd
}

func roleNames() string {
	names := make([]string, len(civicspace.Roles))
	for i, r := range civicspace.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// readQuestionnaireFile reads a filled questionnaire as one import item.
func readQuestionnaireFile(cat *civicspace.Catalog, path string, data []byte) []civicspace.ImportItem {
	a, err := questionnaire.Read(cat, data, path)
	return []civicspace.ImportItem{{Source: path, Assessment: a, Err: err}}
}
