// Command watchdog pulls what a civic space watchdog needs for its report
// from a civicspace server and writes it as CSV files for a spreadsheet:
// the ranking of every country for a period (each kind of assessment
// ranked apart) and the comparison of a country's shadow assessment with
// its government's self-assessment, indicator by indicator. It prints the
// comparison's headline.
//
// It uses the Go client generated from openapi.yaml (package client).
// watchdog.sh in this directory does the same with curl.
//
//	go run ./examples/watchdog -server http://localhost:8080 -period 2025 -country KEN -out report/
//
// Comparisons read published assessments only: no key is needed (-key, or
// CIVICSPACE_API_KEY, sends one, for a server that asks for it).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/civicspace/civicspace/client"
)

// config is what to pull and where to write it.
type config struct {
	server  string
	key     string
	period  string
	country string
	out     string
}

func main() {
	var c config
	flag.StringVar(&c.server, "server", "http://localhost:8080", "the civicspace server's URL")
	flag.StringVar(&c.key, "key", os.Getenv("CIVICSPACE_API_KEY"), "an API key to send (default $CIVICSPACE_API_KEY; comparisons need none)")
	flag.StringVar(&c.period, "period", "", "the period, a year such as 2025 (required)")
	flag.StringVar(&c.country, "country", "", "the country of the shadow-versus-self comparison, an ISO 3166-1 alpha-3 code such as KEN (required)")
	flag.StringVar(&c.out, "out", ".", "the directory to write the CSV files into")
	flag.Parse()
	if c.period == "" || c.country == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: watchdog -server URL -period YEAR -country CODE [-key KEY] [-out DIR]")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := pull(ctx, c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "watchdog:", err)
		os.Exit(1)
	}
}

// pull fetches the ranking and the gap, writes them into c.out as
// ranking-PERIOD.csv and gap-COUNTRY-PERIOD.csv, and prints what it wrote
// and the gap's headline to w.
func pull(ctx context.Context, c config, w io.Writer) error {
	cs, err := client.NewClientWithResponses(strings.TrimRight(c.server, "/"), client.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		if c.key != "" {
			r.Header.Set("Authorization", "Bearer "+c.key)
		}
		return nil
	}))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}

	csvRanking := client.GetRankingParamsFormatCsv
	ranking, err := cs.GetRankingWithResponse(ctx, &client.GetRankingParams{Period: &c.period, Format: &csvRanking})
	if err != nil {
		return fmt.Errorf("ranking: %w", err)
	}
	if err := save(c.out, "ranking-"+c.period+".csv", ranking.HTTPResponse, ranking.Body, w); err != nil {
		return fmt.Errorf("ranking: %w", err)
	}

	csvGap := client.GetGapParamsFormatCsv
	gap, err := cs.GetGapWithResponse(ctx, c.country, c.period, &client.GetGapParams{Format: &csvGap})
	if err != nil {
		return fmt.Errorf("gap: %w", err)
	}
	if err := save(c.out, "gap-"+c.country+"-"+c.period+".csv", gap.HTTPResponse, gap.Body, w); err != nil {
		return fmt.Errorf("gap: %w", err)
	}

	// The same comparison as JSON, decoded into the generated types.
	summary, err := cs.GetGapWithResponse(ctx, c.country, c.period, nil)
	if err != nil {
		return fmt.Errorf("gap: %w", err)
	}
	if summary.JSON200 == nil {
		return fmt.Errorf("gap: %w", problem(summary.HTTPResponse, summary.Body))
	}
	g := summary.JSON200
	fmt.Fprintln(w, g.Headline)
	for i, ind := range g.Indicators {
		if i == 5 {
			fmt.Fprintf(w, "  ... and %d more\n", len(g.Indicators)-i)
			break
		}
		diff := "n/a"
		if ind.Difference != nil {
			diff = fmt.Sprintf("%+g", *ind.Difference)
		}
		issues := make([]string, len(ind.Issues))
		for j, x := range ind.Issues {
			issues[j] = string(x)
		}
		fmt.Fprintf(w, "  %-40s %8s points (%s)\n", ind.Indicator, diff, strings.Join(issues, ", "))
	}
	return nil
}

// save writes a successful answer's body to dir/name, atomically; any other
// answer is returned as an error with the server's problem detail.
func save(dir, name string, res *http.Response, body []byte, w io.Writer) error {
	if res.StatusCode != http.StatusOK {
		return problem(res, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		return fmt.Errorf("the server answered %s, not CSV", ct)
	}
	path := filepath.Join(dir, name)
	tmp, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(body); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s (%d bytes)\n", path, len(body))
	return nil
}

// problem turns an error answer (an RFC 9457 problem document) into an
// error that says what the server said.
func problem(res *http.Response, body []byte) error {
	var p client.Problem
	if err := json.Unmarshal(body, &p); err != nil || p.Detail == "" {
		return fmt.Errorf("the server answered %s", res.Status)
	}
	return errors.New(res.Status + ": " + p.Detail)
}
