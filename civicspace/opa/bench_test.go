package opa_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
)

// BenchmarkScore scores the full example assessment open-xaa.json (every
// indicator answered, every state role: TestExamplesTellTheirStory checks
// it) with the built-in catalog and policy. After the first run answers'
// points and statuses come from the scorer's caches, as they do when a
// service scores or rescores.
func BenchmarkScore(b *testing.B) {
	cat := civicspace.DefaultCatalog()
	s := newScorer(b, cat)
	a := readExample(b, filepath.Join(examplesDir, "open-xaa.json"))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Score(ctx, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScoreUncached is BenchmarkScore with the answer cache turned
// off: every answer goes through Rego on every call.
func BenchmarkScoreUncached(b *testing.B) {
	cat := civicspace.DefaultCatalog()
	s := newScorer(b, cat, opa.WithCacheSize(0))
	a := readExample(b, filepath.Join(examplesDir, "open-xaa.json"))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Score(ctx, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScoreBulk scores 5,000 varied assessments (random answers, role
// sets and gaps) from all cores at once, as a bulk rescore does, starting
// from an empty cache; it reports assessments scored per second.
func BenchmarkScoreBulk(b *testing.B) {
	cat := civicspace.DefaultCatalog()
	rng := rand.New(rand.NewPCG(3, 4))
	roleSets := [][]civicspace.Role{
		{civicspace.RoleDomestic},
		{civicspace.RoleDomestic, civicspace.RoleDonor},
		{civicspace.RoleDomestic, civicspace.RoleHost},
		stateRoles,
	}
	as := make([]*civicspace.Assessment, 5000)
	for i := range as {
		as[i] = randomAssessment(cat, rng, roleSets[rng.IntN(len(roleSets))], 0.6+0.4*rng.Float64())
	}
	s := newScorer(b, cat)
	ctx := context.Background()
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			a := as[int(next.Add(1)-1)%len(as)]
			if _, err := s.Score(ctx, a); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "assessments/s")
}
