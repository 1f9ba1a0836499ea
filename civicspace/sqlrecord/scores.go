package sqlrecord

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/civicspace/civicspace/civicspace"
)

// Scores keeps the scores of assessment revisions and their observations:
// the scoring half of civicspace.AssessmentStore.
type Scores struct {
	db DB
	d  Dialect
}

// NewScores returns the scores of db, kept in the tables scores and
// score_observations.
func NewScores(db DB, d Dialect) *Scores { return &Scores{db: db, d: d} }

// checkScore checks what the store relies on and returns the result in
// compact form, the form it is stored and compared in.
func checkScore(sc *civicspace.StoredScore) ([]byte, error) {
	switch {
	case sc == nil:
		return nil, civicspace.Errorf(civicspace.EINVALID, "no score given")
	case sc.AssessmentID == "" || sc.Version < 1:
		return nil, civicspace.Errorf(civicspace.EINVALID, "a score needs the assessment ID and version it was computed for")
	case sc.PolicyDigest == "":
		return nil, civicspace.Errorf(civicspace.EINVALID, "a score needs the digest of the policy it was computed with")
	}
	var result bytes.Buffer
	if err := json.Compact(&result, sc.Result); err != nil {
		return nil, civicspace.WrapError(civicspace.EINVALID, err, "the score's result is not valid JSON")
	}
	type key struct{ level, item string }
	seen := make(map[key]bool, len(sc.Observations))
	for _, o := range sc.Observations {
		if (o.AssessmentID != "" && o.AssessmentID != sc.AssessmentID) || (o.Version != 0 && o.Version != sc.Version) {
			return nil, civicspace.Errorf(civicspace.EINVALID, "observation %s %q belongs to assessment %s version %d, not to the score of %s version %d",
				o.Level, o.ItemID, o.AssessmentID, o.Version, sc.AssessmentID, sc.Version)
		}
		k := key{o.Level, o.ItemID}
		if seen[k] {
			return nil, civicspace.Errorf(civicspace.EINVALID, "observation %s %q is given twice", o.Level, o.ItemID)
		}
		seen[k] = true
	}
	return result.Bytes(), nil
}

func sameFloat(a, b *float64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// PutScore stores a score and its observations in one transaction. Storing
// the same result again is a no-op (the first computed_at is kept); a
// different result for the same revision and policy is ESTATE: a stored
// score is never overwritten. Two writers storing the same score at once
// both succeed, and one row is written.
func (s *Scores) PutScore(ctx context.Context, sc *civicspace.StoredScore) error {
	result, err := checkScore(sc)
	if err != nil {
		return err
	}
	computed := sc.ComputedAt.UTC().Truncate(time.Microsecond)
	if sc.ComputedAt.IsZero() {
		computed = Now()
	}
	err = s.db.Write(ctx, func(tx Querier) error {
		var deleted bool
		err := tx.QueryRow(ctx, `SELECT a.deleted FROM assessment_revisions r JOIN assessments a ON a.id = r.assessment_id
			WHERE r.assessment_id = $1 AND r.version = $2`, sc.AssessmentID, sc.Version).Scan(&deleted)
		if s.d.IsNoRows(err) || (err == nil && deleted) {
			return civicspace.Errorf(civicspace.ENOTFOUND, "assessment %q has no version %d to score", sc.AssessmentID, sc.Version)
		}
		if err != nil {
			return err
		}
		// ON CONFLICT waits for a concurrent insert of the same key to
		// commit, then does nothing: the stored row is compared below.
		n, err := tx.Exec(ctx, `INSERT INTO scores (assessment_id, version, policy_digest, catalog_digest, computed_at, band, score, result)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (assessment_id, version, policy_digest) DO NOTHING`,
			sc.AssessmentID, sc.Version, sc.PolicyDigest, sc.CatalogDigest, s.d.Time(computed), sc.Band, sc.Score, string(result))
		if err != nil {
			return err
		}
		if n == 0 {
			return s.sameAsStored(ctx, tx, sc, result)
		}
		return s.putObservations(ctx, tx, sc)
	})
	return Error(s.d, "put score", err)
}

// sameAsStored returns nil if the stored score of sc's revision and policy
// is sc, and an ESTATE error otherwise.
func (s *Scores) sameAsStored(ctx context.Context, tx Querier, sc *civicspace.StoredScore, result []byte) error {
	var (
		catalog, band string
		score         *float64
		stored        []byte
		at            time.Time
	)
	if err := tx.QueryRow(ctx, `SELECT catalog_digest, band, score, result, computed_at FROM scores
		WHERE assessment_id = $1 AND version = $2 AND policy_digest = $3`, sc.AssessmentID, sc.Version, sc.PolicyDigest).
		Scan(&catalog, &band, &score, &stored, ScanTime(&at)); err != nil {
		return err
	}
	if catalog == sc.CatalogDigest && band == sc.Band && sameFloat(score, sc.Score) && bytes.Equal(stored, result) {
		return nil
	}
	return civicspace.Errorf(civicspace.ESTATE, "assessment %q version %d already has a different score under policy %s (computed %s): stored scores are never replaced",
		sc.AssessmentID, sc.Version, sc.PolicyDigest, at.Format("2006-01-02T15:04:05.999999Z"))
}

// observationBatch is how many observations one INSERT writes: 8
// parameters each, well under both databases' limits.
const observationBatch = 500

func (s *Scores) putObservations(ctx context.Context, tx Querier, sc *civicspace.StoredScore) error {
	for start := 0; start < len(sc.Observations); start += observationBatch {
		batch := sc.Observations[start:min(start+observationBatch, len(sc.Observations))]
		q, values := &Query{}, make([]string, len(batch))
		for i, o := range batch {
			values[i] = "(" + strings.Join([]string{q.Param(sc.AssessmentID), q.Param(sc.Version), q.Param(sc.PolicyDigest),
				q.Param(o.Level), q.Param(o.ItemID), q.Param(o.Score), q.Param(o.Coverage), q.Param(o.Status)}, ", ") + ")"
		}
		if _, err := tx.Exec(ctx, `INSERT INTO score_observations (assessment_id, version, policy_digest, level, item_id, score, coverage, status)
			VALUES `+strings.Join(values, ", "), q.Args()...); err != nil {
			return err
		}
	}
	return nil
}

// Score returns the stored score of a revision under a policy, or with an
// empty policyDigest the most recently computed one. The observations are
// not read back: they are served by Observations.
func (s *Scores) Score(ctx context.Context, id string, version int, policyDigest string) (*civicspace.StoredScore, error) {
	q := `SELECT s.assessment_id, s.version, s.policy_digest, s.catalog_digest, s.computed_at, s.band, s.score, s.result
		FROM scores s JOIN assessments a ON a.id = s.assessment_id AND NOT a.deleted
		WHERE s.assessment_id = $1 AND s.version = $2`
	args := []any{id, version}
	if policyDigest != "" {
		q, args = q+` AND s.policy_digest = $3`, append(args, policyDigest)
	}
	var (
		sc     civicspace.StoredScore
		result []byte
	)
	err := s.db.QueryRow(ctx, q+` ORDER BY s.computed_at DESC, s.policy_digest LIMIT 1`, args...).
		Scan(&sc.AssessmentID, &sc.Version, &sc.PolicyDigest, &sc.CatalogDigest, ScanTime(&sc.ComputedAt), &sc.Band, &sc.Score, &result)
	if s.d.IsNoRows(err) {
		if policyDigest == "" {
			return nil, civicspace.Errorf(civicspace.ENOTFOUND, "assessment %q version %d has no stored score", id, version)
		}
		return nil, civicspace.Errorf(civicspace.ENOTFOUND, "assessment %q version %d has no stored score under policy %s", id, version, policyDigest)
	}
	if err != nil {
		return nil, Error(s.d, "read score", err)
	}
	sc.Result = json.RawMessage(result)
	return &sc, nil
}

// Unscored lists revisions that have no score under policyDigest: the
// current version of every live assessment and its published version, in
// creation order, at most limit (all if limit <= 0).
func (s *Scores) Unscored(ctx context.Context, policyDigest string, limit int) ([]civicspace.RevisionRef, error) {
	q := `SELECT id, version FROM (
			SELECT id, seq, version FROM assessments WHERE NOT deleted
			UNION
			SELECT id, seq, published_version FROM assessments WHERE NOT deleted AND published_version > 0
		) v
		WHERE NOT EXISTS (SELECT 1 FROM scores s WHERE s.assessment_id = v.id AND s.version = v.version AND s.policy_digest = $1)
		ORDER BY seq, version`
	args := []any{policyDigest}
	if limit > 0 {
		q, args = q+` LIMIT $2`, append(args, limit)
	}
	refs, err := queryAll(ctx, s.db, func(row Row) (civicspace.RevisionRef, error) {
		var ref civicspace.RevisionRef
		err := row.Scan(&ref.AssessmentID, &ref.Version)
		return ref, err
	}, q, args...)
	return refs, Error(s.d, "unscored", err)
}

// ObservationColumns are what ReadObservations reads, from a publication
// l of the latest CTE (see Assessments.LatestPublishedOf) and its
// observation o.
const ObservationColumns = `l.id, l.published_version, l.pub_country, l.pub_organisation, l.pub_period, l.pub_kind,
	o.level, o.item_id, o.score, o.coverage, o.status`

// ReadObservations returns the observations a query of ObservationColumns
// selects.
func (s *Scores) ReadObservations(ctx context.Context, query string, args ...any) ([]civicspace.Observation, error) {
	obs, err := queryAll(ctx, s.db, func(row Row) (civicspace.Observation, error) {
		var (
			o    civicspace.Observation
			kind string
		)
		err := row.Scan(&o.AssessmentID, &o.Version, &o.Country, &o.Organisation, &o.Period, &kind,
			&o.Level, &o.ItemID, &o.Score, &o.Coverage, &o.Status)
		o.Kind = civicspace.Kind(kind)
		return o, err
	}, query, args...)
	return obs, Error(s.d, "observations", err)
}
