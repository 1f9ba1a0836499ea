package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"
)

func init() {
	// Bodies the validator has no decoder for by default: the API
	// reference page and its assets. Their schemas are plain strings.
	for _, ct := range []string{"text/html", "text/css", "application/javascript", "image/png"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
}

// storeOpener opens a fresh, empty store for one test.
type storeOpener func(t *testing.T) civicspace.Store

// stores lists the stores the end-to-end suite runs against: SQLite
// always, PostgreSQL when CIVICSPACE_TEST_POSTGRES is set (see
// postgres_test.go).
var stores = map[string]storeOpener{
	"sqlite": func(t *testing.T) civicspace.Store {
		t.Helper()
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "civicspace.db"))
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		return st
	},
}

// forEachStore runs fn once per store, as subtests.
func forEachStore(t *testing.T, fn func(t *testing.T, open storeOpener)) {
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			open, ok := stores[name]
			if !ok {
				t.Skip("CIVICSPACE_TEST_POSTGRES is not set: skipping the PostgreSQL run " +
					"(set it to a server URL such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
			}
			fn(t, open)
		})
	}
}

// countingScorer counts the evaluations of the policy.
type countingScorer struct {
	civicspace.Scorer
	calls atomic.Int64
}

func (s *countingScorer) Score(ctx context.Context, a *civicspace.Assessment) (*civicspace.Result, error) {
	s.calls.Add(1)
	return s.Scorer.Score(ctx, a)
}

var (
	scorerOnce sync.Once
	baseScorer *opa.Scorer
	scorerErr  error
)

// sharedScorer compiles the default policy once for the whole test binary.
func sharedScorer(t testing.TB) *opa.Scorer {
	t.Helper()
	scorerOnce.Do(func() { baseScorer, scorerErr = opa.NewScorer(civicspace.DefaultCatalog()) })
	require.NoError(t, scorerErr)
	return baseScorer
}

// syncBuffer is a log sink tests read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// env is a running API server on a fresh store, and a client that checks
// every response against openapi.yaml.
type env struct {
	t      *testing.T
	url    string
	srv    *api.Server
	svc    *civicspace.Service
	scorer *countingScorer
	logs   *syncBuffer
	spec   *openapi3.T
	router routers.Router
	// key is the API key do sends unless a request gives its own
	// Authorization header ("" for none): an admin's, made in the store.
	key   string
	store civicspace.Store
}

type envOption func(*civicspace.Service, *[]api.Option)

func withStore(f func(civicspace.Store) civicspace.Store) envOption {
	return func(svc *civicspace.Service, _ *[]api.Option) { svc.Store = f(svc.Store) }
}

// withPacks sets the service's pack compiler.
func withPacks(c civicspace.PackCompiler) envOption {
	return func(svc *civicspace.Service, _ *[]api.Option) { svc.Packs = c }
}

// asAdmin is ctx carrying the local operator, for setting up a test
// through the Service directly.
func asAdmin(ctx context.Context) context.Context {
	return civicspace.NewContextWithPrincipal(ctx, civicspace.System)
}

func withAPIOptions(opts ...api.Option) envOption {
	return func(_ *civicspace.Service, o *[]api.Option) { *o = append(*o, opts...) }
}

func newEnv(t *testing.T, open storeOpener, opts ...envOption) *env {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	scorer := &countingScorer{Scorer: sharedScorer(t)}
	store := open(t)
	svc := &civicspace.Service{
		Catalog:   civicspace.DefaultCatalog(),
		Countries: civicspace.DefaultCountries(),
		Store:     store,
		Scorer:    scorer,
		Logger:    logger,
	}
	svc.Packs = &opa.PackCompiler{Catalog: svc.Catalog, Countries: svc.Countries, Timeout: 200 * time.Millisecond}
	apiOpts := []api.Option{api.WithLogger(logger)}
	for _, o := range opts {
		o(svc, &apiOpts)
	}
	srv, err := api.New(svc, apiOpts...)
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)

	spec, err := api.LoadSpec()
	require.NoError(t, err)
	spec.Servers = nil // match routes by path only
	router, err := gorillamux.NewRouter(spec)
	require.NoError(t, err)
	e := &env{t: t, url: ts.URL, srv: srv, svc: svc, scorer: scorer, logs: logs, spec: spec, router: router, store: store}
	e.key = e.newKey(civicspace.KeySpec{Name: "test admin", Role: civicspace.RoleAdmin})
	return e
}

// newKey makes a key in the env's store and returns its secret.
func (e *env) newKey(spec civicspace.KeySpec) string {
	e.t.Helper()
	secret, k, err := civicspace.NewAPIKey(spec, "test", time.Now())
	require.NoError(e.t, err)
	require.NoError(e.t, e.store.CreateKey(context.Background(), k))
	return secret
}

// bearer is the Authorization header of a key ("" sends none).
func bearer(secret string) header {
	if secret == "" {
		return header{"Authorization", ""}
	}
	return header{"Authorization", "Bearer " + secret}
}

// response is a response the client checked against the spec.
type response struct {
	*http.Response
	body []byte
}

func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), "body: %s", r.body)
}

// problem decodes a problem response and checks its status and code.
func (r *response) problem(t *testing.T, status int, code string) api.Problem {
	t.Helper()
	require.Equal(t, status, r.StatusCode, "body: %s", r.body)
	require.Equal(t, "application/problem+json", r.Header.Get("Content-Type"))
	var p api.Problem
	r.decode(t, &p)
	require.Equal(t, status, p.Status)
	require.Equal(t, api.ProblemCode(code), p.Code)
	require.Equal(t, http.StatusText(status), p.Title)
	require.NotEmpty(t, p.Detail)
	require.Equal(t, r.Header.Get("X-Request-Id"), p.RequestID)
	return p
}

type header struct{ name, value string }

// do sends a request (a JSON body for anything but []byte or string) and
// checks the response against the operation in openapi.yaml; a request to
// no operation must get a problem document.
func (e *env) do(method, path string, body any, headers ...header) *response {
	t := e.t
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	require.NoError(t, err)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if e.key != "" {
		req.Header.Set("Authorization", "Bearer "+e.key)
	}
	for _, h := range headers {
		if h.value == "" {
			req.Header.Del(h.name)
			continue
		}
		req.Header.Set(h.name, h.value)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	data, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	e.checkResponse(req, res, data)
	return &response{Response: res, body: data}
}

func (e *env) checkResponse(req *http.Request, res *http.Response, body []byte) {
	t := e.t
	t.Helper()
	require.NotEmpty(t, res.Header.Get("X-Request-Id"), "every response has a request ID")
	if res.StatusCode >= 400 {
		require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"), "%s %s: every error is a problem document: %s", req.Method, req.URL.Path, body)
	}
	route, params, err := e.router.FindRoute(req)
	if err != nil {
		// No operation (404, 405): the body must still be a Problem.
		var v any
		require.NoError(t, json.Unmarshal(body, &v), "%s %s: %s", req.Method, req.URL.Path, body)
		require.NoError(t, e.spec.Components.Schemas["Problem"].Value.VisitJSON(v), "%s %s: %s", req.Method, req.URL.Path, body)
		return
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	require.NoError(t, openapi3filter.ValidateResponse(context.Background(), input),
		"%s %s: response %d does not match openapi.yaml: %.2000s", req.Method, req.URL.Path, res.StatusCode, body)
}

func ifMatch(etag string) header { return header{"If-Match", etag} }

// fullAssessment answers every indicator of the catalog, well, with
// evidence where required: a valid assessment of country for 2025.
func fullAssessment(cat *civicspace.Catalog, country string) *civicspace.Assessment {
	a := &civicspace.Assessment{
		Subject: civicspace.Subject{Country: country},
		Roles:   []civicspace.Role{civicspace.RoleDomestic, civicspace.RoleDonor, civicspace.RoleHost},
		Period:  civicspace.MustPeriod("2025"),
		Kind:    civicspace.KindSelf,
		Author:  "Ministry of Justice of " + country,
		Title:   "Self-assessment 2025",
		Answers: map[string]civicspace.Answer{},
	}
	for _, ind := range cat.Indicators() {
		better := ind.Direction != civicspace.LowerIsBetter
		var v civicspace.Value
		switch ind.Type {
		case civicspace.TypeBoolean:
			v = civicspace.BoolValue(better)
		case civicspace.TypeScale:
			v = civicspace.NumberValue(float64(ind.Scale.Max))
			if !better {
				v = civicspace.NumberValue(float64(ind.Scale.Min))
			}
		case civicspace.TypeCount:
			v = civicspace.NumberValue(0)
		case civicspace.TypePercentage:
			v = civicspace.NumberValue(75)
		case civicspace.TypeChoice:
			best := ind.Options[0]
			for _, o := range ind.Options {
				if o.Points > best.Points {
					best = o
				}
			}
			v = civicspace.OptionValue(best.ID)
		}
		ans := civicspace.Answer{Value: v}
		if ind.EvidenceRequired {
			ans.Evidence = []civicspace.Evidence{{Title: "Official source for " + ind.ID, URL: "https://example.org/" + ind.ID, Date: "2025-03-01"}}
		}
		a.Answers[ind.ID] = ans
	}
	return a
}

// exampleAssessment is examples/assessments/open-xaa.json, the assessment
// of the README's tour.
func exampleAssessment(t *testing.T) *civicspace.Assessment {
	t.Helper()
	data, err := os.ReadFile("../examples/assessments/open-xaa.json")
	require.NoError(t, err)
	a, err := civicspace.ParseAssessment(data)
	require.NoError(t, err)
	require.Empty(t, a.Validate(civicspace.DefaultCatalog(), civicspace.DefaultCountries()))
	return a
}

// evidenceIndicator returns an indicator that requires evidence.
func evidenceIndicator(t *testing.T) *civicspace.Indicator {
	t.Helper()
	for _, ind := range civicspace.DefaultCatalog().Indicators() {
		if ind.EvidenceRequired {
			return ind
		}
	}
	t.Fatal("the catalog has no indicator that requires evidence")
	return nil
}

func location(t *testing.T, r *response) string {
	t.Helper()
	loc := r.Header.Get("Location")
	require.NotEmpty(t, loc)
	return loc
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func countLines(s, substr string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}
