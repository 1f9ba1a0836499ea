package sqlite

import (
	"context"

	"github.com/civicspace/civicspace/civicspace"
)

var _ civicspace.PublicationLister = (*Store)(nil)

// Publications returns the publications LatestPublished(f) returns, in the
// same order, without reading their documents: the latest query alone,
// answered from the assessments_published index.
func (s *Store) Publications(ctx context.Context, f civicspace.PublishedFilter) ([]civicspace.Publication, error) {
	with, args := latestPublished(f)
	rows, err := s.reader.QueryContext(ctx, `WITH `+with+`
		SELECT id, published_version, pub_country, pub_organisation, pub_period, pub_kind FROM latest
		ORDER BY pub_subject_key, pub_period, pub_kind`, args...)
	if err != nil {
		return nil, dbError("publications", err)
	}
	defer rows.Close()
	pubs := []civicspace.Publication{}
	for rows.Next() {
		var (
			p    civicspace.Publication
			kind string
		)
		if err := rows.Scan(&p.AssessmentID, &p.Version, &p.Country, &p.Organisation, &p.Period, &kind); err != nil {
			return nil, dbError("publications", err)
		}
		p.Kind = civicspace.Kind(kind)
		pubs = append(pubs, p)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("publications", err)
	}
	return pubs, nil
}
