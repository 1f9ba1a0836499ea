package storetest

import (
	"context"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// RunReference tests a civicspace.ReferenceStore: storing the same
// observations twice changes nothing, a changed value replaces the stored
// one, a non-numeric value stays text, and the filters select.
func RunReference(t *testing.T, open func(t *testing.T) civicspace.ReferenceStore) {
	ctx := context.Background()
	s := open(t)
	one, two := 1.0, 2.0
	obs := []civicspace.ReferenceObservation{
		{Series: "SG_INF_ACCSS", Indicator: "16.10.2", AreaCode: "578", Country: "NOR", Year: 2024, Value: &one, ValueText: "1", Nature: "C", Source: "test"},
		{Series: "VC_VAW_MTUHRA", Indicator: "16.10.1", AreaCode: "752", Country: "SWE", Year: 2024, Dimensions: "Sex=MALE", ValueText: "<1", Nature: "G"},
		{Series: "VC_VAW_MTUHRA", Indicator: "16.10.1", AreaCode: "150", Year: 2024, Dimensions: "Sex=_T", Value: &two, ValueText: "2"},
	}
	r, err := s.PutReferenceObservations(ctx, obs)
	require.NoError(t, err)
	require.Equal(t, civicspace.ReferenceReport{Created: 3}, *r)
	r, err = s.PutReferenceObservations(ctx, obs)
	require.NoError(t, err)
	require.Equal(t, civicspace.ReferenceReport{Unchanged: 3}, *r)

	changed := obs[0]
	changed.Value, changed.ValueText, changed.Footnote = &two, "2", "revised"
	r, err = s.PutReferenceObservations(ctx, []civicspace.ReferenceObservation{changed})
	require.NoError(t, err)
	require.Equal(t, civicspace.ReferenceReport{Updated: 1}, *r)

	got, err := s.ReferenceObservations(ctx, civicspace.ReferenceFilter{Countries: []string{"NOR", "SWE"}})
	require.NoError(t, err)
	require.Equal(t, []civicspace.ReferenceObservation{changed, obs[1]}, got)
	got, err = s.ReferenceObservations(ctx, civicspace.ReferenceFilter{Indicators: []string{"16.10.1"}, Year: 2024})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Nil(t, got[1].Value, "a value published as <1 is no number")
	got, err = s.ReferenceObservations(ctx, civicspace.ReferenceFilter{Series: []string{"SG_INF_ACCSS"}, Year: 2023})
	require.NoError(t, err)
	require.Empty(t, got)
}
