package sqlite

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// TestLatestPublishedPlans checks which index the latest-publication query
// seeks for each kind of filter (EXPLAIN QUERY PLAN): a comparison of one
// period seeks that period's publications (assessments_published_period,
// migration 0004) instead of scanning every period's, and a query by
// country seeks the country's (assessments_published). Both are covering:
// the table itself is never read.
func TestLatestPublishedPlans(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "civicspace.db"))
	require.NoError(t, err)
	defer s.Close()
	for _, tt := range []struct {
		name string
		f    civicspace.PublishedFilter
		want string
	}{
		{"ranking of a period", civicspace.PublishedFilter{Period: "2025", Kind: civicspace.KindSelf},
			"SEARCH assessments USING COVERING INDEX assessments_published_period (pub_period=?)"},
		{"trend of a country", civicspace.PublishedFilter{Countries: []string{"NOR"}, PeriodFrom: 2020},
			"SEARCH assessments USING COVERING INDEX assessments_published (pub_subject_key=?)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			with, args := latestPublished(tt.f)
			rows, err := s.reader.QueryContext(t.Context(), `EXPLAIN QUERY PLAN WITH `+with+` SELECT id FROM latest`, args...)
			require.NoError(t, err)
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
				plan = append(plan, detail)
			}
			require.NoError(t, rows.Err())
			require.Contains(t, plan, tt.want, "plan:\n%s", strings.Join(plan, "\n"))
		})
	}
}
