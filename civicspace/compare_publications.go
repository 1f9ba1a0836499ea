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

// PublicationLister lists the latest publications without reading their
// documents; every AssessmentStore is one. Rankings and region aggregates
// use it to show a publication not yet scored under the policy in force as
// missing, instead of leaving it out until "civicspace rescore" has scored
// it.
type PublicationLister interface {
	// Publications returns the publications LatestPublished(f) returns, in
	// the same order; f.Items is ignored.
	Publications(ctx context.Context, f PublishedFilter) ([]Publication, error)
}

// withUnscored adds to obs, for every publication f selects that has no
// observation in obs (not scored under the policy obs were read under, or
// without a value for the items read), an observation of no level and no
// item: Ranking lists such a publication as missing and Regions counts it
// as missing.
func withUnscored(ctx context.Context, store AssessmentStore, f PublishedFilter, obs []Observation) ([]Observation, error) {
	f.Items = nil
	pubs, err := store.Publications(ctx, f)
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
