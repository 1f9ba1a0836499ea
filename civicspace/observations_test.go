package civicspace_test

import (
	"fmt"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

func TestResultObservations(t *testing.T) {
	f := civicspace.Float
	r := &civicspace.Result{
		Subject: civicspace.Subject{Country: "XAA"},
		Period:  "2025",
		Kind:    civicspace.KindShadow,
		Rating:  civicspace.Rating{Band: civicspace.BandNarrowed, Score: f(72.5), Coverage: 0.8},
		Frameworks: []civicspace.FrameworkScore{{
			ID: "fw", Score: f(70), Coverage: 0.75, Status: "assessed",
			Groups: []civicspace.GroupScore{{
				ID: "fw.g1", Score: f(60), Coverage: 0.5, Status: "assessed",
				Groups: []civicspace.GroupScore{{ID: "fw.g1.a", Score: nil, Coverage: 0, Status: "not_assessed"}},
			}, {ID: "fw.g2", Score: f(80), Coverage: 1, Status: "assessed"}},
		}},
		Recommendations: []civicspace.RecommendationScore{
			{ID: "fw.r1", Status: civicspace.StatusMet, Score: f(90), Coverage: 1},
			{ID: "fw.r2", Status: civicspace.StatusNotApplicable, Score: nil, Coverage: 0},
		},
		Indicators: []civicspace.IndicatorScore{
			{ID: "law", Answer: "answered", Points: f(100), Applicable: true},
			{ID: "donor-aid", Answer: "answered", Points: nil, Applicable: false},
			{ID: "cases", Answer: "unknown", Points: nil, Applicable: true},
		},
	}
	obs := r.Observations("asm_1", 3)

	type row struct {
		level, id, status string
		score, coverage   *float64
	}
	var got []row
	for _, o := range obs {
		require.Equal(t, "asm_1", o.AssessmentID)
		require.Equal(t, 3, o.Version)
		require.Equal(t, "XAA", o.Country)
		require.Empty(t, o.Organisation)
		require.Equal(t, "2025", o.Period)
		require.Equal(t, civicspace.KindShadow, o.Kind)
		got = append(got, row{o.Level, o.ItemID, o.Status, o.Score, o.Coverage})
	}
	require.Equal(t, []row{
		{civicspace.LevelRating, civicspace.ObservationOverall, civicspace.BandNarrowed, f(72.5), f(0.8)},
		{civicspace.LevelFramework, "fw", "assessed", f(70), f(0.75)},
		{civicspace.LevelGroup, "fw.g1", "assessed", f(60), f(0.5)},
		{civicspace.LevelGroup, "fw.g1.a", "not_assessed", nil, f(0)},
		{civicspace.LevelGroup, "fw.g2", "assessed", f(80), f(1)},
		{civicspace.LevelRecommendation, "fw.r1", civicspace.StatusMet, f(90), f(1)},
		{civicspace.LevelRecommendation, "fw.r2", civicspace.StatusNotApplicable, nil, f(0)},
		{civicspace.LevelIndicator, "law", "answered", f(100), nil},
		{civicspace.LevelIndicator, "donor-aid", civicspace.StatusNotApplicable, nil, nil},
		{civicspace.LevelIndicator, "cases", "unknown", nil, nil},
	}, got)
	require.Equal(t, len(obs), cap(obs), "sized exactly, no regrowth")
}

func TestResultObservationsOrganisation(t *testing.T) {
	r := &civicspace.Result{Subject: civicspace.Subject{Organisation: "UNDP"}, Period: "2024", Kind: civicspace.KindIndependent, Rating: civicspace.Rating{Band: "not_rated"}}
	obs := r.Observations("asm_2", 1)
	require.Len(t, obs, 1)
	require.Equal(t, "UNDP", obs[0].Organisation)
	require.Empty(t, obs[0].Country)
	require.Nil(t, obs[0].Score)
	require.Equal(t, "not_rated", obs[0].Status)
}

func ExampleResult_Observations() {
	r := &civicspace.Result{
		Subject: civicspace.Subject{Country: "XAA"},
		Period:  "2025",
		Kind:    civicspace.KindSelf,
		Rating:  civicspace.Rating{Band: civicspace.BandOpen, Score: civicspace.Float(84.2), Coverage: 0.9},
		Recommendations: []civicspace.RecommendationScore{
			{ID: "fw.r1", Status: civicspace.StatusMet, Score: civicspace.Float(90), Coverage: 1},
		},
	}
	for _, o := range r.Observations("asm_example", 4) {
		fmt.Printf("%s %s v%d %s %s %s %s\n", o.Country, o.Period, o.Version, o.Level, o.ItemID, civicspace.FormatNumber(*o.Score), o.Status)
	}
	// Output:
	// XAA 2025 v4 rating overall 84.2 open
	// XAA 2025 v4 recommendation fw.r1 90 met
}
