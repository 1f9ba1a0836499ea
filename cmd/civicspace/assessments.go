package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/client"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newAssessmentsCmd) }

func newAssessmentsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "assessments",
		Short: "Work with stored assessments in bulk: import",
	}
	cmd.AddCommand(newAssessmentsImportCmd(a))
	return cmd
}

// importOptions are the flags of assessments import.
type importOptions struct {
	db, policyDir string
	server, key   string
	format        string
}

// importBatchBytes and importBatchItems bound one request to a server:
// below its default body limit (1 MiB) and its item limit.
const (
	importBatchBytes = 768 << 10
	importBatchItems = 200
)

func newAssessmentsImportCmd(a *app) *cobra.Command {
	o := &importOptions{}
	cmd := &cobra.Command{
		Use:   "import FILE|DIR|-...",
		Short: "Import assessments from JSON, NDJSON or filled questionnaires, idempotently",
		Long: `Import reads assessments from files (a directory's *.json, *.ndjson and
*.jsonl files, and filled questionnaires *.xlsx and *.csv, in name order; "-"
reads standard input) and stores them in the database (--db) or sends them to
a server (--server with --key, the same rules as the REST bulk import).

An imported assessment is matched with what is stored by its subject, period
(2025 and 2025-01-01/2025-12-31 are one), kind and author. It is created as a draft when there is none;
unchanged when the stored one has the same content; the stored draft is
updated (a new revision, the old one kept) when the content differs; a
submitted, published or withdrawn assessment is never overwritten (refused).
So importing the same files twice changes nothing the second time.

Each item is reported: created, updated, unchanged, or refused with the reason
and every problem (its JSON Pointer, its file, line or array element). Drafts
are reported with the problems they must still fix before being submitted.
On a terminal a progress bar shows how far it is. The exit status is 2 when
an item was refused, 0 otherwise.

Against the database the command line acts as the system (key:cli), with
every right; against a server, as the key's holder.`,
		Example: `  civicspace assessments import examples/assessments
  civicspace assessments import batch.ndjson --db postgres://civicspace@db:5432/civicspace
  cat batch.ndjson | civicspace assessments import - --server https://civicspace.example.org --key $CIVICSPACE_KEY
  civicspace assessments import filled-questionnaire.xlsx --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyEnv(cmd.Flags(), map[string]string{"policy": "CIVICSPACE_POLICY", "key": "CIVICSPACE_KEY"}); err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			if o.format != "text" && o.format != "json" {
				return &exitError{code: exitInvalid, err: fmt.Errorf("unknown format %q: use text or json", o.format)}
			}
			if o.server != "" && cmd.Flags().Changed("db") {
				return &exitError{code: exitInvalid, err: fmt.Errorf("give --db or --server, not both")}
			}
			if o.server != "" && o.key == "" {
				return &exitError{code: exitInvalid, err: fmt.Errorf("--server needs --key (or $CIVICSPACE_KEY): importing writes assessments")}
			}
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			items, err := readImportArgs(a, cat, args)
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			bar := newProgressBar(a.stdout, len(items))
			var report *civicspace.ImportReport
			if o.server != "" {
				report, err = o.importToServer(cmd.Context(), items, bar.set)
			} else {
				report, err = o.importToDB(cmd.Context(), a, cat, items, bar.set)
			}
			bar.done()
			if report != nil {
				if werr := writeImportReport(a.stdout, o.format, report); werr != nil && err == nil {
					err = werr
				}
			}
			if err != nil {
				return err
			}
			if report.Refused > 0 {
				return &exitError{code: exitInvalid, err: fmt.Errorf("%s refused", countOf(report.Refused, "item", "items"))}
			}
			return nil
		},
	}
	addDBFlag(cmd, &o.db)
	f := cmd.Flags()
	f.StringVar(&o.policyDir, "policy", "", "directory of Rego policy files scoring the drafts without problems (default: the built-in policy; $CIVICSPACE_POLICY)")
	f.StringVar(&o.server, "server", "", "import through this server's REST API (https://HOST) instead of a database")
	f.StringVar(&o.key, "key", "", "the API key for --server (default $CIVICSPACE_KEY)")
	f.StringVar(&o.format, "format", "text", "the report: text (one line per item and a summary) or json")
	return cmd
}

// importExts are the extensions a directory's files are imported by.
var importExts = []string{".json", ".ndjson", ".jsonl", ".xlsx", ".csv"}

// readImportArgs reads every item the arguments name, in order.
func readImportArgs(a *app, cat *civicspace.Catalog, args []string) ([]civicspace.ImportItem, error) {
	var items []civicspace.ImportItem
	for _, arg := range args {
		if arg == "-" {
			data, err := io.ReadAll(a.stdin)
			if err != nil {
				return nil, fmt.Errorf("read standard input: %w", err)
			}
			items = append(items, civicspace.ReadAssessments(data, "stdin")...)
			continue
		}
		info, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			more, err := readImportFile(cat, arg)
			if err != nil {
				return nil, err
			}
			items = append(items, more...)
			continue
		}
		var files []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && slices.Contains(importExts, strings.ToLower(filepath.Ext(path))) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%s holds no file to import (%s)", arg, strings.Join(importExts, ", "))
		}
		for _, file := range files {
			more, err := readImportFile(cat, file)
			if err != nil {
				return nil, err
			}
			items = append(items, more...)
		}
	}
	return items, nil
}

// readImportFile reads one file's items by its extension.
func readImportFile(cat *civicspace.Catalog, path string) ([]civicspace.ImportItem, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".csv":
		return readQuestionnaireFile(cat, path, data), nil
	}
	return civicspace.ReadAssessments(data, path), nil
}

// importToDB imports into the database as the system.
func (o *importOptions) importToDB(ctx context.Context, a *app, cat *civicspace.Catalog, items []civicspace.ImportItem, progress func(int)) (*civicspace.ImportReport, error) {
	db, err := parseDatabase(o.db)
	if err != nil {
		return nil, &exitError{code: exitInvalid, err: err}
	}
	scorer, err := newPolicyScorer(cat, o.policyDir)
	if err != nil {
		return nil, err
	}
	logger := slog.New(slog.NewJSONHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := openStore(ctx, o.db, logger)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", db, err)
	}
	defer store.Close()
	svc := &civicspace.Service{Catalog: cat, Countries: civicspace.DefaultCountries(), Store: store, Scorer: scorer, Logger: logger}
	ctx = civicspace.NewContextWithPrincipal(ctx, civicspace.System)
	return svc.ImportAssessments(ctx, items, func(done int, _ civicspace.ImportResult) { progress(done) })
}

// importToServer sends the items to POST /v1/assessments:import in
// batches; items that could not be read are refused here, unsent.
func (o *importOptions) importToServer(ctx context.Context, items []civicspace.ImportItem, progress func(int)) (*civicspace.ImportReport, error) {
	key := o.key
	cs, err := client.NewClientWithResponses(strings.TrimRight(o.server, "/"), client.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+key)
		return nil
	}))
	if err != nil {
		return nil, &exitError{code: exitInvalid, err: fmt.Errorf("--server: %w", err)}
	}
	results := make([]civicspace.ImportResult, len(items))
	var batch []int
	var body bytes.Buffer
	send := func() error {
		if len(batch) == 0 {
			return nil
		}
		body.WriteByte(']')
		res, err := cs.ImportAssessmentsWithBodyWithResponse(ctx, "application/json", bytes.NewReader(body.Bytes()))
		if err != nil {
			return fmt.Errorf("import to %s: %w", o.server, err)
		}
		if res.JSON200 == nil {
			return fmt.Errorf("import to %s: %s: %s", o.server, res.HTTPResponse.Status, strings.TrimSpace(string(res.Body)))
		}
		if len(res.JSON200.Results) != len(batch) {
			return fmt.Errorf("import to %s: %d results for %d items", o.server, len(res.JSON200.Results), len(batch))
		}
		for i, r := range res.JSON200.Results {
			results[batch[i]] = resultFromClient(items[batch[i]].Source, r)
		}
		progress(batch[len(batch)-1] + 1)
		batch, body = batch[:0], bytes.Buffer{}
		return nil
	}
	for i, item := range items {
		if item.Err != nil || item.Assessment == nil {
			results[i] = refusedItem(item)
			continue
		}
		data, err := json.Marshal(item.Assessment)
		if err != nil {
			return nil, err
		}
		if len(batch) > 0 && (body.Len()+len(data) > importBatchBytes || len(batch) == importBatchItems) {
			if err := send(); err != nil {
				return nil, err
			}
		}
		if len(batch) == 0 {
			body.WriteByte('[')
		} else {
			body.WriteByte(',')
		}
		body.Write(data)
		batch = append(batch, i)
	}
	if err := send(); err != nil {
		return nil, err
	}
	report := &civicspace.ImportReport{}
	for _, r := range results {
		report.Add(r)
	}
	return report, nil
}

// refusedItem is the result of an item that could not be read.
func refusedItem(item civicspace.ImportItem) civicspace.ImportResult {
	err := item.Err
	if err == nil {
		err = civicspace.Errorf(civicspace.EINVALID, "%s holds no assessment", item.Source)
	}
	return civicspace.ImportResult{Source: item.Source, Outcome: civicspace.ImportRefused,
		Code: civicspace.ErrorCode(err), Message: civicspace.ErrorMessage(err), Problems: civicspace.ErrorProblems(err)}
}

func resultFromClient(source string, r client.ImportResult) civicspace.ImportResult {
	res := civicspace.ImportResult{Source: source, Outcome: civicspace.ImportOutcome(r.Outcome)}
	if r.ID != nil {
		res.ID = *r.ID
	}
	if r.Version != nil {
		res.Version = *r.Version
	}
	if r.Code != nil {
		res.Code = string(*r.Code)
	}
	if r.Message != nil {
		res.Message = *r.Message
	}
	if r.Problems != nil {
		for _, p := range *r.Problems {
			res.Problems = append(res.Problems, civicspace.Problem{Pointer: p.Pointer, Detail: p.Detail})
		}
	}
	return res
}

// writeImportReport writes one line per item (refusals with their
// problems, drafts with theirs) and the counts, or the report as JSON.
func writeImportReport(w io.Writer, format string, r *civicspace.ImportReport) error {
	if format == "json" {
		if r.Results == nil {
			r.Results = []civicspace.ImportResult{}
		}
		return writeJSON(w, r)
	}
	var b strings.Builder
	for _, res := range r.Results {
		switch res.Outcome {
		case civicspace.ImportRefused:
			fmt.Fprintf(&b, "refused    %s: %s\n", res.Source, res.Message)
		default:
			fmt.Fprintf(&b, "%-10s %s: %s version %d", res.Outcome, res.Source, res.ID, res.Version)
			if n := len(res.Problems); n > 0 {
				fmt.Fprintf(&b, " (a draft with %s to fix before it can be submitted)", countOf(n, "problem", "problems"))
			}
			b.WriteByte('\n')
		}
		for _, p := range res.Problems {
			fmt.Fprintf(&b, "    %s %s\n", orRoot(p.Pointer), p.Detail)
		}
	}
	fmt.Fprintf(&b, "%d created, %d updated, %d unchanged, %d refused\n", r.Created, r.Updated, r.Unchanged, r.Refused)
	_, err := io.WriteString(w, b.String())
	return err
}

func orRoot(pointer string) string {
	if pointer == "" {
		return "(document)"
	}
	return pointer
}

// progressBar draws "[#####     ] 12/40" on a terminal; elsewhere (a
// pipe, a file, a test) it draws nothing.
type progressBar struct {
	w     io.Writer
	total int
	on    bool
}

func newProgressBar(w io.Writer, total int) *progressBar {
	return &progressBar{w: w, total: total, on: isTerminal(w) && total > 0}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

const progressWidth = 30

func (p *progressBar) set(done int) {
	if !p.on {
		return
	}
	filled := progressWidth * done / p.total
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(" ", progressWidth-filled), done, p.total)
}

// done clears the bar's line.
func (p *progressBar) done() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
