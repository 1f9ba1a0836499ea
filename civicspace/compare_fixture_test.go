package civicspace_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// The comparison fixture: a small stable catalog and a set of published,
// scored assessments built in code, with ties, a missing period, low
// coverage, a missing score and a demo subject.

func compareCatalog(t testing.TB) *civicspace.Catalog {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "compare", "catalog.yaml"))
	require.NoError(t, err)
	cat, err := civicspace.ParseCatalog(civicspace.CatalogFile{Name: "catalog.yaml", Data: data})
	require.NoError(t, err)
	return cat
}

// cmpFixture is the scored state of one published assessment, enough to
// build its observations.
type cmpFixture struct {
	id      string
	country string
	period  string
	kind    civicspace.Kind
	rating  *float64
	cov     float64
	band    string
	// frameworks and groups: id → score (nil = no score) with coverage.
	items map[string]cmpScored
	// recommendations: id → status with score.
	recs map[string]cmpScored
}

type cmpScored struct {
	score  *float64
	cov    float64
	status string
}

func cmpNum(x float64) *float64 { return &x }

// observations flattens s the way a store returns observations.
func (s cmpFixture) observations() []civicspace.Observation {
	base := civicspace.Observation{AssessmentID: s.id, Version: 3, Country: s.country, Period: s.period, Kind: s.kind}
	o := base
	o.Level, o.ItemID, o.Score, o.Coverage, o.Status = civicspace.LevelRating, "overall", s.rating, cmpNum(s.cov), s.band
	out := []civicspace.Observation{o}
	for _, id := range []string{"fa", "fa.p1", "fa.p2", "fb", "fb.f1"} {
		v, ok := s.items[id]
		if !ok {
			continue
		}
		o := base
		o.Level = civicspace.LevelGroup
		if id == "fa" || id == "fb" {
			o.Level = civicspace.LevelFramework
		}
		o.ItemID, o.Score, o.Coverage, o.Status = id, v.score, cmpNum(v.cov), v.status
		out = append(out, o)
	}
	for _, id := range []string{"fa.r1", "fa.r2", "fa.r3", "fb.r1"} {
		v, ok := s.recs[id]
		if !ok {
			continue
		}
		o := base
		o.Level, o.ItemID, o.Score, o.Coverage, o.Status = civicspace.LevelRecommendation, id, v.score, cmpNum(v.cov), v.status
		out = append(out, o)
	}
	return out
}

func cmpScore(score float64, cov float64) cmpScored {
	return cmpScored{score: cmpNum(score), cov: cov, status: "partially_met"}
}
func cmpStatus(status string, score float64) cmpScored {
	return cmpScored{score: cmpNum(score), cov: 1, status: status}
}

// compareFixture is the published, cmpScored assessments of the fixture. A
// withdrawn assessment (NOR shadow 2024) is absent, as the store leaves it
// out; KEN self has no 2023 assessment.
func compareFixture() []cmpFixture {
	return []cmpFixture{
		// 2025, self: NOR and SWE tie on the rating; FRA has low coverage;
		// BRA answered nothing applicable; XAA is a demo subject.
		{id: "a-nor-25", country: "NOR", period: "2025", kind: civicspace.KindSelf, rating: cmpNum(82.5), cov: 0.9, band: "open",
			items: map[string]cmpScored{"fa": cmpScore(85, 0.9), "fa.p1": cmpScore(90, 1), "fa.p2": cmpScore(80, 0.8), "fb": cmpScore(70, 0.5), "fb.f1": cmpScore(70, 0.5)},
			recs:  map[string]cmpScored{"fa.r1": cmpStatus("met", 90), "fa.r2": cmpStatus("met", 90), "fa.r3": cmpStatus("met", 80), "fb.r1": cmpStatus("partially_met", 70)}},
		{id: "a-swe-25", country: "SWE", period: "2025", kind: civicspace.KindSelf, rating: cmpNum(82.5), cov: 0.8, band: "open",
			items: map[string]cmpScored{"fa": cmpScore(85, 0.8), "fa.p1": cmpScore(85, 1), "fa.p2": cmpScore(85, 0.6), "fb": cmpScore(90, 1), "fb.f1": cmpScore(90, 1)},
			recs:  map[string]cmpScored{"fa.r1": cmpStatus("met", 85), "fa.r2": cmpStatus("met", 85), "fa.r3": cmpStatus("met", 85), "fb.r1": cmpStatus("met", 90)}},
		{id: "a-dnk-25", country: "DNK", period: "2025", kind: civicspace.KindSelf, rating: cmpNum(70), cov: 0.95, band: "narrowed",
			items: map[string]cmpScored{"fa": cmpScore(72.3, 1), "fa.p1": cmpScore(60, 1), "fa.p2": cmpScore(84.6, 0.9), "fb": cmpScore(65, 1), "fb.f1": cmpScore(65, 1)},
			recs:  map[string]cmpScored{"fa.r1": cmpStatus("partially_met", 60), "fa.r2": cmpStatus("partially_met", 60), "fa.r3": cmpStatus("met", 84.6), "fb.r1": cmpStatus("partially_met", 65)}},
		{id: "a-fra-25", country: "FRA", period: "2025", kind: civicspace.KindSelf, rating: cmpNum(64.2), cov: 0.4, band: "narrowed",
			items: map[string]cmpScored{"fa": cmpScore(64.2, 0.4), "fa.p1": cmpScore(64.2, 0.6), "fa.p2": {cov: 0, status: "not_assessed"}},
			recs:  map[string]cmpScored{"fa.r1": cmpStatus("partially_met", 64.2), "fa.r3": {status: "not_assessed"}}},
		{id: "a-ken-25", country: "KEN", period: "2025", kind: civicspace.KindSelf, rating: cmpNum(41), cov: 0.7, band: "obstructed",
			items: map[string]cmpScored{"fa": cmpScore(41, 0.7), "fa.p1": cmpScore(35, 0.8), "fa.p2": cmpScore(47, 0.6), "fb": {cov: 0, status: "not_assessed"}},
			recs:  map[string]cmpScored{"fa.r1": cmpStatus("not_met", 35), "fa.r2": cmpStatus("partially_met", 50), "fa.r3": cmpStatus("not_met", 30), "fb.r1": {status: "not_assessed"}}},
		{id: "a-bra-25", country: "BRA", period: "2025", kind: civicspace.KindSelf, rating: nil, cov: 0, band: "",
			items: map[string]cmpScored{"fa": {cov: 0, status: "not_assessed"}}},
		{id: "a-xaa-25", country: "XAA", period: "2025", kind: civicspace.KindSelf, rating: cmpNum(55), cov: 0.6, band: "obstructed",
			items: map[string]cmpScored{"fa": cmpScore(55, 0.6), "fa.p1": cmpScore(55, 0.6), "fa.p2": cmpScore(55, 0.6)},
			recs:  map[string]cmpScored{"fa.r1": cmpStatus("partially_met", 55)}},
		// 2025, shadow.
		{id: "a-ken-25s", country: "KEN", period: "2025", kind: civicspace.KindShadow, rating: cmpNum(30.5), cov: 0.8, band: "repressed",
			items: map[string]cmpScored{"fa": cmpScore(28, 0.8), "fa.p1": cmpScore(20, 0.9), "fa.p2": cmpScore(36, 0.7), "fb": cmpScore(40, 0.5), "fb.f1": cmpScore(40, 0.5)},
			recs:  map[string]cmpScored{"fa.r1": cmpStatus("not_met", 20), "fa.r2": cmpStatus("not_met", 25), "fa.r3": cmpStatus("not_met", 36), "fb.r1": cmpStatus("partially_met", 40)}},
		{id: "a-nor-25s", country: "NOR", period: "2025", kind: civicspace.KindShadow, rating: cmpNum(75), cov: 0.85, band: "narrowed",
			items: map[string]cmpScored{"fa": cmpScore(75, 0.85), "fa.p1": cmpScore(70, 0.9), "fa.p2": cmpScore(80, 0.8)},
			recs:  map[string]cmpScored{"fa.r1": cmpStatus("partially_met", 70), "fa.r2": cmpStatus("partially_met", 70), "fa.r3": cmpStatus("met", 80)}},
		// Earlier periods: KEN self 2022 and 2024 (2023 missing), NOR 2024.
		{id: "a-ken-22", country: "KEN", period: "2022", kind: civicspace.KindSelf, rating: cmpNum(38.4), cov: 0.6, band: "repressed",
			items: map[string]cmpScored{"fa": cmpScore(36, 0.6), "fa.p1": cmpScore(30, 0.7), "fa.p2": cmpScore(42, 0.5), "fb": {cov: 0, status: "not_assessed"}},
			recs:  map[string]cmpScored{"fa.r1": cmpStatus("not_met", 30), "fa.r2": cmpStatus("not_met", 30), "fa.r3": cmpStatus("partially_met", 42)}},
		{id: "a-ken-24", country: "KEN", period: "2024", kind: civicspace.KindSelf, rating: cmpNum(45.5), cov: 0.7, band: "obstructed",
			items: map[string]cmpScored{"fa": cmpScore(47, 0.7), "fa.p1": cmpScore(44, 0.8), "fa.p2": cmpScore(50, 0.6), "fb": cmpScore(35, 0.5), "fb.f1": cmpScore(35, 0.5)},
			recs:  map[string]cmpScored{"fa.r1": cmpStatus("partially_met", 44), "fa.r2": cmpStatus("partially_met", 50), "fa.r3": cmpStatus("partially_met", 50), "fb.r1": cmpStatus("not_met", 35)}},
		{id: "a-nor-24", country: "NOR", period: "2024", kind: civicspace.KindSelf, rating: cmpNum(80), cov: 0.9, band: "open",
			items: map[string]cmpScored{"fa": cmpScore(80, 0.9)}},
	}
}

func compareObservations() []civicspace.Observation {
	var obs []civicspace.Observation
	for _, s := range compareFixture() {
		obs = append(obs, s.observations()...)
	}
	return obs
}
