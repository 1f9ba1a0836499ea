package api_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/civicspace/civicspace/civicspace/sqlite"
)

// ExampleNew serves the API of a service on a SQLite store with the
// built-in catalog and policy.
func ExampleNew() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "civicspace-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	store, err := sqlite.Open(ctx, filepath.Join(dir, "civicspace.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	cat := civicspace.DefaultCatalog()
	scorer, err := opa.NewScorer(cat)
	if err != nil {
		log.Fatal(err)
	}
	svc := &civicspace.Service{Catalog: cat, Countries: civicspace.DefaultCountries(), Store: store, Scorer: scorer}
	srv, err := api.New(svc)
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	for _, path := range []string{"/healthz", "/v1/countries/NOR", "/v1/nowhere"} {
		res, err := http.Get(ts.URL + path)
		if err != nil {
			log.Fatal(err)
		}
		res.Body.Close()
		fmt.Println(path, res.StatusCode, strings.TrimSuffix(res.Header.Get("Content-Type"), "; charset=utf-8"))
	}
	// Output:
	// /healthz 200 application/json
	// /v1/countries/NOR 200 application/json
	// /v1/nowhere 404 application/problem+json
}
