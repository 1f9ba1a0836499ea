package civicspace

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// The Compare functions run comparisons on a store: one query for the
// published observations the comparison needs, then the pure function
// (Ranking, Trend, Regions, Gap). They read stored scores only; scores are
// read under policyDigest, so every number compared was computed by the
// same policy. A publication not yet scored under it (see
// AssessmentStore.Unscored and "civicspace rescore") is a missing row in
// rankings and counted as missing in region aggregates, when the store is a
// PublicationLister; trends and gaps do not see it.

// CompareRanking ranks countries on stored scores; see Ranking.
func CompareRanking(ctx context.Context, store AssessmentStore, cat *Catalog, countries *Countries, policyDigest string, q RankingQuery) (*RankingResult, error) {
	t, err := resolveTarget(cat, q.Framework, q.Group, q.Recommendation)
	if err != nil {
		return nil, err
	}
	f, err := publishedFilter(countries, q.Period, q.PeriodFrom, q.PeriodTo, q.Kind, q.Region, q.SubRegion)
	if err != nil {
		return nil, err
	}
	if f.Period, err = settlePeriod(ctx, store, f, policyDigest); err != nil {
		return nil, err
	}
	q.Period = f.Period
	if q.Period == "" {
		return Ranking(cat, countries, nil, q)
	}
	obs, err := targetObservations(ctx, store, f, policyDigest, t)
	if err != nil {
		return nil, err
	}
	return Ranking(cat, countries, obs, q)
}

// CompareRegions aggregates stored scores by M49 region; see Regions.
func CompareRegions(ctx context.Context, store AssessmentStore, cat *Catalog, countries *Countries, policyDigest string, q RegionQuery) (*RegionResult, error) {
	t, err := resolveTarget(cat, q.Framework, q.Group, q.Recommendation)
	if err != nil {
		return nil, err
	}
	if _, err := checkMinCoverage(q.MinCoverage); err != nil {
		return nil, err
	}
	f, err := publishedFilter(countries, q.Period, q.PeriodFrom, q.PeriodTo, q.Kind, q.Region, q.SubRegion)
	if err != nil {
		return nil, err
	}
	if f.Period, err = settlePeriod(ctx, store, f, policyDigest); err != nil {
		return nil, err
	}
	q.Period = f.Period
	var obs []Observation
	if q.Period != "" {
		if obs, err = targetObservations(ctx, store, f, policyDigest, t); err != nil {
			return nil, err
		}
	}
	res := Regions(countries, obs, q)
	res.Target = t
	return res, nil
}

// CompareTrend follows one country (alpha-3 code) or organisation ("org:"
// and its name) across periods; see Trend.
func CompareTrend(ctx context.Context, store AssessmentStore, cat *Catalog, countries *Countries, policyDigest, subject string, q TrendQuery) (*TrendResult, error) {
	if _, err := resolveTarget(cat, q.Framework, q.Group, q.Recommendation); err != nil {
		return nil, err
	}
	if err := firstError(checkKind(q.Kind), checkYears(q.PeriodFrom, q.PeriodTo)); err != nil {
		return nil, err
	}
	f := PublishedFilter{PeriodFrom: q.PeriodFrom, PeriodTo: q.PeriodTo, Kind: q.Kind}
	switch {
	case strings.HasPrefix(subject, "org:"):
		if strings.TrimSpace(strings.TrimPrefix(subject, "org:")) == "" {
			return nil, Errorf(EINVALID, "the organisation's name is blank")
		}
		// The store filters by country only: read every subject's and let
		// Trend keep the organisation's.
	default:
		if _, ok := countries.Lookup(subject); !ok {
			return nil, Errorf(EINVALID, "unknown country code %q: use an ISO 3166-1 alpha-3 code such as NOR, or org:NAME for an organisation", subject)
		}
		f.Countries = []string{subject}
	}
	levels := []string{LevelRating, LevelFramework, LevelGroup, LevelRecommendation}
	if targetOf(q.Framework, q.Group, q.Recommendation).Level != LevelRating {
		// Only the followed items and the recommendations below them.
		levels = levels[1:]
		items, recs := trendItems(cat, q)
		for _, it := range items {
			f.Items = append(f.Items, it.ID)
		}
		for _, r := range recs {
			f.Items = append(f.Items, r.ID)
		}
	}
	obs, err := store.Observations(ctx, f, policyDigest, levels...)
	if err != nil {
		return nil, err
	}
	return Trend(cat, obs, subject, q), nil
}

// GapQuery names the two assessments a gap compares: the latest
// publications for a country and period of the base kind (default self)
// and the other kind (default shadow).
type GapQuery struct {
	Country string
	Period  string
	Base    Kind
	Against Kind
}

// CompareGap compares the published shadow assessment of a country and
// period with its published self-assessment; see Gap. ENOTFOUND when
// either is not published, or not scored under policyDigest.
func CompareGap(ctx context.Context, store AssessmentStore, cat *Catalog, countries *Countries, policyDigest string, q GapQuery) (*GapResult, error) {
	if q.Base == "" {
		q.Base = KindSelf
	}
	if q.Against == "" {
		q.Against = KindShadow
	}
	if err := firstError(checkKind(q.Base), checkKind(q.Against)); err != nil {
		return nil, err
	}
	if q.Base == q.Against {
		return nil, Errorf(EINVALID, "a gap compares two kinds of assessment: both are %s", q.Base)
	}
	if _, ok := countries.Lookup(q.Country); !ok {
		return nil, Errorf(EINVALID, "unknown country code %q: use an ISO 3166-1 alpha-3 code such as NOR", q.Country)
	}
	period, err := ParsePeriod(q.Period)
	if err != nil {
		return nil, WrapError(EINVALID, err, "bad period %q: a year (2025) or a date range (2025-01-01/2025-12-31)", q.Period)
	}
	q.Period = period.Key()
	revs, err := store.LatestPublished(ctx, PublishedFilter{Countries: []string{q.Country}, Period: q.Period})
	if err != nil {
		return nil, err
	}
	find := func(k Kind) (*Revision, *Result, error) {
		i := slices.IndexFunc(revs, func(r *Revision) bool { return r.Assessment.Kind == k })
		if i < 0 {
			return nil, nil, Errorf(ENOTFOUND, "no published %s assessment of %s for %s", k, q.Country, q.Period)
		}
		rev := revs[i]
		sc, err := store.Score(ctx, rev.AssessmentID, rev.Version, policyDigest)
		if err != nil {
			if ErrorCode(err) == ENOTFOUND {
				return nil, nil, WrapError(ENOTFOUND, err, "the published %s assessment of %s for %s is not scored under the current policy yet (run civicspace rescore)", k, q.Country, q.Period)
			}
			return nil, nil, err
		}
		var res Result
		if err := json.Unmarshal(sc.Result, &res); err != nil {
			return nil, nil, WrapError(EINTERNAL, err, "stored score of %s v%d cannot be read", rev.AssessmentID, rev.Version)
		}
		return rev, &res, nil
	}
	self, selfRes, err := find(q.Base)
	if err != nil {
		return nil, err
	}
	shadow, shadowRes, err := find(q.Against)
	if err != nil {
		return nil, err
	}
	return Gap(cat, self, shadow, selfRes, shadowRes), nil
}

// publishedFilter turns the common query fields into a store filter,
// checking them.
func publishedFilter(countries *Countries, period string, from, to int, kind Kind, region, subRegion string) (PublishedFilter, error) {
	if err := firstError(checkKind(kind), checkYears(from, to)); err != nil {
		return PublishedFilter{}, err
	}
	if period != "" {
		p, err := ParsePeriod(period)
		if err != nil {
			return PublishedFilter{}, WrapError(EINVALID, err, "bad period %q: a year (2025) or a date range (2025-01-01/2025-12-31)", period)
		}
		period = p.Key() // stores index publications by the period's key
	}
	members, err := RegionCountries(countries, region, subRegion)
	if err != nil {
		return PublishedFilter{}, err
	}
	return PublishedFilter{Countries: members, Period: period, PeriodFrom: from, PeriodTo: to, Kind: kind}, nil
}

// settlePeriod returns f's period, or when it has none the most recent
// period with a scored publication, or when none is scored under
// policyDigest (as after a policy change, before rescoring) the most recent
// period with a publication. Only ratings are read, and first only those of
// periods ending last year or later: when there are any, the latest period
// is among them, and reading ten years of ratings to find it cost several
// times a whole ranking. The clock only decides how much is read, never the
// answer.
func settlePeriod(ctx context.Context, store AssessmentStore, f PublishedFilter, policyDigest string) (string, error) {
	if f.Period != "" {
		return f.Period, nil
	}
	f.Items = []string{ObservationOverall}
	if recent := time.Now().Year() - 1; f.PeriodTo == 0 || f.PeriodTo >= recent {
		g := f
		g.PeriodFrom = max(f.PeriodFrom, recent)
		obs, err := store.Observations(ctx, g, policyDigest, LevelRating)
		if err != nil {
			return "", err
		}
		if p := latestPeriod(obs, obsFilter{onlyCountry: true}); p != "" {
			return p, nil
		}
	}
	obs, err := store.Observations(ctx, f, policyDigest, LevelRating)
	if err != nil {
		return "", err
	}
	if len(obs) == 0 {
		if obs, err = withUnscored(ctx, store, f, nil); err != nil {
			return "", err
		}
	}
	return latestPeriod(obs, obsFilter{onlyCountry: true}), nil
}

// targetObservations reads what a ranking or an aggregate of t needs: the
// observations of t for the publications f selects, and for each
// publication without one (no value for t, or not scored under
// policyDigest) a placeholder, so that it shows as missing.
func targetObservations(ctx context.Context, store AssessmentStore, f PublishedFilter, policyDigest string, t Target) ([]Observation, error) {
	levels := []string{t.Level}
	f.Items = []string{t.ID}
	if t.Level == LevelRating {
		f.Items = []string{ObservationOverall}
	}
	obs, err := store.Observations(ctx, f, policyDigest, levels...)
	if err != nil {
		return nil, err
	}
	return withUnscored(ctx, store, f, obs)
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
