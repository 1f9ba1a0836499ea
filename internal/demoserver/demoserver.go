// Package demoserver runs the REST API on a temporary database holding the
// demo assessments of examples/, published and scored, for the tests of
// the analysts' examples (examples/python, examples/r): Demoland's (XAA)
// self-assessments for 2024 and 2025, Demoland Watch's shadow assessment
// for 2025, and the restrictive demo subject XAB's for 2025.
package demoserver

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/civicspace/civicspace/civicspace/sqlite"
)

// Start serves the demo data and returns the server's URL. examples is the
// path of the repository's examples/ directory. The server stops when the
// test ends.
func Start(t testing.TB, examples string) string {
	t.Helper()
	ctx := civicspace.NewContextWithPrincipal(context.Background(), civicspace.System)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "civicspace.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cat := civicspace.DefaultCatalog()
	scorer, err := opa.NewScorer(cat)
	if err != nil {
		t.Fatal(err)
	}
	svc := &civicspace.Service{Catalog: cat, Countries: civicspace.DefaultCountries(), Store: st, Scorer: scorer}
	load := func(name string) *civicspace.Assessment {
		data, err := os.ReadFile(filepath.Join(examples, "assessments", name))
		if err != nil {
			t.Fatal(err)
		}
		a, err := civicspace.ParseAssessment(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return a
	}
	earlier := load("open-xaa.json")
	earlier.Period = civicspace.MustPeriod("2024")
	for _, a := range []*civicspace.Assessment{earlier, load("open-xaa.json"), load("shadow-xaa.json"), load("restrictive-xab.json")} {
		rec, problems, err := svc.CreateAssessment(ctx, a)
		if err != nil || len(problems) > 0 {
			t.Fatalf("%s: %v %v", a.Title, err, problems)
		}
		for _, action := range []civicspace.Action{civicspace.ActionSubmit, civicspace.ActionPublish} {
			if rec, _, err = svc.Transition(ctx, rec.ID, rec.Version, action, ""); err != nil {
				t.Fatalf("%s: %s: %v", a.Title, action, err)
			}
		}
	}
	srv, err := api.New(svc)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts.URL
}
