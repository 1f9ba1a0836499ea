package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlrecord"
)

// latestPublished adds to q the query of the publication readers see for
// each (subject, period, kind) f selects: among the assessments published
// for it, the most recently published one (the highest published_seq, drawn
// from a sequence at every publish). Withdrawn assessments have
// published_version 0 and drop out, so the previous publication of another
// assessment for the same subject, period and kind shows again. A
// correction being drafted keeps its published_version, so the publication
// stays visible until the correction is published.
//
// published_version > 0 implies not deleted (only drafts never published
// can be deleted), which keeps the query on the assessments_published
// index.
func latestPublished(q *query, f civicspace.PublishedFilter) string {
	q.add("published_version > 0")
	if len(f.Countries) > 0 {
		// A country's subject key is its code: filtering on the key lets
		// the index seek each country.
		q.anyOf("pub_subject_key", f.Countries)
		q.add("pub_country = pub_subject_key")
	}
	if f.Period != "" {
		q.add("pub_period = ?", f.Period)
	}
	if f.PeriodFrom != 0 {
		q.add("pub_period_year >= ?", f.PeriodFrom)
	}
	if f.PeriodTo != 0 {
		q.add("pub_period_year <= ?", f.PeriodTo)
	}
	if f.Kind != "" {
		q.add("pub_kind = ?", string(f.Kind))
	}
	return `latest AS (
		SELECT DISTINCT ON (pub_subject_key, pub_period, pub_kind)
			id, published_version, pub_subject_key, pub_country, pub_organisation, pub_period, pub_kind
		FROM assessments WHERE ` + q.sql() + `
		ORDER BY pub_subject_key, pub_period, pub_kind, published_seq DESC)`
}

// LatestPublished returns the publication readers see for each subject,
// period and kind f selects, ordered by subject, period and kind.
func (s *Store) LatestPublished(ctx context.Context, f civicspace.PublishedFilter) ([]*civicspace.Revision, error) {
	q := &query{}
	with := latestPublished(q, f)
	return s.Assessments.LatestPublishedOf(ctx, with, q.args...)
}

var _ civicspace.PublicationLister = (*Store)(nil)

// Publications returns the publications LatestPublished(f) returns, in the
// same order, without reading their documents: the latest query alone,
// answered from the assessments_published index.
func (s *Store) Publications(ctx context.Context, f civicspace.PublishedFilter) ([]civicspace.Publication, error) {
	q := &query{}
	with := latestPublished(q, f)
	return s.Assessments.PublicationsOf(ctx, with, q.args...)
}

// Observations returns the stored numbers of the publications
// LatestPublished selects, scored under policyDigest, at the given levels
// (all if none), of the items f.Items names (all if none), ordered by
// subject, period, kind, level and item. Publications not scored under
// policyDigest contribute nothing.
func (s *Store) Observations(ctx context.Context, f civicspace.PublishedFilter, policyDigest string, levels ...string) ([]civicspace.Observation, error) {
	q := &query{}
	with := latestPublished(q, f)
	on := &query{where: []string{"o.assessment_id = l.id", "o.version = l.published_version"}, args: q.args}
	on.add("o.policy_digest = ?", policyDigest)
	if len(levels) > 0 {
		on.anyOf("o.level", levels)
	}
	if len(f.Items) > 0 {
		on.anyOf("o.item_id", f.Items)
	}
	// One primary key range scan per publication, through LATERAL with
	// OFFSET 0 so the planner cannot flatten it into a join: the planner
	// underestimates how many observations a publication has (its
	// (assessment_id, version) columns are correlated) and otherwise
	// picks a hash join over every stored observation, five times slower
	// here. The publications come out ordered, so the final ORDER BY is
	// an incremental sort.
	return s.Scores.ReadObservations(ctx, `WITH `+with+`
		SELECT `+sqlrecord.ObservationColumns+`
		FROM latest l CROSS JOIN LATERAL (
			SELECT o.level, o.item_id, o.score, o.coverage, o.status FROM score_observations o
			WHERE `+on.sql()+` OFFSET 0) o
		ORDER BY l.pub_subject_key, l.pub_period, l.pub_kind, o.level, o.item_id`, on.args...)
}

// query builds a WHERE clause with numbered parameters.
type query struct {
	where []string
	args  []any
}

// add appends a condition; each "?" in cond becomes the next parameter.
func (q *query) add(cond string, args ...any) {
	for _, a := range args {
		q.args = append(q.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(q.args)), 1)
	}
	q.where = append(q.where, cond)
}

// anyOf adds "col is one of values" (values not empty). A single value is
// compared with "=", not "= ANY": without column statistics PostgreSQL
// costs an array condition as one index descent per element and leaves
// it out of the index scan, reading every observation of a publication
// to keep one (0.5 s instead of 50 ms for 2,000 ratings).
func (q *query) anyOf(col string, values []string) {
	if len(values) == 1 {
		q.add(col+" = ?", values[0])
		return
	}
	q.add(col+" = ANY(?)", values)
}

// param appends a parameter and returns its placeholder.
func (q *query) param(arg any) string {
	q.args = append(q.args, arg)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *query) sql() string { return strings.Join(q.where, " AND ") }
