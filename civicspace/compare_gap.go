package civicspace

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// GapResult compares a shadow (or independent) assessment with the
// self-assessment of the same country and period: where the watchdog and
// the government disagree, by how much, and what it changes. Every
// difference is shadow minus self: negative when the shadow assessment
// gives fewer points.
type GapResult struct {
	Country string  `json:"country"`
	Period  string  `json:"period"`
	Self    GapSide `json:"self"`
	Shadow  GapSide `json:"shadow"`
	// Headline says the gist in one sentence.
	Headline string     `json:"headline"`
	Summary  GapSummary `json:"summary"`
	Rating   ScoreGap   `json:"rating"`
	// RedFlags are the red flags raised in one assessment and not in the
	// other.
	RedFlags []RedFlagGap `json:"red_flags"`
	// Indicators are the indicators on which the two differ in any way,
	// biggest point difference first, then by ID; those whose difference
	// cannot be computed (one side earned no points) come last, by ID.
	Indicators []IndicatorGap `json:"indicators"`
	// Recommendations are those whose status differs, biggest score
	// difference first.
	Recommendations []RecommendationGap `json:"recommendations"`
	// Frameworks are every framework's and group's scores side by side, in
	// catalog order, each framework followed by its groups.
	Frameworks []ScoreGap `json:"frameworks"`
	// OnlyInSelf and OnlyInShadow are the indicators answered (with a
	// value or a status) in one assessment and not at all in the other.
	OnlyInSelf   []string `json:"only_in_self"`
	OnlyInShadow []string `json:"only_in_shadow"`
	// EvidenceGaps are the indicators on which the shadow assessment cites
	// evidence and the self-assessment cites none.
	EvidenceGaps []string `json:"evidence_gaps"`
}

// GapSide describes one of the two assessments compared.
type GapSide struct {
	AssessmentID string   `json:"assessment_id"`
	Version      int      `json:"version"`
	Kind         Kind     `json:"kind"`
	Author       string   `json:"author"`
	Title        string   `json:"title,omitempty"`
	Band         string   `json:"band"`
	Score        *float64 `json:"score"`
	Coverage     float64  `json:"coverage"`
	// Answered counts the answers with a value; WithEvidence those that
	// cite at least one source.
	Answered     int `json:"answered"`
	WithEvidence int `json:"with_evidence"`
}

// GapSummary counts the differences.
type GapSummary struct {
	// Indicators is the number of indicators either assessment answered or
	// scored; Agree and Disagree split them.
	Indicators int `json:"indicators"`
	Agree      int `json:"agree"`
	Disagree   int `json:"disagree"`
	// ShadowLower and ShadowHigher count indicators where both earned
	// points and the shadow gave fewer or more.
	ShadowLower           int      `json:"shadow_lower"`
	ShadowHigher          int      `json:"shadow_higher"`
	OnlyInSelf            int      `json:"only_in_self"`
	OnlyInShadow          int      `json:"only_in_shadow"`
	EvidenceGaps          int      `json:"evidence_gaps"`
	RecommendationsDiffer int      `json:"recommendations_differ"`
	RedFlagsOnlyInShadow  int      `json:"red_flags_only_in_shadow"`
	RedFlagsOnlyInSelf    int      `json:"red_flags_only_in_self"`
	RatingDifference      *float64 `json:"rating_difference"`
	BandDiffers           bool     `json:"band_differs"`
	// MeanAbsDifference is the mean absolute point difference over the
	// indicators where both earned points.
	MeanAbsDifference *float64 `json:"mean_abs_difference"`
}

// ScoreGap is one score (the rating, a framework, a group) in both
// assessments.
type ScoreGap struct {
	Level          string   `json:"level"`
	ID             string   `json:"id,omitempty"`
	Kind           string   `json:"kind,omitempty"` // a group's kind: pillar, focus, ...
	Title          string   `json:"title"`
	Self           *float64 `json:"self"`
	Shadow         *float64 `json:"shadow"`
	Difference     *float64 `json:"difference"`
	SelfCoverage   float64  `json:"self_coverage"`
	ShadowCoverage float64  `json:"shadow_coverage"`
	SelfStatus     string   `json:"self_status,omitempty"`
	ShadowStatus   string   `json:"shadow_status,omitempty"`
}

// GapAnswer is one side's answer to an indicator and what it earned.
type GapAnswer struct {
	// Answer is "answered", "not_applicable", "unknown" or "missing".
	Answer   string     `json:"answer"`
	Value    *Value     `json:"value,omitempty"`
	Points   *float64   `json:"points"`
	Evidence []Evidence `json:"evidence"`
	Comment  string     `json:"comment,omitempty"`
	RedFlag  string     `json:"red_flag,omitempty"`
}

// The kinds of disagreement on an indicator.
const (
	IssueValue        = "value"        // different answers (value or status)
	IssuePoints       = "points"       // different points
	IssueOnlyInSelf   = "only_in_self" // answered in the self-assessment only
	IssueOnlyInShadow = "only_in_shadow"
	IssueEvidence     = "evidence" // the shadow cites evidence, the self-assessment none
	IssueRedFlag      = "red_flag" // a red flag raised in one only
)

// IndicatorGap is one indicator the two assessments disagree on.
type IndicatorGap struct {
	Indicator string  `json:"indicator"`
	Question  string  `json:"question"`
	Weight    float64 `json:"weight"`
	// Issues says how they disagree (IssueValue, IssuePoints, ...).
	Issues []string  `json:"issues"`
	Self   GapAnswer `json:"self"`
	Shadow GapAnswer `json:"shadow"`
	// Difference is shadow points minus self points, nil unless both
	// earned points.
	Difference *float64 `json:"difference"`
	// Recommendations are the recommendations the indicator measures that
	// apply in either assessment: what the disagreement touches.
	Recommendations []string `json:"recommendations"`
}

// RecommendationGap is a recommendation whose status differs.
type RecommendationGap struct {
	Recommendation string   `json:"recommendation"`
	Framework      string   `json:"framework"`
	Title          string   `json:"title"`
	SelfStatus     string   `json:"self_status"`
	ShadowStatus   string   `json:"shadow_status"`
	Self           *float64 `json:"self"`
	Shadow         *float64 `json:"shadow"`
	Difference     *float64 `json:"difference"`
	// Indicators are the disagreeing indicators that measure it, biggest
	// difference first: why its status differs.
	Indicators []string `json:"indicators"`
}

// RedFlagGap is a red flag raised in one assessment only.
type RedFlagGap struct {
	RaisedIn  Kind    `json:"raised_in"`
	RedFlag   string  `json:"red_flag"`
	Indicator string  `json:"indicator"`
	Title     string  `json:"title"`
	Cap       float64 `json:"cap"`
	Applied   bool    `json:"applied"`
}

// Gap compares two scored revisions of the same country and period, self
// and shadow (the shadow may also be an independent assessment). It
// trusts its caller (see CompareGap) to have matched them; nil results are
// treated as empty.
func Gap(cat *Catalog, self, shadow *Revision, selfResult, shadowResult *Result) *GapResult {
	if selfResult == nil {
		selfResult = &Result{}
	}
	if shadowResult == nil {
		shadowResult = &Result{}
	}
	g := &GapResult{
		Country:         cmp.Or(self.Assessment.Subject.Key(), shadow.Assessment.Subject.Key()),
		Period:          cmp.Or(self.Assessment.Period.Key(), shadow.Assessment.Period.Key()),
		Self:            gapSide(self, selfResult),
		Shadow:          gapSide(shadow, shadowResult),
		RedFlags:        []RedFlagGap{},
		Indicators:      []IndicatorGap{},
		Recommendations: []RecommendationGap{},
		Frameworks:      []ScoreGap{},
		OnlyInSelf:      []string{},
		OnlyInShadow:    []string{},
		EvidenceGaps:    []string{},
	}
	g.Rating = ScoreGap{
		Level: LevelRating, Title: "Civic space rating",
		Self: cloneFloat(selfResult.Rating.Score), Shadow: cloneFloat(shadowResult.Rating.Score),
		SelfCoverage: selfResult.Rating.Coverage, ShadowCoverage: shadowResult.Rating.Coverage,
		SelfStatus: selfResult.Rating.Band, ShadowStatus: shadowResult.Rating.Band,
	}
	g.Rating.Difference = difference(g.Rating.Self, g.Rating.Shadow)
	g.Summary.RatingDifference = cloneFloat(g.Rating.Difference)
	g.Summary.BandDiffers = selfResult.Rating.Band != shadowResult.Rating.Band

	g.RedFlags = redFlagGaps(self.Assessment.Kind, shadow.Assessment.Kind, selfResult.Rating.Caps, shadowResult.Rating.Caps)
	for _, rf := range g.RedFlags {
		if rf.RaisedIn == self.Assessment.Kind {
			g.Summary.RedFlagsOnlyInSelf++
		} else {
			g.Summary.RedFlagsOnlyInShadow++
		}
	}

	// Which applicable recommendations each indicator measures, from both
	// results, in catalog order.
	recsOf := map[string][]string{}
	applicable := map[string]bool{}
	for _, res := range []*Result{selfResult, shadowResult} {
		for _, r := range res.Recommendations {
			if r.Status != StatusNotApplicable {
				applicable[r.ID] = true
			}
		}
	}
	for _, r := range cat.Recommendations() {
		if !applicable[r.ID] {
			continue
		}
		for _, ind := range cat.IndicatorsFor(r.ID) {
			recsOf[ind.ID] = append(recsOf[ind.ID], r.ID)
		}
	}

	selfInd, shadowInd := indicatorIndex(selfResult), indicatorIndex(shadowResult)
	ids := map[string]bool{}
	for id := range selfInd {
		ids[id] = true
	}
	for id := range shadowInd {
		ids[id] = true
	}
	for id := range self.Assessment.Answers {
		ids[id] = true
	}
	for id := range shadow.Assessment.Answers {
		ids[id] = true
	}
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	slices.Sort(sorted)

	var absSum float64
	var absN int
	for _, id := range sorted {
		sa, inSelf := self.Assessment.Answers[id]
		ha, inShadow := shadow.Assessment.Answers[id]
		ig := IndicatorGap{
			Indicator: id,
			Self:      gapAnswer(sa, inSelf, selfInd[id]),
			Shadow:    gapAnswer(ha, inShadow, shadowInd[id]),
			Issues:    []string{},
		}
		if ind, ok := cat.Indicator(id); ok {
			ig.Question, ig.Weight = ind.Question, ind.Weight
		}
		if !inSelf && !inShadow && ig.Self.Points == nil && ig.Shadow.Points == nil {
			// Neither answered nor scored it: nothing to compare.
			continue
		}
		g.Summary.Indicators++
		ig.Difference = difference(ig.Self.Points, ig.Shadow.Points)
		if ig.Difference != nil {
			absSum += math.Abs(*ig.Difference)
			absN++
			switch {
			case *ig.Difference < 0:
				g.Summary.ShadowLower++
			case *ig.Difference > 0:
				g.Summary.ShadowHigher++
			}
		}
		switch {
		case inSelf && !inShadow:
			ig.Issues = append(ig.Issues, IssueOnlyInSelf)
			g.OnlyInSelf = append(g.OnlyInSelf, id)
		case inShadow && !inSelf:
			ig.Issues = append(ig.Issues, IssueOnlyInShadow)
			g.OnlyInShadow = append(g.OnlyInShadow, id)
		case sa.Value != ha.Value || sa.Status != ha.Status:
			ig.Issues = append(ig.Issues, IssueValue)
		}
		if !equalPoints(ig.Self.Points, ig.Shadow.Points) {
			ig.Issues = append(ig.Issues, IssuePoints)
		}
		if len(ha.Evidence) > 0 && len(sa.Evidence) == 0 {
			ig.Issues = append(ig.Issues, IssueEvidence)
			g.EvidenceGaps = append(g.EvidenceGaps, id)
		}
		if ig.Self.RedFlag != ig.Shadow.RedFlag {
			ig.Issues = append(ig.Issues, IssueRedFlag)
		}
		if len(ig.Issues) == 0 {
			g.Summary.Agree++
			continue
		}
		g.Summary.Disagree++
		ig.Recommendations = recsOf[id]
		if ig.Recommendations == nil {
			ig.Recommendations = []string{}
		}
		g.Indicators = append(g.Indicators, ig)
	}
	slices.SortStableFunc(g.Indicators, func(a, b IndicatorGap) int {
		return cmp.Or(compareAbsDesc(a.Difference, b.Difference), strings.Compare(a.Indicator, b.Indicator))
	})
	if absN > 0 {
		g.Summary.MeanAbsDifference = Float(Round1(absSum / float64(absN)))
	}
	g.Summary.OnlyInSelf, g.Summary.OnlyInShadow, g.Summary.EvidenceGaps = len(g.OnlyInSelf), len(g.OnlyInShadow), len(g.EvidenceGaps)

	// Disagreeing indicators per recommendation, in the order above.
	whyRec := map[string][]string{}
	for _, ig := range g.Indicators {
		for _, r := range ig.Recommendations {
			whyRec[r] = append(whyRec[r], ig.Indicator)
		}
	}
	selfRec, shadowRec := recommendationIndex(selfResult), recommendationIndex(shadowResult)
	for _, r := range cat.Recommendations() {
		s, okS := selfRec[r.ID]
		h, okH := shadowRec[r.ID]
		if !okS && !okH {
			continue
		}
		if s.Status == h.Status {
			continue
		}
		rg := RecommendationGap{
			Recommendation: r.ID, Framework: r.Framework().ID, Title: r.Title,
			SelfStatus: cmp.Or(s.Status, StatusNotAssessed), ShadowStatus: cmp.Or(h.Status, StatusNotAssessed),
			Self: cloneFloat(s.Score), Shadow: cloneFloat(h.Score),
			Indicators: whyRec[r.ID],
		}
		if rg.SelfStatus == rg.ShadowStatus {
			continue
		}
		if rg.Indicators == nil {
			rg.Indicators = []string{}
		}
		rg.Difference = difference(rg.Self, rg.Shadow)
		g.Recommendations = append(g.Recommendations, rg)
	}
	slices.SortStableFunc(g.Recommendations, func(a, b RecommendationGap) int {
		return cmp.Or(compareAbsDesc(a.Difference, b.Difference), strings.Compare(a.Recommendation, b.Recommendation))
	})
	g.Summary.RecommendationsDiffer = len(g.Recommendations)

	g.Frameworks = frameworkGaps(cat, selfResult, shadowResult)
	g.Headline = gapHeadline(g)
	return g
}

func gapSide(rev *Revision, res *Result) GapSide {
	s := GapSide{
		AssessmentID: rev.AssessmentID, Version: rev.Version, Kind: rev.Assessment.Kind,
		Author: rev.Assessment.Author, Title: rev.Assessment.Title,
		Band: res.Rating.Band, Score: cloneFloat(res.Rating.Score), Coverage: res.Rating.Coverage,
	}
	for _, a := range rev.Assessment.Answers {
		if a.Answered() {
			s.Answered++
		}
		if len(a.Evidence) > 0 {
			s.WithEvidence++
		}
	}
	return s
}

func gapAnswer(a Answer, given bool, sc *IndicatorScore) GapAnswer {
	ga := GapAnswer{Answer: "missing", Evidence: []Evidence{}}
	if given {
		switch {
		case a.Status != "":
			ga.Answer = string(a.Status)
		case a.Answered():
			ga.Answer = "answered"
			v := a.Value
			ga.Value = &v
		}
		ga.Comment = a.Comment
		if a.Evidence != nil {
			ga.Evidence = slices.Clone(a.Evidence)
		}
	}
	if sc != nil {
		ga.Points = cloneFloat(sc.Points)
		ga.RedFlag = sc.RedFlag
		if sc.Answer != "" {
			ga.Answer = sc.Answer
		}
	}
	return ga
}

func indicatorIndex(r *Result) map[string]*IndicatorScore {
	m := make(map[string]*IndicatorScore, len(r.Indicators))
	for i := range r.Indicators {
		m[r.Indicators[i].ID] = &r.Indicators[i]
	}
	return m
}

func recommendationIndex(r *Result) map[string]RecommendationScore {
	m := make(map[string]RecommendationScore, len(r.Recommendations))
	for _, rs := range r.Recommendations {
		m[rs.ID] = rs
	}
	return m
}

func redFlagGaps(selfKind, shadowKind Kind, self, shadow []Cap) []RedFlagGap {
	out := []RedFlagGap{}
	has := func(caps []Cap, c Cap) bool {
		return slices.ContainsFunc(caps, func(x Cap) bool { return x.RedFlag == c.RedFlag && x.Indicator == c.Indicator })
	}
	for _, c := range shadow {
		if !has(self, c) {
			out = append(out, RedFlagGap{RaisedIn: shadowKind, RedFlag: c.RedFlag, Indicator: c.Indicator, Title: c.Title, Cap: c.Cap, Applied: c.Applied})
		}
	}
	for _, c := range self {
		if !has(shadow, c) {
			out = append(out, RedFlagGap{RaisedIn: selfKind, RedFlag: c.RedFlag, Indicator: c.Indicator, Title: c.Title, Cap: c.Cap, Applied: c.Applied})
		}
	}
	return out
}

// frameworkGaps pairs the framework and group scores of both results.
func frameworkGaps(cat *Catalog, self, shadow *Result) []ScoreGap {
	type scored struct {
		score    *float64
		coverage float64
		status   string
		ok       bool
	}
	index := func(r *Result) map[string]scored {
		m := map[string]scored{}
		var walk func([]GroupScore)
		walk = func(gs []GroupScore) {
			for _, g := range gs {
				m[LevelGroup+"\x00"+g.ID] = scored{g.Score, g.Coverage, g.Status, true}
				walk(g.Groups)
			}
		}
		for _, f := range r.Frameworks {
			m[LevelFramework+"\x00"+f.ID] = scored{f.Score, f.Coverage, f.Status, true}
			walk(f.Groups)
		}
		return m
	}
	si, hi := index(self), index(shadow)
	out := []ScoreGap{}
	add := func(level, id, kind, title string) {
		s, h := si[level+"\x00"+id], hi[level+"\x00"+id]
		if !s.ok && !h.ok {
			return
		}
		out = append(out, ScoreGap{
			Level: level, ID: id, Kind: kind, Title: title,
			Self: cloneFloat(s.score), Shadow: cloneFloat(h.score), Difference: difference(s.score, h.score),
			SelfCoverage: s.coverage, ShadowCoverage: h.coverage, SelfStatus: s.status, ShadowStatus: h.status,
		})
	}
	var walk func([]*Group)
	walk = func(gs []*Group) {
		for _, g := range gs {
			add(LevelGroup, g.ID, g.Kind, g.Title)
			walk(g.Groups)
		}
	}
	for _, f := range cat.Frameworks() {
		add(LevelFramework, f.ID, "", cmp.Or(f.ShortTitle, f.Title))
		walk(f.Groups)
	}
	return out
}

func gapHeadline(g *GapResult) string {
	var b strings.Builder
	shadow := string(g.Shadow.Kind)
	if shadow == "" {
		shadow = "shadow"
	}
	switch d := g.Rating.Difference; {
	case d == nil:
		fmt.Fprintf(&b, "The %s assessment and the self-assessment cannot be compared on the rating (one has no score)", shadow)
	case *d == 0:
		fmt.Fprintf(&b, "The %s assessment gives the same rating as the self-assessment (%s)", shadow, FormatNumber(*g.Rating.Self))
	default:
		dir := "lower"
		if *d > 0 {
			dir = "higher"
		}
		fmt.Fprintf(&b, "The %s assessment rates %s %s points %s than the self-assessment (%s against %s)",
			shadow, g.Country, FormatNumber(math.Abs(*d)), dir, FormatNumber(*g.Rating.Shadow), FormatNumber(*g.Rating.Self))
	}
	if g.Summary.BandDiffers {
		fmt.Fprintf(&b, ", band %s instead of %s", orNone(g.Shadow.Band), orNone(g.Self.Band))
	}
	fmt.Fprintf(&b, "; they disagree on %d of %d indicators", g.Summary.Disagree, g.Summary.Indicators)
	if g.Summary.RecommendationsDiffer > 0 {
		fmt.Fprintf(&b, ", %d %s change status", g.Summary.RecommendationsDiffer, plural(g.Summary.RecommendationsDiffer, "recommendation", "recommendations"))
	}
	if n := g.Summary.RedFlagsOnlyInShadow; n > 0 {
		fmt.Fprintf(&b, ", %d red %s raised only by the %s assessment", n, plural(n, "flag", "flags"), shadow)
	}
	if n := g.Summary.EvidenceGaps; n > 0 {
		fmt.Fprintf(&b, ", %d %s where only the %s assessment cites evidence", n, plural(n, "answer", "answers"), shadow)
	}
	b.WriteString(".")
	return b.String()
}

func orNone(s string) string { return cmp.Or(s, "none") }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// difference returns shadow minus self, one decimal, nil unless both are
// set.
func difference(self, shadow *float64) *float64 {
	if self == nil || shadow == nil {
		return nil
	}
	return Float(Round1(*shadow - *self))
}

func equalPoints(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// compareAbsDesc orders larger absolute values first and nil last.
func compareAbsDesc(a, b *float64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(math.Abs(*b), math.Abs(*a))
}
