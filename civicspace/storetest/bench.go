package storetest

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
)

// benchCountries returns n user-assigned country codes (QMA, QMB, ...).
func benchCountries(n int) []string {
	codes := make([]string, n)
	for i := range codes {
		codes[i] = fmt.Sprintf("Q%c%c", 'M'+i/26, 'A'+i%26)
	}
	return codes
}

// BenchCreate measures creating assessments, one writer at a time and
// with at least eight at once; it reports inserts/s.
func BenchCreate(b *testing.B, open func(b *testing.B) civicspace.AssessmentStore) {
	b.Run("serial", func(b *testing.B) {
		s := open(b)
		defer s.Close()
		ctx := b.Context()
		a := Fixture("NOR", "2025", civicspace.KindSelf)
		for b.Loop() {
			if _, err := s.CreateAssessment(ctx, a, "bench"); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
	})
	b.Run("parallel", func(b *testing.B) {
		s := open(b)
		defer s.Close()
		ctx := b.Context()
		// At least eight concurrent writers, however many CPUs.
		b.SetParallelism((8 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
		b.RunParallel(func(pb *testing.PB) {
			a := Fixture("SWE", "2025", civicspace.KindSelf)
			for pb.Next() {
				if _, err := s.CreateAssessment(ctx, a, "bench"); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
	})
}

// seed runs make for 0..n-1 on four goroutines.
func seed(ctx context.Context, b *testing.B, n int, make func(ctx context.Context, i int) error) {
	b.Helper()
	var (
		next   atomic.Int64
		wg     sync.WaitGroup
		errMu  sync.Mutex
		errOne error
	)
	for range 4 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := make(ctx, i); err != nil {
					errMu.Lock()
					errOne = err
					errMu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if errOne != nil {
		b.Fatal(errOne)
	}
}

// publish creates a and publishes it.
func publish(ctx context.Context, s civicspace.AssessmentStore, a *civicspace.Assessment) (*civicspace.Record, error) {
	rec, err := s.CreateAssessment(ctx, a, "bench")
	for _, action := range []civicspace.Action{civicspace.ActionSubmit, civicspace.ActionPublish} {
		if err != nil {
			return nil, err
		}
		rec, err = s.TransitionAssessment(ctx, rec.ID, rec.Version, action, "bench", "")
	}
	return rec, err
}

// BenchLatestPublished200 measures reading the latest publication of 200
// countries for one period and kind out of 10,000 stored assessments: 200
// countries × 5 periods × 2 kinds × 5 assessments each, 3 of the 5
// published.
func BenchLatestPublished200(b *testing.B, open func(b *testing.B) civicspace.AssessmentStore) {
	s := open(b)
	defer s.Close()
	ctx := b.Context()
	countries := benchCountries(200)
	periods := []string{"2021", "2022", "2023", "2024", "2025"}
	kinds := []civicspace.Kind{civicspace.KindSelf, civicspace.KindShadow}
	const perTriple = 5
	seed(ctx, b, len(countries)*len(periods)*len(kinds)*perTriple, func(ctx context.Context, i int) error {
		n := i % perTriple
		i /= perTriple
		kind := kinds[i%len(kinds)]
		i /= len(kinds)
		a := Fixture(countries[i/len(periods)], periods[i%len(periods)], kind)
		if n < 3 {
			_, err := publish(ctx, s, a)
			return err
		}
		_, err := s.CreateAssessment(ctx, a, "bench")
		return err
	})
	f := civicspace.PublishedFilter{Countries: countries, Period: "2025", Kind: civicspace.KindSelf}
	for b.Loop() {
		revs, err := s.LatestPublished(ctx, f)
		if err != nil {
			b.Fatal(err)
		}
		if len(revs) != len(countries) {
			b.Fatalf("got %d publications, want %d", len(revs), len(countries))
		}
	}
}

// benchObservations returns the observations of a realistic result: the
// rating, 4 frameworks, 10 groups, 140 recommendations and 150 indicators.
func benchObservations(seed int) []civicspace.Observation {
	obs := []civicspace.Observation{{Level: civicspace.LevelRating, ItemID: civicspace.ObservationOverall,
		Score: civicspace.Float(float64(seed % 101)), Coverage: civicspace.Float(0.9), Status: civicspace.BandNarrowed}}
	add := func(level, prefix string, n int) {
		for i := range n {
			obs = append(obs, civicspace.Observation{Level: level, ItemID: fmt.Sprintf("%s-%03d", prefix, i),
				Score: civicspace.Float(float64((seed + i) % 101)), Coverage: civicspace.Float(0.75), Status: civicspace.StatusPartiallyMet})
		}
	}
	add(civicspace.LevelFramework, "fw", 4)
	add(civicspace.LevelGroup, "grp", 10)
	add(civicspace.LevelRecommendation, "rec", 140)
	add(civicspace.LevelIndicator, "ind", 150)
	return obs
}

// BenchObservations2000 measures reading the stored numbers comparisons
// rank on: 2,000 published and scored assessments (200 countries × 10
// years), each with 305 observations. Sub-benchmarks read every rating
// (2,000 rows), one recommendation of every assessment (2,000 rows), and
// every recommendation of one year (28,000 rows).
func BenchObservations2000(b *testing.B, open func(b *testing.B) civicspace.AssessmentStore) {
	s := open(b)
	defer s.Close()
	ctx := b.Context()
	const policy = "sha256:bench-policy"
	countries := benchCountries(200)
	seed(ctx, b, len(countries)*10, func(ctx context.Context, i int) error {
		rec, err := publish(ctx, s, Fixture(countries[i/10], fmt.Sprint(2016+i%10), civicspace.KindSelf))
		if err != nil {
			return err
		}
		return s.PutScore(ctx, &civicspace.StoredScore{AssessmentID: rec.ID, Version: rec.Version, PolicyDigest: policy,
			CatalogDigest: "sha256:bench-catalog", Band: civicspace.BandNarrowed, Score: civicspace.Float(float64(i % 101)),
			Result: []byte(`{"rating":{"band":"narrowed"}}`), Observations: benchObservations(i)})
	})
	for _, bc := range []struct {
		name   string
		filter civicspace.PublishedFilter
		level  string
		rows   int
	}{
		{"rating", civicspace.PublishedFilter{}, civicspace.LevelRating, 2000},
		{"one-recommendation", civicspace.PublishedFilter{Items: []string{"rec-007"}}, civicspace.LevelRecommendation, 2000},
		{"recommendations-of-one-year", civicspace.PublishedFilter{Period: "2025"}, civicspace.LevelRecommendation, 200 * 140},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				obs, err := s.Observations(ctx, bc.filter, policy, bc.level)
				if err != nil {
					b.Fatal(err)
				}
				if len(obs) != bc.rows {
					b.Fatalf("got %d observations, want %d", len(obs), bc.rows)
				}
			}
		})
	}
}
