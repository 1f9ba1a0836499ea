package civicspace

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Comparisons are pure functions over stored observations, revisions and
// results: they never run a policy, so a comparison of two thousand
// assessments costs a store query and some arithmetic. The store-backed
// entry points (CompareRanking and the others) are in compare_service.go.

// DefaultMinCoverage is the coverage below which a value is flagged rather
// than ranked or aggregated: a score computed from less than half of the
// applicable indicators says more about what was answered than about the
// country.
const DefaultMinCoverage = 0.5

// The flags of a ranking row that is not ranked.
const (
	// FlagLowCoverage marks a score computed from too few answers.
	FlagLowCoverage = "low_coverage"
	// FlagMissing marks an assessment with no score for the compared item
	// (nothing answered, not applicable in its roles, or not scored).
	FlagMissing = "missing"
)

// Target is what a comparison is about: the overall rating, a framework, a
// group or a recommendation. ID is empty for the rating.
type Target struct {
	Level string `json:"level"`
	ID    string `json:"id,omitempty"`
	Title string `json:"title"`
}

// targetOf returns the most specific item named: a recommendation, else a
// group, else a framework, else the overall rating.
func targetOf(framework, group, recommendation string) Target {
	switch {
	case recommendation != "":
		return Target{Level: LevelRecommendation, ID: recommendation}
	case group != "":
		return Target{Level: LevelGroup, ID: group}
	case framework != "":
		return Target{Level: LevelFramework, ID: framework}
	}
	return Target{Level: LevelRating}
}

// resolveTarget checks the named items exist in cat and agree with each
// other (a group must belong to the framework named with it, and so on),
// and returns the most specific one with its title.
func resolveTarget(cat *Catalog, framework, group, recommendation string) (Target, error) {
	t := targetOf(framework, group, recommendation)
	if framework != "" {
		if _, ok := cat.Framework(framework); !ok {
			return t, Errorf(EINVALID, "unknown framework %q in catalog %s", framework, cat.Version())
		}
	}
	if group != "" {
		g, ok := cat.Group(group)
		if !ok {
			return t, Errorf(EINVALID, "unknown group %q in catalog %s", group, cat.Version())
		}
		if framework != "" && g.Framework().ID != framework {
			return t, Errorf(EINVALID, "group %q belongs to framework %q, not %q", group, g.Framework().ID, framework)
		}
	}
	if recommendation != "" {
		r, ok := cat.Recommendation(recommendation)
		if !ok {
			return t, Errorf(EINVALID, "unknown recommendation %q in catalog %s", recommendation, cat.Version())
		}
		if framework != "" && r.Framework().ID != framework {
			return t, Errorf(EINVALID, "recommendation %q belongs to framework %q, not %q", recommendation, r.Framework().ID, framework)
		}
		if group != "" && !slices.ContainsFunc(cat.GroupRecommendations(group), func(x *Recommendation) bool { return x.ID == recommendation }) {
			return t, Errorf(EINVALID, "recommendation %q is not in group %q", recommendation, group)
		}
	}
	t.Title = targetTitle(cat, t)
	return t, nil
}

func targetTitle(cat *Catalog, t Target) string {
	if cat == nil {
		return t.ID
	}
	switch t.Level {
	case LevelRating:
		return "Civic space rating"
	case LevelFramework:
		if f, ok := cat.Framework(t.ID); ok {
			return cmp.Or(f.ShortTitle, f.Title)
		}
	case LevelGroup:
		if g, ok := cat.Group(t.ID); ok {
			return g.Title
		}
	case LevelRecommendation:
		if r, ok := cat.Recommendation(t.ID); ok {
			return r.Title
		}
	}
	return t.ID
}

// matches reports whether o is an observation of t.
func (t Target) matches(o *Observation) bool {
	return o.Level == t.Level && (t.Level == LevelRating || o.ItemID == t.ID)
}

// periodRank orders periods: by end date, then start date, then text;
// unparsable periods last.
func comparePeriods(a, b string) int {
	pa, ea := ParsePeriod(a)
	pb, eb := ParsePeriod(b)
	switch {
	case ea != nil && eb != nil:
		return strings.Compare(a, b)
	case ea != nil:
		return 1
	case eb != nil:
		return -1
	}
	return cmp.Or(pa.End.Compare(pb.End), pa.Start.Compare(pb.Start), strings.Compare(a, b))
}

// periodYear is the year a period ends in, 0 if it cannot be parsed.
func periodYear(s string) int {
	p, err := ParsePeriod(s)
	if err != nil {
		return 0
	}
	return p.Year()
}

// inYears reports whether period ends within [from, to] (0 = open).
func inYears(period string, from, to int) bool {
	if from == 0 && to == 0 {
		return true
	}
	y := periodYear(period)
	return y != 0 && (from == 0 || y >= from) && (to == 0 || y <= to)
}

func kindIndex(k Kind) int {
	if i := slices.Index(Kinds, k); i >= 0 {
		return i
	}
	return len(Kinds)
}

// RegionCountries returns the alpha-3 codes of the countries in an M49
// region and sub-region (either may be empty; each is matched by its code,
// such as "150", or its name, case-insensitively; a sub-region may also be
// an intermediate region such as "Caribbean"). It returns nil, nil when
// both are empty (no filter), and an EINVALID error for an unknown region
// or a sub-region outside the region.
func RegionCountries(countries *Countries, region, subRegion string) ([]string, error) {
	if region == "" && subRegion == "" {
		return nil, nil
	}
	named := func(r Region, s string) bool { return r.Code == s || strings.EqualFold(r.Name, s) }
	var out []string
	found := false
	for _, r := range countries.Regions() {
		if region != "" && !named(r.Region, region) {
			continue
		}
		if subRegion == "" {
			found = true
			for _, s := range r.SubRegions {
				out = append(out, s.Countries...)
			}
			continue
		}
		for _, s := range r.SubRegions {
			if named(s.Region, subRegion) {
				found = true
				out = append(out, s.Countries...)
				continue
			}
			for _, ir := range s.IntermediateRegions {
				if named(ir.Region, subRegion) {
					found = true
					out = append(out, ir.Countries...)
				}
			}
		}
	}
	if !found {
		if subRegion == "" {
			return nil, Errorf(EINVALID, "unknown M49 region %q: use a code such as 150 or a name such as Europe", region)
		}
		if region == "" {
			return nil, Errorf(EINVALID, "unknown M49 sub-region %q: use a code such as 154 or a name such as Northern Europe", subRegion)
		}
		return nil, Errorf(EINVALID, "no M49 sub-region %q in region %q", subRegion, region)
	}
	slices.Sort(out)
	return out, nil
}

// obsFilter is the part of every query that selects observations.
type obsFilter struct {
	period      string
	from, to    int
	kind        Kind
	countries   map[string]bool   // nil = every country
	onlyCountry bool              // drop organisation subjects
	years       map[string]bool   // period → within from-to, memoised
	keys        map[string]string // period → its Key, memoised
}

// key is the Key of period (see Period.Key): observations read from a
// store carry it already, those given to the pure functions may not.
func (f *obsFilter) key(period string) string {
	k, ok := f.keys[period]
	if !ok {
		if f.keys == nil {
			f.keys = map[string]string{}
		}
		k = PeriodKey(period)
		f.keys[period] = k
	}
	return k
}

func (f *obsFilter) inYears(period string) bool {
	in, ok := f.years[period]
	if !ok {
		if f.years == nil {
			f.years = map[string]bool{}
		}
		in = inYears(period, f.from, f.to)
		f.years[period] = in
	}
	return in
}

func (f *obsFilter) keep(o *Observation) bool {
	switch {
	case f.onlyCountry && o.Country == "":
		return false
	case f.period != "" && o.Period != f.period && f.key(o.Period) != f.key(f.period):
		return false
	case (f.from != 0 || f.to != 0) && !f.inYears(o.Period):
		return false
	case f.kind != "" && o.Kind != f.kind:
		return false
	case f.countries != nil && !f.countries[o.Country]:
		return false
	}
	return true
}

func countrySet(codes []string) map[string]bool {
	if codes == nil {
		return nil
	}
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// latestPeriod returns the most recent period among the observations f
// keeps, "" if none. Periods are compared once each, not once per
// observation: parsing dominated when every observation was compared.
func latestPeriod(obs []Observation, f obsFilter) string {
	seen := map[string]bool{}
	latest := ""
	for i := range obs {
		o := &obs[i]
		if seen[o.Period] || !f.keep(o) {
			continue
		}
		seen[o.Period] = true
		if k := f.key(o.Period); latest == "" || comparePeriods(k, latest) > 0 {
			latest = k
		}
	}
	return latest
}

func checkMinCoverage(c float64) (float64, error) {
	switch {
	case c == 0:
		return DefaultMinCoverage, nil
	case c < 0 || c > 1 || math.IsNaN(c):
		return 0, Errorf(EINVALID, "minimum coverage must be between 0 and 1, not %v", c)
	}
	return c, nil
}

func checkKind(k Kind) error {
	if k != "" && !slices.Contains(Kinds, k) {
		return Errorf(EINVALID, "kind must be self, shadow or independent, not %q", k)
	}
	return nil
}

func checkYears(from, to int) error {
	if from < 0 || to < 0 || (from != 0 && to != 0 && to < from) {
		return Errorf(EINVALID, "period range %d-%d is reversed or negative", from, to)
	}
	return nil
}

// ---- Ranking ----

// RankingQuery selects what to rank and among whom. Name at most one of
// Framework, Group and Recommendation to rank on it (more than one must
// agree: the most specific wins); none ranks the overall rating.
type RankingQuery struct {
	Framework      string
	Group          string
	Recommendation string
	// Period is the period ranked; empty means the most recent period in
	// the data (within PeriodFrom-PeriodTo, years, 0 = open).
	Period     string
	PeriodFrom int
	PeriodTo   int
	// Kind keeps one assessment kind. Empty keeps every kind, ranked
	// separately: self-assessments are not ranked against shadow ones.
	Kind Kind
	// Region and SubRegion keep the countries of an M49 region and
	// sub-region (code or name).
	Region    string
	SubRegion string
	// MinCoverage (0-1) is the coverage below which a score is flagged
	// low_coverage and not ranked; 0 means DefaultMinCoverage.
	MinCoverage float64
}

// RankingResult is a ranking: the ranked rows first, then the rows flagged
// low_coverage, then those with no score (FlagMissing). No assessment the
// query selects is dropped.
type RankingResult struct {
	Target      Target       `json:"target"`
	Period      string       `json:"period"`
	Kind        Kind         `json:"kind,omitempty"`
	Region      string       `json:"region,omitempty"`
	SubRegion   string       `json:"sub_region,omitempty"`
	MinCoverage float64      `json:"min_coverage"`
	Counts      RankCounts   `json:"counts"`
	Rows        []RankingRow `json:"rows"`
}

// RankCounts counts the rows of a ranking by what happened to them.
type RankCounts struct {
	Ranked      int `json:"ranked"`
	LowCoverage int `json:"low_coverage"`
	Missing     int `json:"missing"`
}

// RankingRow is one assessment's place in a ranking.
type RankingRow struct {
	// Rank is the competition rank ("1224": equal scores share a rank and
	// the next rank skips), nil for a flagged row.
	Rank    *int   `json:"rank"`
	Country string `json:"country"`
	Name    string `json:"name"`
	// M49 is the country's UN M49 numeric code, empty for user-assigned
	// (demo) codes.
	M49      string   `json:"m49,omitempty"`
	Kind     Kind     `json:"kind"`
	Score    *float64 `json:"score"`
	Coverage *float64 `json:"coverage"`
	// Status is the stored status of the item: the band for the rating, a
	// recommendation status otherwise.
	Status       string `json:"status,omitempty"`
	Flag         string `json:"flag,omitempty"`
	AssessmentID string `json:"assessment_id"`
	Version      int    `json:"version"`
}

// Ranking ranks the countries' stored scores on the query's item for one
// period. obs are observations of latest published revisions (as
// AssessmentStore.Observations returns them); they may hold more than the
// query selects. Organisation subjects are not ranked.
func Ranking(cat *Catalog, countries *Countries, obs []Observation, q RankingQuery) (*RankingResult, error) {
	t, err := resolveTarget(cat, q.Framework, q.Group, q.Recommendation)
	if err != nil {
		return nil, err
	}
	minCov, err := checkMinCoverage(q.MinCoverage)
	if err != nil {
		return nil, err
	}
	if err := cmp.Or(checkKind(q.Kind), checkYears(q.PeriodFrom, q.PeriodTo)); err != nil {
		return nil, err
	}
	members, err := RegionCountries(countries, q.Region, q.SubRegion)
	if err != nil {
		return nil, err
	}
	f := obsFilter{period: q.Period, from: q.PeriodFrom, to: q.PeriodTo, kind: q.Kind, countries: countrySet(members), onlyCountry: true}
	if f.period == "" {
		f.period = latestPeriod(obs, f)
	}
	f.period = f.key(f.period)
	res := &RankingResult{Target: t, Period: f.period, Kind: q.Kind, Region: q.Region, SubRegion: q.SubRegion, MinCoverage: minCov, Rows: []RankingRow{}}
	if f.period == "" {
		return res, nil
	}

	// One row per assessment the filter selects, whether or not it has a
	// value for the target: a missing value is shown, never dropped.
	rows := map[string]*RankingRow{}
	var order []string
	for i := range obs {
		o := &obs[i]
		if !f.keep(o) {
			continue
		}
		r, ok := rows[o.AssessmentID]
		if !ok {
			r = &RankingRow{Country: o.Country, Kind: o.Kind, AssessmentID: o.AssessmentID, Version: o.Version}
			rows[o.AssessmentID] = r
			order = append(order, o.AssessmentID)
		}
		if t.matches(o) && r.Score == nil && r.Coverage == nil && r.Status == "" {
			r.Score, r.Coverage, r.Status = cloneFloat(o.Score), cloneFloat(o.Coverage), o.Status
		}
	}
	out := make([]RankingRow, 0, len(order))
	for _, id := range order {
		r := rows[id]
		if k, ok := countries.Lookup(r.Country); ok {
			r.Name, r.M49 = k.Name, k.Numeric
			if k.CommonName != "" {
				r.Name = k.CommonName
			}
		} else {
			r.Name = r.Country
		}
		switch {
		case r.Status == BandInsufficientData:
			// Too few answers for the policy to give a band or a score:
			// listed with the low-coverage rows, never ranked.
			r.Flag = FlagLowCoverage
			res.Counts.LowCoverage++
		case r.Score == nil:
			r.Flag = FlagMissing
			res.Counts.Missing++
		case r.Coverage == nil || *r.Coverage < minCov:
			r.Flag = FlagLowCoverage
			res.Counts.LowCoverage++
		default:
			res.Counts.Ranked++
		}
		out = append(out, *r)
	}
	flagOrder := func(flag string) int {
		switch flag {
		case "":
			return 0
		case FlagLowCoverage:
			return 1
		}
		return 2
	}
	slices.SortFunc(out, func(a, b RankingRow) int {
		return cmp.Or(
			cmp.Compare(kindIndex(a.Kind), kindIndex(b.Kind)),
			cmp.Compare(flagOrder(a.Flag), flagOrder(b.Flag)),
			compareScoresDesc(a.Score, b.Score),
			strings.Compare(a.Country, b.Country),
			strings.Compare(a.AssessmentID, b.AssessmentID),
		)
	})
	// Competition ranking within each kind: equal scores share a rank.
	for i := range out {
		r := &out[i]
		if r.Flag != "" {
			continue
		}
		rank := 1
		if i > 0 && out[i-1].Flag == "" && out[i-1].Kind == r.Kind {
			prev := out[i-1]
			if *prev.Score == *r.Score {
				rank = *prev.Rank
			} else {
				rank = i + 1 - firstOfKind(out, r.Kind)
			}
		}
		r.Rank = &rank
	}
	res.Rows = out
	return res, nil
}

func firstOfKind(rows []RankingRow, k Kind) int {
	return slices.IndexFunc(rows, func(r RankingRow) bool { return r.Kind == k })
}

// compareScoresDesc orders higher scores first and nil last.
func compareScoresDesc(a, b *float64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*b, *a)
}

func cloneFloat(p *float64) *float64 {
	if p == nil {
		return nil
	}
	return Float(*p)
}

// ---- Trend ----

// TrendQuery selects what a trend follows. With none of Framework, Group
// and Recommendation the trend follows the rating, every framework and
// every group; with one, that item (and a framework's or group's groups
// below it).
type TrendQuery struct {
	Framework      string
	Group          string
	Recommendation string
	// PeriodFrom and PeriodTo bound the periods by the year they end in
	// (0 = open).
	PeriodFrom int
	PeriodTo   int
	// Kind keeps one assessment kind; empty gives one series per kind.
	Kind Kind
}

// TrendResult follows one country (or organisation) across periods.
type TrendResult struct {
	// Subject is the country's alpha-3 code, or "org:" and an
	// organisation's name.
	Subject    string        `json:"subject"`
	Kind       Kind          `json:"kind,omitempty"`
	PeriodFrom int           `json:"period_from,omitempty"`
	PeriodTo   int           `json:"period_to,omitempty"`
	Series     []TrendSeries `json:"series"`
}

// TrendSeries is the trend of one kind of assessment.
type TrendSeries struct {
	Kind Kind `json:"kind"`
	// Periods are sorted; between calendar years, a year without a
	// published assessment is listed as missing.
	Periods       []TrendPeriod  `json:"periods"`
	Items         []TrendItem    `json:"items"`
	StatusChanges []StatusChange `json:"status_changes"`
}

// TrendPeriod is one period of a series and the assessment that covers it.
type TrendPeriod struct {
	Period       string `json:"period"`
	AssessmentID string `json:"assessment_id,omitempty"`
	Version      int    `json:"version,omitempty"`
	Missing      bool   `json:"missing,omitempty"`
}

// TrendItem is one followed item (rating, framework or group) with one
// point per period of its series.
type TrendItem struct {
	Level string `json:"level"`
	ID    string `json:"id,omitempty"`
	Title string `json:"title"`
	// Confidence is the catalog's confidence in a framework's or a
	// recommendation's wording or numbering; empty for the rating and
	// groups.
	Confidence Confidence   `json:"confidence,omitempty"`
	Points     []TrendPoint `json:"points"`
}

// TrendPoint is an item's value in one period and its change from the
// previous period: nil for the first period, or when either value is
// missing (a missing period is never bridged).
type TrendPoint struct {
	Period   string   `json:"period"`
	Score    *float64 `json:"score"`
	Coverage *float64 `json:"coverage"`
	Status   string   `json:"status,omitempty"`
	Change   *float64 `json:"change"`
}

// StatusChange is a recommendation whose status differs between two
// consecutive assessed periods of a series (a missing period in between is
// bridged: the change is reported from the last period that had one).
type StatusChange struct {
	Recommendation string   `json:"recommendation"`
	Framework      string   `json:"framework"`
	Title          string   `json:"title"`
	FromPeriod     string   `json:"from_period"`
	ToPeriod       string   `json:"to_period"`
	FromStatus     string   `json:"from_status"`
	ToStatus       string   `json:"to_status"`
	FromScore      *float64 `json:"from_score"`
	ToScore        *float64 `json:"to_score"`
}

// Trend follows one subject (an alpha-3 country code, or "org:" and an
// organisation's name) across periods in obs. cat orders the items and
// decides which groups and recommendations belong to a framework.
func Trend(cat *Catalog, obs []Observation, subject string, q TrendQuery) *TrendResult {
	res := &TrendResult{Subject: subject, Kind: q.Kind, PeriodFrom: q.PeriodFrom, PeriodTo: q.PeriodTo, Series: []TrendSeries{}}
	f := obsFilter{from: q.PeriodFrom, to: q.PeriodTo, kind: q.Kind}
	items, recs := trendItems(cat, q)

	type assessment struct {
		period, id string
		version    int
		values     map[string]*Observation // by obsKey
	}
	byKind := map[Kind]map[string]*assessment{} // kind → period → assessment
	for i := range obs {
		o := &obs[i]
		if (Subject{Country: o.Country, Organisation: o.Organisation}).Key() != subject || !f.keep(o) {
			continue
		}
		periods := byKind[o.Kind]
		if periods == nil {
			periods = map[string]*assessment{}
			byKind[o.Kind] = periods
		}
		period := f.key(o.Period)
		a := periods[period]
		if a == nil {
			a = &assessment{period: period, id: o.AssessmentID, version: o.Version, values: map[string]*Observation{}}
			periods[period] = a
		}
		if a.id != o.AssessmentID {
			// Two published assessments of one kind for one period (from
			// different authors): keep the first by ID so the result does
			// not depend on the store's order.
			if o.AssessmentID > a.id {
				continue
			}
			*a = assessment{period: period, id: o.AssessmentID, version: o.Version, values: map[string]*Observation{}}
		}
		a.values[obsKey(o.Level, o.ItemID)] = o
	}
	kinds := make([]Kind, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	slices.SortFunc(kinds, func(a, b Kind) int {
		return cmp.Or(cmp.Compare(kindIndex(a), kindIndex(b)), strings.Compare(string(a), string(b)))
	})

	for _, k := range kinds {
		periods := byKind[k]
		names := make([]string, 0, len(periods))
		for p := range periods {
			names = append(names, p)
		}
		slices.SortFunc(names, comparePeriods)
		names = fillMissingYears(names)
		s := TrendSeries{Kind: k, Periods: make([]TrendPeriod, len(names)), Items: []TrendItem{}, StatusChanges: []StatusChange{}}
		for i, p := range names {
			if a := periods[p]; a != nil {
				s.Periods[i] = TrendPeriod{Period: p, AssessmentID: a.id, Version: a.version}
			} else {
				s.Periods[i] = TrendPeriod{Period: p, Missing: true}
			}
		}
		value := func(p, key string) *Observation {
			if a := periods[p]; a != nil {
				return a.values[key]
			}
			return nil
		}
		for _, it := range items {
			key := obsKey(it.Level, it.ID)
			present := false
			ti := TrendItem{Level: it.Level, ID: it.ID, Title: it.Title, Confidence: itemConfidence(cat, it), Points: make([]TrendPoint, len(names))}
			for i, p := range names {
				pt := TrendPoint{Period: p}
				if o := value(p, key); o != nil {
					present = true
					pt.Score, pt.Coverage, pt.Status = cloneFloat(o.Score), cloneFloat(o.Coverage), o.Status
				}
				if i > 0 && pt.Score != nil && ti.Points[i-1].Score != nil {
					pt.Change = Float(Round1(*pt.Score - *ti.Points[i-1].Score))
				}
				ti.Points[i] = pt
			}
			if present {
				s.Items = append(s.Items, ti)
			}
		}
		for _, r := range recs {
			key := obsKey(LevelRecommendation, r.ID)
			var last *Observation
			lastPeriod := ""
			for _, p := range names {
				o := value(p, key)
				if o == nil {
					continue
				}
				if last != nil && last.Status != o.Status {
					s.StatusChanges = append(s.StatusChanges, StatusChange{
						Recommendation: r.ID, Framework: r.Framework().ID, Title: r.Title,
						FromPeriod: lastPeriod, ToPeriod: p, FromStatus: last.Status, ToStatus: o.Status,
						FromScore: cloneFloat(last.Score), ToScore: cloneFloat(o.Score),
					})
				}
				last, lastPeriod = o, p
			}
		}
		slices.SortStableFunc(s.StatusChanges, func(a, b StatusChange) int { return comparePeriods(a.ToPeriod, b.ToPeriod) })
		res.Series = append(res.Series, s)
	}
	return res
}

// obsKey keys an observation by level and item. The rating has one item
// whatever ID the store gives it.
func obsKey(level, id string) string {
	if level == LevelRating {
		return LevelRating
	}
	return level + "\x00" + id
}

// trendItems lists the items a trend follows, in catalog order, and the
// recommendations whose status changes it reports.
func trendItems(cat *Catalog, q TrendQuery) ([]Target, []*Recommendation) {
	var items []Target
	addGroups := func(groups []*Group) {
		var walk func([]*Group)
		walk = func(gs []*Group) {
			for _, g := range gs {
				items = append(items, Target{Level: LevelGroup, ID: g.ID, Title: g.Title})
				walk(g.Groups)
			}
		}
		walk(groups)
	}
	switch t := targetOf(q.Framework, q.Group, q.Recommendation); t.Level {
	case LevelRecommendation:
		r, ok := cat.Recommendation(t.ID)
		if !ok {
			return nil, nil
		}
		return []Target{{Level: LevelRecommendation, ID: r.ID, Title: r.Title}}, []*Recommendation{r}
	case LevelGroup:
		g, ok := cat.Group(t.ID)
		if !ok {
			return nil, nil
		}
		addGroups([]*Group{g})
		return items, cat.GroupRecommendations(g.ID)
	case LevelFramework:
		fw, ok := cat.Framework(t.ID)
		if !ok {
			return nil, nil
		}
		items = append(items, Target{Level: LevelFramework, ID: fw.ID, Title: cmp.Or(fw.ShortTitle, fw.Title)})
		addGroups(fw.Groups)
		return items, cat.FrameworkRecommendations(fw.ID)
	}
	items = append(items, Target{Level: LevelRating, Title: "Civic space rating"})
	for _, fw := range cat.Frameworks() {
		items = append(items, Target{Level: LevelFramework, ID: fw.ID, Title: cmp.Or(fw.ShortTitle, fw.Title)})
		addGroups(fw.Groups)
	}
	return items, cat.Recommendations()
}

// fillMissingYears inserts the calendar years missing between the first
// and the last of sorted periods, when every period is a year.
func fillMissingYears(periods []string) []string {
	if len(periods) < 2 {
		return periods
	}
	years := make([]int, len(periods))
	for i, p := range periods {
		if !yearPattern.MatchString(p) {
			return periods
		}
		years[i] = periodYear(p)
	}
	out := make([]string, 0, years[len(years)-1]-years[0]+1)
	for y := years[0]; y <= years[len(years)-1]; y++ {
		out = append(out, fmt.Sprintf("%04d", y))
	}
	return out
}

// ---- Regions ----

// RegionQuery selects what to aggregate by M49 region. Framework, Group and
// Recommendation name the item as in RankingQuery.
type RegionQuery struct {
	Framework      string
	Group          string
	Recommendation string
	// Period is the period aggregated; empty means the most recent period
	// in the data (within PeriodFrom-PeriodTo).
	Period     string
	PeriodFrom int
	PeriodTo   int
	// Kind keeps one assessment kind; empty aggregates each kind apart.
	Kind      Kind
	Region    string
	SubRegion string
	// MinCoverage: values below it are counted as low_coverage and left
	// out of the statistics; 0 means DefaultMinCoverage.
	MinCoverage float64
}

// RegionResult holds aggregates by UN M49 area: the world (code 001), then
// each region followed by its sub-regions, by code. Countries M49 does not
// place in a region, and user-assigned demo codes, are aggregated under
// the code "" ("Not classified by M49") after the regions, and count in the
// world.
type RegionResult struct {
	Target      Target            `json:"target"`
	Period      string            `json:"period"`
	Kind        Kind              `json:"kind,omitempty"`
	MinCoverage float64           `json:"min_coverage"`
	Aggregates  []RegionAggregate `json:"aggregates"`
}

// The scopes of a region aggregate.
const (
	ScopeWorld     = "world"
	ScopeRegion    = "region"
	ScopeSubRegion = "sub_region"
)

// WorldM49 is the M49 code of the world, the total of every area.
const WorldM49 = "001"

// RegionAggregate summarises the scores of one kind of assessment in one
// M49 area. Statistics are over the Count values with enough coverage,
// rounded to one decimal, nil when Count is 0.
type RegionAggregate struct {
	Scope  string `json:"scope"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	Kind   Kind   `json:"kind"`
	Count  int    `json:"count"`
	// LowCoverage and Missing count the assessments left out of the
	// statistics, as in a ranking.
	LowCoverage int      `json:"low_coverage"`
	Missing     int      `json:"missing"`
	Median      *float64 `json:"median"`
	Mean        *float64 `json:"mean"`
	Min         *float64 `json:"min"`
	Max         *float64 `json:"max"`
	// MinCountry and MaxCountry hold the minimum and maximum (the first by
	// code on a tie).
	MinCountry string `json:"min_country,omitempty"`
	MaxCountry string `json:"max_country,omitempty"`
}

// Regions aggregates stored scores of one item for one period by UN M49
// region and sub-region. The query is not checked against a catalog (see
// CompareRegions); an unknown region selects nothing.
func Regions(countries *Countries, obs []Observation, q RegionQuery) *RegionResult {
	t := targetOf(q.Framework, q.Group, q.Recommendation)
	t.Title = targetTitle(nil, t)
	if t.Level == LevelRating {
		t.Title = "Civic space rating"
	}
	minCov, err := checkMinCoverage(q.MinCoverage)
	if err != nil {
		minCov = DefaultMinCoverage
	}
	members, err := RegionCountries(countries, q.Region, q.SubRegion)
	if err != nil {
		members = []string{}
	}
	f := obsFilter{period: q.Period, from: q.PeriodFrom, to: q.PeriodTo, kind: q.Kind, countries: countrySet(members), onlyCountry: true}
	if f.period == "" {
		f.period = latestPeriod(obs, f)
	}
	f.period = f.key(f.period)
	res := &RegionResult{Target: t, Period: f.period, Kind: q.Kind, MinCoverage: minCov, Aggregates: []RegionAggregate{}}
	if f.period == "" {
		return res
	}

	type value struct {
		country string
		score   *float64
		flag    string
	}
	seen := map[string]*value{} // by assessment ID
	var ids []string
	kindsOf := map[string]Kind{}
	for i := range obs {
		o := &obs[i]
		if !f.keep(o) {
			continue
		}
		v := seen[o.AssessmentID]
		if v == nil {
			v = &value{country: o.Country, flag: FlagMissing}
			seen[o.AssessmentID] = v
			ids = append(ids, o.AssessmentID)
			kindsOf[o.AssessmentID] = o.Kind
		}
		if t.matches(o) && v.flag == FlagMissing && o.Score != nil {
			v.score = o.Score
			v.flag = ""
			if o.Coverage == nil || *o.Coverage < minCov {
				v.flag = FlagLowCoverage
			}
		}
	}
	slices.Sort(ids)

	type areaKey struct {
		scope, code string
		kind        Kind
	}
	type area struct {
		RegionAggregate
		values []float64
		lo, hi string
	}
	areas := map[areaKey]*area{}
	add := func(scope string, r Region, parent string, k Kind, v *value) {
		key := areaKey{scope, r.Code, k}
		a := areas[key]
		if a == nil {
			a = &area{RegionAggregate: RegionAggregate{Scope: scope, Code: r.Code, Name: r.Name, Parent: parent, Kind: k}}
			areas[key] = a
		}
		switch v.flag {
		case FlagMissing:
			a.Missing++
		case FlagLowCoverage:
			a.LowCoverage++
		default:
			s := *v.score
			a.values = append(a.values, s)
			if a.lo == "" || s < *a.Min || (s == *a.Min && v.country < a.lo) {
				a.Min, a.lo = Float(s), v.country
			}
			if a.hi == "" || s > *a.Max || (s == *a.Max && v.country < a.hi) {
				a.Max, a.hi = Float(s), v.country
			}
		}
	}
	unclassified := Region{Code: "", Name: "Not classified by M49"}
	for _, id := range ids {
		v, k := seen[id], kindsOf[id]
		add(ScopeWorld, Region{Code: WorldM49, Name: "World"}, "", k, v)
		c, _ := countries.Lookup(v.country)
		if c.Region.Code == "" {
			add(ScopeRegion, unclassified, WorldM49, k, v)
			continue
		}
		add(ScopeRegion, c.Region, WorldM49, k, v)
		add(ScopeSubRegion, c.SubRegion, c.Region.Code, k, v)
	}
	scopeOrder := func(a *area) (int, string) {
		switch a.Scope {
		case ScopeWorld:
			return 0, ""
		case ScopeRegion:
			if a.Code == "" {
				return 2, ""
			}
			return 1, a.Code
		}
		return 1, a.Parent
	}
	list := make([]*area, 0, len(areas))
	for _, a := range areas {
		a.Count = len(a.values)
		if a.Count > 0 {
			a.Mean, a.Median = Float(Round1(mean(a.values))), Float(Round1(median(a.values)))
			a.Min, a.Max = Float(Round1(*a.Min)), Float(Round1(*a.Max))
			a.MinCountry, a.MaxCountry = a.lo, a.hi
		}
		list = append(list, a)
	}
	slices.SortFunc(list, func(a, b *area) int {
		ga, ra := scopeOrder(a)
		gb, rb := scopeOrder(b)
		sub := func(x *area) int {
			if x.Scope == ScopeSubRegion {
				return 1
			}
			return 0
		}
		return cmp.Or(cmp.Compare(ga, gb), strings.Compare(ra, rb), cmp.Compare(sub(a), sub(b)),
			strings.Compare(a.Code, b.Code), cmp.Compare(kindIndex(a.Kind), kindIndex(b.Kind)))
	})
	for _, a := range list {
		res.Aggregates = append(res.Aggregates, a.RegionAggregate)
	}
	return res
}

func mean(xs []float64) float64 {
	var sum float64
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// itemConfidence is the confidence of a framework or recommendation
// target, confirmed when the catalog says nothing; empty for other levels.
func itemConfidence(cat *Catalog, t Target) Confidence {
	var c Confidence
	switch t.Level {
	case LevelFramework:
		f, ok := cat.Framework(t.ID)
		if !ok {
			return ""
		}
		c = f.Confidence
	case LevelRecommendation:
		r, ok := cat.Recommendation(t.ID)
		if !ok {
			return ""
		}
		c = r.Confidence
	default:
		return ""
	}
	if c == "" {
		return Confirmed
	}
	return c
}
