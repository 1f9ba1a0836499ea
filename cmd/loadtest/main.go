// Command loadtest measures a running civicspace API server: for each
// scenario, workers send requests for a fixed time and it reports requests
// per second and latency percentiles. It also times the scoring engine
// in-process on the same assessment, so that the cost of serving an inline
// score can be compared with the cost of the score itself.
//
// scripts/loadtest.sh builds the server, starts it on loopback with a fresh
// database and runs this program against it.
//
// Scenarios:
//
//	stored-score    GET /v1/assessments/{id}/score of a published assessment
//	inline-score    POST /v1/score of the assessment
//	inline-serial   the same with one client, for the latency without queueing
//	lifecycle       POST create, PUT update, POST submit, POST publish
//	                (one step is the four requests)
//
// Writes and inline scores need an API key (-key, or $CIVICSPACE_API_KEY),
// one whose role may create, submit and publish self assessments of the
// assessment's subject (an admin key does); stored scores of published
// assessments are read anonymously, as the public reads them.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type config struct {
	url         string
	duration    time.Duration
	concurrency int
	assessment  string
	scenarios   string
	engine      bool
	key         string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.StringVar(&cfg.url, "url", "http://127.0.0.1:8080", "base URL of the server (on loopback)")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long each scenario runs")
	fs.IntVar(&cfg.concurrency, "concurrency", 8, "concurrent clients")
	fs.StringVar(&cfg.assessment, "assessment", "examples/assessments/open-xaa.json", "a valid assessment to send")
	fs.StringVar(&cfg.scenarios, "scenarios", "stored-score,inline-score,inline-serial,lifecycle", "comma-separated scenarios to run")
	fs.BoolVar(&cfg.engine, "engine", true, "also time the scoring engine in-process on the assessment")
	fs.StringVar(&cfg.key, "key", os.Getenv("CIVICSPACE_API_KEY"), "API key for writes and inline scores (default $CIVICSPACE_API_KEY)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := loadtest(ctx, cfg, stdout); err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 1
	}
	return 0
}

// stats are one scenario's measures.
type stats struct {
	name        string
	concurrency int
	requests    int // per step
	latencies   []time.Duration
	errors      int
	firstError  error
	elapsed     time.Duration
}

func (s *stats) percentile(p float64) time.Duration {
	if len(s.latencies) == 0 {
		return 0
	}
	i := int(p * float64(len(s.latencies)-1))
	return s.latencies[i]
}

func loadtest(ctx context.Context, cfg config, w io.Writer) error {
	body, err := os.ReadFile(cfg.assessment)
	if err != nil {
		return err
	}
	a, err := civicspace.ParseAssessment(body)
	if err != nil {
		return err
	}
	if ps := a.Validate(civicspace.DefaultCatalog(), civicspace.DefaultCountries()); len(ps) > 0 {
		return fmt.Errorf("%s has %d problems: the load test needs a valid assessment", cfg.assessment, len(ps))
	}
	c := &client{
		key:  cfg.key,
		base: strings.TrimSuffix(cfg.url, "/"),
		http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.concurrency + 1}, Timeout: 30 * time.Second},
	}
	if _, err := c.read(ctx, "/readyz"); err != nil {
		return fmt.Errorf("server not ready at %s: %w", c.base, err)
	}

	var results []*stats
	for _, name := range strings.Split(cfg.scenarios, ",") {
		step, requests, concurrency, err := setup(ctx, c, strings.TrimSpace(name), body, cfg.concurrency)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		s := measure(ctx, name, step, concurrency, cfg.duration)
		s.requests = requests
		results = append(results, s)
		if ctx.Err() != nil {
			break
		}
	}

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tclients\tsteps\trequests/s\tsteps/s\tp50\tp90\tp99\tmax\terrors\t")
	for _, s := range results {
		secs := s.elapsed.Seconds()
		n := len(s.latencies)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%d\t\n", s.name, s.concurrency, n,
			float64(n*s.requests)/secs, float64(n)/secs,
			ms(s.percentile(0.50)), ms(s.percentile(0.90)), ms(s.percentile(0.99)), ms(s.percentile(1)), s.errors)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range results {
		if s.firstError != nil {
			fmt.Fprintf(w, "%s: first error: %v\n", s.name, s.firstError)
		}
	}

	if cfg.engine {
		engine, err := timeEngine(ctx, a, 2*time.Second)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\nengine: Score in-process, one goroutine, %d runs: p50 %s, mean %s\n", len(engine.latencies), ms(engine.percentile(0.5)), ms(mean(engine.latencies)))
		for _, s := range results {
			if s.name == "inline-serial" && len(s.latencies) > 0 {
				fmt.Fprintf(w, "inline score over HTTP (one client) / engine Score: p50 %.2fx (%s / %s), mean %.2fx\n",
					float64(s.percentile(0.5))/float64(engine.percentile(0.5)), ms(s.percentile(0.5)), ms(engine.percentile(0.5)),
					float64(mean(s.latencies))/float64(mean(engine.latencies)))
			}
		}
	}
	for _, s := range results {
		if s.errors > 0 {
			return fmt.Errorf("%d scenario steps failed", s.errors)
		}
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}

// setup prepares a scenario and returns one step of it, the requests a
// step sends, and the clients to run it with.
func setup(ctx context.Context, c *client, name string, body []byte, concurrency int) (func(context.Context) error, int, int, error) {
	switch name {
	case "stored-score":
		id, err := c.publish(ctx, body)
		if err != nil {
			return nil, 0, 0, err
		}
		return func(ctx context.Context) error {
			_, err := c.read(ctx, "/v1/assessments/"+id+"/score")
			return err
		}, 1, concurrency, nil
	case "inline-score", "inline-serial":
		if name == "inline-serial" {
			concurrency = 1
		}
		return func(ctx context.Context) error {
			_, err := c.do(ctx, "POST", "/v1/score", body, "", http.StatusOK)
			return err
		}, 1, concurrency, nil
	case "lifecycle":
		return func(ctx context.Context) error {
			_, err := c.publish(ctx, body)
			return err
		}, 4, concurrency, nil
	}
	return nil, 0, 0, fmt.Errorf("unknown scenario %q", name)
}

// measure runs step from concurrency workers for d.
func measure(ctx context.Context, name string, step func(context.Context) error, concurrency int, d time.Duration) *stats {
	s := &stats{name: name, concurrency: concurrency}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			var errs int
			var first error
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				if err := step(ctx); err != nil {
					errs++
					if first == nil {
						first = err
					}
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			s.latencies = append(s.latencies, lat...)
			s.errors += errs
			if s.firstError == nil {
				s.firstError = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	s.elapsed = time.Since(start)
	slices.Sort(s.latencies)
	return s
}

// timeEngine scores a in-process for d, as the server's scorer does.
func timeEngine(ctx context.Context, a *civicspace.Assessment, d time.Duration) (*stats, error) {
	scorer, err := opa.NewScorer(civicspace.DefaultCatalog())
	if err != nil {
		return nil, err
	}
	s := &stats{name: "engine", concurrency: 1}
	if _, err := scorer.Score(ctx, a); err != nil { // warm up, as the server is
		return nil, err
	}
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		t0 := time.Now()
		if _, err := scorer.Score(ctx, a); err != nil {
			return nil, err
		}
		s.latencies = append(s.latencies, time.Since(t0))
	}
	slices.Sort(s.latencies)
	return s, nil
}

// client talks to the server under test.
type client struct {
	base string
	key  string
	http *http.Client
}

// read sends an anonymous GET, as a member of the public does.
func (c *client) read(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", c.base+path, nil)
	if err != nil {
		return nil, err
	}
	return c.send(req, http.StatusOK)
}

// do sends a request and checks its status.
func (c *client) do(ctx context.Context, method, path string, body []byte, ifMatch string, want int) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	return c.send(req, want)
}

func (c *client) send(req *http.Request, want int) (*http.Response, error) {
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	if res.StatusCode != want {
		return nil, fmt.Errorf("%s %s: %d, want %d: %.300s", req.Method, req.URL.Path, res.StatusCode, want, data)
	}
	return res, nil
}

// publish creates an assessment, updates it, submits and publishes it, and
// returns its ID.
func (c *client) publish(ctx context.Context, body []byte) (string, error) {
	res, err := c.do(ctx, "POST", "/v1/assessments", body, "", http.StatusCreated)
	if err != nil {
		return "", err
	}
	loc := res.Header.Get("Location")
	id := loc[strings.LastIndex(loc, "/")+1:]
	if id == "" {
		return "", errors.New("no Location in the create response")
	}
	path := "/v1/assessments/" + id
	res, err = c.do(ctx, "PUT", path, body, res.Header.Get("ETag"), http.StatusOK)
	if err != nil {
		return "", err
	}
	note, _ := json.Marshal(map[string]string{"note": "load test"})
	res, err = c.do(ctx, "POST", path+"/submit", note, res.Header.Get("ETag"), http.StatusOK)
	if err != nil {
		return "", err
	}
	if _, err = c.do(ctx, "POST", path+"/publish", note, res.Header.Get("ETag"), http.StatusOK); err != nil {
		return "", err
	}
	return id, nil
}
