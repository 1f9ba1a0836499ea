package civicspace

import "context"

// Publication is the publication readers see for one subject, period and
// kind (as LatestPublished selects it), without its content.
type Publication struct {
	AssessmentID string
	Version      int
	Country      string
	Organisation string
	Period       string
	Kind         Kind
}

// PublicationLister is implemented by stores that list the latest
// publications without reading their documents (civicspace/sqlite and
// civicspace/postgres do). Rankings and region aggregates use it to show a
// publication not yet scored under the policy in force as missing, instead
// of leaving it out until "civicspace rescore" has scored it.
type PublicationLister interface {
	// Publications returns the publications LatestPublished(f) returns, in
	// the same order; f.Items is ignored.
	Publications(ctx context.Context, f PublishedFilter) ([]Publication, error)
}

// withUnscored adds to obs, for every publication f selects that has no
// observation in obs (not scored under the policy obs were read under, or
// without a value for the items read), an observation of no level and no
// item: Ranking lists such a publication as missing and Regions counts it
// as missing. A store that cannot list publications leaves obs as they
// are.
func withUnscored(ctx context.Context, store AssessmentStore, f PublishedFilter, obs []Observation) ([]Observation, error) {
	lister, ok := store.(PublicationLister)
	if !ok {
		return obs, nil
	}
	f.Items = nil
	pubs, err := lister.Publications(ctx, f)
	if err != nil {
		return nil, err
	}
	scored := make(map[RevisionRef]bool, len(pubs))
	for i := range obs {
		scored[RevisionRef{obs[i].AssessmentID, obs[i].Version}] = true
	}
	for _, p := range pubs {
		if scored[RevisionRef{p.AssessmentID, p.Version}] {
			continue
		}
		obs = append(obs, Observation{
			AssessmentID: p.AssessmentID, Version: p.Version, Country: p.Country, Organisation: p.Organisation,
			Period: p.Period, Kind: p.Kind,
		})
	}
	return obs, nil
}
