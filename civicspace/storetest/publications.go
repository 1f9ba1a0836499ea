package storetest

import (
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// RunPublications checks a store's Publications against its
// LatestPublished: the same publications, in the same order, for every
// filter, without the documents. open must return a new, empty store for
// each call; RunPublications closes it.
func RunPublications(t *testing.T, open func(t *testing.T) civicspace.PublicationLister) {
	ctx := t.Context()
	lister := open(t)
	s, ok := lister.(civicspace.AssessmentStore)
	require.True(t, ok, "a PublicationLister here is an AssessmentStore")
	t.Cleanup(func() { require.NoError(t, s.Close()) })

	nor24a := createIn(ctx, t, s, Fixture("NOR", "2024", civicspace.KindSelf), civicspace.Published)
	nor24b := createIn(ctx, t, s, Fixture("NOR", "2024", civicspace.KindSelf), civicspace.Submitted)
	createIn(ctx, t, s, Fixture("NOR", "2025", civicspace.KindSelf), civicspace.Published)
	createIn(ctx, t, s, Fixture("NOR", "2025", civicspace.KindShadow), civicspace.Published)
	createIn(ctx, t, s, Fixture("SWE", "2025", civicspace.KindSelf), civicspace.Withdrawn)
	createIn(ctx, t, s, Fixture("SWE", "2025", civicspace.KindShadow), civicspace.Published)
	createIn(ctx, t, s, OrgFixture("Civicus", "2025", civicspace.KindIndependent), civicspace.Published)
	createIn(ctx, t, s, Fixture("DEU", "2025", civicspace.KindSelf), civicspace.Draft)
	createIn(ctx, t, s, Fixture("KEN", "2023", civicspace.KindSelf), civicspace.Published)
	// The later publication of NOR 2024 replaces the earlier one.
	nor24b = transition(ctx, t, s, nor24b, civicspace.ActionPublish)

	for _, f := range []civicspace.PublishedFilter{
		{},
		{Countries: []string{"NOR", "SWE"}},
		{Period: "2025"},
		{PeriodFrom: 2024, PeriodTo: 2024},
		{Kind: civicspace.KindShadow},
		{Countries: []string{"NOR"}, Period: "2024", Kind: civicspace.KindSelf, Items: []string{"overall"}},
		{Countries: []string{"FRA"}},
	} {
		revs, err := s.LatestPublished(ctx, f)
		require.NoError(t, err)
		want := make([]civicspace.Publication, len(revs))
		for i, r := range revs {
			a := r.Assessment
			want[i] = civicspace.Publication{AssessmentID: r.AssessmentID, Version: r.Version,
				Country: a.Subject.Country, Organisation: a.Subject.Organisation, Period: a.Period.String(), Kind: a.Kind}
		}
		got, err := lister.Publications(ctx, f)
		require.NoError(t, err)
		require.Equal(t, want, got, "%+v", f)
	}

	got, err := lister.Publications(ctx, civicspace.PublishedFilter{Countries: []string{"NOR"}, Period: "2024"})
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, nor24b.ID, got[0].AssessmentID, "the most recent publication wins")
	require.NotEqual(t, nor24a.ID, got[0].AssessmentID)
}
