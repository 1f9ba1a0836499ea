package api_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlite"
	"github.com/stretchr/testify/require"
)

// benchServer is the API on a fresh SQLite file, logging as serve does
// (JSON, info level) to nowhere. Writes use an admin key (benchKey).
func benchServer(b *testing.B) (*httptest.Server, *countingScorer) {
	b.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	require.NoError(b, err)
	b.Cleanup(func() { _ = st.Close() })
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	scorer := &countingScorer{Scorer: sharedScorer(b)}
	svc := &civicspace.Service{Catalog: civicspace.DefaultCatalog(), Countries: civicspace.DefaultCountries(), Store: st, Scorer: scorer, Logger: logger}
	srv, err := api.New(svc, api.WithLogger(logger))
	require.NoError(b, err)
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	secret, k, err := civicspace.NewAPIKey(civicspace.KeySpec{Name: "bench admin", Role: civicspace.RoleAdmin}, "bench", time.Now())
	require.NoError(b, err)
	require.NoError(b, st.CreateKey(context.Background(), k))
	benchKey = secret
	return ts, scorer
}

// benchKey is the admin key of the last benchServer; reads go without it,
// as the public's do.
var benchKey string

func benchBody(b *testing.B) []byte {
	b.Helper()
	data, err := os.ReadFile("../examples/assessments/open-xaa.json")
	require.NoError(b, err)
	return data
}

func send(b *testing.B, method, url string, body []byte, ifMatch string, want int) *http.Response {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		b.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	if method != "GET" {
		req.Header.Set("Authorization", "Bearer "+benchKey)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		b.Fatalf("%s %s: %d, want %d: %.300s", method, url, res.StatusCode, want, data)
	}
	return res
}

// lifecycle creates, updates, submits and publishes an assessment.
func lifecycle(b *testing.B, base string, body []byte) string {
	res := send(b, "POST", base+"/v1/assessments", body, "", http.StatusCreated)
	loc := base + res.Header.Get("Location")
	res = send(b, "PUT", loc, body, res.Header.Get("ETag"), http.StatusOK)
	res = send(b, "POST", loc+"/submit", nil, res.Header.Get("ETag"), http.StatusOK)
	send(b, "POST", loc+"/publish", nil, res.Header.Get("ETag"), http.StatusOK)
	return loc
}

// BenchmarkStoredScore reads a published assessment's stored score over
// HTTP, anonymously; it must never evaluate the policy.
func BenchmarkStoredScore(b *testing.B) {
	ts, scorer := benchServer(b)
	loc := lifecycle(b, ts.URL, benchBody(b))
	calls := scorer.calls.Load()
	b.ResetTimer()
	for b.Loop() {
		send(b, "GET", loc+"/score", nil, "", http.StatusOK)
	}
	b.StopTimer()
	if scorer.calls.Load() != calls {
		b.Fatalf("reading stored scores evaluated the policy %d times", scorer.calls.Load()-calls)
	}
}

// BenchmarkInlineScore scores an inline assessment over HTTP; compare
// with the engine's own BenchmarkScore in civicspace/opa.
func BenchmarkInlineScore(b *testing.B) {
	ts, _ := benchServer(b)
	body := benchBody(b)
	send(b, "POST", ts.URL+"/v1/score", body, "", http.StatusOK) // warm the scorer's caches, as a running server's are
	b.ResetTimer()
	for b.Loop() {
		send(b, "POST", ts.URL+"/v1/score", body, "", http.StatusOK)
	}
}

// BenchmarkLifecycle is the four requests of create, update, submit and
// publish.
func BenchmarkLifecycle(b *testing.B) {
	ts, _ := benchServer(b)
	body := benchBody(b)
	b.ResetTimer()
	for b.Loop() {
		lifecycle(b, ts.URL, body)
	}
}

// BenchmarkValidateRequest is request validation of an assessment body
// against openapi.yaml, through the cheapest operation that takes one.
func BenchmarkValidateRequest(b *testing.B) {
	ts, _ := benchServer(b)
	body := benchBody(b)
	b.ResetTimer()
	for b.Loop() {
		send(b, "POST", ts.URL+"/v1/validate", body, "", http.StatusOK)
	}
}

// BenchmarkCreate is one POST /v1/assessments: authentication, decoding,
// validation, the first score and the audit entry.
func BenchmarkCreate(b *testing.B) {
	ts, _ := benchServer(b)
	body := benchBody(b)
	send(b, "POST", ts.URL+"/v1/assessments", body, "", http.StatusCreated) // warm the scorer's caches
	b.ResetTimer()
	for b.Loop() {
		send(b, "POST", ts.URL+"/v1/assessments", body, "", http.StatusCreated)
	}
}
