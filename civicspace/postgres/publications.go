package postgres

import (
	"context"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/jackc/pgx/v5"
)

var _ civicspace.PublicationLister = (*Store)(nil)

// Publications returns the publications LatestPublished(f) returns, in the
// same order, without reading their documents: the latest query alone,
// answered from the assessments_published index.
func (s *Store) Publications(ctx context.Context, f civicspace.PublishedFilter) ([]civicspace.Publication, error) {
	q := &query{}
	with := latestPublished(q, f)
	rows, err := s.pool.Query(ctx, `WITH `+with+`
		SELECT id, published_version, pub_country, pub_organisation, pub_period, pub_kind FROM latest
		ORDER BY pub_subject_key, pub_period, pub_kind`, q.args...)
	if err != nil {
		return nil, dbError("publications", err)
	}
	pubs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (civicspace.Publication, error) {
		var (
			p    civicspace.Publication
			kind string
		)
		err := row.Scan(&p.AssessmentID, &p.Version, &p.Country, &p.Organisation, &p.Period, &kind)
		p.Kind = civicspace.Kind(kind)
		return p, err
	})
	if err != nil {
		return nil, dbError("publications", err)
	}
	if pubs == nil {
		pubs = []civicspace.Publication{}
	}
	return pubs, nil
}
