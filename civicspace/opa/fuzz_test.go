package opa_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
)

var fuzzScorer = sync.OnceValues(func() (*opa.Scorer, error) {
	return opa.NewScorer(civicspace.DefaultCatalog())
})

// FuzzScore decodes, validates and scores arbitrary documents: no panic,
// invalid input refused with problems, valid input scored with every
// number in range and the same bytes twice. Seeds: testdata/fuzz/FuzzScore
// (small on purpose: the fuzzer minimises every input that finds new
// coverage, and a 20 kB example takes minutes to minimise).
func FuzzScore(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := fuzzScorer()
		if err != nil {
			t.Fatal(err)
		}
		cat := s.Catalog()
		a, err := civicspace.ParseAssessment(data)
		if err != nil {
			if civicspace.ErrorCode(err) != civicspace.EINVALID {
				t.Fatalf("decode error with code %s: %v", civicspace.ErrorCode(err), err)
			}
			return
		}
		problems := a.Validate(cat, civicspace.DefaultCountries())
		r, err := s.Score(context.Background(), a)
		if len(problems) > 0 {
			if civicspace.ErrorCode(err) != civicspace.EINVALID || len(civicspace.ErrorProblems(err)) != len(problems) {
				t.Fatalf("an invalid assessment was scored or refused wrongly: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("a valid assessment failed to score: %v", err)
		}
		checkRanges(t, r)
		first, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.Score(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		second, _ := json.Marshal(again)
		if string(first) != string(second) {
			t.Fatal("the same assessment scored twice gave different bytes")
		}
	})
}
